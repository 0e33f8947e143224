"""Per-label decision thresholds chosen on dev data.

Rare labels (hurried, indulgent…) get systematically lower probabilities than frequent ones; one
global 0.5 cut would silence them. For each label we take the threshold that maximises F1 on the
dev rows where the label is known, shrunk towards 0.5 when dev has few positives so that a
handful of examples cannot push a threshold to an extreme.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_curve

from ..model import LABELS

MIN_THRESHOLD, MAX_THRESHOLD = 0.05, 0.95


def fit_thresholds(
    probs: np.ndarray, targets: np.ndarray, mask: np.ndarray, min_positives: int = 5
) -> dict[str, float]:
    thresholds: dict[str, float] = {}
    for j, label in enumerate(LABELS):
        known = mask[:, j] > 0
        y, p = targets[known, j], probs[known, j]
        positives = int(y.sum())
        if positives == 0 or positives == len(y):
            thresholds[label] = 0.5
            continue
        precision, recall, cuts = precision_recall_curve(y, p)
        f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-9)
        best = float(cuts[int(np.argmax(f1))])
        trust = min(1.0, positives / (4 * min_positives))
        value = trust * best + (1 - trust) * 0.5
        thresholds[label] = float(np.clip(value, MIN_THRESHOLD, MAX_THRESHOLD))
    return thresholds


def apply_thresholds(probs: np.ndarray, thresholds: dict[str, float]) -> np.ndarray:
    cut = np.array([thresholds.get(label, 0.5) for label in LABELS], dtype=np.float32)
    return (probs >= cut).astype(np.int8)
