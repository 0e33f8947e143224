"""``emotext tag``: tag every row of a helpdesk export, crash-safe and in bounded memory.

How a job survives being killed: the input is read in fixed-size chunks (same chunk size, same
chunk boundaries on every run) and each finished chunk is written to
``OUTPUT.emotext-parts/part-NNNNNN.parquet`` through a temporary file and an atomic rename, so a
part is either complete or absent. ``--resume`` skips chunks whose part exists, after checking
that the job description (``job.json``: input file size and mtime, columns, model, chunk size)
is the same. When all parts exist they are concatenated, in input order, into a temporary
output that is renamed to OUTPUT: the output appears only when complete, with every input row
exactly once. Then the parts are removed.

With ``--workers N`` chunks go to N processes (spawned, each loading the model once, torch
threads split between them); at most 2N chunks are in flight so memory does not grow with the
input.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .io import (
    UNDECODABLE,
    Chunk,
    InputError,
    TableWriter,
    count_rows,
    detect_format,
    is_missing,
    read_chunks,
    replace_undecodable,
)
from .io import read_columns as input_columns
from .taxonomy import CLUSTER_IDS, EMOTION_IDS

RESULT_COLUMNS = [
    "language",
    "nev",
    "tags",
    "emotion_tags",
    *(f"cluster_{c}" for c in CLUSTER_IDS),
    *(f"emotion_{e}" for e in EMOTION_IDS),
    "evidence",
    "flags",
    "status",
    "error",
]
TEXT_SEPARATOR = "\n\n"  # between --text-col columns; a paragraph break keeps sentences apart


@dataclass
class TagOptions:
    text_cols: list[str]
    id_col: str | None = None
    lang_col: str | None = None
    model: str | None = None
    encoding: str | None = None
    input_format: str | None = None
    chunk_rows: int = 1000
    workers: int = 1
    max_chars: int | None = None
    backend: str | None = None  # None: the default backend (see analyze.DEFAULT_BACKEND)


@dataclass
class TagSummary:
    output: Path
    rows: int = 0
    ok: int = 0
    errors: int = 0
    resumed_rows: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    nev_mean: float | None = None
    elapsed_s: float = 0.0
    rows_per_s: float = 0.0
    error_examples: list[str] = field(default_factory=list)


class JobStateError(RuntimeError):
    """Unfinished parts from another job (or this one, without --resume) are in the way."""


# ----------------------------------------------------------------------------------- one chunk

_analyzer: Any = None
_analyzer_key: Any = None


def _worker_init(model: str | None, threads: int, max_chars: int | None, backend: str | None = None) -> None:
    """Load the model once per process (and once per in-process job sequence with the same model)."""
    global _analyzer, _analyzer_key
    from .analyze import MAX_CHARS, Analyzer

    key = (model, max_chars, backend, threads)
    if _analyzer is None or _analyzer_key != key:
        _analyzer = Analyzer(model, backend=backend, threads=threads, max_chars=max_chars or MAX_CHARS)
        _analyzer_key = key


def joined_text(row: dict[str, Any], text_cols: list[str]) -> tuple[str | None, str | None]:
    """The row's text (columns joined) or an error message."""
    parts = []
    for col in text_cols:
        value = row.get(col)
        if is_missing(value):
            continue
        if not isinstance(value, str):
            return None, f"column {col!r} holds {type(value).__name__}, not text"
        if UNDECODABLE.search(value):
            return None, f"column {col!r} has bytes that are not valid in the file's encoding (try --encoding)"
        if value.strip():
            parts.append(value)
    if not parts:
        return None, "empty text" if len(text_cols) == 1 else f"empty text in all of {', '.join(text_cols)}"
    return TEXT_SEPARATOR.join(parts), None


def tag_chunk(chunk: Chunk, options: TagOptions) -> pd.DataFrame:
    """Input columns plus ``RESULT_COLUMNS`` for every row of the chunk, bad rows included."""
    analyzer = _analyzer
    records = chunk.frame.to_dict(orient="records")
    results: list[dict[str, Any]] = [{} for _ in records]
    groups: dict[str | None, list[tuple[int, str]]] = {}
    for i, row in enumerate(records):
        if i in chunk.read_errors:
            results[i] = {"status": "error", "error": chunk.read_errors[i]}
            continue
        text, error = joined_text(row, options.text_cols)
        if error is not None:
            results[i] = {"status": "error", "error": error}
            continue
        lang = row.get(options.lang_col) if options.lang_col else None
        lang = str(lang).strip().lower() if isinstance(lang, str) and lang.strip() else None
        groups.setdefault(lang, []).append((i, text or ""))
    for lang, items in groups.items():
        analyses = analyzer.analyze([t for _, t in items], language=lang, errors="flag")
        for (i, _), a in zip(items, analyses, strict=True):
            if a.error:
                results[i] = {"status": "error", "error": re.sub(r"^item \d+ ", "text ", a.error)}
                continue
            results[i] = {
                "language": a.language,
                "nev": a.nev,
                "tags": a.tags,
                "emotion_tags": a.emotion_tags,
                **{f"cluster_{c}": s for c, s in a.clusters.items()},
                **{f"emotion_{e}": s for e, s in a.emotions.items()},
                "evidence": json.dumps([e.to_dict() for e in a.evidence], ensure_ascii=False),
                "flags": a.flags,
                "status": "ok",
                "error": None,
            }
    for i, r in enumerate(results):
        if r.get("status") == "error" and "error" in r:
            r["error"] = f"row {chunk.first_row + i + 1}: {r['error']}"
    extra = pd.DataFrame.from_records(results, columns=RESULT_COLUMNS)
    for col in ("tags", "emotion_tags", "flags"):
        extra[col] = [v if isinstance(v, list) else [] for v in extra[col]]
    frame = replace_undecodable(chunk.frame.reset_index(drop=True))
    return pd.concat([frame, extra], axis=1)


# ------------------------------------------------------------------------------------ the job


def _job_description(path: Path, options: TagOptions) -> dict[str, Any]:
    stat = path.stat()
    return {
        "input": str(path.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "options": {k: v for k, v in asdict(options).items() if k != "workers"},
    }


def parts_dir(output: Path) -> Path:
    return output.with_name(output.name + ".emotext-parts")


def _write_part(directory: Path, index: int, frame: pd.DataFrame) -> None:
    import pyarrow.parquet as pq

    from .io import to_arrow

    final = directory / f"part-{index:06d}.parquet"
    tmp = directory / f".part-{index:06d}.{os.getpid()}.tmp"
    pq.write_table(to_arrow(frame), tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, final)


def tag_file(
    input_path: Path,
    output: Path,
    output_format: str | None,
    options: TagOptions,
    resume: bool = False,
    restart: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> TagSummary:
    start = time.perf_counter()
    fmt_in = detect_format(input_path, options.input_format)
    fmt_out = detect_format(output, output_format)
    columns = input_columns(input_path, fmt_in, options.encoding)
    wanted = [*options.text_cols, *(c for c in (options.id_col, options.lang_col) if c)]
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise InputError(f"column(s) {', '.join(map(repr, missing))} not in {input_path.name}; it has: {columns}")
    clash = [c for c in RESULT_COLUMNS if c in columns]
    if clash:
        raise InputError(
            f"{input_path.name} already has column(s) {clash} that emotext adds (a tagged file?); rename them first"
        )

    parts = parts_dir(output)
    job = _job_description(input_path, options)
    job_file = parts / "job.json"
    if parts.exists():
        previous = json.loads(job_file.read_text()) if job_file.is_file() else None
        done_before = len(list(parts.glob("part-*.parquet")))
        if restart:
            shutil.rmtree(parts)
        elif not resume:
            raise JobStateError(
                f"{parts} holds an unfinished run ({done_before} chunks done); rerun with --resume to continue it "
                "or --restart to discard it"
            )
        elif previous != job:
            raise JobStateError(
                f"{parts} belongs to a different job (input, columns, model or chunk size changed); "
                "use --restart to discard it"
            )
    parts.mkdir(parents=True, exist_ok=True)
    job_file.write_text(json.dumps(job, indent=2))

    total = count_rows(input_path, fmt_in, options.encoding)
    summary = TagSummary(output=output)
    done_rows = 0

    def finished(index: int, frame: pd.DataFrame) -> None:
        nonlocal done_rows
        _write_part(parts, index, frame)
        done_rows += len(frame)
        if progress:
            progress(done_rows, total)

    already = len(list(parts.glob("part-*.parquet")))
    if already:
        log(f"resuming: {already} chunks of {options.chunk_rows:,} rows were already tagged")

    def todo() -> Iterator[Chunk]:
        nonlocal done_rows
        for chunk in read_chunks(input_path, fmt_in, options.chunk_rows, options.encoding):
            if (parts / f"part-{chunk.index:06d}.parquet").is_file():
                done_rows += len(chunk.frame)
                summary.resumed_rows += len(chunk.frame)
                continue
            yield chunk

    cpus = os.cpu_count() or 1
    if options.workers <= 1:
        _worker_init(options.model, cpus, options.max_chars, options.backend)
        for chunk in todo():
            finished(chunk.index, tag_chunk(chunk, options))
    else:
        _run_parallel(todo(), options, cpus, finished)

    _assemble(parts, output, fmt_out, summary)
    summary.elapsed_s = time.perf_counter() - start
    tagged_now = summary.rows - summary.resumed_rows
    summary.rows_per_s = tagged_now / summary.elapsed_s if summary.elapsed_s else 0.0
    return summary


def _run_parallel(
    chunks: Iterator[Chunk], options: TagOptions, cpus: int, finished: Callable[[int, pd.DataFrame], None]
) -> None:
    import multiprocessing

    threads = max(1, cpus // options.workers)
    context = multiprocessing.get_context("spawn")  # fork after torch threads exist can deadlock
    init_args = (options.model, threads, options.max_chars, options.backend)
    with ProcessPoolExecutor(options.workers, mp_context=context, initializer=_worker_init, initargs=init_args) as pool:
        in_flight: dict[Future[pd.DataFrame], int] = {}
        try:
            for chunk in chunks:
                in_flight[pool.submit(tag_chunk, chunk, options)] = chunk.index
                if len(in_flight) >= 2 * options.workers:
                    _drain(in_flight, finished)
            while in_flight:
                _drain(in_flight, finished)
        except BaseException:
            for future in in_flight:
                future.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _drain(in_flight: dict[Future[pd.DataFrame], int], finished: Callable[[int, pd.DataFrame], None]) -> None:
    done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
    for future in done:
        finished(in_flight.pop(future), future.result())


def _assemble(parts: Path, output: Path, fmt: str, summary: TagSummary) -> None:
    """Concatenate the parts in input order into a temporary file, rename it to ``output``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(parts.glob("part-*.parquet"))
    indices = [int(f.stem.split("-")[1]) for f in files]
    if indices != list(range(len(indices))):
        raise RuntimeError(f"chunk parts in {parts} are not contiguous ({indices[:5]}…); rerun with --restart")
    schema = pa.unify_schemas([pq.read_schema(f) for f in files], promote_options="permissive") if files else None
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    writer = TableWriter(tmp, fmt, schema=schema)
    languages: Counter[str] = Counter()
    nev_sum = 0.0
    try:
        for f in files:
            frame = pq.read_table(f).to_pandas()
            writer.write(frame)
            ok = frame["status"] == "ok"
            summary.rows += len(frame)
            summary.ok += int(ok.sum())
            summary.errors += int((~ok).sum())
            languages.update(frame.loc[ok, "language"].astype(str))
            nev_sum += float(frame.loc[ok, "nev"].sum())
            if len(summary.error_examples) < 5:
                summary.error_examples += list(frame.loc[~ok, "error"].head(5 - len(summary.error_examples)))
        writer.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, output)
    shutil.rmtree(parts, ignore_errors=True)
    summary.languages = dict(languages.most_common())
    summary.nev_mean = nev_sum / summary.ok if summary.ok else None
