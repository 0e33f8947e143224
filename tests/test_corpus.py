"""The corpus checker on tiny corpora we build here, and on the real corpus in training/data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emotext.taxonomy import EMOTION_IDS
from emotext.training import corpus as C

ROOT = Path(__file__).resolve().parents[1]

SENTENCES = {
    "en": [
        "The courier left my parcel in the rain again",
        "Your support team solved the billing issue today",
        "I would like to know more about the premium plan",
        "Nobody answered my emails for two weeks now",
        "The new app update is fast and easy to use",
        "Please send the invoice for order 5521 to my office",
    ],
    "ru": [
        "Курьер опять оставил посылку под дождём у двери",
        "Ваша поддержка сегодня решила вопрос со счётом",
        "Хочу узнать подробнее про премиальный тариф",
        "На мои письма никто не отвечает уже две недели",
        "Новое обновление приложения быстрое и удобное",
        "Пришлите счёт по заказу 5521 на рабочую почту",
    ],
    "pl": [
        "Kurier znowu zostawił paczkę na deszczu pod drzwiami",
        "Wasz dział obsługi rozwiązał dziś problem z fakturą",
        "Chciałbym dowiedzieć się więcej o pakiecie premium",
        "Nikt nie odpowiada na moje maile od dwóch tygodni",
        "Nowa wersja aplikacji jest szybka i wygodna",
        "Proszę przesłać fakturę do zamówienia 5521 na adres firmy",
    ],
    "zh": [
        "快递员又把我的包裹放在门口淋雨了",
        "你们的客服今天解决了账单的问题",
        "我想进一步了解一下高级套餐",
        "我发的邮件已经两个星期没人回复了",
        "新版本的应用又快又好用",
        "请把订单5521的发票发到我的公司邮箱",
    ],
}
LABELS = [["neglected"], ["pleased", "cared_for"], ["interested"], ["neglected", "irritated"], ["happy"], []]
SMALL = C.Floors(
    texts_per_language=6,
    industries=2,
    long_share=0.0,
    no_emotion_share=0.1,
    multi_cluster_share=0.1,
    per_emotion_per_language=0,
    sample_share=0.1,
    split_tolerance=1.0,
)


def _records() -> list[dict]:
    out = []
    for lang, sentences in SENTENCES.items():
        for i, (text, labels) in enumerate(zip(sentences, LABELS, strict=True)):
            out.append(
                {
                    "id": f"{lang}-{i}",
                    "lang": lang,
                    "text": text,
                    "emotions": labels,
                    "channel": C.CHANNELS[i % 3],
                    "industry": ["telecom", "banking"][i % 2],
                    "split": ["train", "train", "dev", "test", "train", "train"][i],
                    "source": C.SOURCE,
                }
            )
    return out


def _write(directory: Path, records: list[dict], agreement: list[dict] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    C.write_corpus(records, directory / "corpus.jsonl")
    if agreement is None:
        agreement = [
            {"id": r["id"], "first": r["emotions"], "second": r["emotions"], "resolved": r["emotions"]}
            for r in records[::4]
        ]
    (directory / "agreement").mkdir(exist_ok=True)
    (directory / C.AGREEMENT_FILE).write_text("".join(json.dumps(a) + "\n" for a in agreement), encoding="utf-8")
    return directory


def test_valid_corpus_passes_and_writes_stats(tmp_path):
    result = C.check(_write(tmp_path, _records()), SMALL)
    assert result.errors == []
    stats = (tmp_path / "STATS.md").read_text(encoding="utf-8")
    assert "PASS" in stats and "| neglected | 2 | 2 | 2 | 2 | 8 |" in stats
    assert all(k == 1.0 for k in result.kappa.values())


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda rs: rs[1].update(id=rs[0]["id"]), "duplicate id"),
        (lambda rs: rs[0].update(emotions=["angry"]), "unknown emotion id(s) ['angry']; valid: irritated"),
        (lambda rs: rs[0].update(lang="ru"), "lang is 'ru' but the text reads as 'en'"),
        (lambda rs: rs[2].update(channel="email"), "channel 'email'"),
        (lambda rs: rs[3].pop("industry"), "missing field(s) ['industry']"),
        (lambda rs: rs[4].update(text=rs[0]["text"] + "!"), "near-duplicate (Jaccard 1.00)"),
        (lambda rs: rs.pop(), "zh: 5 texts < 6"),
        (lambda rs: [r.update(emotions=[]) for r in rs], "span 2+ clusters"),
    ],
)
def test_each_problem_is_reported_with_its_row(tmp_path, mutate, expected):
    records = _records()
    mutate(records)
    result = C.check(_write(tmp_path, records, agreement=[]), SMALL, write_stats=False)
    assert any(expected in e for e in result.errors), result.errors


def test_row_errors_name_the_file_and_id(tmp_path):
    records = _records()
    records[5]["emotions"] = ["joy"]
    result = C.check(_write(tmp_path, records), SMALL, write_stats=False)
    assert any(e.startswith("corpus.jsonl:6 id='en-5'") for e in result.errors), result.errors


def test_low_agreement_and_stale_resolution_fail(tmp_path):
    records = _records()
    agreement = [
        {"id": r["id"], "first": r["emotions"], "second": [] if r["emotions"] else ["happy"], "resolved": r["emotions"]}
        for r in records
    ]
    agreement[0]["resolved"] = ["safe"]
    result = C.check(_write(tmp_path, records, agreement), SMALL, write_stats=False)
    assert any("kappa for destroying" in e for e in result.errors)
    assert any("resolved ['safe'] but corpus has ['neglected']" in e for e in result.errors)


def test_near_duplicates_are_exact():
    texts = [
        "Hello there, my order 123 is late!",
        "hello there my order 123 is late",
        "Something else entirely",
    ]
    assert [(a, b) for a, b, _ in C.near_duplicates(texts)] == [(0, 1)]
    assert C.near_duplicates(["short", "other"]) == []


def test_assign_splits_is_stratified_and_keeps_existing():
    records = []
    for i in range(400):
        labels = [EMOTION_IDS[(i // 5) % 20]] if i % 5 else []
        records.append({"id": str(i), "lang": "en", "emotions": labels, "split": "test" if i == 0 else None})
    C.assign_splits(records)
    assert records[0]["split"] == "test"
    shares = {s: sum(r["split"] == s for r in records) / len(records) for s in C.SPLITS}
    assert all(abs(shares[s] - p) < 0.02 for s, p in C.SPLITS.items())
    for emotion in EMOTION_IDS:
        in_test = sum(emotion in r["emotions"] and r["split"] == "test" for r in records)
        assert 2 <= in_test <= 4  # 16 texts per emotion x 15%


def test_the_real_corpus_meets_every_floor_and_stats_are_current():
    directory = ROOT / "training" / "data"
    result = C.check(directory, write_stats=False)
    assert result.errors == []
    assert (directory / "STATS.md").read_text(encoding="utf-8") == C.render_stats(result, C.Floors())


def test_advocacy_pass_overrides_the_second_pass_and_must_match_the_corpus(tmp_path):
    records = _records()
    directory = _write(tmp_path, records)  # second pass over records[::4], en-4 resolved ["happy"]
    records[4]["emotions"] = ["happy", "pleased"]  # the later advocacy pass added pleased
    C.write_corpus(records, directory / "corpus.jsonl")
    held = [[e for e in r["emotions"] if e in C.ADVOCACY] for r in records]
    rows = [{"id": r["id"], "first": h, "second": h, "resolved": h} for r, h in zip(records, held, strict=True)]
    rows[4]["first"] = ["happy"]  # before the pass; the blind annotation and adjudication added pleased
    advocacy_file = directory / C.ADVOCACY_FILE
    advocacy_file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = C.check(directory, SMALL)
    assert result.errors == []
    assert result.advocacy["changed"] == 1 and result.advocacy["disagreements"] == 1
    assert "Advocacy consistency pass" in (directory / "STATS.md").read_text(encoding="utf-8")

    rows[1]["resolved"] = []  # en-1 holds pleased in the corpus
    advocacy_file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = C.check(directory, SMALL, write_stats=False)
    assert any("advocacy_pass.jsonl: id 'en-1' resolved [] but corpus has ['pleased']" in e for e in result.errors)
