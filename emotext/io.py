"""Read helpdesk exports in chunks and write tagged tables: CSV, JSONL, Parquet, Excel.

Exports are big and dirty, so reading streams (memory stays flat) and never gives up on a file
because of one row: a CSV record with the wrong number of fields, a JSONL line that is not a JSON
object, or undecodable bytes become *read errors* attached to that row, and the row still reaches
the output with ``status=error``.

CSV: the encoding is taken from a BOM, else UTF-8 if the first megabyte decodes, else guessed by
charset-normalizer among the legacy code pages customer exports come in (cp1251, GB18030,
cp1250, Big5); ``--encoding`` overrides. Bytes the encoding cannot decode are kept as lone
surrogates (``surrogateescape``) so the row can be reported instead of the file failing. The
delimiter is sniffed from the first 64 KB among ``, ; TAB |``.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

FORMATS = ("csv", "jsonl", "parquet", "xlsx")
_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
_SUFFIXES |= {".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx"}
LEGACY_ENCODINGS = ["cp1251", "gb18030", "cp1250", "big5"]
UNDECODABLE = re.compile(r"[\udc80-\udcff]")
EXCEL_MAX_ROWS = 1_048_575  # plus the header row


class InputError(ValueError):
    """The file as a whole cannot be read (missing, unknown format, no header, missing column)."""


@dataclass
class Chunk:
    index: int
    first_row: int  # 0-based number of the chunk's first data row in the file
    frame: pd.DataFrame  # input columns as read
    read_errors: dict[int, str] = field(default_factory=dict)  # position in chunk -> message


def detect_format(path: Path, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        return fmt
    found = _SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise InputError(f"cannot tell the format of {path.name} from its extension; pass --format")
    return found


def detect_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    with open(path, "rb") as f:
        sample = f.read(sample_bytes)
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for cut in range(4):  # the sample may end inside a multi-byte character
        try:
            sample[: len(sample) - cut].decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=LEGACY_ENCODINGS).best()
    return best.encoding if best is not None else "utf-8"


def _sniff_dialect(sample: str) -> type[csv.Dialect]:
    """Excel-style quoting with the delimiter found in the header line.

    ``csv.Sniffer`` on whole records also guesses quoting and gets it wrong on texts with quotes
    and semicolons inside; header lines are short and plain, so counting there is reliable.
    """
    header = sample.splitlines()[0] if sample else ""
    counts = {d: header.count(d) for d in ",;\t|"}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    return Dialect


def count_rows(path: Path, fmt: str, encoding: str | None = None) -> int | None:
    """Data rows in the file (for progress and ETA); a parse-only pass for CSV."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    if fmt == "jsonl":
        with open(path, "rb") as f:
            return sum(1 for line in f if line.strip())
    if fmt == "csv":  # the reader itself, so the total matches the rows the job will see
        return sum(1 for _ in _csv_rows(path, encoding))
    return None


@contextmanager
def open_csv(path: Path, encoding: str | None) -> Iterator[tuple[Any, list[str]]]:
    """``(csv reader positioned after the header, header)`` with the detected encoding and dialect."""
    csv.field_size_limit(1 << 26)  # a broken quote can swallow megabytes; reported per row, not fatal
    with open(path, encoding=encoding or detect_encoding(path), errors="surrogateescape", newline="") as f:
        dialect = _sniff_dialect(f.read(65536))
        f.seek(0)
        reader = csv.reader(f, dialect)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path.name} is empty (no header row)") from None
        yield reader, [h.strip() for h in header]


def read_columns(path: Path, fmt: str, encoding: str | None = None) -> list[str]:
    """Column names, read without loading the data."""
    if not path.is_file():
        raise InputError(f"{path} does not exist")
    if fmt == "csv":
        with open_csv(path, encoding) as (_, header):
            return header
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(path).schema_arrow.names)
    if fmt == "xlsx":
        for chunk in read_chunks(path, fmt, 1):
            return list(chunk.frame.columns)
        return []
    names: dict[str, None] = {}
    for chunk in read_chunks(path, fmt, 1000):
        names.update(dict.fromkeys(chunk.frame.columns))
        break
    return list(names)


def read_chunks(path: Path, fmt: str, chunk_rows: int, encoding: str | None = None) -> Iterator[Chunk]:
    readers = {"csv": _csv_rows, "jsonl": _jsonl_rows, "xlsx": _xlsx_rows}
    if fmt == "parquet":
        yield from _parquet_chunks(path, chunk_rows)
        return
    columns: list[str] | None = None
    rows: list[dict[str, Any]] = []
    errors: dict[int, str] = {}
    index = first = 0
    for row, error in readers[fmt](path, encoding):
        if error is not None:
            errors[len(rows)] = error
        rows.append(row)
        if len(rows) == chunk_rows:
            frame = _frame(rows, columns)
            columns = columns or list(frame.columns)
            yield Chunk(index, first, frame, errors)
            index, first, rows, errors = index + 1, first + len(rows), [], {}
    if rows:
        yield Chunk(index, first, _frame(rows, columns), errors)


def _frame(rows: list[dict[str, Any]], columns: list[str] | None) -> pd.DataFrame:
    """Object columns, as read: pandas' Arrow-backed strings would reject the lone surrogates that
    mark undecodable bytes before the row could be reported."""
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    return frame.reindex(columns=list(dict.fromkeys([*(columns or []), *frame.columns])))


def _csv_rows(path: Path, encoding: str | None) -> Iterator[tuple[dict[str, Any], str | None]]:
    with open_csv(path, encoding) as (reader, header):
        width = len(header)
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield dict.fromkeys(header), f"line {line}: unreadable CSV record ({exc})"
                continue
            if not values:  # csv yields [] for a blank line between records
                continue
            if len(values) != width:
                yield (
                    dict(zip(header, values + [None] * (width - len(values)), strict=False)),
                    f"line {line}: {len(values)} fields where the header has {width} (broken quoting or delimiter?)",
                )
                continue
            yield dict(zip(header, values, strict=True)), None


def _jsonl_rows(path: Path, encoding: str | None) -> Iterator[tuple[dict[str, Any], str | None]]:
    with open(path, encoding=encoding or "utf-8", errors="surrogateescape") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield {}, f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})"
                continue
            if not isinstance(record, dict):
                yield {}, f"line {number}: a JSON {type(record).__name__}, not an object"
                continue
            yield record, None


def _xlsx_rows(path: Path, encoding: str | None) -> Iterator[tuple[dict[str, Any], str | None]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.active.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise InputError(f"{path.name} has an empty first sheet")
        names = [str(h).strip() if h is not None else f"column_{i + 1}" for i, h in enumerate(header)]
        for values in rows:
            if values is None or all(v is None for v in values):
                continue
            yield dict(zip(names, list(values) + [None] * (len(names) - len(values)), strict=False)), None
    finally:
        book.close()


def _parquet_chunks(path: Path, chunk_rows: int) -> Iterator[Chunk]:
    import pyarrow.parquet as pq

    first = 0
    for index, batch in enumerate(pq.ParquetFile(path).iter_batches(batch_size=chunk_rows)):
        frame = batch.to_pandas()
        yield Chunk(index, first, frame)
        first += len(frame)


def replace_undecodable(frame: pd.DataFrame) -> pd.DataFrame:
    """U+FFFD for undecodable bytes in text cells, so the table can be stored (after they were reported)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: UNDECODABLE.sub("\ufffd", v) if isinstance(v, str) else v)
    return out


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT


# ---------------------------------------------------------------------------------------- writing


def to_arrow(frame: pd.DataFrame) -> Any:
    """An Arrow table; object columns Arrow cannot type (mixed JSON values) become JSON strings."""
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        fixed = frame.copy()
        for col in fixed.columns:
            try:
                pa.array(fixed[col])
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
                fixed[col] = [_json_text(v) for v in fixed[col]]
        return pa.Table.from_pandas(fixed, preserve_index=False)


def _json_text(value: Any) -> str | None:
    return None if _scalar_missing(value) else json.dumps(_jsonable(value), ensure_ascii=False, default=str)


def _flat(value: Any) -> Any:
    """A cell for CSV/Excel: lists and dicts as JSON text, surrogates replaced."""
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, str):
        return UNDECODABLE.sub("\ufffd", value)
    return value


class TableWriter:
    """Appends frames to one output file of any format; the caller renames it when complete."""

    def __init__(self, path: Path, fmt: str, schema: Any = None) -> None:
        """``schema``: the Arrow schema of all parts together (parquet), so that a column that is empty
        in the first part still gets its real type."""
        self.path, self.fmt = path, fmt
        self.rows = 0
        self._parquet: Any = None
        self._schema: Any = schema
        self._excel: Any = None
        self._sheet: Any = None
        self._file: Any = None
        self._columns: list[str] | None = None

    def write(self, frame: pd.DataFrame) -> None:
        if self._columns is None:
            self._columns = list(frame.columns)
        frame = frame.reindex(columns=self._columns)
        getattr(self, f"_write_{self.fmt}")(frame)
        self.rows += len(frame)

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        import pyarrow.parquet as pq

        table = to_arrow(frame)
        if self._schema is None:
            self._schema = table.schema
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.path, self._schema)
        self._parquet.write_table(_conform(table, self._schema))

    def _write_csv(self, frame: pd.DataFrame) -> None:
        if self._file is None:
            self._file = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115  (open across writes)
            self._csv = csv.writer(self._file)
            self._csv.writerow(self._columns or [])
        for row in frame.itertuples(index=False, name=None):
            self._csv.writerow(["" if is_missing(v) else _flat(v) for v in row])

    def _write_jsonl(self, frame: pd.DataFrame) -> None:
        if self._file is None:
            self._file = open(self.path, "w", encoding="utf-8")  # noqa: SIM115  (open across writes)
        for record in frame.to_dict(orient="records"):
            clean = {k: None if _scalar_missing(v) else _jsonable(v) for k, v in record.items()}
            self._file.write(json.dumps(clean, ensure_ascii=False, default=str) + "\n")

    def _write_xlsx(self, frame: pd.DataFrame) -> None:
        if self._excel is None:
            from openpyxl import Workbook

            self._excel = Workbook(write_only=True)
            self._sheet = self._excel.create_sheet("emotext")
            self._sheet.append(self._columns)
        if self.rows + len(frame) > EXCEL_MAX_ROWS:
            raise InputError(f"Excel holds at most {EXCEL_MAX_ROWS:,} rows; write csv, jsonl or parquet instead")
        for row in frame.itertuples(index=False, name=None):
            self._sheet.append([None if is_missing(v) else _excel_cell(v) for v in row])

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        if self._file is not None:
            self._file.close()
        if self._excel is not None:
            self._excel.save(self.path)
        if self.rows == 0 and not self.path.exists():
            self.path.touch()


def _scalar_missing(value: Any) -> bool:
    return not isinstance(value, list | dict | tuple) and not hasattr(value, "tolist") and is_missing(value)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, str):
        return UNDECODABLE.sub("\ufffd", value)
    return value


def _excel_cell(value: Any) -> Any:
    value = _flat(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, str):  # control characters are illegal in xlsx XML
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub(" ", value)
    return value


def _conform(table: Any, schema: Any) -> Any:
    """Give a later chunk the first chunk's schema (columns all null in one chunk get a type late)."""
    import pyarrow as pa

    columns = []
    for f in schema:
        col = table.column(f.name) if f.name in table.column_names else pa.nulls(len(table), f.type)
        if col.type != f.type:
            try:
                col = col.cast(f.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                if pa.types.is_string(f.type):
                    col = pa.array([None if v is None else json.dumps(v, default=str) for v in col.to_pylist()])
                else:
                    raise
        columns.append(col)
    return pa.Table.from_arrays(columns, schema=schema)
