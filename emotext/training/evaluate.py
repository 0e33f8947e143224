"""Evaluate a model directory on labelled examples: the numbers behind ``emotext eval`` and model cards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..model import EmotionModel, ModelConfig, load_model
from ..predict import text_probabilities
from .calibration import apply_thresholds
from .data import Example, stack
from .metrics import report


@dataclass
class LoadedModel:
    """A model ready for inference together with the tokenisation it was trained with."""

    model: EmotionModel
    config: ModelConfig
    token_ids: Any
    special_ids: tuple[int, int, int]

    @classmethod
    def load(cls, directory: Path) -> LoadedModel:
        from ..encoder import Encoder

        encoder = Encoder()
        model, config = load_model(directory, encoder=encoder.model)
        return cls(model, config, encoder.token_ids, (encoder.cls_id, encoder.sep_id, encoder.pad_id))

    def probabilities(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> np.ndarray:
        return text_probabilities(self.model, texts, self.token_ids, self.special_ids, self.config.max_length, langs)


def evaluate(loaded: LoadedModel, examples: Sequence[Example]) -> dict[str, Any]:
    probs = loaded.probabilities([e.text for e in examples], [e.lang or "en" for e in examples])
    targets, mask = stack(examples)
    preds = apply_thresholds(probs, loaded.config.thresholds)
    langs = [e.lang or "unknown" for e in examples]
    return report(targets, preds, mask, langs if len(set(langs)) > 1 else None)
