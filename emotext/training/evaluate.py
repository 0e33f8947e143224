"""Evaluate a model directory on labelled examples: the numbers behind ``emotext eval`` and model cards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..predict import LoadedModel
from ..tags import apply_thresholds
from .data import Example, stack
from .metrics import report


def evaluate(loaded: LoadedModel, examples: Sequence[Example]) -> dict[str, Any]:
    probs = loaded.probabilities([e.text for e in examples], [e.lang or "en" for e in examples])
    targets, mask = stack(examples)
    preds = apply_thresholds(probs, loaded.config.thresholds)
    langs = [e.lang or "unknown" for e in examples]
    return report(targets, preds, mask, langs if len(set(langs)) > 1 else None)
