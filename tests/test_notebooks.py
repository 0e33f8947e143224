"""The quickstart and retraining notebooks run top to bottom (on a few rows) with the real model."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["quickstart.ipynb", "retrain.ipynb"])
def test_notebook_executes(tmp_path, monkeypatch, name):
    monkeypatch.setenv("EMOTEXT_NOTEBOOK_ROWS", "40")
    monkeypatch.setenv("EMOTEXT_NOTEBOOK_OUT", str(tmp_path))
    notebook = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    produced = {p.name for p in tmp_path.iterdir()}
    assert ({"tagged.parquet", "report.html"} if name == "quickstart.ipynb" else {"model", "eval.json"}) <= produced
    assert os.environ["EMOTEXT_NOTEBOOK_ROWS"] == "40"
