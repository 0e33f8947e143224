"""Multi-label metrics that respect the known-label mask.

A label is scored only on rows where it is known, and only if those rows hold at least one
positive (F1 of a label with no positives in the data is undefined and would reward silence).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..model import LABELS
from ..taxonomy import CLUSTER_IDS, EMOTION_IDS


def label_scores(y: np.ndarray, pred: np.ndarray, known: np.ndarray) -> dict[str, Any]:
    tp = int(((y == 1) & (pred == 1) & known).sum())
    fp = int(((y == 0) & (pred == 1) & known).sum())
    fn = int(((y == 1) & (pred == 0) & known).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn, "tp": tp, "fp": fp, "fn": fn}


def per_label(targets: np.ndarray, preds: np.ndarray, mask: np.ndarray) -> dict[str, dict[str, Any]]:
    out = {}
    for j, label in enumerate(LABELS):
        known = mask[:, j] > 0
        if known.any() and targets[known, j].sum() > 0:
            out[label] = label_scores(targets[:, j], preds[:, j], known)
    return out


def macro_f1(targets: np.ndarray, preds: np.ndarray, mask: np.ndarray, labels: Sequence[str] = LABELS) -> float:
    scores = per_label(targets, preds, mask)
    values = [scores[label]["f1"] for label in labels if label in scores]
    return float(np.mean(values)) if values else 0.0


def micro_f1(targets: np.ndarray, preds: np.ndarray, mask: np.ndarray, labels: Sequence[str] = LABELS) -> float:
    cols = [LABELS.index(label) for label in labels]
    known = mask[:, cols] > 0
    s = label_scores(targets[:, cols], preds[:, cols], known)
    return float(s["f1"])


def no_emotion_rows(targets: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Rows judged on every emotion and carrying none: the texts no tag should reach."""
    emotion_cols = [LABELS.index(e) for e in EMOTION_IDS]
    return (mask[:, emotion_cols].min(axis=1) > 0) & (targets[:, emotion_cols].sum(axis=1) == 0)


def report(
    targets: np.ndarray, preds: np.ndarray, mask: np.ndarray, langs: Sequence[str] | None = None
) -> dict[str, Any]:
    """Per-label P/R/F1, macro/micro over emotions and clusters, per language, neutral false-tag rate."""

    def block(t: np.ndarray, p: np.ndarray, m: np.ndarray) -> dict[str, Any]:
        neutral = no_emotion_rows(t, m)
        tagged = p.sum(axis=1) > 0
        return {
            "n": len(t),
            "cluster_macro_f1": macro_f1(t, p, m, CLUSTER_IDS),
            "emotion_macro_f1": macro_f1(t, p, m, EMOTION_IDS),
            "cluster_micro_f1": micro_f1(t, p, m, CLUSTER_IDS),
            "emotion_micro_f1": micro_f1(t, p, m, EMOTION_IDS),
            "no_emotion_texts": int(neutral.sum()),
            "no_emotion_tagged_share": float(tagged[neutral].mean()) if neutral.any() else None,
            "labels": per_label(t, p, m),
        }

    out = {"all": block(targets, preds, mask)}
    if langs is not None:
        arr = np.asarray(langs)
        for lang in sorted(set(langs)):
            sel = arr == lang
            out[lang] = block(targets[sel], preds[sel], mask[sel])
    return out
