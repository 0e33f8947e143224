"""Would thresholds calibrated on public dev rows as well as our corpus dev lift the public sets?

    python benchmarks/public_calibration.py --model models/default --data-root /path/to/raw \
        [--recipe training/recipes/default.yaml] [--repeats 5] [--out benchmarks/results/public_calibration.json]

The model's thresholds are fitted on our corpus dev split only, and the public sets (Reddit,
LiveJournal, tweets) tag differently from customer feedback; the quality benchmark's public-set
margins could be a threshold mismatch rather than a model gap. This tests that on dev data only:
each public set's dev split (the same samples as ``quality.py --split dev``) is cut in random
halves; thresholds are calibrated (the model's own calibration) on corpus dev plus one half of
every public set and scored on the other halves, then swapped. The same is done for the e5-lr
baseline, trained on the recipe's examples as in ``quality.py``, because a calibration change
reaches the baselines too. Both columns are scored on the same held-out halves.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.quality import calibrate, eval_sets, fit_baseline, judged_clusters
from emotext.tags import apply_thresholds
from emotext.training.data import Example, stack
from emotext.training.metrics import macro_f1
from emotext.training.recipe import corpus_examples, load_recipe, public_examples


def held_out_scores(
    probs: dict[str, np.ndarray], examples: dict[str, list[Example]], repeats: int, seed: int
) -> dict[str, dict[str, float]]:
    """Mean held-out macro-F1 per public set: corpus-dev thresholds vs corpus dev + public halves.
    ``examples`` holds our corpus dev as "dev" and the public dev sets by name."""
    stacked = {name: stack(ex) for name, ex in examples.items()}
    public = [name for name in examples if name != "dev"]
    corpus_only = calibrate(probs["dev"], *stacked["dev"])
    rng = np.random.default_rng(seed)
    scores: dict[str, dict[str, list[float]]] = {name: {"corpus_dev": [], "plus_public_dev": []} for name in public}
    for _ in range(repeats):
        halves = {name: np.array_split(rng.permutation(len(examples[name])), 2) for name in public}
        for side in (0, 1):
            fit = {name: halves[name][side] for name in public}
            pooled = calibrate(
                np.vstack([probs["dev"], *(probs[name][fit[name]] for name in public)]),
                np.vstack([stacked["dev"][0], *(stacked[name][0][fit[name]] for name in public)]),
                np.vstack([stacked["dev"][1], *(stacked[name][1][fit[name]] for name in public)]),
            )
            for name in public:
                idx = halves[name][1 - side]
                targets, mask = stacked[name][0][idx], stacked[name][1][idx]
                clusters = judged_clusters(name.split("/")[0])
                for key, thresholds in (("corpus_dev", corpus_only), ("plus_public_dev", pooled)):
                    tags = apply_thresholds(probs[name][idx], thresholds)
                    scores[name][key].append(macro_f1(targets, tags, mask, clusters))
    return {name: {k: round(float(np.mean(v)), 4) for k, v in s.items()} for name, s in scores.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--data-root", type=Path, required=True)
    parser.add_argument("--recipe", type=Path, default=Path("training/recipes/default.yaml"))
    parser.add_argument("--max-per-set", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "public_calibration.json")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(2)
    from emotext.encoder import Encoder
    from emotext.predict import LoadedModel
    from emotext.training.evaluate import example_probabilities

    recipe = load_recipe(args.recipe)
    train, dev = corpus_examples(recipe, Path.cwd())
    train += public_examples(recipe, args.data_root, log=lambda m: print(m, file=sys.stderr))
    examples = {"dev": dev, **eval_sets(args.data_root, "dev", args.max_per_set, seed=7)}  # quality.py's samples

    model = LoadedModel.load(args.model)
    model_probs = {name: example_probabilities(model, ex) for name, ex in examples.items()}
    # The e5-lr baseline exactly as quality.py fits it; held_out_scores refits its corpus-dev thresholds.
    encoder = Encoder()
    lr_probs, _ = fit_baseline(
        encoder.embed([e.text for e in train]),
        encoder.embed,
        train,
        {name: [e.text for e in ex] for name, ex in examples.items()},
        *stack(dev),
    )

    result = {
        "command": "python " + " ".join(sys.argv),
        "model": str(args.model),
        "recipe": str(args.recipe),
        "splits": 2 * args.repeats,
        "systems": {
            "emotext": held_out_scores(model_probs, examples, args.repeats, args.seed),
            "e5-lr": held_out_scores(lr_probs, examples, args.repeats, args.seed),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print("| set | system | corpus dev thresholds | + public dev halves |\n|---|---|---|---|")
    for system, per_set in result["systems"].items():
        for name, s in per_set.items():
            print(f"| {name} | {system} | {s['corpus_dev']:.3f} | {s['plus_public_dev']:.3f} |")


if __name__ == "__main__":
    main()
