"""`emotext train` / `emotext eval` end to end on small tables cut from our own corpus (real encoder)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from emotext.cli import app
from emotext.model import read_config
from emotext.training.corpus import read_corpus

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> Path:
    records = [r for r in read_corpus(ROOT / "training" / "data") if r["split"] == "train" and r["lang"] == "en"]
    wanted = {"irritated", "pleased", "neglected"}
    rows = [r for r in records if set(r["emotions"]) & wanted][:60] + [r for r in records if not r["emotions"]][:20]
    df = pd.DataFrame(
        {"text": [r["text"] for r in rows], "labels": [",".join(sorted(set(r["emotions"]) & wanted)) for r in rows]}
    )
    path = tmp_path_factory.mktemp("company") / "tickets.csv"
    df.to_csv(path, index=False)
    return path


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_head_mode_train_then_eval(table, tmp_path):
    out = tmp_path / "model"
    result = run(
        "train", "--data", table, "--text-col", "text", "--labels-col", "labels", "--out", out, "--mode", "head"
    )
    assert result.exit_code == 0, result.output
    assert "held out" in result.output and "cluster macro-F1" in result.output
    config = read_config(out)
    assert config.mode == "head" and set(config.trained_labels) == {
        "irritated",
        "pleased",
        "neglected",
        "destroying",
        "advocacy",
    }
    assert "dev" in json.loads((out / "metrics.json").read_text())
    report = tmp_path / "report.json"
    result = run(
        "eval", "--model", out, "--data", table, "--text-col", "text", "--labels-col", "labels", "--out", report
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(report.read_text())
    assert metrics["all"]["labels"]["pleased"]["f1"] > 0.5


def test_lora_mode_with_cluster_only_labels(tmp_path, table):
    df = pd.read_csv(table)
    df["destroying"] = df["labels"].fillna("").str.contains("irritated|neglected").astype(int)
    df["advocacy"] = df["labels"].fillna("").str.contains("pleased").astype(int)
    path = tmp_path / "clusters.parquet"
    df[["text", "destroying", "advocacy"]].to_parquet(path)
    out = tmp_path / "model"
    result = run(
        "train",
        "--data",
        path,
        "--text-col",
        "text",
        "--label-cols",
        "destroying",
        "--label-cols",
        "advocacy",
        "--out",
        out,
        "--mode",
        "lora",
        "--epochs",
        "1",
        "--lora-layers",
        "1",
    )
    assert result.exit_code == 0, result.output
    config = read_config(out)
    assert config.mode == "lora" and config.trained_labels == ["destroying", "advocacy"]
    assert (out / "adapter").is_dir()
    assert "checkpoint of epoch 1 saved" in result.output and not (tmp_path / "model.checkpoint").exists()


def test_unknown_label_is_refused_with_the_valid_ones(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "great", "labels": ["pleased"]}\n{"text": "grr", "labels": ["angry"]}\n')
    result = run("train", "--data", path, "--text-col", "text", "--labels-col", "labels", "--out", tmp_path / "m")
    assert result.exit_code == 2
    assert "row 2" in result.output and "'angry'" in result.output and "irritated" in result.output


def test_rare_labels_warn_with_counts(tmp_path, table):
    df = pd.read_csv(table).head(40)
    df.loc[0, "labels"] = "safe"
    path = tmp_path / "rare.csv"
    df.to_csv(path, index=False)
    result = run("train", "--data", path, "--text-col", "text", "--labels-col", "labels", "--out", tmp_path / "m")
    assert result.exit_code == 0, result.output
    assert "'safe' has only 1 positive example(s)" in result.output
