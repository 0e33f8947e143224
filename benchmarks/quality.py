"""Quality benchmark: our model vs two baselines trained on exactly the same data.

    python benchmarks/quality.py --model models/default --data-root /path/to/raw \
        [--recipe training/recipes/default.yaml] [--max-per-set N] [--out benchmarks/results/quality.json]
        [--systems emotext tfidf e5-lr] [--split test|dev]
    python benchmarks/quality.py --table --out benchmarks/results/quality.json   # reprint a stored result

Baselines (trained here on the recipe's training examples, the same ones the model saw, with
per-label thresholds fitted on our corpus dev split exactly like the model's):
- ``tfidf``: TF-IDF over character 1-4-grams + one logistic regression per label;
- ``e5-lr``: the frozen e5 encoder's embedding + one logistic regression per label.
A label is fitted on the rows where its source judges it (the same mask the model's loss uses).
Every system's tags are scored as ``analyze()`` returns them: a tagged emotion also tags its
cluster (``emotext.tags.apply_thresholds``).

Held-out evaluation (never trained on):
- our corpus test split, per language: cluster / emotion macro-F1, share of no-emotion texts tagged;
- public test/dev sets mapped to clusters (GoEmotions test en, CEDR test ru, SemEval-2025 Task 11
  test ru/zh/en): macro-F1 over the clusters each set judges;
- MultiEmo text level, positive vs negative reviews (pl/en/ru/zh; never trained on): ROC-AUC of per-text
  NEV and accuracy of its sign.
``--split dev`` scores the same public sets' dev splits instead (MultiEmo's hashed dev split too)
and leaves our corpus test split out: it is how two candidate models are compared without
reading any test split (our corpus dev is the calibration set; ``calibration_cv.py`` covers it).
Every text of each public set is scored by default (about 29,000 texts, 53 minutes on 2 cores);
``--max-per-set N`` draws N per set and language (fixed seed) for quicker comparisons, and the
sample sizes are in the output. At 400 texts a set, a margin's 95 % interval is about +-0.05 wide,
as wide as the targets, so our model's scores and its margins over the better baseline carry 95 %
bootstrap intervals (``--resamples`` draws of the texts).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emotext.model import LABELS
from emotext.nev import nev_scores
from emotext.tags import apply_thresholds
from emotext.taxonomy import CLUSTER_IDS, EMOTION_IDS
from emotext.training.calibration import calibrate as calibrate_thresholds
from emotext.training.corpus import read_corpus
from emotext.training.data import Example, from_corpus, from_source_record, stack
from emotext.training.metrics import macro_f1, report
from emotext.training.recipe import corpus_examples, load_recipe, public_examples
from emotext.training.sources import load_mapping, load_source

PUBLIC_EVAL = [  # (source, languages)
    ("goemotions", ["en"]),
    ("cedr", ["ru"]),
    ("semeval2025_task11", ["ru", "zh", "en"]),
]
POLARITY_EVAL = ("multiemo", ["pl", "en", "ru", "zh"])


class LabelwiseLR:
    """One logistic regression per label, fitted on the rows where that label is known."""

    def __init__(self) -> None:
        self.models: dict[int, Any] = {}

    def fit(self, x: Any, targets: np.ndarray, mask: np.ndarray) -> LabelwiseLR:
        from sklearn.linear_model import LogisticRegression

        for j in range(len(LABELS)):
            known = mask[:, j] > 0
            y = targets[known, j]
            if known.sum() and 0 < y.sum() < len(y):
                self.models[j] = LogisticRegression(max_iter=2000, C=2.0, class_weight="balanced").fit(x[known], y)
        return self

    def predict_proba(self, x: Any) -> np.ndarray:
        out = np.zeros((x.shape[0], len(LABELS)), dtype=np.float32)
        for j, model in self.models.items():
            out[:, j] = model.predict_proba(x)[:, 1]
        return out


def calibrate(probs: np.ndarray, targets: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """Exactly the model's calibration (TrainConfig defaults), so the baselines are tuned alike."""
    from emotext.training.trainer import TrainConfig

    return calibrate_thresholds(probs, targets, mask, TrainConfig().max_neutral_tagged)


def sample(records: list[dict], n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    records = list(records)
    rng.shuffle(records)
    return records[:n] if n > 0 else records


def eval_sets(data_root: Path, split: str, max_per_set: int, seed: int) -> dict[str, list[Example]]:
    sets: dict[str, list[Example]] = {}
    for source, langs in PUBLIC_EVAL:
        for lang in langs:
            records = list(load_source(source, data_root, splits=(split,), languages=(lang,)))
            sets[f"{source}/{split}/{lang}"] = [from_source_record(dict(r)) for r in sample(records, max_per_set, seed)]
    return sets


def polarity_sets(data_root: Path, split: str, max_per_set: int, seed: int) -> dict[str, tuple[list[str], np.ndarray]]:
    source, langs = POLARITY_EVAL
    out = {}
    for lang in langs:
        records = [
            r for r in load_source(source, data_root, splits=(split,), languages=(lang,)) if r["polarity"] in (1, -1)
        ]
        chosen = sample(records, max_per_set, seed)
        out[f"{source}/{split}/{lang}"] = ([r["text"] for r in chosen], np.array([r["polarity"] for r in chosen]))
    return out


def judged_clusters(source: str) -> list[str]:
    return [c for c in load_mapping(source).judges if c in CLUSTER_IDS]


def score_block(preds: np.ndarray, examples: list[Example], clusters: list[str] | None) -> dict[str, Any]:
    targets, mask = stack(examples)
    if clusters is None:
        rep = report(targets, preds, mask)["all"]
        return {k: v for k, v in rep.items() if k != "labels"} | {
            "cluster_f1": {c: rep["labels"].get(c, {}).get("f1") for c in CLUSTER_IDS},
            "label_f1": {label: s["f1"] for label, s in rep["labels"].items()},
        }
    return {"n": len(examples), "clusters": clusters, "macro_f1": macro_f1(targets, preds, mask, clusters)}


def polarity_scores(nev: np.ndarray, polarity: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import roc_auc_score

    return {
        "roc_auc": float(roc_auc_score(polarity > 0, nev)),
        "sign_accuracy": float(np.mean(np.sign(nev) == polarity)),
    }


def bootstrap_draws(
    score: Callable[[np.ndarray], dict[str, float]], n: int, resamples: int, seed: int
) -> dict[str, np.ndarray]:
    """``score`` on ``resamples`` resamples (with replacement) of a set's ``n`` texts, per metric."""
    rng = np.random.default_rng(seed)
    draws = [score(rng.integers(0, n, n)) for _ in range(resamples)]
    return {metric: np.array([d[metric] for d in draws]) for metric in draws[0]}


def interval(draws: np.ndarray) -> list[float]:
    return [round(float(np.percentile(draws, 2.5)), 4), round(float(np.percentile(draws, 97.5)), 4)]


def set_score(
    targets: np.ndarray, mask: np.ndarray, preds_of: dict[str, np.ndarray], clusters: list[str] | None
) -> Callable[[np.ndarray], dict[str, float]]:
    """Scores of one evaluated set on a resample: our corpus's cluster and emotion macro-F1
    (``clusters`` None), or a public set's macro-F1 over its clusters and our margin over the better
    baseline, every system scored on the same resample."""

    def score(idx: np.ndarray) -> dict[str, float]:
        t, m = targets[idx], mask[idx]
        if clusters is None:
            p = preds_of["emotext"][idx]
            return {
                "cluster_macro_f1": macro_f1(t, p, m, CLUSTER_IDS),
                "emotion_macro_f1": macro_f1(t, p, m, EMOTION_IDS),
            }
        f1 = {system: macro_f1(t, p[idx], m, clusters) for system, p in preds_of.items()}
        best = max((v for system, v in f1.items() if system != "emotext"), default=None)
        return {"macro_f1": f1["emotext"]} | ({} if best is None else {"margin": f1["emotext"] - best})

    return score


def emotext_intervals(
    preds: dict[str, dict[str, np.ndarray]],
    nev: dict[str, np.ndarray],
    examples_of: dict[str, list[Example]],
    clusters_of: dict[str, list[str] | None],
    polarity: dict[str, tuple[list[str], np.ndarray]],
    resamples: int,
    seed: int,
) -> dict[str, dict[str, list[float]]]:
    """95 % percentile intervals of our model's scores and margins, plus the average margin's: draw b
    averages every set's b-th resample, so the sets vary independently as in a new sample."""
    out: dict[str, dict[str, list[float]]] = {}
    margins: list[np.ndarray] = []
    for name, examples in examples_of.items():
        targets, mask = stack(examples)
        score = set_score(targets, mask, {system: p[name] for system, p in preds.items()}, clusters_of[name])
        draws = bootstrap_draws(score, len(examples), resamples, seed)
        margins += [draws["margin"]] if "margin" in draws else []
        out[name] = {metric: interval(d) for metric, d in draws.items()}
    if margins:
        out["public sets"] = {"average_margin": interval(np.mean(margins, axis=0))}
    for name, (_, pol) in polarity.items():
        score = partial(polarity_resample, nev[name], pol)
        out[name] = {metric: interval(d) for metric, d in bootstrap_draws(score, len(pol), resamples, seed).items()}
    return out


def polarity_resample(nev: np.ndarray, polarity: np.ndarray, idx: np.ndarray) -> dict[str, float]:
    return polarity_scores(nev[idx], polarity[idx])


SYSTEMS = ("emotext", "tfidf", "e5-lr")


def fit_baseline(
    x_train: Any,
    features: Callable[[list[str]], Any],
    train: list[Example],
    texts_of: dict[str, list[str]],
    dev_targets: np.ndarray,
    dev_mask: np.ndarray,
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """One logistic regression per label on ``x_train``; probabilities for every evaluated set and
    thresholds calibrated on dev exactly like the model's."""
    train_targets, train_mask = stack(train)
    lr = LabelwiseLR().fit(x_train, train_targets, train_mask)
    probs = {name: lr.predict_proba(features(texts)) for name, texts in texts_of.items()}
    return probs, calibrate(probs["dev"], dev_targets, dev_mask)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--data-root", type=Path, help="folder of the public sets (required unless --table)")
    parser.add_argument("--recipe", type=Path, default=Path("training/recipes/default.yaml"))
    parser.add_argument("--max-per-set", type=int, default=0, help="texts per public set and language (0: all of them)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--split",
        choices=("test", "dev"),
        default="test",
        help="dev: public dev splits only, no test split read (for choosing between candidate models)",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "quality.json")
    parser.add_argument(
        "--systems",
        nargs="+",
        choices=SYSTEMS,
        default=list(SYSTEMS),
        help="a subset; `--systems emotext` compares models without refitting the baselines (12 of 17 min)",
    )
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap draws for the 95 %% intervals")
    parser.add_argument("--table", action="store_true", help="print the tables of --out and exit")
    args = parser.parse_args()
    if args.table:
        print(render_table(json.loads(args.out.read_text(encoding="utf-8"))))
        return
    if args.data_root is None:
        parser.error("--data-root is required")

    import torch

    torch.set_num_threads(2)
    from emotext.predict import LoadedModel

    t0 = time.perf_counter()
    recipe = load_recipe(args.recipe)
    train, dev = corpus_examples(recipe, Path.cwd())
    train += public_examples(recipe, args.data_root, log=lambda m: print(m, file=sys.stderr))
    corpus_test = from_corpus(read_corpus(Path.cwd() / recipe["corpus"]), "test") if args.split == "test" else []
    public = eval_sets(args.data_root, args.split, args.max_per_set, args.seed)
    polarity = polarity_sets(args.data_root, args.split, args.max_per_set, args.seed)
    langs = ("en", "ru", "pl", "zh") if corpus_test else ()
    texts_of = {
        "dev": [e.text for e in dev],
        **{f"corpus/test/{lang}": [e.text for e in corpus_test if e.lang == lang] for lang in langs},
        **{name: [e.text for e in ex] for name, ex in public.items()},
        **{name: texts for name, (texts, _) in polarity.items()},
    }
    examples_of: dict[str, list[Example]] = {
        **{f"corpus/test/{lang}": [e for e in corpus_test if e.lang == lang] for lang in langs},
        **public,
    }
    lang_of = {name: name.rsplit("/", 1)[-1] for name in texts_of}
    lang_of["dev"] = "en"
    dev_langs = [e.lang for e in dev]

    probs: dict[str, dict[str, np.ndarray]] = {}
    thresholds: dict[str, dict[str, float]] = {}
    dev_targets, dev_mask = stack(dev)

    if "emotext" in args.systems:
        loaded = LoadedModel.load(args.model)
        probs["emotext"] = {
            name: loaded.probabilities(texts, dev_langs if name == "dev" else [lang_of[name]] * len(texts))
            for name, texts in texts_of.items()
        }
        thresholds["emotext"] = loaded.config.thresholds
        print(f"emotext done {time.perf_counter() - t0:.0f}s", file=sys.stderr)

    train_texts = [e.text for e in train]
    if "tfidf" in args.systems:  # baseline 1: TF-IDF over character 1-4-grams + LR per label
        from sklearn.feature_extraction.text import TfidfVectorizer

        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), min_df=2, sublinear_tf=True, max_features=300_000)
        x_train = vec.fit_transform(train_texts)
        probs["tfidf"], thresholds["tfidf"] = fit_baseline(
            x_train, vec.transform, train, texts_of, dev_targets, dev_mask
        )
        print(f"tfidf done {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    if "e5-lr" in args.systems:  # baseline 2: the frozen e5 embedding + LR per label
        from emotext.encoder import Encoder

        encoder = Encoder()  # a fresh, unadapted encoder (LoadedModel merged LoRA into its own copy)
        x_train = encoder.embed(train_texts)
        probs["e5-lr"], thresholds["e5-lr"] = fit_baseline(
            x_train, encoder.embed, train, texts_of, dev_targets, dev_mask
        )
        print(f"e5-lr done {time.perf_counter() - t0:.0f}s", file=sys.stderr)

    results: dict[str, Any] = {
        "command": "python " + " ".join(sys.argv),
        "model": str(args.model),
        "recipe": str(args.recipe),
        "training_examples": {"total": len(train), "corpus": sum(e.source == "emotext-team" for e in train)},
        "max_per_set": args.max_per_set,
        "split": args.split,
        "systems": {},
    }
    # Tags and NEV once per system and set: the point scores and the bootstrap intervals share them.
    preds = {s: {name: apply_thresholds(probs[s][name], thresholds[s]) for name in examples_of} for s in probs}
    nev = {s: {name: nev_scores(probs[s][name][:, : len(EMOTION_IDS)]) for name in polarity} for s in probs}
    clusters_of = {n: None if n.startswith("corpus/") else judged_clusters(n.split("/")[0]) for n in examples_of}
    for system in probs:
        res: dict[str, Any] = {}
        for name, examples in examples_of.items():
            res[name] = score_block(preds[system][name], examples, clusters_of[name])
        for name, (_, pol) in polarity.items():
            res[name] = {"n": len(pol)} | polarity_scores(nev[system][name], pol)
        results["systems"][system] = res
    if "emotext" in probs:
        results["intervals_95"] = emotext_intervals(
            preds, nev["emotext"], examples_of, clusters_of, polarity, args.resamples, args.seed
        )
        results["resamples"] = args.resamples
    results["wall_time_s"] = round(time.perf_counter() - t0, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(render_table(results))


def render_table(results: dict[str, Any]) -> str:
    systems = list(results["systems"])
    first = results["systems"][systems[0]]
    lines = ["| set | metric | " + " | ".join(systems) + " |", "|---|---|" + "---|" * len(systems)]
    for name in first:
        block = first[name]
        if "cluster_macro_f1" in block:
            metrics = ["cluster_macro_f1", "emotion_macro_f1", "no_emotion_tagged_share"]
        elif "macro_f1" in block:
            metrics = ["macro_f1"]
        else:
            metrics = ["roc_auc", "sign_accuracy"]
        for metric in metrics:
            vals = [results["systems"][s][name][metric] for s in systems]
            lines.append(
                f"| {name} (n={block['n']}) | {metric} | "
                + " | ".join("-" if v is None else f"{v:.3f}" for v in vals)
                + " |"
            )
    return "\n".join([*lines, "", *summary_lines(results["systems"], results.get("intervals_95", {}))])


def summary_lines(
    systems: dict[str, dict[str, Any]], intervals: dict[str, dict[str, list[float]]] | None = None
) -> list[str]:
    """The model issue's aggregate targets, derived from the per-set scores so nobody sums them by hand:
    each public set's margin over the better baseline and their average, the public-set mean (how two
    candidates are compared with ``--split dev``) and the mean MultiEmo ROC-AUC; then the 95 %
    bootstrap intervals of our model's scores and margins, where the run computed them."""
    ours = systems.get("emotext")
    if ours is None:
        return []
    intervals = intervals or {}

    def ci(name: str, metric: str, signed: bool = False) -> str:
        if metric not in intervals.get(name, {}):
            return ""
        lo, hi = intervals[name][metric]
        return f" (95 % CI {lo:+.3f} to {hi:+.3f})" if signed else f" (95 % CI {lo:.3f} to {hi:.3f})"

    public = [name for name, block in ours.items() if "macro_f1" in block]
    polarity = [name for name, block in ours.items() if "roc_auc" in block]
    baselines = [s for s in systems if s != "emotext"]
    lines = []
    if public:
        public_mean = np.mean([ours[n]["macro_f1"] for n in public])
        lines.append(f"emotext mean macro-F1 over the public sets: {public_mean:.4f}")
    if public and baselines:
        margins = {n: ours[n]["macro_f1"] - max(systems[s][n]["macro_f1"] for s in baselines) for n in public}
        lines += [f"margin over the better baseline, {n}: {m:+.3f}{ci(n, 'margin', True)}" for n, m in margins.items()]
        average = np.mean(list(margins.values()))
        lines.append(
            f"average margin over the better baseline: {average:+.3f}{ci('public sets', 'average_margin', True)}"
        )
    if polarity:
        auc_mean = np.mean([ours[n]["roc_auc"] for n in polarity])
        lines.append(f"emotext mean MultiEmo NEV ROC-AUC: {auc_mean:.4f}")
    for name, block in ours.items():
        for metric in ("cluster_macro_f1", "emotion_macro_f1", "roc_auc", "sign_accuracy"):
            if metric in block and ci(name, metric):
                lines.append(f"emotext {name} {metric}: {block[metric]:.3f}{ci(name, metric)}")
    return lines


if __name__ == "__main__":
    main()
