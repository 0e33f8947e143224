"""Per-label decision thresholds chosen on dev data.

Rare labels (hurried, indulgent…) get systematically lower probabilities than frequent ones; one
global 0.5 cut would silence them. For each label we take the threshold that maximises F1 on the
dev rows where the label is known, shrunk towards 0.5 when dev has few positives so that a
handful of examples cannot push a threshold to an extreme.

Twenty-four F1-optimal thresholds together tag too many neutral texts (each label's few false
positives add up), and a CX team reads every tag on an order-status question as noise. So
thresholds are then raised one label at a time, cheapest first, until the share of dev texts
without emotion that receive any tag is at or below ``max_neutral_tagged``. One shared offset for
all labels, used before, was set by the few most confident neutral texts and lifted rare emotions'
thresholds to 0.9 and above, silencing them; raising only the labels that fire on neutral texts
keeps the rest. Greedy raising fits dev's neutral texts closely, so the limit it is given is lower
than the share wanted on new data: ``benchmarks/calibration_cv.py`` measures the share on held-out
halves of dev and chose the default ``TrainConfig.max_neutral_tagged``.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_curve

from ..model import LABELS
from ..tags import apply_thresholds
from ..taxonomy import CLUSTER_IDS, EMOTION_IDS
from .metrics import macro_f1, no_emotion_rows

MIN_THRESHOLD, MAX_THRESHOLD = 0.05, 0.95  # F1-optimal thresholds are clipped to this range
MAX_RAISED = 0.995  # neutral-limit raising may go further, never to 1


def calibrate(probs: np.ndarray, targets: np.ndarray, mask: np.ndarray, max_neutral_tagged: float) -> dict[str, float]:
    """Thresholds for a model whose dev scores are ``probs``: F1-optimal per label, then neutral-limited."""
    return limit_neutral_tags(fit_thresholds(probs, targets, mask), probs, targets, mask, max_neutral_tagged)


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
    """Raise single labels' thresholds until few enough no-emotion dev texts get a tag.

    Each step tries lifting every label that fires on a neutral dev text just past its next one to
    three such scores and keeps the lift that loses the least dev macro-F1 (clusters and emotions
    weighed alike) per neutral tag removed. Tags are counted after the cluster rule of
    ``apply_thresholds``, so a lift that leaves a text tagged through another label still counts
    as progress and the search cannot stall.
    """
    neutral = no_emotion_rows(targets, mask)
    if not neutral.any():
        return thresholds
    neutral_probs = probs[neutral]

    def score(cut: dict[str, float]) -> tuple[float, int, float]:
        tags = apply_thresholds(probs, cut)
        quality = (macro_f1(targets, tags, mask, CLUSTER_IDS) + macro_f1(targets, tags, mask, EMOTION_IDS)) / 2
        neutral_tags = tags[neutral]
        return quality, int(neutral_tags.sum()), float(neutral_tags.any(axis=1).mean())

    current = dict(thresholds)
    quality, fired, share = score(current)
    while share > max_neutral_tagged:
        best: tuple[float, dict[str, float], tuple[float, int, float]] | None = None
        for j, label in enumerate(LABELS):
            above = np.unique(neutral_probs[:, j][neutral_probs[:, j] >= current[label]])
            for value in above[:3]:
                candidate = {**current, label: float(min(value + 1e-6, MAX_RAISED))}
                result = score(candidate)
                if result[1] >= fired:
                    continue
                cost = (quality - result[0]) / (fired - result[1])
                if best is None or cost < best[0]:
                    best = (cost, candidate, result)
        if best is None:  # every firing label already sits at the ceiling
            break
        _, current, (quality, fired, share) = best
    return current
