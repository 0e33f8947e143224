"""ONNX Runtime backend: the model (LoRA merged into the encoder, plus the head) exported once.

Why: PyTorch and transformers cost seconds of imports in every process; ONNX Runtime starts in a
fraction of that and runs the same fp32 graph a little faster on a CPU, with the same scores.
The export needs torch (once per model and machine, about half a minute); afterwards a process
needs only onnxruntime, tokenizers and numpy. The graph is kept in fp32: dynamic int8
quantisation of this fine-tuned model moved too many scores across their thresholds.

Cache: ``EMOTEXT_HOME/onnx/<fingerprint>/model.onnx`` where the fingerprint hashes the model
directory's files and the base encoder identity, so a retrained or replaced model is exported
again automatically. Built under a file lock into a temporary directory and renamed, like the
encoder cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .encoder import E5Tokenizer, emotext_home
from .model_format import ModelConfig, base_identity, read_config

if TYPE_CHECKING:
    from .predict import Window

ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
EXPORT_VERSION = 2  # part of the fingerprint: a change to what the export writes rebuilds old caches
OPSET = 17


def model_fingerprint(model_dir: Path) -> str:
    digest = hashlib.sha256(repr((EXPORT_VERSION, sorted(base_identity().items()))).encode())
    for path in sorted(p for p in Path(model_dir).rglob("*") if p.is_file() and p.suffix in {".json", ".safetensors"}):
        digest.update(path.relative_to(model_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def onnx_path(model_dir: Path, home: Path | None = None) -> Path:
    return (home or emotext_home()) / "onnx" / model_fingerprint(model_dir) / ONNX_FILE


def ensure_onnx(model_dir: Path, home: Path | None = None) -> Path:
    """The ONNX file for ``model_dir``, exporting it first if needed (safe across processes)."""
    from filelock import FileLock

    target = onnx_path(model_dir, home)
    if target.is_file():
        return target
    target.parent.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent) + ".lock"):
        if target.is_file():
            return target
        tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent.parent))
        try:
            export_onnx(model_dir, tmp / ONNX_FILE)
            if target.parent.exists():
                shutil.rmtree(target.parent)
            os.rename(tmp, target.parent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target


def export_onnx(model_dir: Path, out: Path) -> None:
    """Export sigmoid(head(mean-pool(encoder))) with dynamic batch and length."""
    import torch

    from .encoder import ensure_encoder, load_encoder
    from .model import load_model

    shutil.copy(ensure_encoder() / TOKENIZER_FILE, out.with_name(TOKENIZER_FILE))  # ready without torch later
    encoder, _ = load_encoder()
    encoder.config._attn_implementation = "eager"  # plain matmul attention exports cleanly
    model, _ = load_model(Path(model_dir), encoder=encoder)

    class Probabilities(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return torch.sigmoid(self.inner(input_ids, attention_mask))

    wrapper = Probabilities(model).eval()
    ids = torch.tensor([[0, 5, 6, 7, 2, 1], [0, 8, 9, 10, 11, 2]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1]], dtype=torch.long)
    with torch.inference_mode():
        torch.onnx.export(
            wrapper,
            (ids, mask),
            str(out),
            input_names=["input_ids", "attention_mask"],
            output_names=["probabilities"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}},
            opset_version=OPSET,
            dynamo=False,
        )


class OnnxModel:
    """Same interface as ``predict.LoadedModel`` (what ``Analyzer`` uses), on ONNX Runtime."""

    def __init__(self, model_dir: Path, threads: int | None = None, home: Path | None = None) -> None:
        import threading

        import onnxruntime as ort

        self.config: ModelConfig = read_config(Path(model_dir))
        path = ensure_onnx(Path(model_dir), home)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        # Creating the session (1.5 s) runs in C++ without the GIL: let it overlap with loading the
        # tokenizer here and spaCy / py3langid on the first call.
        self._session: Any = None
        self._session_error: BaseException | None = None
        self._ready = threading.Event()

        def create() -> None:
            try:
                self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            except BaseException as exc:  # re-raised on first use
                self._session_error = exc
            finally:
                self._ready.set()

        threading.Thread(target=create, name="emotext-onnx-load", daemon=True).start()
        local_tokenizer = path.with_name(TOKENIZER_FILE)
        if local_tokenizer.is_file():
            from tokenizers import Tokenizer

            tokens = E5Tokenizer(Tokenizer.from_file(str(local_tokenizer)))
        else:
            tokens = E5Tokenizer.load()
        self.token_ids = tokens.token_ids
        self.special_ids = tokens.special_ids

    @property
    def session(self) -> Any:
        self._ready.wait()
        if self._session_error is not None:
            raise self._session_error
        return self._session

    @property
    def max_content(self) -> int:
        return self.config.max_length - 2

    def window_probabilities(self, windows: Sequence[Window], batch_size: int = 32) -> np.ndarray:
        from .predict import padded_batches

        out = np.zeros((len(windows), len(self.config.labels)), dtype=np.float32)
        for chunk, input_ids, mask in padded_batches(windows, self.special_ids, batch_size):
            out[chunk] = self.session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]
        return out

    def probabilities(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> np.ndarray:
        from .predict import max_over_windows, text_windows

        windows = text_windows(texts, self.token_ids, self.max_content, langs)
        return max_over_windows(windows, self.window_probabilities(windows), len(texts))
