"""Turn texts into per-label probabilities with an ``EmotionModel``, any length.

A text that fits one window (``max_length`` tokens) is one forward pass. A longer text is cut
at sentence boundaries (``segment.sentences``) into consecutive windows that each fit, and a
label's document probability is its maximum over windows: an emotion expressed anywhere in a
long ticket is expressed by the ticket. A single sentence longer than a window is split on
token boundaries. Windows of all texts in a call are sorted by length and batched so padding
stays small.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .encoder import pad_batch
from .segment import sentences

TokenIds = Callable[[str], list[int]]


@dataclass
class Window:
    text_index: int
    start: int  # character span of the window in its text
    end: int
    ids: list[int]


def make_windows(text: str, text_index: int, token_ids: TokenIds, max_content: int, lang: str = "en") -> list[Window]:
    ids = token_ids(text)
    if len(ids) <= max_content:
        return [Window(text_index, 0, len(text), ids)]
    windows: list[Window] = []
    current: list[int] = []
    span = [0, 0]
    for sent in sentences(text, lang):
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


def window_probabilities(
    model: torch.nn.Module,
    windows: Sequence[Window],
    cls_id: int,
    sep_id: int,
    pad_id: int,
    batch_size: int = 32,
) -> np.ndarray:
    """Sigmoid probabilities per window, in the order given."""
    n_labels = int(model.head.out_features)  # type: ignore[union-attr,arg-type]
    out = np.zeros((len(windows), n_labels), dtype=np.float32)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
    with torch.inference_mode():
        for b in range(0, len(order), batch_size):
            chunk = order[b : b + batch_size]
            input_ids, mask = pad_batch([[cls_id, *windows[i].ids, sep_id] for i in chunk], pad_id)
            out[chunk] = torch.sigmoid(model(input_ids, mask)).numpy()
    return out


def text_probabilities(
    model: torch.nn.Module,
    texts: Sequence[str],
    token_ids: TokenIds,
    special_ids: tuple[int, int, int],
    max_length: int,
    langs: Sequence[str] | None = None,
    batch_size: int = 32,
) -> np.ndarray:
    windows: list[Window] = []
    for i, text in enumerate(texts):
        windows += make_windows(text, i, token_ids, max_length - 2, (langs[i] if langs else "en"))
    probs = window_probabilities(model, windows, *special_ids, batch_size=batch_size)
    out = np.zeros((len(texts), probs.shape[1]), dtype=np.float32)
    for window, p in zip(windows, probs, strict=True):
        np.maximum(out[window.text_index], p, out=out[window.text_index])
    return out
