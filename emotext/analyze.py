"""``analyze()``: one customer text in, Shaw's emotions, clusters, NEV and the sentences behind them out.

A service calls this per message, so the rules are strict:

- Scores come from the model (``predict``); tags are scores at or over the model's calibrated
  per-label thresholds. An emotion tag always brings its cluster's tag, even when the cluster
  head alone stayed under its threshold, so a report never shows "frustrated" without
  "destroying".
- Evidence: for every emotion tag, the sentences that carry it. A one-sentence text is its own
  evidence; in a longer text each sentence is scored on its own and the sentences at or over the
  threshold are kept (the best one when none is, since the tag came from their combination).
  Offsets index the caller's original string.
- Input is never silently altered: lone surrogates and control characters are replaced one for
  one (so offsets stay exact) only in the copy the model reads; texts over ``max_chars`` raise
  unless ``truncate=True``, which flags ``truncated``.
- ``errors="flag"`` turns a bad item into an ``Analysis`` with the ``error`` flag and message so
  the rest of a batch survives; the default ``"raise"`` names the offending list index.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from .language import SUPPORTED, detect
from .segment import Sentence, sentences
from .taxonomy import CLUSTER_IDS, EMOTION_IDS, cluster_of

if TYPE_CHECKING:
    import numpy as np

MAX_CHARS = 100_000
"""Longest text analysed without ``truncate=True`` (about 25,000 tokens, 100 windows)."""

MAX_EVIDENCE = 5
"""Evidence sentences kept per emotion tag (the highest-scoring ones)."""

Flag = Literal["empty", "truncated", "unsupported_language", "mixed_language", "error"]

# one-for-one replacements keep every offset valid in the caller's string
_UNSAFE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _safe_char(match: re.Match[str]) -> str:
    return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else " "


@dataclass
class Evidence:
    emotion: str
    cluster: str
    start: int
    end: int
    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Analysis:
    """The emotions of one text. ``emotions``/``clusters`` always hold every id, in taxonomy order."""

    language: str | None
    emotions: dict[str, float]
    clusters: dict[str, float]
    tags: list[str]
    emotion_tags: list[str]
    nev: float
    evidence: list[Evidence] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "evidence"}
        out["evidence"] = [e.to_dict() for e in self.evidence]
        return out

    @classmethod
    def blank(cls, language: str | None, flags: list[str], error: str | None = None) -> Analysis:
        """No emotion at all: empty texts and flagged errors."""
        return cls(
            language=language,
            emotions=dict.fromkeys(EMOTION_IDS, 0.0),
            clusters=dict.fromkeys(CLUSTER_IDS, 0.0),
            tags=[],
            emotion_tags=[],
            nev=0.0,
            flags=flags,
            error=error,
        )


def resolve_language(text: str) -> tuple[str, list[str]]:
    """Language of ``text`` and any language flags.

    Detection among our four languages is reliable even for short, diacritic-free texts, but it
    would call German "en". So py3langid's full set is asked first; a confident (≥ 0.99) verdict
    for another language on a text long enough (≥ 40 characters) to trust is kept and flagged.
    """
    lang, prob = detect(text, candidates=None)
    if lang in SUPPORTED:
        return lang, []
    if prob >= 0.99 and len(text) >= 40:
        return lang, ["unsupported_language"]
    return detect(text)[0], []


def _mixed(sents: Sequence[Sentence], lang: str) -> bool:
    """True when a substantial sentence is confidently in another of our languages."""
    for sent in sents:
        if len(sent.text) >= 20:
            other, prob = detect(sent.text)
            if other != lang and prob >= 0.9:
                return True
    return False


def _check(item: Any, index: int | None) -> str:
    where = f"item {index}" if index is not None else "text"
    if isinstance(item, str):
        return item
    if isinstance(item, bytes | bytearray):
        raise TypeError(f"{where} is bytes; decode it to str first (e.g. data.decode('utf-8'))")
    if isinstance(item, float) and math.isnan(item):
        raise TypeError(f"{where} is NaN (a missing value), not text")
    raise TypeError(f"{where} is {type(item).__name__}, not str")


@dataclass
class _Job:
    index: int
    original: str
    clean: str
    language: str
    flags: list[str]
    sents: list[Sentence]


BACKENDS = ("onnx", "onnx-int8", "torch")
DEFAULT_BACKEND = "onnx"
"""ONNX Runtime (fp32 export of the same weights): same scores as PyTorch to 1e-4, faster, and a
process needs neither torch nor transformers to start. ``"onnx-int8"`` is faster still but
changes tags (``benchmarks/speed.py``), so it is never the default. Override with ``backend=``
or the ``EMOTEXT_BACKEND`` environment variable."""


def load_backend(model_dir: Path, backend: str | None = None, threads: int | None = None) -> Any:
    """``threads``: intra-op threads (default: all cores); batch workers split the cores."""
    import os

    chosen = backend or os.environ.get("EMOTEXT_BACKEND") or DEFAULT_BACKEND
    if chosen in ("onnx", "onnx-int8"):
        from .onnx_backend import OnnxModel

        return OnnxModel(model_dir, threads=threads, int8=chosen == "onnx-int8")
    if chosen == "torch":
        import torch

        from .predict import LoadedModel

        if threads:
            torch.set_num_threads(threads)
        return LoadedModel.load(model_dir)
    raise ValueError(f"backend must be one of {BACKENDS}, not {chosen!r}")


class Analyzer:
    """Loads a model once and analyses texts with it; safe to share between threads.

    ``model``: a model directory (``emotext train --out``), ``None`` for the shipped default, or
    an already loaded model object. ``backend``: ``"onnx"`` (default), ``"onnx-int8"`` or ``"torch"``.
    """

    def __init__(
        self,
        model: str | Path | Any = None,
        *,
        backend: str | None = None,
        threads: int | None = None,
        max_chars: int = MAX_CHARS,
    ) -> None:
        self.model: Any
        if model is not None and hasattr(model, "window_probabilities"):  # an already loaded model
            self.model = model
        else:
            from .model_format import default_model_dir

            self.model = load_backend(Path(model) if model is not None else default_model_dir(), backend, threads)
        self.max_chars = max_chars
        self._thresholds = self.model.config.thresholds
        self._emotion_cut = [self._thresholds.get(e, 0.5) for e in EMOTION_IDS]

    @overload
    def analyze(
        self, texts: str, *, language: str | None = ..., errors: Literal["raise", "flag"] = ..., truncate: bool = ...
    ) -> Analysis: ...

    @overload
    def analyze(
        self,
        texts: Sequence[Any],
        *,
        language: str | None = ...,
        errors: Literal["raise", "flag"] = ...,
        truncate: bool = ...,
    ) -> list[Analysis]: ...

    def analyze(
        self,
        texts: str | Sequence[Any],
        *,
        language: str | None = None,
        errors: Literal["raise", "flag"] = "raise",
        truncate: bool = False,
    ) -> Analysis | list[Analysis]:
        """Analyse one text (returns an ``Analysis``) or a list (returns a list, same order)."""
        if errors not in ("raise", "flag"):
            raise ValueError(f"errors must be 'raise' or 'flag', not {errors!r}")
        single = isinstance(texts, str | bytes | bytearray) or not hasattr(texts, "__iter__")
        items = [texts] if single else list(texts)  # lists, tuples, pandas Series, generators
        results: list[Analysis | None] = [None] * len(items)
        jobs: list[_Job] = []
        for i, item in enumerate(items):
            try:
                job = self._prepare(item, None if single else i, language, truncate)
            except (TypeError, ValueError) as exc:
                if errors == "raise":
                    raise
                results[i] = Analysis.blank(None, ["error"], str(exc))
                continue
            if isinstance(job, Analysis):
                results[i] = job
            else:
                job.index = i
                jobs.append(job)
        for job, analysis in zip(jobs, self._run(jobs), strict=True):
            results[job.index] = analysis
        out = [r for r in results if r is not None]
        return out[0] if single else out

    # ------------------------------------------------------------------ steps

    def _prepare(self, item: Any, index: int | None, language: str | None, truncate: bool) -> _Job | Analysis:
        text = _check(item, index)
        flags: list[str] = []
        if len(text) > self.max_chars:
            if not truncate:
                where = f"item {index}" if index is not None else "text"
                raise ValueError(
                    f"{where} has {len(text):,} characters, over the limit of {self.max_chars:,}; "
                    "pass truncate=True to analyse only the beginning (the result is flagged 'truncated')"
                )
            flags.append("truncated")
        clean = _UNSAFE.sub(_safe_char, text[: self.max_chars])
        if not clean.strip():
            return Analysis.blank(language, ["empty", *flags])
        if language is not None:
            lang = language
        else:
            lang, language_flags = resolve_language(clean)
            flags += language_flags
        sents = sentences(clean, lang)
        if language is None and len(sents) > 1 and _mixed(sents, lang):
            flags.append("mixed_language")
        return _Job(-1, text, clean, lang, flags, sents)

    def _run(self, jobs: list[_Job]) -> list[Analysis]:
        if not jobs:
            return []

        from .nev import nev_scores
        from .predict import Window, make_windows, max_over_windows
        from .tags import apply_thresholds

        loaded = self.model
        windows: list[Window] = []
        for n, job in enumerate(jobs):
            windows += make_windows(job.clean, n, loaded.token_ids, loaded.max_content, job.language, job.sents)
        probs = max_over_windows(windows, loaded.window_probabilities(windows), len(jobs))
        n_emotions = len(EMOTION_IDS)
        tagged = apply_thresholds(probs, self._thresholds).astype(bool)
        emotion_tagged, cluster_tagged = tagged[:, :n_emotions], tagged[:, n_emotions:]
        sentence_probs = self._sentence_probabilities(jobs, emotion_tagged)
        nev = nev_scores(probs[:, :n_emotions])
        out = []
        for n, job in enumerate(jobs):
            emotion_tags = [e for j, e in enumerate(EMOTION_IDS) if emotion_tagged[n, j]]
            tags = [c for j, c in enumerate(CLUSTER_IDS) if cluster_tagged[n, j]]
            out.append(
                Analysis(
                    language=job.language,
                    emotions={e: round(float(probs[n, j]), 6) for j, e in enumerate(EMOTION_IDS)},
                    clusters={c: round(float(probs[n, n_emotions + j]), 6) for j, c in enumerate(CLUSTER_IDS)},
                    tags=tags,
                    emotion_tags=emotion_tags,
                    nev=round(float(nev[n]), 6),
                    evidence=self._evidence(job, emotion_tags, probs[n], sentence_probs.get(n)),
                    flags=job.flags,
                )
            )
        return out

    def _sentence_probabilities(self, jobs: list[_Job], emotion_tagged: np.ndarray) -> dict[int, np.ndarray]:
        """Per-sentence probabilities, only for tagged texts with more than one sentence."""
        from .predict import Window

        loaded = self.model
        windows: list[Window] = []
        owners: list[int] = []
        for n, job in enumerate(jobs):
            if len(job.sents) > 1 and emotion_tagged[n].any():
                for sent in job.sents:
                    windows.append(Window(n, sent.start, sent.end, loaded.token_ids(sent.text)[: loaded.max_content]))
                owners.append(n)
        if not windows:
            return {}
        probs = loaded.window_probabilities(windows)
        out: dict[int, list[Any]] = {n: [] for n in owners}
        for window, p in zip(windows, probs, strict=True):
            out[window.text_index].append(p)
        import numpy as np

        return {n: np.stack(rows) for n, rows in out.items()}

    def _evidence(
        self, job: _Job, emotion_tags: list[str], text_probs: np.ndarray, sentence_probs: np.ndarray | None
    ) -> list[Evidence]:
        evidence: list[Evidence] = []
        for emotion in emotion_tags:
            j = EMOTION_IDS.index(emotion)
            if sentence_probs is None:  # one sentence (or none found): the whole text carries it
                spans = [(job.sents[0] if job.sents else _whole(job.clean), float(text_probs[j]))]
            else:
                scored = [(sent, float(sentence_probs[k, j])) for k, sent in enumerate(job.sents)]
                over = [s for s in scored if s[1] >= self._emotion_cut[j]]
                # Scores equal to 1e-4 (repeated sentences; backends differ by float noise) rank by
                # position, so the torch and ONNX backends point at the same sentences.
                ranked = sorted(over or scored, key=lambda s: (-round(s[1], 4), s[0].start))
                spans = ranked[: MAX_EVIDENCE if over else 1]
                spans.sort(key=lambda s: s[0].start)
            for sent, score in spans:
                text = job.original[sent.start : sent.end]
                evidence.append(Evidence(emotion, cluster_of(emotion), sent.start, sent.end, text, round(score, 6)))
        return evidence


def _whole(text: str) -> Sentence:
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    return Sentence(start, end, text[start:end])


_analyzers: dict[str, Analyzer] = {}
_analyzers_lock = threading.Lock()


def get_analyzer(model: str | Path | None = None, backend: str | None = None) -> Analyzer:
    """The process-wide ``Analyzer`` for ``model`` and ``backend``, loaded on first use."""
    key = f"{Path(model).resolve() if model is not None else ''}|{backend or ''}"
    with _analyzers_lock:
        if key not in _analyzers:
            _analyzers[key] = Analyzer(model, backend=backend)
        return _analyzers[key]


@overload
def analyze(
    text: str,
    *,
    model: str | Path | None = ...,
    backend: str | None = ...,
    language: str | None = ...,
    errors: Literal["raise", "flag"] = ...,
    truncate: bool = ...,
) -> Analysis: ...


@overload
def analyze(
    text: Sequence[Any],
    *,
    model: str | Path | None = ...,
    backend: str | None = ...,
    language: str | None = ...,
    errors: Literal["raise", "flag"] = ...,
    truncate: bool = ...,
) -> list[Analysis]: ...


def analyze(
    text: str | Sequence[Any],
    *,
    model: str | Path | None = None,
    backend: str | None = None,
    language: str | None = None,
    errors: Literal["raise", "flag"] = "raise",
    truncate: bool = False,
) -> Analysis | list[Analysis]:
    """Emotions, clusters, tags, NEV and evidence for a text or a list of texts.

    The model is loaded once per process and reused; see ``Analyzer`` for the rules.
    """
    return get_analyzer(model, backend).analyze(text, language=language, errors=errors, truncate=truncate)
