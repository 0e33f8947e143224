"""Loaders for the public labelled data sets, turned into partially labelled Shaw records.

No public set labels Shaw's emotions, so each one comes with a YAML mapping in
``training/mappings/<name>.yaml`` that says which of our ids a source label stands for and which of
our ids the source can *judge*. The distinction matters because training masks what is unknown:

- a mapped source label gives a positive (an emotion positive also makes its cluster positive);
- an id in ``judges`` that is not positive is a known negative (the source's label set covers it,
  so the raters would have said so);
- every other id is absent from ``labels`` and must be masked, never read as 0. Treating "GoEmotions
  has no 'trusting' label" as "not trusting" would teach the model that nobody on Reddit trusts.

The mapping, not this code, is where the judgement calls live; the code only enforces that every
mapping names real taxonomy ids and that every label found in the data is mapped, so a new label
in a re-downloaded file fails loudly instead of silently becoming "no emotion".

Data files are read from ``root/<folder>/...`` where ``root`` is passed in by the caller: the raw data
is not part of the package and may live anywhere (or be replaced by the test fixtures).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypedDict

import pandas as pd
import yaml

from emotext.taxonomy import CLUSTER_IDS, EMOTION_BY_ID, EMOTION_IDS, LANGUAGES, cluster_of

log = logging.getLogger(__name__)

Split = Literal["train", "dev", "test"]
SPLITS: tuple[Split, ...] = ("train", "dev", "test")
Use = Literal["train+eval", "eval_only"]

# Order matters only for reports; membership is what the loaders check.
SOURCES: tuple[str, ...] = (
    "goemotions",
    "ru_go_emotions",
    "cedr",
    "semeval2025_task11",
    "xed",
    "wust_2k20_polish_twitter_emotions",
    "multiemo",
    "stc3_helpdesk",
    "chinese_reviews",
)

DEFAULT_MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "training" / "mappings"

_LABEL_IDS = frozenset(EMOTION_IDS) | frozenset(CLUSTER_IDS)
_YAML_KEYS = frozenset(
    {
        "name",
        "folder",
        "licence",
        "shippable",
        "use",
        "languages",
        "format",
        "splits",
        "map",
        "judges",
        "polarity",
    }
)
_REQUIRED_KEYS = _YAML_KEYS - {"polarity"}
# Licence words that can never go with shippable: true (non-commercial, share-alike-NC, nothing stated).
_UNSHIPPABLE_LICENCE = re.compile(r"\bNC\b|non-?commercial|none stated|unknown|research only", re.IGNORECASE)


class Record(TypedDict):
    """One text with what is known about its Shaw labels; absent ids are unknown (mask them)."""

    id: str
    text: str
    lang: str
    source: str
    split: str
    labels: dict[str, int]
    polarity: int | None


class RawRow(NamedTuple):
    """What a format reader yields before mapping: the source's own id, text and label values."""

    native_id: str
    text: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class FileSpec:
    """One data file: its language, its official split (None = assigned by hash) and reader options."""

    path: str
    lang: str
    split: str | None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    """A validated ``training/mappings/<name>.yaml``: where the files are and what their labels mean."""

    name: str
    folder: str
    licence: str
    shippable: bool
    use: Use
    languages: tuple[str, ...]
    format: str
    files: tuple[FileSpec, ...]
    label_map: dict[str, tuple[str, ...]]
    judges: tuple[str, ...]
    polarity: dict[str, int | None] | None
    hash_key: Literal["id", "text"] = "text"
    hash_fractions: dict[str, float] = field(default_factory=dict)
    path: Path = field(default=Path(), compare=False)

    @property
    def splits(self) -> tuple[str, ...]:
        """Splits this source can produce, official or hashed, in train/dev/test order."""
        have = {f.split for f in self.files if f.split} | set(self.hash_fractions)
        return tuple(s for s in SPLITS if s in have)


# --------------------------------------------------------------------------------------------------
# Mapping files


class MappingError(ValueError):
    """A mapping YAML that does not fit the taxonomy or the schema; the message names the file."""


def _fail(path: Path, message: str) -> MappingError:
    return MappingError(f"{path}: {message}")


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _file_specs(path: Path, lang_files: Any, split: str | None, languages: Sequence[str]) -> list[FileSpec]:
    """``{lang: file | [file, ...] | {path: file, option: value}}`` → FileSpecs, checking languages."""
    if not isinstance(lang_files, dict) or not lang_files:
        raise _fail(path, f"split {split or 'hashed'!r} must map languages to files, got {lang_files!r}")
    specs = []
    for lang, entries in lang_files.items():
        if lang not in languages:
            raise _fail(path, f"file language {lang!r} is not in languages {list(languages)}")
        for entry in _as_list(entries):
            if isinstance(entry, str):
                specs.append(FileSpec(entry, lang, split))
            elif isinstance(entry, dict) and isinstance(entry.get("path"), str):
                options = {k: v for k, v in entry.items() if k != "path"}
                specs.append(FileSpec(entry["path"], lang, split, options))
            else:
                raise _fail(path, f"bad file entry {entry!r} (a path or {{path: ..., option: ...}})")
    return specs


def _parse_splits(
    path: Path, raw: Any, languages: Sequence[str]
) -> tuple[list[FileSpec], Literal["id", "text"], dict[str, float]]:
    """Official splits (``train/dev/test: {lang: files}``) and/or a ``hashed:`` block.

    Sources without an official split (or without a dev split) get one from a stable hash of the row id
    or text, so the same row always lands in the same split on every machine and every run, and
    (when keyed by a parallel id) translations of one text never straddle train and test.
    """
    if not isinstance(raw, dict) or not raw:
        raise _fail(path, "'splits' must be a mapping of train/dev/test (and/or 'hashed') to files")
    files: list[FileSpec] = []
    key: Literal["id", "text"] = "text"
    fractions: dict[str, float] = {}
    for split, value in raw.items():
        if split in SPLITS:
            files += _file_specs(path, value, split, languages)
        elif split == "hashed":
            if not isinstance(value, dict) or set(value) - {"key", "fractions", "files"}:
                raise _fail(path, "'hashed' needs exactly key, fractions and files")
            if value.get("key") not in ("id", "text"):
                raise _fail(path, f"hashed key must be 'id' or 'text', got {value.get('key')!r}")
            key = value["key"]
            fractions = dict(value.get("fractions") or {})
            if not fractions or set(fractions) - set(SPLITS):
                raise _fail(path, f"hashed fractions must use {list(SPLITS)}, got {fractions!r}")
            if any(not isinstance(v, int | float) or v <= 0 for v in fractions.values()):
                raise _fail(path, f"hashed fractions must be positive numbers, got {fractions!r}")
            if not math.isclose(sum(fractions.values()), 1.0, abs_tol=1e-9):
                raise _fail(path, f"hashed fractions must sum to 1, got {fractions!r}")
            files += _file_specs(path, value.get("files"), None, languages)
        else:
            raise _fail(path, f"unknown split {split!r}; use {list(SPLITS)} or 'hashed'")
    return files, key, fractions


def _check_ids(path: Path, where: str, ids: Iterable[Any]) -> tuple[str, ...]:
    out = []
    for label in ids:
        if label not in _LABEL_IDS:
            raise _fail(
                path,
                f"{where}: unknown taxonomy id {label!r}; valid emotions: {', '.join(EMOTION_IDS)}; "
                f"clusters: {', '.join(CLUSTER_IDS)}",
            )
        out.append(label)
    return tuple(out)


def load_mapping(name: str, mappings_dir: Path | None = None) -> Mapping:
    """Read and validate ``<mappings_dir>/<name>.yaml`` against the schema and ``emotext.taxonomy``.

    Validation happens here rather than at training time so a typo in an id ("cared-for") is an error
    naming the file, not a label that silently never gets a positive.
    """
    directory = DEFAULT_MAPPINGS_DIR if mappings_dir is None else Path(mappings_dir)
    path = directory / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in directory.glob("*.yaml")) if directory.is_dir() else []
        raise FileNotFoundError(f"no mapping for source {name!r}: expected {path} (found: {known})")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise _fail(path, "expected a YAML mapping at the top level")
    if missing := sorted(_REQUIRED_KEYS - set(raw)):
        raise _fail(path, f"missing keys: {', '.join(missing)}")
    if unknown := sorted(set(raw) - _YAML_KEYS):
        raise _fail(path, f"unknown keys: {', '.join(unknown)}")
    if raw["name"] != name:
        raise _fail(path, f"name {raw['name']!r} does not match the file name {name!r}")
    if raw["use"] not in ("train+eval", "eval_only"):
        raise _fail(path, f"use must be 'train+eval' or 'eval_only', got {raw['use']!r}")
    if not isinstance(raw["shippable"], bool):
        raise _fail(path, f"shippable must be true or false, got {raw['shippable']!r}")
    licence = str(raw["licence"])
    if raw["shippable"] and _UNSHIPPABLE_LICENCE.search(licence):
        raise _fail(path, f"shippable: true contradicts licence {licence!r}")
    if raw["format"] not in _READERS:
        raise _fail(path, f"unknown format {raw['format']!r}; known: {', '.join(sorted(_READERS))}")

    languages = tuple(_as_list(raw["languages"]))
    if bad := [lang for lang in languages if lang not in LANGUAGES]:
        raise _fail(path, f"unknown languages {bad}; valid: {list(LANGUAGES)}")
    files, key, fractions = _parse_splits(path, raw["splits"], languages)
    if raw["use"] == "eval_only" and (any(f.split == "train" for f in files) or "train" in fractions):
        raise _fail(path, "an eval_only source must not have a train split")

    if not isinstance(raw["map"], dict) or not raw["map"]:
        raise _fail(path, "'map' must map every source label to a list of taxonomy ids")
    label_map: dict[str, tuple[str, ...]] = {}
    for source_label, targets in raw["map"].items():
        ids = [] if targets is None else _as_list(targets)
        label_map[str(source_label)] = _check_ids(path, f"map[{source_label!r}]", ids)
    judges = _check_ids(path, "judges", _as_list(raw["judges"] or []))

    polarity: dict[str, int | None] | None = None
    if raw.get("polarity") is not None:
        polarity = {str(k): v for k, v in dict(raw["polarity"]).items()}
        if set(polarity) != set(label_map):
            raise _fail(path, f"polarity keys {sorted(polarity)} must equal map keys {sorted(label_map)}")
        if bad_values := {k: v for k, v in polarity.items() if v not in (1, -1, 0, None)}:
            raise _fail(path, f"polarity values must be 1, -1, 0 or null, got {bad_values}")

    return Mapping(
        name=name,
        folder=str(raw["folder"]),
        licence=licence,
        shippable=raw["shippable"],
        use=raw["use"],
        languages=languages,
        format=raw["format"],
        files=tuple(files),
        label_map=label_map,
        judges=judges,
        polarity=polarity,
        hash_key=key,
        hash_fractions=fractions,
        path=path,
    )


def shippable_sources(mappings_dir: Path | None = None) -> list[str]:
    """Sources whose licence (CC BY / CC BY-SA / Apache / MIT) allows shipping a model trained on them."""
    return [name for name in SOURCES if load_mapping(name, mappings_dir).shippable]


# --------------------------------------------------------------------------------------------------
# Format readers: one per file layout, yielding the source's own labels (mapping happens later)

Reader = Callable[[Path, FileSpec], Iterator[RawRow]]


def _clean(text: Any) -> str:
    # Some Chinese reviews carry a byte-order mark inside the text; subtitles end in \r.
    return str(text).replace("\ufeff", "").strip()


def _bracket_ids(cell: str, where: str) -> list[int]:
    """``"[1 2]"`` / ``"[4, 27]"`` / ``"[]"`` (numpy- or list-style) → ints."""
    inner = cell.strip()
    if not (inner.startswith("[") and inner.endswith("]")):
        raise ValueError(f"{where}: expected a bracketed id list, got {cell!r}")
    return [int(tok) for tok in re.split(r"[\s,]+", inner[1:-1].strip()) if tok]


def _named(ids: Iterable[int], names: Sequence[str], where: str) -> tuple[str, ...]:
    out = []
    for i in ids:
        if not 0 <= i < len(names):
            raise ValueError(f"{where}: unknown source label id {i} (the file defines {len(names)} labels)")
        out.append(names[i])
    return tuple(out)


def _read_goemotions_tsv(path: Path, spec: FileSpec) -> Iterator[RawRow]:
    """Headerless ``text<TAB>ids<TAB>comment id``; ids index into ``emotions.txt`` beside the file.

    ``QUOTE_NONE`` because Reddit comments start with unbalanced quotes that would otherwise swallow
    the following lines.
    """
    names_path = path.parent / "emotions.txt"
    if not names_path.is_file():
        raise FileNotFoundError(f"GoEmotions label list not found: expected {names_path}")
    names = names_path.read_text(encoding="utf-8").split()
    df = pd.read_csv(
        path,
        sep="\t",
        header=None,
        names=["text", "labels", "id"],
        quoting=csv.QUOTE_NONE,
        dtype=str,
        keep_default_na=False,
    )
    for row in df.itertuples(index=False):
        where = f"{path} id {row.id}"
        ids = [int(tok) for tok in str(row.labels).split(",") if tok.strip()]
        yield RawRow(str(row.id), str(row.text), _named(ids, names, where))


def _read_ru_go_emotions_csv(path: Path, spec: FileSpec) -> Iterator[RawRow]:
    """``ru_text,text,labels,id``; the label order is the key order of ``label_to_russian_label.yaml``."""
    names_path = path.parent / "label_to_russian_label.yaml"
    if not names_path.is_file():
        raise FileNotFoundError(f"ru-go-emotions label list not found: expected {names_path}")
    names = list(yaml.safe_load(names_path.read_text(encoding="utf-8")))
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for row in df.itertuples(index=False):
        where = f"{path} id {row.id}"
        labels = _named(_bracket_ids(str(row.labels), where), names, where)
        yield RawRow(str(row.id), str(row.ru_text), labels)


# CEDR "main" config (SOURCE.md): label ids in the CSV index this tuple.
_CEDR_LABELS = ("joy", "sadness", "surprise", "fear", "anger")


def _read_cedr_csv(path: Path, spec: FileSpec) -> Iterator[RawRow]:
    """``text,labels,source`` with numpy-style id lists; no native ids, so the row number is the id."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for i, row in enumerate(df.itertuples(index=False)):
        where = f"{path} row {i}"
        labels = _named(_bracket_ids(str(row.labels), where), _CEDR_LABELS, where)
        yield RawRow(f"{spec.path}#{i}", str(row.text), labels)


def _read_brighter_csv(path: Path, spec: FileSpec) -> Iterator[RawRow]:
    """Track A: ``id,text,<emotion>...`` with 0/1 cells; the emotion columns vary (eng has no disgust).

    A blank cell is an error, not a 0: the current upstream English test file has all labels blanked
    out, and reading that as "no emotion" would poison evaluation.
    """
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(df.columns[:2]) != ["id", "text"]:
        raise ValueError(f"{path}: expected columns id,text,<emotions>..., got {list(df.columns)}")
    emotions = list(df.columns[2:])
    for row in df.itertuples(index=False):
        values = dict(zip(emotions, row[2:], strict=True))
        if bad := {e: v for e, v in values.items() if v not in ("0", "1")}:
            raise ValueError(f"{path} id {row.id}: label cells must be 0 or 1, got {bad}")
        yield RawRow(str(row.id), str(row.text), tuple(e for e, v in values.items() if v == "1"))


# XED (SOURCE.md): 1..8 Plutchik; neutral is "9" in neu_en.txt although the README says 0.
_XED_LABELS = {
    "0": "neutral",
    "1": "anger",
    "2": "anticipation",
    "3": "disgust",
    "4": "fear",
    "5": "joy",
    "6": "sadness",
    "7": "surprise",
    "8": "trust",
    "9": "neutral",
}


def _read_xed_tsv(path: Path, spec: FileSpec) -> Iterator[RawRow]:
    """``sentence<TAB>1, 3`` (or ``label<TAB>sentence`` with ``layout: label_first``).

    The projection files contain debris of the alignment step: lines with six fields (file names,
    line numbers, both languages) and lines with no label at all. Those are not data rows and are
    skipped with a warning; a well-formed label that XED does not define is an error.
    """
    label_first = spec.options.get("layout") == "label_first"
    df = pd.read_csv(
        path,
        sep="\t",
        header=None,
        names=list(range(8)),
        quoting=csv.QUOTE_NONE,
        dtype=str,
        keep_default_na=False,
    )
    label_col, text_col = (0, 1) if label_first else (1, 0)
    debris = 0
    for i, row in enumerate(df.itertuples(index=False)):
        label_cell, text = row[label_col].strip(), _clean(row[text_col])
        if any(str(cell).strip() for cell in row[2:]) or not label_cell or not text:
            debris += 1
            continue
        labels = []
        for tok in re.split(r"\s*,\s*", label_cell):
            if tok not in _XED_LABELS:
                raise ValueError(f"{path} row {i}: unknown source label {tok!r} (XED defines 0-9)")
            labels.append(_XED_LABELS[tok])
        yield RawRow(f"{spec.path}#{i}", text, tuple(labels))
    if debris:
        log.warning("%s: skipped %d malformed lines (alignment debris or no label)", path, debris)


def _read_wust_json(path: Path, spec: FileSpec) -> Iterator[RawRow]:
    """Pandas ``to_json`` dict: ``{"('text',)": {row: text}, "('emotions',)": {row: label}}``."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    try:
        texts, emotions = data["('text',)"], data["('emotions',)"]
    except KeyError as exc:
        expected = "\"('text',)\" and \"('emotions',)\""
        raise ValueError(f"{path}: expected keys {expected}, got {list(data)}") from exc
    for key, text in texts.items():
        if key not in emotions:
            raise ValueError(f"{path} row {key}: text without an emotion")
        yield RawRow(str(key), str(text), (str(emotions[key]),))


def _read_multiemo_jsonl(path: Path, spec: FileSpec) -> Iterator[RawRow]:
    """Gzipped JSONL ``{id, domain, lang, label, text}``; ``id`` is parallel across the languages."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            obj = json.loads(line)
            if obj.get("lang") != spec.lang:
                raise ValueError(f"{path} line {n}: lang {obj.get('lang')!r}, the mapping says {spec.lang!r}")
            yield RawRow(str(obj["id"]), str(obj["text"]), (str(obj["label"]),))


def _read_stc3_json(path: Path, spec: FileSpec) -> Iterator[RawRow]:
    """Gzipped JSON array of dialogues; the label is the rounded mean customer-satisfaction score S.

    Only the customer's turns become the text: the labels describe the customer, and emotext tags what
    customers write, so the helpdesk's politeness must not be learnt as the customer's feeling.
    Half-way means round up (they cannot occur with the 19 raters of STC-3 anyway).
    """
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        dialogues = json.load(fh)
    for d in dialogues:
        annotations = d.get("annotations")
        if not annotations:
            hint = "the STC-3 test files are unlabelled"
            raise ValueError(f"{path} dialogue {d.get('id')}: no annotations ({hint})")
        scores = [a["quality"]["S"] for a in annotations]
        label = str(math.floor(sum(scores) / len(scores) + 0.5))
        text = "\n".join(u for t in d["turns"] if t["sender"] == "customer" for u in t["utterances"])
        yield RawRow(str(d["id"]), text, (label,))


def _read_review_csv(path: Path, spec: FileSpec) -> Iterator[RawRow]:
    """SophonPlus ``[cat,]label,review`` CSVs (label 1/0); the row number is the id."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not {"label", "review"} <= set(df.columns):
        raise ValueError(f"{path}: expected columns label,review, got {list(df.columns)}")
    for i, (label, review) in enumerate(zip(df["label"], df["review"], strict=True)):
        yield RawRow(f"{spec.path}#{i}", str(review), (str(label).strip(),))


_READERS: dict[str, Reader] = {
    "goemotions_tsv": _read_goemotions_tsv,
    "ru_go_emotions_csv": _read_ru_go_emotions_csv,
    "cedr_csv": _read_cedr_csv,
    "brighter_csv": _read_brighter_csv,
    "xed_tsv": _read_xed_tsv,
    "wust_json": _read_wust_json,
    "multiemo_jsonl": _read_multiemo_jsonl,
    "stc3_json": _read_stc3_json,
    "review_csv": _read_review_csv,
}


# --------------------------------------------------------------------------------------------------
# Loading


def hash_split(source: str, key: str, fractions: dict[str, float]) -> str:
    """Stable split for a row: sha256 of source and key, cut at the cumulative fractions.

    sha256 rather than ``hash()`` because Python salts string hashes per process.
    """
    digest = hashlib.sha256(f"{source}\x00{key}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    total = 0.0
    chosen = ""
    for split in SPLITS:
        if split in fractions:
            total += fractions[split]
            chosen = split
            if point < total:
                break
    return chosen


def map_labels(mapping: Mapping, source_labels: Sequence[str], where: str) -> dict[str, int]:
    """Source labels → known Shaw labels: mapped positives (plus their clusters), 0 for judged ids."""
    labels: dict[str, int] = {}
    for source_label in source_labels:
        if source_label not in mapping.label_map:
            raise ValueError(
                f"{where}: unknown source label {source_label!r} for {mapping.name}; "
                f"add it to 'map' in {mapping.path} (known: {', '.join(mapping.label_map)})"
            )
        for target in mapping.label_map[source_label]:
            labels[target] = 1
            if target in EMOTION_BY_ID:
                labels[cluster_of(target)] = 1
    for judged in mapping.judges:
        labels.setdefault(judged, 0)
    return labels


def _polarity(mapping: Mapping, source_labels: Sequence[str], where: str) -> int | None:
    if mapping.polarity is None:
        return None
    if len(source_labels) != 1:
        raise ValueError(f"{where}: a polarity source needs exactly one label per row, got {source_labels}")
    return mapping.polarity[source_labels[0]]


def _check_choice(kind: str, asked: Iterable[str], valid: Sequence[str]) -> tuple[str, ...]:
    asked = (asked,) if isinstance(asked, str) else tuple(asked)
    if bad := [a for a in asked if a not in valid]:
        raise ValueError(f"unknown {kind} {bad}; valid: {list(valid)}")
    return asked


def load_source(
    name: str,
    root: Path,
    splits: Sequence[str] = ("train",),
    languages: Sequence[str] | None = None,
    mappings_dir: Path | None = None,
) -> list[Record]:
    """Load one public source from ``root/<folder>`` as partially labelled records.

    ``splits`` and ``languages`` filter what is returned (a language or split the source does not have
    just yields nothing). Asking an ``eval_only`` source for ``train`` is an error: those sets have no
    licence to train a shipped model on, and silently returning nothing would hide the mistake.
    Rows with empty text are dropped (logged), since there is nothing to tag.
    """
    if name not in SOURCES:
        raise ValueError(f"unknown source {name!r}; known: {', '.join(SOURCES)}")
    wanted_splits = _check_choice("split", splits, SPLITS)
    wanted_langs = _check_choice("language", languages if languages is not None else LANGUAGES, LANGUAGES)
    mapping = load_mapping(name, mappings_dir)
    if mapping.use == "eval_only" and "train" in wanted_splits:
        raise ValueError(
            f"source {name!r} is eval_only (licence: {mapping.licence}); it has no train split, "
            f"ask for {list(mapping.splits)}"
        )
    folder = Path(root) / mapping.folder
    reader = _READERS[mapping.format]
    records: list[Record] = []
    for spec in mapping.files:
        if spec.lang not in wanted_langs:
            continue
        if spec.split is not None and spec.split not in wanted_splits:
            continue
        if spec.split is None and not set(mapping.hash_fractions) & set(wanted_splits):
            continue
        path = folder / spec.path
        if not path.is_file():
            raise FileNotFoundError(
                f"{name}: data file missing: expected {path} (root={root}, folder={mapping.folder!r}, "
                f"see {mapping.path})"
            )
        empty = 0
        for row in reader(path, spec):
            where = f"{path} ({row.native_id})"
            text = _clean(row.text)
            labels = map_labels(mapping, row.labels, where)
            polarity = _polarity(mapping, row.labels, where)
            if not text:
                empty += 1
                continue
            if spec.split is None:
                key = row.native_id if mapping.hash_key == "id" else text
                split = hash_split(name, key, mapping.hash_fractions)
            else:
                split = spec.split
            if split not in wanted_splits:
                continue
            records.append(
                Record(
                    id=f"{name}:{spec.lang}:{row.native_id}",
                    text=text,
                    lang=spec.lang,
                    source=name,
                    split=split,
                    labels=labels,
                    polarity=polarity,
                )
            )
        if empty:
            log.warning("%s: dropped %d rows with empty text", path, empty)
    return records


def describe(records: Iterable[Record]) -> dict[str, Any]:
    """Counts per split × language and positive rate per known label: the sanity table for a source."""
    rows: dict[tuple[str, str], int] = {}
    known: dict[str, int] = {}
    positive: dict[str, int] = {}
    for r in records:
        rows[(r["split"], r["lang"])] = rows.get((r["split"], r["lang"]), 0) + 1
        for label, value in r["labels"].items():
            known[label] = known.get(label, 0) + 1
            positive[label] = positive.get(label, 0) + value
    order = {label: i for i, label in enumerate(CLUSTER_IDS + EMOTION_IDS)}
    rates = {label: positive[label] / known[label] for label in sorted(known, key=order.__getitem__)}
    return {"rows": rows, "known": {k: known[k] for k in rates}, "positive_rate": rates}


__all__ = [
    "SOURCES",
    "SPLITS",
    "FileSpec",
    "Mapping",
    "MappingError",
    "Record",
    "describe",
    "hash_split",
    "load_mapping",
    "load_source",
    "map_labels",
    "shippable_sources",
]
