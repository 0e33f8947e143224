"""Tags from scores: the one rule that ``analyze()``, ``emotext eval``, training and the benchmarks share.

A label is tagged when its score reaches the model's calibrated threshold. A cluster is also
tagged when one of its emotions is: ANNOTATION.md puts a text in a cluster iff it has one of the
cluster's emotions, so a report never shows "frustrated" without "destroying", and an evaluation
that scored the cluster heads alone would measure tags that no user ever sees.
"""

from __future__ import annotations

import numpy as np

from .model_format import LABELS
from .taxonomy import CLUSTER_IDS, EMOTION_IDS, cluster_of

_N_EMOTIONS = len(EMOTION_IDS)
_CLUSTER_COLUMN = [_N_EMOTIONS + CLUSTER_IDS.index(cluster_of(e)) for e in EMOTION_IDS]


def apply_thresholds(probs: np.ndarray, thresholds: dict[str, float]) -> np.ndarray:
    """``[n, 24]`` scores (``LABELS`` order) to 0/1 tags; a label missing from ``thresholds`` is cut at 0.5."""
    cut = np.array([thresholds.get(label, 0.5) for label in LABELS], dtype=np.float32)
    tags = np.asarray(probs) >= cut
    for emotion, cluster in enumerate(_CLUSTER_COLUMN):
        tags[:, cluster] |= tags[:, emotion]
    return tags.astype(np.int8)
