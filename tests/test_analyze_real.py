"""analyze() and `emotext analyze` end to end with the shipped default model and the real encoder."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import emotext
from emotext.cli import app
from emotext.taxonomy import EMOTION_IDS

pytestmark = pytest.mark.slow

COMPLAINT = "Третий раз пишу в поддержку, никто не отвечает. Деньги списали дважды, я в бешенстве!"
PRAISE = "Dziękuję bardzo! Pani z infolinii była przemiła i wszystko załatwiła w pięć minut."
NEUTRAL = "Order 48812: please change the delivery address to 14 Mill Lane, Leeds."


def test_the_default_model_reads_clear_cases():
    complaint, praise, neutral = emotext.analyze([COMPLAINT, PRAISE, NEUTRAL])
    assert complaint.language == "ru" and "destroying" in complaint.tags and complaint.nev < 0
    assert praise.language == "pl" and "destroying" not in praise.tags and praise.nev > 0
    assert neutral.language == "en" and complaint.nev < neutral.nev < praise.nev
    for result, text in ((complaint, COMPLAINT), (praise, PRAISE)):
        assert result.evidence and all(text[e.start : e.end] == e.text for e in result.evidence)
        assert {e.emotion for e in result.evidence} == set(result.emotion_tags)


def test_same_input_same_output_across_processes():
    here = emotext.analyze(COMPLAINT).to_dict()
    for _ in range(2):
        out = subprocess.run(
            [sys.executable, "-m", "emotext.cli", "analyze", COMPLAINT, "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        there = json.loads(out.stdout)
        assert there["tags"] == here["tags"] and there["evidence"] == here["evidence"]
        assert max(abs(there["emotions"][e] - here["emotions"][e]) for e in EMOTION_IDS) <= 1e-5


def test_cli_table_json_and_stdin():
    runner = CliRunner()
    table = runner.invoke(app, ["analyze", COMPLAINT])
    assert table.exit_code == 0, table.output
    assert "destroying" in table.output and "NEV" in table.output
    lines = runner.invoke(app, ["analyze", "-", "--json"], input=f"{PRAISE}\n\n{NEUTRAL}\n")
    assert lines.exit_code == 0, lines.output
    records = [json.loads(line) for line in lines.output.splitlines()]
    assert [r["language"] for r in records] == ["pl", None, "en"]
    assert records[1]["flags"] == ["empty"]
