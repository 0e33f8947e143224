"""Per-label decision thresholds chosen on dev data.

Rare labels (hurried, indulgent…) get systematically lower probabilities than frequent ones; one
global 0.5 cut would silence them. For each label we take the threshold that maximises F1 on the
dev rows where the label is known, shrunk towards 0.5 when dev has few positives so that a
handful of examples cannot push a threshold to an extreme.

Twenty-four F1-optimal thresholds together tag too many neutral texts (each label's few false
positives add up), and a CX team reads every tag on an order-status question as noise. So all
thresholds are then raised by one shared logit offset, the smallest that keeps the share of
dev texts without emotion that receive any tag at or below ``max_neutral_tagged``.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_curve

from ..model import LABELS
from ..taxonomy import EMOTION_IDS

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


def limit_neutral_tags(
    thresholds: dict[str, float], probs: np.ndarray, targets: np.ndarray, mask: np.ndarray, max_neutral_tagged: float
) -> dict[str, float]:
    """Raise every threshold by one logit offset until few enough no-emotion dev texts get a tag."""
    emotion_cols = list(range(len(EMOTION_IDS)))
    neutral = (mask[:, emotion_cols].min(axis=1) > 0) & (targets[:, emotion_cols].sum(axis=1) == 0)
    if not neutral.any():
        return thresholds
    base = np.array([thresholds[label] for label in LABELS])
    logit = np.log(base / (1 - base))
    for offset in np.arange(0.0, 6.01, 0.05):
        cut = 1 / (1 + np.exp(-(logit + offset)))
        tagged = (probs[neutral] >= cut).any(axis=1).mean()
        if tagged <= max_neutral_tagged:
            return {label: float(min(c, 0.995)) for label, c in zip(LABELS, cut, strict=True)}
    return {label: float(min(c, 0.995)) for label, c in zip(LABELS, cut, strict=True)}
