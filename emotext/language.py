"""Offline language identification for the four supported languages (and "other").

py3langid's model ships inside the package, so detection works without a network. Restricting
its candidate set to our languages makes short or diacritic-free texts ("Zamowienie nie
dotarlo") land on the right one instead of on a neighbour (Slovak, Serbian, …).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

SUPPORTED: tuple[str, ...] = ("en", "ru", "pl", "zh")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _full_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=4)
def _identifier(candidates: tuple[str, ...] | None) -> Any:
    """Loading py3langid's model takes half a second; restricted identifiers are copies of one load."""
    import copy

    full = _full_identifier()
    if not candidates:
        return full
    identifier = copy.deepcopy(full)
    identifier.set_languages(list(candidates))
    return identifier


def detect(text: str, candidates: tuple[str, ...] | None = SUPPORTED) -> tuple[str, float]:
    """``(language, probability)``; ``candidates=None`` lets any of py3langid's 97 languages win."""
    identifier = _identifier(candidates)
    with _lock:  # the identifier keeps scratch state between calls
        lang, prob = identifier.classify(text)
    return str(lang), float(prob)
