"""Turn texts into per-label probabilities with an ``EmotionModel``, any length.

A text that fits one window (``max_length`` tokens) is one forward pass. A longer text is cut
at sentence boundaries (``segment.sentences``) into consecutive windows that each fit, and a
label's document probability is its maximum over windows: an emotion expressed anywhere in a
long ticket is expressed by the ticket. A single sentence longer than a window is split on
token boundaries. Windows of all texts in a call are sorted by length and batched so padding
stays small.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .encoder import pad_ids
from .segment import Sentence, sentences

if TYPE_CHECKING:
    import torch

    from .model import EmotionModel, ModelConfig

TokenIds = Callable[[str], list[int]]


@dataclass
class Window:
    text_index: int
    start: int  # character span of the window in its text
    end: int
    ids: list[int]


def make_windows(
    text: str,
    text_index: int,
    token_ids: TokenIds,
    max_content: int,
    lang: str = "en",
    sents: Sequence[Sentence] | None = None,
) -> list[Window]:
    """Windows of at most ``max_content`` tokens; ``sents`` saves re-segmenting a text already split."""
    ids = token_ids(text)
    if len(ids) <= max_content:
        return [Window(text_index, 0, len(text), ids)]
    windows: list[Window] = []
    current: list[int] = []
    span = [0, 0]
    for sent in sents if sents is not None else sentences(text, lang):
        sent_ids = token_ids(sent.text)
        if current and len(current) + len(sent_ids) > max_content:
            windows.append(Window(text_index, span[0], span[1], current))
            current = []
        if not current:
            span = [sent.start, sent.end]
        while len(sent_ids) > max_content:  # one enormous "sentence": hard split by tokens
            windows.append(Window(text_index, sent.start, sent.end, sent_ids[:max_content]))
            sent_ids = sent_ids[max_content:]
        current = current + sent_ids
        span[1] = sent.end
    if current:
        windows.append(Window(text_index, span[0], span[1], current))
    return windows or [Window(text_index, 0, len(text), ids[:max_content])]


MAX_BATCH_TOKENS = 1024
"""Padded tokens per forward pass. Large batches' activation buffers (tens of MB) lie above
malloc's mmap threshold, so every pass maps fresh pages and faults them in again (ONNX Runtime's
memory arena, which would keep them, is off to save memory): on a 2-core AMD EPYC, 768 to 1,536
tokens ran 15-25 % faster than 4,096 for both backends, with less peak memory. Long windows come
in batches of three or four. ``EMOTEXT_BATCH_TOKENS`` overrides it, since the best budget depends
on the CPU (``benchmarks/speed.py --batch-tokens N`` measures one)."""


def max_batch_tokens() -> int:
    value = os.environ.get("EMOTEXT_BATCH_TOKENS")
    if value is None or value == "":
        return MAX_BATCH_TOKENS
    try:
        tokens = int(value)
    except ValueError:
        tokens = 0
    if tokens < 1:
        raise ValueError(f"EMOTEXT_BATCH_TOKENS must be a positive whole number of tokens, got {value!r}")
    return tokens


def padded_batches(
    windows: Sequence[Window],
    special_ids: tuple[int, int, int],
    batch_size: int = 32,
    max_tokens: int | None = None,
) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
    """``(window indices, input_ids, attention_mask)`` per batch of similar-length windows.

    Sorting by length keeps padding small; the indices put each result back in input order. A
    batch holds at most ``batch_size`` windows and ``max_tokens`` padded tokens (default
    ``max_batch_tokens()``); a window wider than that goes alone.
    """
    if max_tokens is None:
        max_tokens = max_batch_tokens()
    cls_id, sep_id, pad_id = special_ids
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
    chunks: list[list[int]] = []
    for i in order:
        width = len(windows[i].ids) + 2  # the longest so far, since sorted
        if not chunks or len(chunks[-1]) == batch_size or (len(chunks[-1]) + 1) * width > max_tokens:
            chunks.append([])
        chunks[-1].append(i)
    for chunk in chunks:
        yield chunk, *pad_ids([[cls_id, *windows[j].ids, sep_id] for j in chunk], pad_id)


def window_probabilities(
    model: torch.nn.Module, windows: Sequence[Window], special_ids: tuple[int, int, int], batch_size: int = 32
) -> np.ndarray:
    """Sigmoid probabilities per window, in the order given."""
    import torch

    n_labels = int(model.head.out_features)  # type: ignore[union-attr,arg-type]
    out = np.zeros((len(windows), n_labels), dtype=np.float32)
    with torch.inference_mode():
        for chunk, input_ids, mask in padded_batches(windows, special_ids, batch_size):
            out[chunk] = torch.sigmoid(model(torch.from_numpy(input_ids), torch.from_numpy(mask))).numpy()
    return out


def text_windows(
    texts: Sequence[str], token_ids: TokenIds, max_content: int, langs: Sequence[str] | None = None
) -> list[Window]:
    windows: list[Window] = []
    for i, text in enumerate(texts):
        windows += make_windows(text, i, token_ids, max_content, langs[i] if langs else "en")
    return windows


def max_over_windows(windows: Sequence[Window], window_probs: np.ndarray, n_texts: int) -> np.ndarray:
    """A text's probability for a label is its maximum over the text's windows."""
    out = np.zeros((n_texts, window_probs.shape[1]), dtype=np.float32)
    for window, p in zip(windows, window_probs, strict=True):
        np.maximum(out[window.text_index], p, out=out[window.text_index])
    return out


def windowed_probabilities(
    texts: Sequence[str],
    token_ids: TokenIds,
    max_content: int,
    score_windows: Callable[[Sequence[Window]], np.ndarray],
    langs: Sequence[str] | None = None,
) -> np.ndarray:
    """Per-text probabilities: each text cut into windows, ``score_windows`` run on all of them,
    each label's maximum taken per text. Training (a bare torch model) and both inference backends
    differ only in ``score_windows``."""
    windows = text_windows(texts, token_ids, max_content, langs)
    return max_over_windows(windows, score_windows(windows), len(texts))


def text_probabilities(
    model: torch.nn.Module,
    texts: Sequence[str],
    token_ids: TokenIds,
    special_ids: tuple[int, int, int],
    max_length: int,
    langs: Sequence[str] | None = None,
    batch_size: int = 32,
) -> np.ndarray:
    def score(windows: Sequence[Window]) -> np.ndarray:
        return window_probabilities(model, windows, special_ids, batch_size)

    return windowed_probabilities(texts, token_ids, max_length - 2, score, langs)


def backend_probabilities(backend: Any, texts: Sequence[str], langs: Sequence[str] | None = None) -> np.ndarray:
    """Per-text probabilities from a loaded backend (``LoadedModel``, ``OnnxModel``)."""
    return windowed_probabilities(texts, backend.token_ids, backend.max_content, backend.window_probabilities, langs)


@dataclass
class LoadedModel:
    """A model ready for inference together with the tokenisation it was trained with."""

    model: EmotionModel
    config: ModelConfig
    token_ids: Any
    special_ids: tuple[int, int, int]

    @classmethod
    def load(cls, directory: Path) -> LoadedModel:
        from .encoder import Encoder
        from .model import load_model

        encoder = Encoder()
        model, config = load_model(directory, encoder=encoder.model)
        return cls(model, config, encoder.token_ids, (encoder.cls_id, encoder.sep_id, encoder.pad_id))

    @property
    def max_content(self) -> int:
        return self.config.max_length - 2

    def probabilities(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> np.ndarray:
        return backend_probabilities(self, texts, langs)

    def window_probabilities(self, windows: Sequence[Window]) -> np.ndarray:
        return window_probabilities(self.model, windows, self.special_ids)
