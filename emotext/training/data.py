"""Training examples with a known/unknown mask per label.

Sources judge different labels: our corpus judges all 24, a polarity set only ``destroying``,
an Ekman set ``destroying`` and ``advocacy``. A label a source cannot judge is *unknown*, not
negative; the mask keeps it out of the loss and out of the metrics.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import LABELS
from ..taxonomy import CLUSTER_IDS, EMOTION_IDS, cluster_of

LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}


@dataclass
class Example:
    text: str
    targets: np.ndarray  # float32 [len(LABELS)], 1 = present
    mask: np.ndarray  # float32 [len(LABELS)], 1 = known
    lang: str = ""
    source: str = ""
    weight: float = 1.0


def from_emotions(text: str, emotions: Iterable[str], lang: str = "", source: str = "") -> Example:
    """A fully judged example (our corpus, company data with emotion labels): clusters follow."""
    targets = np.zeros(len(LABELS), dtype=np.float32)
    for emotion in emotions:
        targets[LABEL_INDEX[emotion]] = 1.0
        targets[LABEL_INDEX[cluster_of(emotion)]] = 1.0
    return Example(text, targets, np.ones(len(LABELS), dtype=np.float32), lang, source)


def from_known_labels(text: str, labels: dict[str, int], lang: str = "", source: str = "") -> Example:
    """An example whose ``labels`` hold only what its source can judge (see ``sources.py``)."""
    targets = np.zeros(len(LABELS), dtype=np.float32)
    mask = np.zeros(len(LABELS), dtype=np.float32)
    for label, value in labels.items():
        targets[LABEL_INDEX[label]] = float(value)
        mask[LABEL_INDEX[label]] = 1.0
    return Example(text, targets, mask, lang, source)


def from_source_record(record: dict[str, Any]) -> Example:
    """A public-data record (``sources.load_source``): a judged cluster that is negative makes all of
    its emotions known negatives too, since a text is in a cluster iff it has one of its emotions."""
    labels = dict(record["labels"])
    for cluster in CLUSTER_IDS:
        if labels.get(cluster) == 0:
            for emotion in EMOTION_IDS:
                if cluster_of(emotion) == cluster:
                    labels.setdefault(emotion, 0)
    return from_known_labels(record["text"], labels, record["lang"], record["source"])


def from_corpus(records: Sequence[dict[str, Any]], split: str | None = None) -> list[Example]:
    return [
        from_emotions(r["text"], r["emotions"], r["lang"], r.get("source", "emotext-team"))
        for r in records
        if split is None or r["split"] == split
    ]


def parse_label_names(names: Iterable[str], where: str) -> list[str]:
    """Validate company label names (emotion ids or cluster ids), naming the row on error."""
    valid = set(EMOTION_IDS) | set(CLUSTER_IDS)
    out = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name not in valid:
            raise ValueError(
                f"{where}: unknown label {name!r}; valid labels are the emotions "
                f"{', '.join(EMOTION_IDS)} and the clusters {', '.join(CLUSTER_IDS)}"
            )
        out.append(name)
    return out


def from_label_names(text: str, names: Sequence[str], judged: set[str], lang: str = "") -> Example:
    """Company data: ``names`` present; ``judged`` is every label the dataset uses anywhere.

    A dataset that only ever uses cluster names judges only clusters, so its emotion outputs stay
    masked; one that uses emotions judges those emotions and, through them, their clusters.
    """
    targets = np.zeros(len(LABELS), dtype=np.float32)
    mask = np.zeros(len(LABELS), dtype=np.float32)
    for label in judged:
        mask[LABEL_INDEX[label]] = 1.0
    for name in names:
        targets[LABEL_INDEX[name]] = 1.0
        if name in EMOTION_IDS:
            targets[LABEL_INDEX[cluster_of(name)]] = 1.0
    return Example(text, targets, mask, lang)


def stack(examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
    if not examples:
        return np.zeros((0, len(LABELS)), np.float32), np.zeros((0, len(LABELS)), np.float32)
    return np.stack([e.targets for e in examples]), np.stack([e.mask for e in examples])
