"""ONNX Runtime backend: the model (LoRA merged into the encoder, plus the head) exported once.

Why: PyTorch and transformers cost seconds of imports in every process; ONNX Runtime starts in a
fraction of that and, with its fused BERT kernels, runs the same fp32 arithmetic faster on a CPU,
with the same scores. The export needs torch (once per model and machine, about half a minute);
afterwards a process needs only onnxruntime, tokenizers and numpy.

The default graph stays fp32. A dynamically quantised int8 variant (``int8=True``, backend
``"onnx-int8"``) is 1.4-1.6x faster still, but this fine-tuned model's activations do not survive
per-tensor 8-bit quantisation: about one text in six gets different cluster tags
(``benchmarks/speed.py``), so it is opt-in only.

Cache: ``EMOTEXT_HOME/onnx/<fingerprint>/model.onnx`` (weights in ``model.onnx.data``) where the
fingerprint hashes the model directory's files and the base encoder identity, so a retrained or
replaced model is exported again automatically. Built under a file lock into a temporary
directory and renamed, like the encoder cache.
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
INT8_FILE = "model-int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
EXPORT_VERSION = 4  # part of the fingerprint: a change to what the export writes rebuilds old caches
OPSET = 17


def model_fingerprint(model_dir: Path) -> str:
    digest = hashlib.sha256(repr((EXPORT_VERSION, sorted(base_identity().items()))).encode())
    for path in sorted(p for p in Path(model_dir).rglob("*") if p.is_file() and p.suffix in {".json", ".safetensors"}):
        digest.update(path.relative_to(model_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def onnx_path(model_dir: Path, home: Path | None = None) -> Path:
    return (home or emotext_home()) / "onnx" / model_fingerprint(model_dir) / ONNX_FILE


def ensure_onnx(model_dir: Path, home: Path | None = None, int8: bool = False) -> Path:
    """The ONNX file for ``model_dir``, exporting it first if needed (safe across processes).

    ``int8``: the dynamically quantised variant, built from the fp32 file on first request.
    """
    from filelock import FileLock

    target = onnx_path(model_dir, home)
    if not target.is_file():
        target.parent.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(target.parent) + ".lock"):
            if not target.is_file():
                tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent.parent))
                try:
                    export_onnx(model_dir, tmp / ONNX_FILE)
                    if target.parent.exists():
                        shutil.rmtree(target.parent)
                    os.rename(tmp, target.parent)
                except BaseException:
                    shutil.rmtree(tmp, ignore_errors=True)
                    raise
    if not int8:
        return target
    quantised = target.with_name(INT8_FILE)
    if quantised.is_file():
        return quantised
    with FileLock(str(target.parent) + ".lock"):
        if not quantised.is_file():
            partial = quantised.with_name(f".{INT8_FILE}.{os.getpid()}")
            try:
                quantise_int8(target, partial)
                os.replace(partial, quantised)
            finally:
                partial.unlink(missing_ok=True)
    return quantised


def quantise_int8(source: Path, out: Path) -> None:
    """Dynamic int8: weights quantised per output channel, activations per batch at run time."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        source,
        out,
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul", "Attention"],
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # types the fused ops leave unknown
    )


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
    raw = out.with_name("exported.onnx")
    with torch.inference_mode():
        torch.onnx.export(
            wrapper,
            (ids, mask),
            str(raw),
            input_names=["input_ids", "attention_mask"],
            output_names=["probabilities"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}},
            opset_version=OPSET,
            dynamo=False,
        )
    fuse_transformer_ops(raw, out, encoder.config)
    raw.unlink()


def fuse_transformer_ops(source: Path, out: Path, config: Any) -> None:
    """Rewrite the exported graph with ONNX Runtime's BERT fusions (attention, skip-layer-norm,
    bias-GELU, embedding-layer-norm kernels): about 15% faster on a CPU with the same scores,
    since each fused kernel does the same fp32 arithmetic in one pass over memory."""
    from onnxruntime.transformers import optimizer

    fused = optimizer.optimize_model(
        str(source),
        model_type="bert",
        num_heads=int(config.num_attention_heads),
        hidden_size=int(config.hidden_size),
    )
    save_with_external_weights(fused.model, out)


def save_with_external_weights(model: Any, out: Path) -> None:
    """Weights go to ``<out>.data`` beside the graph. ONNX Runtime memory-maps such a file instead
    of copying it onto the heap, so only the pages a process touches become resident: of the
    384 MB word-embedding table (250,000 tokens) a process reads the rows of the tokens it sees.
    A session then costs about 0.35 GB less RSS, and worker processes share the mapped pages."""
    import onnx

    onnx.save_model(
        model,
        str(out),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=out.name + ".data",
        size_threshold=1024,
    )


class OnnxModel:
    """Same interface as ``predict.LoadedModel`` (what ``Analyzer`` uses), on ONNX Runtime."""

    def __init__(
        self, model_dir: Path, threads: int | None = None, home: Path | None = None, int8: bool = False
    ) -> None:
        """``int8``: run the dynamically quantised graph (faster, but it changes tags; see the README)."""
        import threading

        import onnxruntime as ort

        self.config: ModelConfig = read_config(Path(model_dir))
        path = ensure_onnx(Path(model_dir), home, int8=int8)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        # ONNX Runtime's CPU arena keeps the largest activation buffers it ever needed for the rest
        # of the process: ~180 MB per process after a batch job's first chunk. Without it,
        # buffers go back to the allocator after each run, at no measurable speed cost here
        # (benchmarks/batch.py).
        options.enable_cpu_mem_arena = False
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
        tokens = E5Tokenizer.load(path.parent)  # every export carries its tokenizer.json
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
        from .predict import backend_probabilities

        return backend_probabilities(self, texts, langs)
