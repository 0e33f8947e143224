"""How strict the neutral-tag limit must be on dev to hold on texts calibration never saw.

    python benchmarks/calibration_cv.py --model models/default \
        [--recipe training/recipes/default.yaml] [--limits 0 0.03 0.05 0.08] [--repeats 5]
        [--out benchmarks/results/calibration_cv.json]

Calibration fits per-label thresholds on our corpus dev split and then raises them until at most
``max_neutral_tagged`` of dev's no-emotion texts get a tag (``emotext.training.calibration``). On
about 130 neutral dev texts that fit is tight, so the share on new texts comes out higher than the
limit. This script measures by how much: it splits dev in random halves, calibrates on one half
with each limit, scores the other half (cluster and emotion macro-F1, share of no-emotion texts
tagged, tags as ``analyze()`` returns them) and swaps, ``--repeats`` times. It also scores the
method calibration used before (one logit offset shared by all labels) for comparison.

The default ``TrainConfig.max_neutral_tagged`` is the largest limit whose held-out share stays at
or below 0.08 (the issue asks for under 0.10 on the test split; 0.02 is left for sampling).
Only dev is used: the test split stays untouched for the quality benchmark.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emotext.model import LABELS
from emotext.predict import LoadedModel
from emotext.tags import apply_thresholds
from emotext.taxonomy import CLUSTER_IDS, EMOTION_IDS
from emotext.training.calibration import MAX_RAISED, fit_thresholds, limit_neutral_tags
from emotext.training.data import stack
from emotext.training.evaluate import example_probabilities
from emotext.training.metrics import macro_f1, no_emotion_rows
from emotext.training.recipe import corpus_examples, load_recipe

HELD_OUT_TARGET = 0.08


def shared_offset(
    thresholds: dict[str, float], probs: np.ndarray, targets: np.ndarray, mask: np.ndarray, limit: float
) -> dict[str, float]:
    """The calibration used up to 0.12: every threshold raised by one logit offset until the limit holds."""
    neutral = no_emotion_rows(targets, mask)
    base = np.array([thresholds[label] for label in LABELS])
    logit = np.log(base / (1 - base))
    for offset in np.arange(0.0, 6.01, 0.05):
        cut = np.minimum(1 / (1 + np.exp(-(logit + offset))), MAX_RAISED)
        if (probs[neutral] >= cut).any(axis=1).mean() <= limit:
            break
    return dict(zip(LABELS, map(float, cut), strict=True))


def held_out(probs: np.ndarray, targets: np.ndarray, mask: np.ndarray, fit: np.ndarray, score: np.ndarray,
             method: str, limit: float) -> tuple[float, float, float]:  # fmt: skip
    base = fit_thresholds(probs[fit], targets[fit], mask[fit])
    limiter = limit_neutral_tags if method == "per-label" else shared_offset
    thresholds = limiter(base, probs[fit], targets[fit], mask[fit], limit) if limit < 1 else base
    tags = apply_thresholds(probs[score], thresholds)
    t, m = targets[score], mask[score]
    return (
        macro_f1(t, tags, m, CLUSTER_IDS),
        macro_f1(t, tags, m, EMOTION_IDS),
        float(tags[no_emotion_rows(t, m)].any(axis=1).mean()),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--recipe", type=Path, default=Path("training/recipes/default.yaml"))
    parser.add_argument("--limits", type=float, nargs="+", default=[0.0, 0.02, 0.03, 0.05, 0.08])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "calibration_cv.json")
    args = parser.parse_args()

    _, dev = corpus_examples(load_recipe(args.recipe), Path.cwd())
    probs = example_probabilities(LoadedModel.load(args.model), dev)
    targets, mask = stack(dev)
    rng = np.random.default_rng(args.seed)
    halves = []
    for _ in range(args.repeats):
        order = rng.permutation(len(dev))
        a, b = order[: len(dev) // 2], order[len(dev) // 2 :]
        halves += [(a, b), (b, a)]

    rows = []
    settings = [("none", 1.0)] + [(m, lim) for m in ("per-label", "shared-offset") for lim in args.limits]
    for method, limit in settings:
        scores = np.array([held_out(probs, targets, mask, fit, score, method, limit) for fit, score in halves])
        row = {
            "method": method,
            "limit": None if method == "none" else limit,
            "cluster_macro_f1": round(float(scores[:, 0].mean()), 4),
            "emotion_macro_f1": round(float(scores[:, 1].mean()), 4),
            "neutral_tagged": round(float(scores[:, 2].mean()), 4),
            "neutral_tagged_worst": round(float(scores[:, 2].max()), 4),
        }
        rows.append(row)
        print(f"{method:14} {row['limit']!s:5}  cluster F1 {row['cluster_macro_f1']:.3f}  emotion F1 "
              f"{row['emotion_macro_f1']:.3f}  neutral tagged {row['neutral_tagged']:.3f} "
              f"(worst half {row['neutral_tagged_worst']:.3f})", flush=True)  # fmt: skip
    meeting = [r for r in rows if r["method"] == "per-label" and r["neutral_tagged"] <= HELD_OUT_TARGET]
    chosen = max(meeting, key=lambda r: r["limit"])["limit"] if meeting else None
    print(f"largest per-label limit with held-out share <= {HELD_OUT_TARGET}: {chosen}")
    result = {
        "command": "python " + " ".join(sys.argv),
        "model": str(args.model),
        "dev_texts": len(dev),
        "dev_no_emotion_texts": int(no_emotion_rows(targets, mask).sum()),
        "splits": len(halves),
        "held_out_target": HELD_OUT_TARGET,
        "chosen_limit": chosen,
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
