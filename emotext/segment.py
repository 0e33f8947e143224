"""Sentence spans with exact character offsets into the original string.

Long texts are classified window by window and every tag points at the sentences that carry it,
so both need sentences whose ``start:end`` slice the caller's own string, untouched. spaCy's
blank pipelines with the rule-based sentencizer work offline for all four languages (Chinese
uses spaCy's character segmenter, which needs no downloaded model); customer chats also break
sentences at line breaks, which the sentencizer alone ignores.
"""

from __future__ import annotations

import re
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_SPACY_LANG = {"en": "en", "ru": "ru", "pl": "pl", "zh": "zh"}
_NEWLINES = re.compile(r"\r\n|\r|\n")
_lock = threading.Lock()
_import_lock = threading.Lock()


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def _import_spacy() -> Any:
    """``import spacy`` without its optional PyTorch probe.

    thinc (spaCy's ML layer) imports torch when it is installed, for layers a rule-based
    sentencizer never uses: 1.9 of spaCy's 2.9 s import. The ONNX backend runs without torch, so
    when torch is not loaded yet the probe is answered "not installed" for the duration of this
    import only; a later ``import torch`` (the torch backend, training) works as usual.
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    with _import_lock:
        sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` raise ImportError
        try:
            import spacy
        finally:
            del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=8)
def _pipeline(lang: str) -> Any:
    spacy = _import_spacy()
    nlp = spacy.blank(_SPACY_LANG.get(lang, "xx"))
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(text: str, lang: str = "en") -> list[Sentence]:
    """Non-empty sentences of ``text``; ``text[s.start:s.end] == s.text`` always holds.

    Whitespace around a sentence is left out of its span. Unknown languages use spaCy's
    multilingual blank pipeline.
    """
    nlp = _pipeline(lang)
    out: list[Sentence] = []
    for line in _lines(text):
        start, chunk = line
        with _lock:  # spaCy pipelines are not documented as thread-safe
            doc = nlp(chunk)
        for sent in doc.sents:
            s, e = sent.start_char, sent.end_char
            raw = chunk[s:e]
            lead = len(raw) - len(raw.lstrip())
            trail = len(raw) - len(raw.rstrip())
            if e - s - lead - trail <= 0:
                continue
            a, b = start + s + lead, start + e - trail
            out.append(Sentence(a, b, text[a:b]))
    return out


def _lines(text: str) -> list[tuple[int, str]]:
    pieces: list[tuple[int, str]] = []
    pos = 0
    for match in _NEWLINES.finditer(text):
        pieces.append((pos, text[pos : match.start()]))
        pos = match.end()
    pieces.append((pos, text[pos:]))
    return [(start, chunk) for start, chunk in pieces if chunk.strip()]
