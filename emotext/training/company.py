"""Company-labelled tables (CSV / JSONL / Parquet / Excel) turned into training examples.

Teams label in spreadsheets, so labels arrive either as one column of names ("irritated, neglected"
or a JSON list) or as one 0/1 column per label. Names may be emotion ids, cluster ids or both; what
the dataset uses anywhere defines what it judges: a cluster-only dataset trains only the cluster
outputs and leaves the emotion outputs masked.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..taxonomy import CLUSTER_IDS, EMOTION_IDS, cluster_of
from .data import Example, from_label_names, parse_label_names

MIN_EXAMPLES_PER_LABEL = 8
_SPLIT_NAMES = re.compile(r"[,;|]")


def read_table(path: Path) -> pd.DataFrame:
    """Read a labelled table by extension; all cells as strings so ids and labels keep their form."""
    suffix = Path(path).suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        return pd.read_csv(path, sep=None, engine="python", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if suffix in {".jsonl", ".ndjson"}:
        return pd.read_json(path, lines=True, dtype=False)
    if suffix == ".json":
        return pd.read_json(path, dtype=False)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in {".xlsx", ".xls"}:
        return pd.read_excel(path, dtype=str)
    raise ValueError(f"{path}: unsupported file type {suffix!r} (use .csv, .tsv, .jsonl, .parquet or .xlsx)")


def _names(cell: Any, where: str) -> list[str]:
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return []
    if isinstance(cell, list | tuple):
        return parse_label_names([str(c) for c in cell], where)
    text = str(cell).strip()
    if text.startswith("["):
        try:
            return parse_label_names([str(c) for c in json.loads(text)], where)
        except json.JSONDecodeError:
            pass
    return parse_label_names(_SPLIT_NAMES.split(text), where)


def _truthy(cell: Any, where: str) -> bool:
    text = str(cell).strip().lower()
    if text in {"1", "1.0", "true", "yes", "y", "x"}:
        return True
    if text in {"0", "0.0", "false", "no", "n", "", "nan", "none"}:
        return False
    raise ValueError(f"{where}: expected 0/1 (or true/false), got {cell!r}")


@dataclass
class CompanyData:
    examples: list[Example]
    judged: set[str]
    counts: Counter[str]


def examples_from_table(
    df: pd.DataFrame,
    text_col: str,
    labels_col: str | None = None,
    label_cols: Sequence[str] | None = None,
    lang_col: str | None = None,
    source_name: str = "data",
) -> CompanyData:
    if (labels_col is None) == (not label_cols):
        raise ValueError("give exactly one of --labels-col (label names in one column) or --label-cols")
    needed = [text_col, *([labels_col] if labels_col else list(label_cols or [])), *([lang_col] if lang_col else [])]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ValueError(f"{source_name}: column(s) {missing} not found; the table has {list(df.columns)}")
    if label_cols:
        parse_label_names(label_cols, f"{source_name}: --label-cols")
    rows: list[tuple[str, list[str], str]] = []
    for i, row in enumerate(df.to_dict("records")):
        where = f"{source_name} row {i + 1}"
        text = row[text_col]
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{where}: column {text_col!r} is empty or not text")
        if labels_col:
            names = _names(row[labels_col], f"{where}, column {labels_col!r}")
        else:
            names = [c for c in (label_cols or []) if _truthy(row[c], f"{where}, column {c!r}")]
        rows.append((text, names, str(row[lang_col]) if lang_col else ""))
    used = {n for _, names, _ in rows for n in names} | set(label_cols or [])
    judged = set(used)
    judged |= {cluster_of(n) for n in used if n in EMOTION_IDS}
    counts: Counter[str] = Counter()
    examples = []
    for text, names, lang in rows:
        example = from_label_names(text, names, judged, lang)
        examples.append(example)
        counts.update(set(names) | {cluster_of(n) for n in names if n in EMOTION_IDS})
    return CompanyData(examples, judged, counts)


def rare_label_warnings(counts: Counter[str], judged: set[str]) -> list[str]:
    order = [*EMOTION_IDS, *CLUSTER_IDS]
    return [
        f"label {label!r} has only {counts[label]} positive example(s) (< {MIN_EXAMPLES_PER_LABEL}); "
        "its scores will be unreliable"
        for label in order
        if label in judged and counts[label] < MIN_EXAMPLES_PER_LABEL
    ]


def split_dev(examples: list[Example], share: float = 0.15, seed: int = 13) -> tuple[list[Example], list[Example]]:
    """Hold out a dev share, drawing from each label's examples so rare labels appear in dev too."""
    rng = random.Random(seed)
    indices = list(range(len(examples)))
    rng.shuffle(indices)
    dev: set[int] = set()
    label_count = len(examples[0].targets) if examples else 0
    for j in range(label_count):
        having = [i for i in indices if examples[i].targets[j] > 0]
        want = round(len(having) * share)
        dev.update(having[:want])
    target = round(len(examples) * share)
    for i in indices:
        if len(dev) >= target:
            break
        dev.add(i)
    return [examples[i] for i in indices if i not in dev], [examples[i] for i in indices if i in dev]


def log_counts(data: CompanyData, log: Callable[[str], None]) -> None:
    shown = ", ".join(f"{k} {data.counts[k]}" for k in [*EMOTION_IDS, *CLUSTER_IDS] if k in data.judged)
    log(f"{len(data.examples)} examples; labels judged: {shown}")
