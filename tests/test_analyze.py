"""analyze(): offsets, tag consistency, bad input, limits, batching and threads, on a tiny random model.

The tiny model's scores mean nothing, which is the point: thresholds of 0 tag every emotion, so
every sentence of every adversarial string becomes evidence and must slice the original exactly.
"""

from __future__ import annotations

import json
import math
import threading

import numpy as np
import pytest

from emotext.analyze import MAX_CHARS, Analysis, Analyzer, resolve_language
from emotext.model import LABELS, EmotionModel, ModelConfig
from emotext.predict import LoadedModel
from emotext.taxonomy import CLUSTER_IDS, EMOTION_IDS, cluster_of
from tests.tiny import SPECIAL, tiny_encoder, token_ids

ADVERSARIAL = [
    "Paczka nie doszla 😡😡. Dzwonilam 3 razy!!!\r\nNikt nie oddzwonil.\tSkandal.",
    "Заказ №12345 пришёл без коробки.\r\n\r\nСпасибо, конечно... 🙃 Больше не закажу!",
    "客服态度很差！等了三天才回复。退款到現在還沒到帳😤 真的很失望。",
    "Cafe\u0301 au lait was cold. The bari\u0301sta\u0308 smiled though 👍🏽 — I'll be back.\n\n\n",
    "   leading spaces. 👨‍👩‍👧 family emoji ZWJ. Trailing tab\t",
    "lone surrogate \ud83d here. And a NUL \x00 and bell \x07 char. Still fine.",
    "Mixed: the app crashed. Приложение упало. Aplikacja padła. 应用崩溃了。",
    "no punctuation at all just one long complaint about the bank and the card and the fees",
]


def tiny_loaded(thresholds: dict[str, float] | None = None, seed: int = 0) -> LoadedModel:
    import torch

    torch.manual_seed(seed)
    model = EmotionModel(tiny_encoder(seed)).eval()
    config = ModelConfig(mode="head", thresholds=thresholds or dict.fromkeys(LABELS, 0.5), max_length=32)
    return LoadedModel(model, config, token_ids, SPECIAL)


@pytest.fixture(scope="module")
def tag_everything() -> Analyzer:
    return Analyzer(tiny_loaded(dict.fromkeys(LABELS, 0.0)))


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(tiny_loaded())


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_evidence_offsets_slice_the_original_string(tag_everything, text):
    result = tag_everything.analyze(text)
    assert result.emotion_tags == list(EMOTION_IDS)
    assert result.evidence
    for ev in result.evidence:
        assert text[ev.start : ev.end] == ev.text
        assert ev.text.strip() == ev.text and ev.text
        assert ev.cluster == cluster_of(ev.emotion)


def test_long_text_windows_keep_offsets(tag_everything):
    text = " ".join(f"Sentence number {i} is about the late parcel 📦." for i in range(60))
    result = tag_everything.analyze(text)
    starts = {ev.start for ev in result.evidence}
    assert len(starts) > 1  # evidence comes from several sentences of several windows
    for ev in result.evidence:
        assert text[ev.start : ev.end] == ev.text


def test_result_shape_and_json(analyzer):
    result = analyzer.analyze("The courier was late again and nobody called me back.")
    assert list(result.emotions) == list(EMOTION_IDS)
    assert list(result.clusters) == list(CLUSTER_IDS)
    assert all(0.0 <= v <= 1.0 for v in [*result.emotions.values(), *result.clusters.values()])
    assert -1.0 <= result.nev <= 1.0
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) >= {"language", "emotions", "clusters", "tags", "emotion_tags", "nev", "evidence", "flags"}


def test_emotion_tag_always_implies_its_cluster():
    rng = np.random.default_rng(0)
    thresholds = {label: float(rng.uniform(0.3, 0.7)) for label in LABELS}
    thresholds.update(dict.fromkeys(CLUSTER_IDS, 1.0))  # cluster heads alone never tag
    analyzer = Analyzer(tiny_loaded(thresholds))
    for result in analyzer.analyze(ADVERSARIAL):
        assert {cluster_of(e) for e in result.emotion_tags} == set(result.tags)


def test_nev_follows_shaw(analyzer):
    from emotext.taxonomy import NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS

    result = analyzer.analyze("Great support, thank you!")
    pos = np.mean([result.emotions[e] for e in POSITIVE_EMOTIONS])
    neg = np.mean([result.emotions[e] for e in NEGATIVE_EMOTIONS])
    assert result.nev == pytest.approx(pos - neg, abs=2e-6)


def test_batch_equals_one_by_one(analyzer):
    batch = analyzer.analyze(ADVERSARIAL)
    for text, together in zip(ADVERSARIAL, batch, strict=True):
        alone = analyzer.analyze(text)
        for key in EMOTION_IDS:
            assert abs(alone.emotions[key] - together.emotions[key]) <= 1e-5
        assert alone.tags == together.tags and alone.language == together.language


def test_eight_threads_get_the_serial_results(analyzer):
    texts = ADVERSARIAL * 3
    expected = [r.to_dict() for r in analyzer.analyze(texts)]
    got: dict[int, list] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            got[k] = [analyzer.analyze(t).to_dict() for t in texts]
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for k in range(8):
        for a, b in zip(got[k], expected, strict=True):
            assert a["tags"] == b["tags"] and a["language"] == b["language"]
            assert max(abs(a["emotions"][e] - b["emotions"][e]) for e in EMOTION_IDS) <= 1e-5


@pytest.mark.parametrize(
    ("bad", "kind"), [(None, "NoneType"), (math.nan, "NaN"), (b"bytes", "bytes"), (42, "int"), (["x"], "list")]
)
def test_non_text_raises_naming_the_index(analyzer, bad, kind):
    with pytest.raises(TypeError, match=rf"item 1 is .*{kind}"):
        analyzer.analyze(["fine", bad, "also fine"])


def test_flagged_errors_keep_the_other_rows(analyzer):
    texts = ["Courier was rude.", None, "x" * 50, math.nan, "Thanks!"]
    results = Analyzer(analyzer.model, max_chars=40).analyze(texts, errors="flag")
    assert [("error" in r.flags) for r in results] == [False, True, True, True, False]
    assert "item 1" in results[1].error and "over the limit" in results[2].error
    assert results[0].to_dict()["emotions"] == analyzer.analyze("Courier was rude.").to_dict()["emotions"]


@pytest.mark.parametrize("text", ["", "   ", "\r\n\t", "\x00\x01"])
def test_empty_text(analyzer, text):
    result = analyzer.analyze(text)
    assert result.flags == ["empty"] and result.tags == [] and result.nev == 0.0 and result.evidence == []


def test_single_text_error_and_list_order(analyzer):
    with pytest.raises(TypeError, match="text is NoneType"):
        analyzer.analyze(None)
    results = analyzer.analyze(("b text", "a text"))
    assert isinstance(results, list) and len(results) == 2
    assert isinstance(analyzer.analyze("one"), Analysis)
    with pytest.raises(ValueError, match="errors must be"):
        analyzer.analyze("x", errors="ignore")


def test_length_limit_is_an_error_or_an_explicit_truncation(analyzer):
    assert MAX_CHARS >= 100_000
    small = Analyzer(analyzer.model, max_chars=100)
    text = "The parcel came late. " * 10
    with pytest.raises(ValueError, match="over the limit of 100"):
        small.analyze(text)
    result = small.analyze(text, truncate=True)
    assert "truncated" in result.flags
    assert all(ev.end <= 100 for ev in result.evidence)


def test_hundred_thousand_characters(tag_everything):
    text = ("Obsługa była miła, ale paczka przyszła zniszczona. " * 2000)[:MAX_CHARS]
    result = tag_everything.analyze(text)
    assert result.flags == [] and result.language == "pl"
    assert all(text[ev.start : ev.end] == ev.text for ev in result.evidence)


def test_explicit_language_overrides_detection(analyzer):
    assert analyzer.analyze("Dziękuję bardzo", language="ru").language == "ru"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Zamowienie nie dotarlo, prosze o zwrot pieniedzy", "pl"),
        ("Доставка опять опоздала", "ru"),
        ("快递太慢了", "zh"),
        ("The refund never arrived", "en"),
        ("退款到現在還沒到帳", "zh"),
    ],
)
def test_language_detection(text, lang):
    assert resolve_language(text) == (lang, [])


def test_other_languages_are_analysed_and_flagged(analyzer):
    result = analyzer.analyze("Ich bin wirklich sehr enttäuscht von Ihrem Kundenservice und der Lieferung.")
    assert result.language == "de" and "unsupported_language" in result.flags
    assert len(result.emotions) == 20


def test_mixed_language_is_flagged(analyzer):
    text = "The app crashes every time I open it. Приложение падает каждый раз, когда я его открываю."
    assert "mixed_language" in analyzer.analyze(text).flags
