"""Our own Shaw-labelled corpus: schema, quality floors, fixed splits, agreement, STATS.md.

The corpus is the only source that labels all 20 emotions in all four languages, so the model is
only as good as it is. This module is the gate every change to it goes through::

    python -m emotext.training.corpus check training/data      # verify + regenerate STATS.md
    python -m emotext.training.corpus split training/data      # (re)assign splits to texts lacking one

``check`` fails (exit 1) on any schema error, duplicate id, unknown label, language mismatch,
near-duplicate pair or missed floor, and lists every offending row by file and id.
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..language import detect
from ..taxonomy import CLUSTER_IDS, EMOTION_IDS, LANGUAGES, clusters_of

FIELDS = ("id", "lang", "text", "emotions", "channel", "industry", "split", "source")
CHANNELS = ("review", "ticket", "chat")
SPLITS = {"train": 0.75, "dev": 0.10, "test": 0.15}
SOURCE = "emotext-team"
AGREEMENT_FILE = "agreement/second_pass.jsonl"
ADVOCACY_FILE = "agreement/advocacy_pass.jsonl"  # a later, full pass over happy/pleased only
ADVOCACY = ("happy", "pleased")


@dataclass(frozen=True)
class Floors:
    """The corpus contract (issue #3). Tests build smaller corpora with their own floors."""

    texts_per_language: int = 1000
    industries: int = 8
    long_share: float = 0.15  # texts over 60 words
    long_words: int = 60
    no_emotion_share: float = 0.15
    multi_cluster_share: float = 0.20
    per_emotion_per_language: int = 30
    near_duplicate_jaccard: float = 0.8
    min_kappa: float = 0.7
    sample_share: float = 0.10  # blind second pass
    split_tolerance: float = 0.03


@dataclass
class CheckResult:
    records: list[dict[str, Any]]
    errors: list[str] = field(default_factory=list)
    kappa: dict[str, float] = field(default_factory=dict)
    agreement: dict[str, Any] = field(default_factory=dict)
    advocacy: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------- reading


def corpus_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.jsonl") if p.is_file())


def read_corpus(directory: Path, errors: list[str] | None = None) -> list[dict[str, Any]]:
    """All records of ``directory/*.jsonl``; each gets ``_file`` and ``_line`` for error messages."""
    records: list[dict[str, Any]] = []
    for path in corpus_files(directory):
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                if errors is None:
                    raise ValueError(f"{path.name}:{line_no}: invalid JSON: {exc}") from None
                errors.append(f"{path.name}:{line_no}: invalid JSON: {exc.msg}")
                continue
            if not isinstance(record, dict):
                if errors is not None:
                    errors.append(f"{path.name}:{line_no}: not a JSON object")
                continue
            record["_file"], record["_line"] = path.name, line_no
            records.append(record)
    return records


def word_count(text: str, lang: str) -> int:
    """Words, with Chinese counted as characters / 1.7 (a common chars-per-word ratio)."""
    if lang == "zh":
        return math.ceil(sum(1 for ch in text if not ch.isspace()) / 1.7)
    return len(text.split())


def _where(record: dict[str, Any]) -> str:
    return f"{record.get('_file', '?')}:{record.get('_line', '?')} id={record.get('id', '?')!r}"


# --------------------------------------------------------------------------- checks


def _check_schema(records: list[dict[str, Any]], errors: list[str]) -> None:
    seen: dict[str, str] = {}
    for r in records:
        where = _where(r)
        missing = [f for f in FIELDS if f not in r]
        extra = [f for f in r if f not in FIELDS and not f.startswith("_")]
        if missing:
            errors.append(f"{where}: missing field(s) {missing}")
            continue
        if extra:
            errors.append(f"{where}: unexpected field(s) {extra}")
        if not isinstance(r["id"], str) or not r["id"]:
            errors.append(f"{where}: id must be a non-empty string")
        elif r["id"] in seen:
            errors.append(f"{where}: duplicate id (first in {seen[r['id']]})")
        else:
            seen[r["id"]] = f"{r['_file']}:{r['_line']}"
        if r["lang"] not in LANGUAGES:
            errors.append(f"{where}: lang {r['lang']!r} not in {LANGUAGES}")
        if not isinstance(r["text"], str) or not r["text"].strip():
            errors.append(f"{where}: text must be a non-empty string")
        if not isinstance(r["emotions"], list) or not all(isinstance(e, str) for e in r["emotions"]):
            errors.append(f"{where}: emotions must be a list of emotion ids")
        else:
            unknown = [e for e in r["emotions"] if e not in EMOTION_IDS]
            if unknown:
                errors.append(f"{where}: unknown emotion id(s) {unknown}; valid: {', '.join(EMOTION_IDS)}")
            if len(set(r["emotions"])) != len(r["emotions"]):
                errors.append(f"{where}: repeated emotion id")
        if r["channel"] not in CHANNELS:
            errors.append(f"{where}: channel {r['channel']!r} not in {CHANNELS}")
        if not isinstance(r["industry"], str) or not r["industry"]:
            errors.append(f"{where}: industry must be a non-empty string")
        if r["split"] not in SPLITS:
            errors.append(f"{where}: split {r['split']!r} not in {tuple(SPLITS)}")
        if r["source"] != SOURCE:
            errors.append(f"{where}: source must be {SOURCE!r}")


def _check_language(records: list[dict[str, Any]], errors: list[str]) -> None:
    for r in records:
        if r.get("lang") in LANGUAGES and isinstance(r.get("text"), str):
            detected, prob = detect(r["text"])
            if detected != r["lang"]:
                errors.append(f"{_where(r)}: lang is {r['lang']!r} but the text reads as {detected!r} ({prob:.2f})")


def normalise_for_dedup(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def near_duplicates(texts: list[str], threshold: float = 0.8, n: int = 5) -> list[tuple[int, int, float]]:
    """Every pair whose normalised character n-gram sets have Jaccard >= ``threshold``.

    Exact, not sampled: a sparse binary shingle matrix times its transpose gives all pairwise
    intersections, processed in row blocks to keep memory bounded.
    """
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, text in enumerate(texts):
        norm = normalise_for_dedup(text)
        grams = {norm[j : j + n] for j in range(max(len(norm) - n + 1, 1))} if norm else set()
        for g in grams:
            rows.append(i)
            cols.append(vocab.setdefault(g, len(vocab)))
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(texts), len(vocab)))
    sizes = np.asarray(m.sum(axis=1)).ravel()
    pairs: list[tuple[int, int, float]] = []
    block = 512
    for start in range(0, len(texts), block):
        inter = (m[start : start + block] @ m.T).tocoo()
        for i, j, v in zip(inter.row, inter.col, inter.data, strict=True):
            a = start + int(i)
            if int(j) <= a:
                continue
            jac = float(v) / float(sizes[a] + sizes[j] - v)
            if jac >= threshold:
                pairs.append((a, int(j), jac))
    return pairs


def _check_duplicates(records: list[dict[str, Any]], errors: list[str], floors: Floors) -> None:
    usable = [r for r in records if isinstance(r.get("text"), str)]
    for a, b, jac in near_duplicates([r["text"] for r in usable], floors.near_duplicate_jaccard):
        errors.append(f"near-duplicate (Jaccard {jac:.2f}): {_where(usable[a])} ~ {_where(usable[b])}")


def _check_floors(records: list[dict[str, Any]], errors: list[str], floors: Floors) -> None:
    for lang in LANGUAGES:
        rows = [r for r in records if r.get("lang") == lang]
        n = len(rows)
        if n < floors.texts_per_language:
            errors.append(f"{lang}: {n} texts < {floors.texts_per_language}")
        if not n:
            continue
        counts = Counter(e for r in rows for e in r["emotions"])
        for emotion in EMOTION_IDS:
            if counts[emotion] < floors.per_emotion_per_language:
                errors.append(f"{lang}: {emotion} has {counts[emotion]} texts < {floors.per_emotion_per_language}")
        for split, share in SPLITS.items():
            got = sum(r["split"] == split for r in rows) / n
            if abs(got - share) > floors.split_tolerance:
                errors.append(f"{lang}: {split} share {got:.1%}, expected {share:.0%}")
    n = len(records)
    if not n:
        errors.append("corpus is empty")
        return
    industries = {r["industry"] for r in records}
    if len(industries) < floors.industries:
        errors.append(f"{len(industries)} industries < {floors.industries}")
    channels = {r["channel"] for r in records}
    if channels != set(CHANNELS):
        errors.append(f"channels {sorted(channels)} do not cover {CHANNELS}")
    long_share = sum(word_count(r["text"], r["lang"]) > floors.long_words for r in records) / n
    if long_share < floors.long_share:
        errors.append(f"only {long_share:.1%} of texts exceed {floors.long_words} words (< {floors.long_share:.0%})")
    none_share = sum(not r["emotions"] for r in records) / n
    if none_share < floors.no_emotion_share:
        errors.append(f"only {none_share:.1%} of texts have no emotion (< {floors.no_emotion_share:.0%})")
    multi_share = sum(len(clusters_of(r["emotions"])) >= 2 for r in records) / n
    if multi_share < floors.multi_cluster_share:
        errors.append(f"only {multi_share:.1%} of texts span 2+ clusters (< {floors.multi_cluster_share:.0%})")


def cohen_kappa(a: list[int], b: list[int]) -> float:
    """Cohen's kappa of two binary label vectors; 1.0 when both raters are constant and agree."""
    from sklearn.metrics import cohen_kappa_score

    if len(set(a) | set(b)) == 1:
        return 1.0
    return float(cohen_kappa_score(a, b))


def _check_agreement(
    directory: Path,
    records: list[dict[str, Any]],
    result: CheckResult,
    floors: Floors,
    advocacy_rows: list[dict[str, Any]],
) -> None:
    """Kappa per cluster between the first labels and a blind second pass over a random sample.

    ``agreement/second_pass.jsonl`` keeps, per sampled id, ``first`` (labels as written),
    ``second`` (labels of an annotator who saw only the text) and ``resolved`` (after applying the
    spec to each disagreement); ``resolved`` must equal what the corpus now holds.
    """
    path = directory / AGREEMENT_FILE
    if not path.exists():
        result.errors.append(f"{AGREEMENT_FILE} missing: no blind second pass recorded")
        return
    by_id = {r["id"]: r for r in records if isinstance(r.get("id"), str)}
    rows = _read_rows(path)
    advocacy = {row["id"]: row["resolved"] for row in advocacy_rows}
    for row in rows:
        record = by_id.get(row.get("id"))
        resolved = row["resolved"]
        if row.get("id") in advocacy:  # the later advocacy pass decided happy/pleased
            resolved = [e for e in resolved if e not in ADVOCACY] + advocacy[row["id"]]
        if record is None:
            result.errors.append(f"{AGREEMENT_FILE}: id {row.get('id')!r} is not in the corpus")
        elif sorted(resolved) != sorted(record["emotions"]):
            result.errors.append(
                f"{AGREEMENT_FILE}: id {row['id']!r} resolved {sorted(resolved)} but corpus has "
                f"{sorted(record['emotions'])}"
            )
    if not rows or len(rows) < floors.sample_share * len(records):
        result.errors.append(f"second pass covers {len(rows)} texts < {floors.sample_share:.0%} of the corpus")
    if not rows:
        return
    for cluster in CLUSTER_IDS:
        first = [int(cluster in clusters_of(r["first"])) for r in rows]
        second = [int(cluster in clusters_of(r["second"])) for r in rows]
        result.kappa[cluster] = cohen_kappa(first, second)
        if result.kappa[cluster] < floors.min_kappa:
            result.errors.append(f"kappa for {cluster} is {result.kappa[cluster]:.3f} < {floors.min_kappa}")
    exact = sum(sorted(r["first"]) == sorted(r["second"]) for r in rows)
    changed = sum(sorted(r["first"]) != sorted(r["resolved"]) for r in rows)
    emotion_kappa = {
        e: cohen_kappa([int(e in r["first"]) for r in rows], [int(e in r["second"]) for r in rows]) for e in EMOTION_IDS
    }
    per_language: dict[str, dict[str, float]] = {}
    for lang in LANGUAGES:
        sub = [r for r in rows if by_id.get(r["id"], {}).get("lang") == lang]
        if sub:
            per_language[lang] = {
                c: cohen_kappa(
                    [int(c in clusters_of(r["first"])) for r in sub], [int(c in clusters_of(r["second"])) for r in sub]
                )
                for c in CLUSTER_IDS
            }
    result.agreement = {
        "per_language": per_language,
        "n": len(rows),
        "by_language": dict(Counter(by_id[r["id"]]["lang"] for r in rows if r.get("id") in by_id)),
        "exact_match": exact,
        "disagreements": len(rows) - exact,
        "first_labels_changed_by_resolution": changed,
        "emotion_kappa": emotion_kappa,
    }


def _read_rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _check_advocacy_pass(rows: list[dict[str, Any]], records: list[dict[str, Any]], result: CheckResult) -> None:
    """Agreement of the full blind pass over happy/pleased (``agreement/ADVOCACY_PASS.md``), if recorded.

    Rows keep ``first`` (the corpus's advocacy labels before the pass), ``second`` (the blind
    annotation) and ``resolved`` (the adjudicated choice), which must be what the corpus holds.
    """
    if not rows:
        return
    by_id = {r["id"]: r for r in records if isinstance(r.get("id"), str)}
    for row in rows:
        record = by_id.get(row.get("id"))
        if record is None:
            result.errors.append(f"{ADVOCACY_FILE}: id {row.get('id')!r} is not in the corpus")
        elif sorted(row["resolved"]) != sorted(e for e in record["emotions"] if e in ADVOCACY):
            result.errors.append(
                f"{ADVOCACY_FILE}: id {row['id']!r} resolved {sorted(row['resolved'])} but corpus has "
                f"{sorted(e for e in record['emotions'] if e in ADVOCACY)}"
            )

    def kappa(sub: list[dict[str, Any]], labels: tuple[str, ...]) -> float:
        def has(r: dict[str, Any], key: str) -> int:
            return int(any(e in labels for e in r[key]))

        return cohen_kappa([has(r, "first") for r in sub], [has(r, "second") for r in sub])

    langs = {lang: [r for r in rows if by_id.get(r["id"], {}).get("lang") == lang] for lang in LANGUAGES}
    result.advocacy = {
        "n": len(rows),
        "kappa": {
            name: {"all": kappa(rows, labels), **{lang: kappa(sub, labels) for lang, sub in langs.items() if sub}}
            for name, labels in (("advocacy", ADVOCACY), *((e, (e,)) for e in ADVOCACY))
        },
        "disagreements": sum(sorted(r["first"]) != sorted(r["second"]) for r in rows),
        "sided_with_blind": sum(
            sorted(r["first"]) != sorted(r["second"]) and sorted(r["second"]) == sorted(r["resolved"]) for r in rows
        ),
        "changed": sum(sorted(r["first"]) != sorted(r["resolved"]) for r in rows),
        "gained": {e: sum(e in r["resolved"] and e not in r["first"] for r in rows) for e in ADVOCACY},
        "lost": {e: sum(e in r["first"] and e not in r["resolved"] for r in rows) for e in ADVOCACY},
    }


def check(directory: Path, floors: Floors | None = None, write_stats: bool = True) -> CheckResult:
    floors = floors or Floors()
    errors: list[str] = []
    records = read_corpus(directory, errors)
    result = CheckResult(records, errors)
    _check_schema(records, errors)
    if errors:
        return result  # later checks assume a valid schema
    _check_language(records, errors)
    _check_duplicates(records, errors, floors)
    _check_floors(records, errors, floors)
    advocacy_rows = _read_rows(directory / ADVOCACY_FILE)  # read once: it also amends the second pass's labels
    _check_agreement(directory, records, result, floors, advocacy_rows)
    _check_advocacy_pass(advocacy_rows, records, result)
    if write_stats:
        (directory / "STATS.md").write_text(render_stats(result, floors), encoding="utf-8")
    return result


# --------------------------------------------------------------------------- splits


def assign_splits(records: list[dict[str, Any]], seed: int = 13) -> None:
    """Give every record without a split one, stratified by language and emotion.

    Iterative stratification (Sechidis et al., 2011) per language: rarest label first, each text
    goes to the split that still lacks most of that label. "No emotion" counts as a label so
    neutral texts are spread too. Existing splits are kept: the test set never moves.
    """
    rng = random.Random(seed)
    for lang in LANGUAGES:
        rows = [r for r in records if r["lang"] == lang]
        pending = [r for r in rows if r.get("split") not in SPLITS]
        if not pending:
            continue

        def labels(r: dict[str, Any]) -> list[str]:
            return list(r["emotions"]) or ["<none>"]

        total = Counter(lab for r in rows for lab in labels(r))
        have: dict[str, Counter[str]] = {s: Counter() for s in SPLITS}
        for r in rows:
            if r.get("split") in SPLITS:
                have[r["split"]].update(labels(r))
        need = {s: {lab: total[lab] * p - have[s][lab] for lab in total} for s, p in SPLITS.items()}
        size_need = {s: len(rows) * p - sum(r.get("split") == s for r in rows) for s, p in SPLITS.items()}
        rng.shuffle(pending)
        remaining = pending
        while remaining:
            counts = Counter(lab for r in remaining for lab in labels(r))
            rarest = min(counts, key=lambda lab: (counts[lab], lab))
            chosen = [r for r in remaining if rarest in labels(r)]
            for r in chosen:
                split = max(SPLITS, key=lambda s: (need[s][rarest], size_need[s]))
                r["split"] = split
                size_need[split] -= 1
                for lab in labels(r):
                    need[split][lab] -= 1
            ids = {id(r) for r in chosen}
            remaining = [r for r in remaining if id(r) not in ids]


def write_corpus(records: Iterable[dict[str, Any]], path: Path) -> None:
    lines = [json.dumps({f: r[f] for f in FIELDS if f in r}, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- STATS.md


def _table(header: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


LENGTH_BUCKETS = {"1–7": (1, 7), "8–20": (8, 20), "21–60": (21, 60), "61–150": (61, 150), "151+": (151, 10**9)}


def _bucket(record: dict[str, Any]) -> str:
    words = word_count(record["text"], record["lang"])
    return next((name for name, (lo, hi) in LENGTH_BUCKETS.items() if lo <= words <= hi), "1–7")


def render_stats(result: CheckResult, floors: Floors) -> str:
    records = result.records
    by_lang: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_lang[r["lang"]].append(r)
    langs = [lang for lang in LANGUAGES if by_lang[lang]]
    n = len(records)
    parts = [
        "# emotext corpus statistics",
        "",
        "Generated by `python -m emotext.training.corpus check training/data`; do not edit by hand.",
        "",
        f"Texts: **{n}** ({', '.join(f'{lang} {len(by_lang[lang])}' for lang in langs)}). "
        f"Checker status: **{'PASS' if result.ok else 'FAIL'}**.",
        "",
        "Provenance: every text was written for emotext, natively in its language, following "
        "`ANNOTATION.md`: a first round by two writers per language on different industries (ids "
        "`<lang>-a-…` / `<lang>-b-…`), a second round by one or two more writers per language over all "
        "industries (`<lang>-c-…` / `<lang>-d-…`); none is a translation and none comes from a public data "
        "set. Labels were then checked by a blind second pass over a random sample of each round and "
        "disagreements resolved by the spec (below). New texts only ever join a split; texts never move.",
        "",
        "## Emotions per language (texts carrying the label)",
        "",
    ]

    def count_rows(values: Iterable[Any], pred: Any) -> list[list[Any]]:
        return [
            [v, *[sum(pred(r, v) for r in by_lang[lang]) for lang in langs], sum(pred(r, v) for r in records)]
            for v in values
        ]

    rows = count_rows(EMOTION_IDS, lambda r, e: e in r["emotions"])
    rows += [
        [f"**{c}** (cluster)", *row[1:]]
        for c, row in zip(
            CLUSTER_IDS, count_rows(CLUSTER_IDS, lambda r, c: c in clusters_of(r["emotions"])), strict=True
        )
    ]
    rows += [["(no emotion)", *count_rows([None], lambda r, _: not r["emotions"])[0][1:]]]
    parts += [_table(["label", *langs, "all"], rows), ""]

    def share_row(name: str, pred: Any) -> list[Any]:
        vals = [sum(pred(r) for r in by_lang[lang]) / max(len(by_lang[lang]), 1) for lang in langs]
        return [name, *[f"{v:.1%}" for v in vals], f"{sum(pred(r) for r in records) / max(n, 1):.1%}"]

    parts += [
        "## Shares",
        "",
        _table(
            ["measure", *langs, "all"],
            [
                share_row("no emotion", lambda r: not r["emotions"]),
                share_row("2+ clusters", lambda r: len(clusters_of(r["emotions"])) >= 2),
                share_row(
                    f"> {floors.long_words} words",
                    lambda r: word_count(r["text"], r["lang"]) > floors.long_words,
                ),
            ],
        ),
        "",
        "## Splits",
        "",
        _table(["split", *langs, "all"], count_rows(SPLITS, lambda r, s: r["split"] == s)),
        "",
        "## Channels",
        "",
        _table(["channel", *langs, "all"], count_rows(CHANNELS, lambda r, c: r["channel"] == c)),
        "",
        "## Industries",
        "",
        _table(
            ["industry", *langs, "all"],
            count_rows(sorted({r["industry"] for r in records}), lambda r, i: r["industry"] == i),
        ),
        "",
        "## Length (words; Chinese: characters / 1.7)",
        "",
        _table(["words", *langs, "all"], count_rows(list(LENGTH_BUCKETS), lambda r, name: _bucket(r) == name)),
        "",
        "## Inter-annotator agreement (blind second pass)",
        "",
    ]
    if result.kappa:
        a = result.agreement
        parts += [
            f"A random {a['n']}-text sample ({', '.join(f'{k} {v}' for k, v in sorted(a['by_language'].items()))}) "
            "was relabelled by annotators who saw only the texts, never the first labels. Cohen's kappa on "
            "cluster membership between the two passes:",
            "",
            _table(
                ["cluster", "kappa (all)", *a["per_language"]],
                [
                    [c, f"{k:.3f}", *[f"{a['per_language'][lang][c]:.3f}" for lang in a["per_language"]]]
                    for c, k in result.kappa.items()
                ],
            ),
            "",
            f"Identical label sets: {a['exact_match']} of {a['n']}; texts whose labels changed when "
            f"disagreements were resolved by the spec: {a['first_labels_changed_by_resolution']}.",
            "",
            "Emotion-level kappa (for information): "
            + ", ".join(f"{e} {k:.2f}" for e, k in a["emotion_kappa"].items()),
            "",
        ]
    else:
        parts += ["No second pass recorded.", ""]
    if result.advocacy:
        adv = result.advocacy
        columns = list(next(iter(adv["kappa"].values())))
        parts += [
            "## Advocacy consistency pass (happy, pleased)",
            "",
            f"The advocacy labels of {adv['n']} of the {len(result.records)} texts were annotated again, blind, "
            "and disagreements adjudicated "
            "(procedure: `agreement/ADVOCACY_PASS.md`). Cohen's kappa between the corpus labels before the "
            "pass and the blind annotation:",
            "",
            _table(
                ["label", *[c if c != "all" else "kappa (all)" for c in columns]],
                [[name, *[f"{k[c]:.3f}" for c in columns]] for name, k in adv["kappa"].items()],
            ),
            "",
            f"Texts where the two differed: {adv['disagreements']}, of which the adjudicators (shown both "
            f"answers unattributed) chose the blind annotation in {adv['sided_with_blind']}; texts whose "
            f"advocacy labels changed: {adv['changed']} (gained: "
            + ", ".join(f"{e} {n}" for e, n in adv["gained"].items())
            + "; lost: "
            + ", ".join(f"{e} {n}" for e, n in adv["lost"].items())
            + ").",
            "",
        ]
    if result.errors:
        parts += ["## Checker errors", "", *[f"- {e}" for e in result.errors[:200]], ""]
    return "\n".join(parts)


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m emotext.training.corpus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_check = sub.add_parser("check", help="verify the corpus and regenerate STATS.md")
    p_check.add_argument("directory", type=Path)
    p_split = sub.add_parser("split", help="assign a stratified split to texts that have none")
    p_split.add_argument("directory", type=Path)
    args = parser.parse_args(argv)

    if args.command == "split":
        for path in corpus_files(args.directory):
            records = read_corpus_file(path)
            assign_splits(records)
            write_corpus(records, path)
        return 0
    result = check(args.directory)
    for error in result.errors:
        print(error)
    print(f"{len(result.records)} texts; {len(result.errors)} problem(s); " + ("PASS" if result.ok else "FAIL"))
    return 0 if result.ok else 1


def read_corpus_file(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


if __name__ == "__main__":
    sys.exit(main())
