"""Reading exports (formats, encodings, dialects, broken rows) and writing tagged tables; no model needed."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from emotext.batch import joined_text
from emotext.io import InputError, TableWriter, count_rows, detect_encoding, detect_format, read_chunks, read_columns

ROWS = [
    {"id": "1", "subject": "Возврат", "body": "Деньги так и не вернули, третий раз пишу."},
    {"id": "2", "subject": "Zwrot", "body": "Zamowienie nie dotarlo, prosze o zwrot."},
    {"id": "3", "subject": "退款", "body": "退款到现在还没到账，太失望了。"},
    {"id": "4", "subject": "Refund", "body": 'He said "tomorrow", again; nothing.\nSecond line.'},
]


def all_rows(path, fmt, chunk_rows=2, encoding=None):
    chunks = list(read_chunks(path, fmt, chunk_rows, encoding))
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    errors = {c.first_row + i: m for c in chunks for i, m in c.read_errors.items()}
    return chunks, frame, errors


@pytest.mark.parametrize(
    ("encoding", "rows"),
    [("utf-8", ROWS), ("utf-8-sig", ROWS), ("cp1251", ROWS[:1] * 30), ("gb18030", ROWS[2:3] * 30)],
)
def test_csv_encodings_are_detected(tmp_path, encoding, rows):
    path = tmp_path / "t.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding=encoding)
    assert detect_encoding(path).replace("-sig", "") in {encoding.replace("-sig", ""), "utf_8"} or (
        detect_encoding(path) == encoding
    )
    _, frame, errors = all_rows(path, "csv")
    assert not errors
    assert frame["body"].tolist() == [r["body"] for r in rows]
    assert count_rows(path, "csv") == len(rows)


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_csv_delimiter_is_sniffed(tmp_path, sep):
    path = tmp_path / "t.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False, sep=sep)
    assert read_columns(path, "csv") == ["id", "subject", "body"]
    _, frame, _ = all_rows(path, "csv")
    assert frame["body"].tolist() == [r["body"] for r in ROWS]


def test_broken_csv_rows_become_errors_and_the_rest_survives(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,subject,body\n1,a,"fine row"\n2,b,too,many,fields\n3,c\n4,d,"also fine"\n', encoding="utf-8")
    _chunks, frame, errors = all_rows(path, "csv", chunk_rows=10)
    assert frame["id"].tolist() == ["1", "2", "3", "4"]
    assert set(errors) == {1, 2}
    assert "5 fields where the header has 3" in errors[1] and "line 3" in errors[1]


def test_undecodable_bytes_are_kept_for_the_row_to_report(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,body\n1,ok text\n2," + b"bad \xff\xfe bytes\n")
    _, frame, _ = all_rows(path, "csv", encoding="utf-8")
    assert joined_text(frame.iloc[0].to_dict(), ["body"]) == ("ok text", None)
    text, error = joined_text(frame.iloc[1].to_dict(), ["body"])
    assert text is None and "not valid in the file's encoding" in error


def test_jsonl_bad_lines_are_row_errors(tmp_path):
    path = tmp_path / "t.jsonl"
    lines = [json.dumps(ROWS[0], ensure_ascii=False), "{not json", "[1, 2]", "", json.dumps(ROWS[1])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, frame, errors = all_rows(path, "jsonl", chunk_rows=3)
    assert len(frame) == 4 and count_rows(path, "jsonl") == 4
    assert "line 2: not valid JSON" in errors[1] and "line 3: a JSON list" in errors[2]
    assert frame.loc[3, "body"] == ROWS[1]["body"]


def test_parquet_and_excel_read_in_chunks(tmp_path):
    df = pd.DataFrame(ROWS * 3)
    df["csat"] = range(len(df))
    df.to_parquet(tmp_path / "t.parquet")
    df.to_excel(tmp_path / "t.xlsx", index=False)
    for name, fmt in (("t.parquet", "parquet"), ("t.xlsx", "xlsx")):
        chunks, frame, _ = all_rows(tmp_path / name, fmt, chunk_rows=5)
        assert [len(c.frame) for c in chunks] == [5, 5, 2]
        assert frame["body"].tolist() == df["body"].tolist()
        assert [int(v) for v in frame["csat"]] == list(range(12))


def test_multi_column_text_and_bad_values():
    row = {"subject": "Refund", "body": "Still waiting.", "n": 3, "empty": "  "}
    assert joined_text(row, ["subject", "body"]) == ("Refund\n\nStill waiting.", None)
    assert joined_text({"subject": None, "body": "x"}, ["subject", "body"]) == ("x", None)
    assert joined_text(row, ["n"])[1] == "column 'n' holds int, not text"
    assert joined_text(row, ["empty"])[1] == "empty text"
    assert joined_text({"a": float("nan"), "b": ""}, ["a", "b"])[1] == "empty text in all of a, b"


def test_format_errors():
    from pathlib import Path

    assert detect_format(Path("x.tsv")) == "csv"
    with pytest.raises(InputError, match="cannot tell the format"):
        detect_format(Path("x.docx"))
    with pytest.raises(InputError, match="unknown format"):
        detect_format(Path("x.csv"), "xml")


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "xlsx"])
def test_writer_keeps_lists_and_types(tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    writer = TableWriter(path, fmt)
    writer.write(pd.DataFrame({"id": [1, 2], "tags": [["destroying"], []], "nev": [-0.5, None], "t": ["a\x07", "b"]}))
    writer.write(pd.DataFrame({"id": [3], "tags": [["advocacy", "attention"]], "nev": [0.25], "t": ["c"]}))
    writer.close()
    if fmt == "parquet":
        back = pq.read_table(path).to_pylist()
        assert back[2]["tags"] == ["advocacy", "attention"] and back[1]["nev"] is None
    elif fmt == "jsonl":
        back = [json.loads(line) for line in path.read_text().splitlines()]
        assert back[0]["tags"] == ["destroying"] and back[1]["nev"] is None
    else:
        frame = pd.read_csv(path) if fmt == "csv" else pd.read_excel(path)
        assert json.loads(frame.loc[2, "tags"]) == ["advocacy", "attention"]
        assert frame["id"].tolist() == [1, 2, 3] and pd.isna(frame.loc[1, "nev"])
