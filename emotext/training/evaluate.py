"""Evaluate a model directory on labelled examples: the numbers behind ``emotext eval`` and model cards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..predict import LoadedModel
from ..tags import apply_thresholds
from .data import Example, stack
from .metrics import report


def example_probabilities(loaded: LoadedModel, examples: Sequence[Example]) -> np.ndarray:
    """Scores for labelled examples, each read in its own language (unknown ones as English)."""
    return loaded.probabilities([e.text for e in examples], [e.lang or "en" for e in examples])


def evaluate(loaded: LoadedModel, examples: Sequence[Example]) -> dict[str, Any]:
    probs = example_probabilities(loaded, examples)
    targets, mask = stack(examples)
    preds = apply_thresholds(probs, loaded.config.thresholds)
    langs = [e.lang or "unknown" for e in examples]
    return report(targets, preds, mask, langs if len(set(langs)) > 1 else None)
