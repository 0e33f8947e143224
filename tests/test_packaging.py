"""The default model must ship inside the wheel, so `pip install .` (non-editable) finds it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from emotext.model import MODEL_FILE, default_model_dir, read_config

ROOT = Path(__file__).resolve().parents[1]


def test_default_model_is_found_and_complete():
    path = default_model_dir()
    config = read_config(path)
    assert (path / "heads.safetensors").is_file()
    assert (path / "README.md").is_file() and (path / "metrics.json").is_file()
    assert config.mode != "lora" or (path / "adapter" / "adapter_model.safetensors").is_file()
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    assert size < 30 * 1024 * 1024


@pytest.mark.slow
def test_wheel_carries_the_default_model(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    wheel = next(tmp_path.glob("emotext-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert f"emotext/default_model/{MODEL_FILE}" in names
    assert "emotext/default_model/heads.safetensors" in names
    assert not any(n.startswith(("training/", "tests/")) for n in names)
