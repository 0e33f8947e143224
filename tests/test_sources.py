"""Public-data loaders on tiny invented fixtures laid out exactly like the real files.

Nothing here reads the real data: every test points ``root`` at tests/fixtures/sources (or a copy of it
under tmp_path), so the suite runs anywhere and no public-dataset text is needed.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
from pathlib import Path

import pytest
import yaml

from emotext import taxonomy as tx
from emotext.training import sources as S

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
ALL_SPLITS = ("train", "dev", "test")

SHIPPABLE = {"goemotions", "ru_go_emotions", "cedr", "semeval2025_task11", "xed"}
EVAL_ONLY = {"multiemo", "stc3_helpdesk", "chinese_reviews", "wust_2k20_polish_twitter_emotions"}


def load_all(name: str, root: Path = FIXTURES, **kwargs) -> list[S.Record]:
    """Every split the source has (an eval_only source refuses 'train')."""
    return S.load_source(name, root, splits=S.load_mapping(name).splits, **kwargs)


def by_native_id(records: list[S.Record]) -> dict[str, S.Record]:
    return {r["id"].split(":", 2)[2]: r for r in records}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixtures, for tests that break a file on purpose."""
    shutil.copytree(FIXTURES, tmp_path / "raw")
    return tmp_path / "raw"


@pytest.fixture
def mappings_copy(tmp_path: Path) -> Path:
    shutil.copytree(S.DEFAULT_MAPPINGS_DIR, tmp_path / "mappings")
    return tmp_path / "mappings"


def edit_yaml(mappings: Path, source: str, changes: dict) -> None:
    path = mappings / f"{source}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw.update(changes)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


# ---------------------------------------------------------------------------------------------- mappings


def test_every_source_has_a_mapping_and_nothing_else_does():
    assert {p.stem for p in S.DEFAULT_MAPPINGS_DIR.glob("*.yaml")} == set(S.SOURCES)


@pytest.mark.parametrize("name", S.SOURCES)
def test_mappings_validate_against_the_taxonomy(name):
    m = S.load_mapping(name)
    assert m.name == name
    ids = set(tx.EMOTION_IDS) | set(tx.CLUSTER_IDS)
    assert all(set(targets) <= ids for targets in m.label_map.values())
    assert set(m.judges) <= ids
    assert set(m.languages) <= set(tx.LANGUAGES)
    assert m.splits, "a source must produce at least one split"


def test_licence_flags_and_use():
    assert set(S.shippable_sources()) == SHIPPABLE
    for name in S.SOURCES:
        m = S.load_mapping(name)
        assert m.shippable is (name in SHIPPABLE)
        assert m.use == ("eval_only" if name in EVAL_ONLY else "train+eval")
        assert m.licence.strip()
        if m.use == "eval_only":
            assert "train" not in m.splits


def test_clusters_are_judged_only_where_the_label_set_covers_them():
    # Nothing public covers attention or recommendation well enough for an absent label to mean "no".
    for name in S.SOURCES:
        assert not {"attention", "recommendation"} & set(S.load_mapping(name).judges), name
    assert S.load_mapping("goemotions").judges == ("destroying", "advocacy")
    assert S.load_mapping("stc3_helpdesk").judges == ()


def test_surprise_never_gives_a_positive():
    for name in ("goemotions", "cedr", "semeval2025_task11", "xed"):
        assert S.load_mapping(name).label_map["surprise"] == ()


def test_ru_go_emotions_map_is_goemotions_map():
    ru, en = S.load_mapping("ru_go_emotions"), S.load_mapping("goemotions")
    assert ru.label_map == en.label_map and ru.judges == en.judges


@pytest.mark.parametrize("name", S.SOURCES)
def test_every_mapping_line_has_a_comment_saying_why(name):
    lines = (S.DEFAULT_MAPPINGS_DIR / f"{name}.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index("map:")
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        assert "#" in line, f"{name}: mapping line without a reason: {line!r}"


def test_polarity_maps_cover_exactly_the_polarity_sources():
    with_polarity = {n for n in S.SOURCES if S.load_mapping(n).polarity is not None}
    assert with_polarity == {"multiemo", "stc3_helpdesk", "chinese_reviews"}


# ----------------------------------------------------------------------------------------------- records


@pytest.mark.parametrize("name", S.SOURCES)
def test_every_loader_yields_well_formed_records(name):
    m = S.load_mapping(name)
    records = load_all(name)
    assert records
    assert len({r["id"] for r in records}) == len(records)
    ids = set(tx.EMOTION_IDS) | set(tx.CLUSTER_IDS)
    for r in records:
        assert set(r) == {"id", "text", "lang", "source", "split", "labels", "polarity"}
        assert r["source"] == name and r["id"].startswith(f"{name}:{r['lang']}:")
        assert r["text"] and r["text"] == r["text"].strip() and "\ufeff" not in r["text"]
        assert r["lang"] in m.languages and r["split"] in m.splits
        assert set(r["labels"]) <= ids and set(r["labels"].values()) <= {0, 1}
        assert set(m.judges) <= set(r["labels"]), "judged ids are always known"
        for label, value in r["labels"].items():
            if value and label in tx.EMOTION_BY_ID:
                assert r["labels"][tx.cluster_of(label)] == 1, "an emotion positive implies its cluster"
            if label not in m.judges:
                assert value == 1, "an unjudged id is only ever known as a positive"
        assert r["polarity"] in ({None} if m.polarity is None else set(m.polarity.values()))


def test_goemotions_positives_masking_and_quotes():
    records = load_all("goemotions")
    assert [len([r for r in records if r["split"] == s]) for s in ALL_SPLITS] == [5, 3, 3]
    rows = by_native_id(records)
    # annoyance → irritated (+ destroying); advocacy judged → known 0; attention etc. unknown.
    assert rows["fx0001"]["labels"] == {"irritated": 1, "destroying": 1, "advocacy": 0}
    # A comment opening with a quote must not swallow the next lines (QUOTE_NONE).
    assert rows["fx0002"]["text"].startswith('"Best purchase ever"')
    assert rows["fx0002"]["labels"] == {"happy": 1, "advocacy": 1, "destroying": 0}
    # curiosity → interested/attention positive; attention is not judged, so only positives appear.
    assert rows["fx0003"]["labels"] == {"interested": 1, "attention": 1, "destroying": 0, "advocacy": 0}
    # neutral: only the judged clusters are known, everything else is masked.
    assert rows["fx0004"]["labels"] == {"destroying": 0, "advocacy": 0}
    # surprise gives nothing, relief → safe.
    assert rows["fx0005"]["labels"] == {"safe": 1, "recommendation": 1, "destroying": 0, "advocacy": 0}
    # gratitude ("thanks") is routine politeness: no positive.
    assert rows["fx0102"]["labels"] == {"destroying": 0, "advocacy": 0}
    # amusement is an advocacy cluster positive without an emotion.
    assert rows["fx0202"]["labels"] == {"advocacy": 1, "destroying": 0}
    assert all(r["polarity"] is None for r in records)


def test_ru_go_emotions_reads_the_russian_text_and_numpy_style_ids():
    rows = by_native_id(S.load_source("ru_go_emotions", FIXTURES, splits=("dev", "test")))
    assert rows["fr0101"]["text"].startswith("Доставка") and rows["fr0101"]["lang"] == "ru"
    assert rows["fr0102"]["labels"] == {"pleased": 1, "advocacy": 1, "destroying": 0}  # "[ 4 27]"
    assert rows["fr0201"]["split"] == "test" and rows["fr0201"]["labels"]["irritated"] == 1
    assert S.load_source("ru_go_emotions", FIXTURES) == []  # no train split: nothing, not an error


def test_cedr_multilabel_empty_list_and_multiline_text():
    records = load_all("cedr")
    rows = by_native_id(records)
    assert rows["cedr-main-train.csv#4"]["labels"] == {"unhappy": 1, "destroying": 1, "advocacy": 0}
    assert rows["cedr-main-train.csv#5"]["labels"] == {
        "unhappy": 1,
        "happy": 1,
        "destroying": 1,
        "advocacy": 1,
    }
    assert rows["cedr-main-train.csv#2"]["labels"] == {"destroying": 0, "advocacy": 0}
    assert "\n" in rows["cedr-main-test.csv#2"]["text"]


def test_brighter_languages_columns_and_filter():
    records = load_all("semeval2025_task11")
    expected = {(s, lang) for s in ALL_SPLITS for lang in ("en", "ru", "zh")}
    assert {(r["split"], r["lang"]) for r in records} == expected
    rows = by_native_id(records)
    assert rows["rus_train_track_a_00001"]["labels"] == {"irritated": 1, "destroying": 1, "advocacy": 0}
    assert rows["chn_test_track_a_00001"]["labels"]["destroying"] == 1  # disgust → cluster only
    assert "unsatisfied" not in rows["chn_test_track_a_00001"]["labels"]
    assert rows["eng_dev_track_a_00002"]["labels"] == {"destroying": 0, "advocacy": 0}  # surprise only
    ru = S.load_source("semeval2025_task11", FIXTURES, splits=ALL_SPLITS, languages=["ru"])
    assert ru and {r["lang"] for r in ru} == {"ru"}
    assert S.load_source("semeval2025_task11", FIXTURES, languages=["pl"]) == []  # BRIGHTER has no Polish


def test_brighter_blank_label_cell_is_an_error(data_copy):
    path = data_copy / "semeval2025_task11_brighter/track_a/test/eng.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = ",".join([*lines[1].split(",")[:-1], ""])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"eng_test_track_a_00001.*must be 0 or 1"):
        S.load_source("semeval2025_task11", data_copy, splits=("test",), languages=["en"])


def test_xed_layouts_debris_and_projections():
    records = load_all("xed")
    by_lang = {lang: [r for r in records if r["lang"] == lang] for lang in ("en", "pl", "ru", "zh")}
    # en: 7 annotated + 3 neutral (the empty line is skipped, the trailing tabs are tolerated)
    assert len(by_lang["en"]) == 10
    neutral = [r for r in by_lang["en"] if r["id"].startswith("xed:en:neu_en.txt#")]
    assert len(neutral) == 3 and all(r["labels"] == {"destroying": 0, "advocacy": 0} for r in neutral)
    assert "The train leaves at six." in {r["text"] for r in neutral}
    # pl: 5 real rows; the alignment debris (a bare file name, a six-field line) is skipped
    assert len(by_lang["pl"]) == 5 and not any("xml" in r["text"] for r in by_lang["pl"])
    texts = {r["text"]: r["labels"] for r in records}
    assert texts["I trust you with my life."] == {
        "trusting": 1,
        "recommendation": 1,
        "destroying": 0,
        "advocacy": 0,
    }
    anticipation_and_joy = {"attention": 1, "happy": 1, "advocacy": 1, "destroying": 0}
    assert texts["我真等不及想看看里面是什么。"] == anticipation_and_joy
    assert all(not r["text"].endswith("\r") for r in records)


def test_xed_unknown_label_id_names_it(data_copy):
    path = data_copy / "xed/ru-projections.tsv"
    path.write_bytes(path.read_bytes() + "Новая строка.\t12\r\n".encode())
    with pytest.raises(ValueError, match=r"unknown source label '12'"):
        S.load_source("xed", data_copy, languages=["ru"], splits=ALL_SPLITS)


def test_wust_labels_and_split_files():
    records = load_all("wust_2k20_polish_twitter_emotions")
    splits = [r["split"] for r in records]
    assert splits.count("dev") == 5 and splits.count("test") == 4
    texts = {r["text"]: r["labels"] for r in records}
    assert texts["Podziwiam ratowników, świetna robota."] == {
        "trusting": 1,
        "recommendation": 1,
        "destroying": 0,
        "advocacy": 0,
    }
    assert any("https://t.co/fx1" in t for t in texts)  # escaped slashes and \u escapes decoded


def test_multiemo_polarity_and_parallel_split():
    records = load_all("multiemo")
    rows = {(r["lang"], r["id"].split(":", 2)[2]): r for r in records}
    neg = rows[("pl", "hotels.text.00000")]
    assert neg["labels"] == {"destroying": 1} and neg["polarity"] == -1
    assert rows[("en", "hotels.text.00001")]["labels"] == {"destroying": 0}
    assert rows[("en", "hotels.text.00001")]["polarity"] == 1
    assert rows[("ru", "hotels.text.00002")]["labels"] == {"destroying": 1}  # ambivalent
    assert rows[("ru", "hotels.text.00002")]["polarity"] is None
    assert rows[("pl", "medicine.text.00000")]["polarity"] == 0
    # The empty Chinese translation is dropped; the Polish-only review has no translations.
    assert ("zh", "medicine.text.00000") not in rows
    assert ("en", "hotels.text.00003") not in rows and ("pl", "hotels.text.00003") in rows
    # Translations of one review always share a split.
    splits: dict[str, set[str]] = {}
    for (_, native), r in rows.items():
        splits.setdefault(native, set()).add(r["split"])
    assert all(len(s) == 1 for s in splits.values())


def test_stc3_customer_turns_and_rounded_satisfaction():
    records = load_all("stc3_helpdesk")
    rows = {(r["lang"], r["id"].split(":", 2)[2]): r for r in records}
    zh1 = rows[("zh", "4000000000000001")]
    # customer turns only, one utterance per line; the helpdesk reply is left out
    customer_turns = ["你们的宽带又断了，已经三天了", "到底什么时候能修好？", "私信了，还是没人理。"]
    assert zh1["text"].splitlines() == customer_turns
    assert zh1["labels"] == {"destroying": 1} and zh1["polarity"] == -1
    neutral = rows[("zh", "4000000000000002")]
    assert neutral["labels"] == {} and neutral["polarity"] == 0
    assert rows[("zh", "4000000000000003")]["polarity"] == 1
    assert rows[("zh", "4000000000000004")]["labels"] == {"destroying": 1}
    assert rows[("zh", "4000000000000005")]["polarity"] == 1
    for native in ("4000000000000001", "4000000000000003"):  # en shares the id, labels and split
        assert rows[("en", native)]["split"] == rows[("zh", native)]["split"]
        assert rows[("en", native)]["polarity"] == rows[("zh", native)]["polarity"]


def test_stc3_unlabelled_dialogues_are_an_error(data_copy):
    path = data_copy / "stc3_customer_helpdesk/train_data_en.json.gz"
    dialogues = json.loads(gzip.decompress(path.read_bytes()))
    del dialogues[0]["annotations"]
    path.write_bytes(gzip.compress(json.dumps(dialogues).encode()))
    with pytest.raises(ValueError, match="no annotations"):
        S.load_source("stc3_helpdesk", data_copy, splits=("dev", "test"), languages=["en"])


def test_chinese_reviews_three_folders_bom_and_duplicates():
    records = load_all("chinese_reviews")
    assert len(records) == 12  # 4 + 4 + 5 rows, one empty review dropped
    assert {r["id"].split(":")[2].split("/")[0] for r in records} == {
        "chnsenticorp_htl_all",
        "waimai_10k",
        "online_shopping_10_cats",
    }
    assert "印刷清晰，内容很有启发" in {r["text"] for r in records}  # leading BOM stripped
    dupes = [r for r in records if r["text"] == "位置方便，离地铁站很近。"]
    assert len(dupes) == 2 and len({r["split"] for r in dupes}) == 1  # hashed by text: same split
    neg = [r for r in records if r["polarity"] == -1]
    assert neg and all(r["labels"] == {"destroying": 1} for r in neg)
    assert all(r["labels"] == {"destroying": 0} for r in records if r["polarity"] == 1)


# ------------------------------------------------------------------------------------------------ splits


def test_split_filter_returns_only_the_requested_splits():
    for split in ALL_SPLITS:
        got = S.load_source("goemotions", FIXTURES, splits=(split,))
        assert got and {r["split"] for r in got} == {split}
    as_string = S.load_source("goemotions", FIXTURES, splits="dev")
    assert as_string == S.load_source("goemotions", FIXTURES, splits=("dev",))


def test_hashed_dev_is_carved_from_train_only():
    train_dev = S.load_source("cedr", FIXTURES, splits=("train", "dev"))
    assert len(train_dev) == 6 and all(r["id"].startswith("cedr:ru:cedr-main-train.csv#") for r in train_dev)
    test = S.load_source("cedr", FIXTURES, splits=("test",))
    assert len(test) == 3 and all("cedr-main-test.csv" in r["id"] for r in test)


def test_hash_split_is_stable_and_follows_fractions():
    fractions = {"train": 0.8, "dev": 0.1, "test": 0.1}
    assert S.hash_split("xed", "same text", fractions) == S.hash_split("xed", "same text", fractions)
    counts = {s: 0 for s in ALL_SPLITS}
    for i in range(3000):
        counts[S.hash_split("xed", f"row {i}", fractions)] += 1
    assert 2250 < counts["train"] < 2550 and 200 < counts["dev"] < 400 and 200 < counts["test"] < 400
    assert {S.hash_split("m", str(i), {"dev": 0.3, "test": 0.7}) for i in range(200)} == {"dev", "test"}


def test_eval_only_sources_refuse_train():
    for name in EVAL_ONLY:
        with pytest.raises(ValueError, match=rf"{name}.*eval_only"):
            S.load_source(name, FIXTURES, splits=("train",))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"unknown split \['validation'\]"):
        S.load_source("goemotions", FIXTURES, splits=("validation",))
    with pytest.raises(ValueError, match=r"unknown language \['de'\]"):
        S.load_source("goemotions", FIXTURES, languages=["de"])
    with pytest.raises(ValueError, match="unknown source 'imdb'"):
        S.load_source("imdb", FIXTURES)


# ------------------------------------------------------------------------------------------------ errors


def test_missing_file_names_the_expected_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"expected .*goemotions[/\\]train\.tsv"):
        S.load_source("goemotions", tmp_path)


def test_missing_label_list_names_it(data_copy):
    (data_copy / "goemotions/emotions.txt").unlink()
    with pytest.raises(FileNotFoundError, match=r"emotions\.txt"):
        S.load_source("goemotions", data_copy)


def test_unknown_source_label_names_it_and_the_mapping(mappings_copy):
    raw = yaml.safe_load((mappings_copy / "cedr.yaml").read_text(encoding="utf-8"))
    del raw["map"]["fear"]
    edit_yaml(mappings_copy, "cedr", {"map": raw["map"]})
    with pytest.raises(ValueError, match=r"unknown source label 'fear'.*cedr\.yaml"):
        S.load_source("cedr", FIXTURES, mappings_dir=mappings_copy)


def test_unknown_label_value_in_data_names_it(data_copy):
    path = data_copy / "multiemo/multiemo_text_en.jsonl.gz"
    line = json.dumps({"id": "x.text.1", "domain": "x", "lang": "en", "label": "mixed", "text": "Meh."})
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes()) + (line + "\n").encode()))
    with pytest.raises(ValueError, match="unknown source label 'mixed'"):
        S.load_source("multiemo", data_copy, splits=("dev", "test"), languages=["en"])


def test_label_id_out_of_range_names_it(data_copy):
    path = data_copy / "goemotions/dev.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "Some text\t28\tfx9999\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"fx9999.*unknown source label id 28"):
        S.load_source("goemotions", data_copy, splits=("dev",))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"map": {"joy": ["happiness"]}}, r"map\['joy'\]: unknown taxonomy id 'happiness'"),
        ({"judges": ["destroying", "advocasy"]}, r"judges: unknown taxonomy id 'advocasy'"),
        ({"languages": ["ru", "ua"]}, r"unknown languages \['ua'\]"),
        ({"use": "train"}, "use must be"),
        ({"shippable": "yes"}, "shippable must be true or false"),
        ({"shippable": True, "licence": "CC BY-NC-SA 4.0"}, "contradicts licence"),
        ({"format": "parquet"}, "unknown format 'parquet'"),
        ({"name": "other"}, "does not match the file name"),
        ({"use": "eval_only"}, "eval_only source must not have a train split"),
        ({"polarity": {"joy": 1}}, "polarity keys"),
        ({"colour": "blue"}, "unknown keys: colour"),
        ({"splits": {"validation": {"ru": "x.csv"}}}, "unknown split 'validation'"),
        (
            {"splits": {"hashed": {"key": "text", "fractions": {"train": 0.5}, "files": {"ru": "x"}}}},
            "sum to 1",
        ),
        ({"splits": {"test": {"pl": "x.csv"}}}, r"file language 'pl' is not in languages"),
    ],
)
def test_bad_mappings_are_rejected_naming_the_file(mappings_copy, changes, message):
    edit_yaml(mappings_copy, "cedr", changes)
    with pytest.raises(S.MappingError, match=message) as err:
        S.load_mapping("cedr", mappings_copy)
    assert str(mappings_copy / "cedr.yaml") in str(err.value)


def test_missing_mapping_file_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"expected .*cedr\.yaml"):
        S.load_mapping("cedr", tmp_path)


def test_missing_key_is_named(mappings_copy):
    path = mappings_copy / "cedr.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    del raw["judges"]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(S.MappingError, match="missing keys: judges"):
        S.load_mapping("cedr", mappings_copy)


# --------------------------------------------------------------------------------------- label semantics


def test_emotion_level_judge_implies_nothing_about_its_cluster():
    m = dataclasses.replace(S.load_mapping("cedr"), judges=("irritated", "advocacy"))
    assert S.map_labels(m, ["joy"], "t") == {"happy": 1, "advocacy": 1, "irritated": 0}
    assert S.map_labels(m, ["sadness"], "t") == {
        "unhappy": 1,
        "destroying": 1,
        "irritated": 0,
        "advocacy": 0,
    }
    assert S.map_labels(m, [], "t") == {"irritated": 0, "advocacy": 0}  # no destroying: 0 inferred


def test_positive_wins_over_judged_negative():
    m = S.load_mapping("goemotions")
    assert S.map_labels(m, ["anger", "joy"], "t") == {
        "irritated": 1,
        "destroying": 1,
        "happy": 1,
        "advocacy": 1,
    }


def test_describe_counts_rows_and_rates():
    summary = S.describe(load_all("goemotions"))
    assert summary["rows"] == {("train", "en"): 5, ("dev", "en"): 3, ("test", "en"): 3}
    assert summary["known"]["destroying"] == 11
    assert list(summary["positive_rate"])[:2] == ["destroying", "attention"]


def test_mappings_dir_override_is_used(mappings_copy):
    edit_yaml(mappings_copy, "cedr", {"judges": ["destroying"]})
    records = S.load_source("cedr", FIXTURES, splits=("test",), mappings_dir=mappings_copy)
    assert all("advocacy" not in r["labels"] or r["labels"]["advocacy"] == 1 for r in records)
    assert S.shippable_sources(mappings_copy) == S.shippable_sources()
