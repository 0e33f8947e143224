"""`emotext tag` end to end with the default model: formats, bad rows, resume after SIGKILL, workers."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from benchmarks.texts import realistic_texts
from emotext.batch import RESULT_COLUMNS, TagOptions, parts_dir, tag_file
from emotext.cli import app

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
RESULTS = [c for c in RESULT_COLUMNS if c not in ("evidence",)]


def export(n: int, seed: int = 0) -> pd.DataFrame:
    texts = realistic_texts(n, seed=seed, min_words=3, max_words=40)
    return pd.DataFrame(
        {
            "ticket_id": [f"T{i:05d}" for i in range(n)],
            "subject": [f"Ticket {i}" for i in range(n)],
            "body": [t for _, t in texts],
            "lang_hint": [lang for lang, _ in texts],
        }
    )


def tag(source: Path, out: Path, **kw) -> pd.DataFrame:
    options = TagOptions(text_cols=kw.pop("text_cols", ["body"]), **kw)
    tag_file(source, out, None, options)
    return read_output(out)


def read_output(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pandas()
    if path.suffix == ".jsonl":
        return pd.read_json(path, lines=True, dtype=False)
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype={"ticket_id": str})
    return pd.read_csv(path, dtype={"ticket_id": str}, keep_default_na=False)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "xlsx"])
def test_every_format_in_and_out(tmp_path, fmt):
    df = export(12)
    source = tmp_path / f"in.{fmt}"
    {"csv": lambda: df.to_csv(source, index=False), "jsonl": lambda: df.to_json(source, orient="records", lines=True),
     "parquet": lambda: df.to_parquet(source), "xlsx": lambda: df.to_excel(source, index=False)}[fmt]()  # fmt: skip
    out = tmp_path / f"out.{fmt}"
    result = tag(source, out, chunk_rows=5)
    assert result["ticket_id"].astype(str).tolist() == df["ticket_id"].tolist()  # order and every row kept
    assert set(RESULT_COLUMNS) <= set(result.columns) and set(df.columns) <= set(result.columns)
    assert (result["status"] == "ok").all()
    evidence = json.loads(result.loc[0, "evidence"])
    assert isinstance(evidence, list)
    if fmt == "parquet":
        table = pq.read_table(out)
        assert str(table.schema.field("tags").type) == "list<element: string>"
        assert str(table.schema.field("nev").type) == "double"


def test_multi_column_text_offsets_refer_to_the_joined_text(tmp_path):
    df = pd.DataFrame({"subject": ["Refund never came"], "body": ["I am furious, this is the third time I write!"]})
    df.to_csv(tmp_path / "in.csv", index=False)
    result = tag(tmp_path / "in.csv", tmp_path / "out.parquet", text_cols=["subject", "body"])
    joined = df.loc[0, "subject"] + "\n\n" + df.loc[0, "body"]
    for ev in json.loads(result.loc[0, "evidence"]):
        assert joined[ev["start"] : ev["end"]] == ev["text"]


def test_every_kind_of_bad_row_is_reported_and_nothing_is_lost(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(
        b"id,body\n"
        b"1,The courier was rude and late.\n"
        b"2,\n"
        b"3,   \n"
        b"4,broken,extra,fields\n"
        b"5,bad bytes \xff\xfe here\n"
        b"6," + b"x" * 200 + b"\n"
        b'7,"Dzieki, wszystko dziala!"\n'
    )
    options = TagOptions(text_cols=["body"], max_chars=150, encoding="utf-8")
    summary = tag_file(source, tmp_path / "out.jsonl", None, options)
    out = read_output(tmp_path / "out.jsonl")
    assert out["id"].astype(str).tolist() == [str(i) for i in range(1, 8)]
    assert out["status"].tolist() == ["ok", "error", "error", "error", "error", "error", "ok"]
    errors = out["error"].tolist()
    assert "empty text" in errors[1] and "empty text" in errors[2]
    assert "fields where the header has 2" in errors[3]
    assert "not valid in the file's encoding" in errors[4]
    assert "over the limit of 150" in errors[5]
    assert all(e.startswith(f"row {i + 1}:") for i, e in enumerate(errors) if isinstance(e, str))
    assert summary.ok == 2 and summary.errors == 5 and summary.rows == 7


def test_unknown_column_and_unfinished_run_are_clear_errors(tmp_path):
    export(5).to_csv(tmp_path / "in.csv", index=False)
    runner = CliRunner()
    result = runner.invoke(app, ["tag", str(tmp_path / "in.csv"), "--text-col", "text"])
    assert result.exit_code == 2 and "'text' not in in.csv" in result.output
    parts_dir(tmp_path / "in.emotext.csv").mkdir()
    result = runner.invoke(app, ["tag", str(tmp_path / "in.csv"), "--text-col", "body"])
    assert result.exit_code == 2 and "--resume" in result.output
    result = runner.invoke(app, ["tag", str(tmp_path / "in.csv"), "--text-col", "body", "--restart"])
    assert result.exit_code == 0, result.output
    assert "ok / error" in result.output and (tmp_path / "in.emotext.csv").is_file()


def test_sigkill_then_resume_gives_every_row_once_with_identical_results(tmp_path):
    df = export(2000, seed=3)
    source = tmp_path / "big.csv"
    df.to_csv(source, index=False)
    command = [sys.executable, "-m", "emotext.cli", "tag", str(source), "--text-col", "body", "--chunk-rows", "100"]

    reference = tmp_path / "reference.parquet"
    subprocess.run([*command, "--out", str(reference), "-q"], check=True, cwd=ROOT)

    out = tmp_path / "killed.parquet"
    parts = parts_dir(out)
    proc = subprocess.Popen([*command, "--out", str(out), "-q"], cwd=ROOT)
    target = random.Random(os.getpid()).randint(1, 15)  # a random point: after 1..15 of 20 chunks
    deadline = time.time() + 600
    while len(list(parts.glob("part-*.parquet"))) < target and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(random.random())  # land anywhere inside the next chunk
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists()  # the output appears only when complete

    subprocess.run([*command, "--out", str(out), "-q", "--resume"], check=True, cwd=ROOT)
    got, want = read_output(out), read_output(reference)
    assert got["ticket_id"].tolist() == df["ticket_id"].tolist()  # every row exactly once, in order
    assert not parts.exists()
    pd.testing.assert_frame_equal(got[RESULTS], want[RESULTS], check_exact=False, atol=1e-5)
    assert got["evidence"].tolist() == want["evidence"].tolist()


def test_two_workers_match_one(tmp_path):
    df = export(60, seed=5)
    df.to_parquet(tmp_path / "in.parquet")
    one = tag(tmp_path / "in.parquet", tmp_path / "one.parquet", chunk_rows=10)
    two = tag(tmp_path / "in.parquet", tmp_path / "two.parquet", chunk_rows=10, workers=2)
    pd.testing.assert_frame_equal(one[RESULTS], two[RESULTS], check_exact=False, atol=1e-5)
