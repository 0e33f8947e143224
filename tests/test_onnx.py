"""The ONNX Runtime backend: same scores as PyTorch, no torch at inference, re-export on model change."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from emotext.analyze import Analyzer
from emotext.model_format import default_model_dir
from emotext.onnx_backend import model_fingerprint

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    "Третий раз пишу в поддержку, никто не отвечает. Деньги списали дважды!",
    "Dzięki, pani z infolinii była przemiła i wszystko załatwiła.",
    "客服态度很差，等了三天才回复。",
    "Order 48812: please change the delivery address.",
    "I love the new app, but the checkout is slow. " * 40,  # several windows
]


def test_fingerprint_follows_the_model_files(tmp_path):
    copy = tmp_path / "m"
    shutil.copytree(default_model_dir(), copy)
    before = model_fingerprint(copy)
    assert model_fingerprint(copy) == before
    config = json.loads((copy / "emotext-model.json").read_text())
    config["thresholds"]["happy"] = 0.123
    (copy / "emotext-model.json").write_text(json.dumps(config))
    assert model_fingerprint(copy) != before  # a changed model is exported again


@pytest.mark.slow
def test_onnx_and_torch_backends_agree():
    onnx = Analyzer(backend="onnx").analyze(TEXTS)
    torch = Analyzer(backend="torch").analyze(TEXTS)
    for a, b in zip(onnx, torch, strict=True):
        assert a.tags == b.tags and a.emotion_tags == b.emotion_tags
        diff = np.abs(np.array(list(a.emotions.values())) - np.array(list(b.emotions.values())))
        assert diff.max() < 1e-4
        assert [(e.start, e.end) for e in a.evidence] == [(e.start, e.end) for e in b.evidence]


@pytest.mark.slow
def test_onnx_inference_imports_neither_torch_nor_transformers():
    Analyzer(backend="onnx")  # make sure the export exists (it needs torch once)
    code = (
        "import sys, emotext; r = emotext.analyze('Kurier znowu się spóźnił.', backend='onnx'); "
        "print(r.tags, 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip().endswith("False False"), out.stdout + out.stderr


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="backend must be one of"):
        Analyzer(backend="tensorrt")


@pytest.mark.slow
def test_int8_backend_is_a_quantised_graph_close_to_fp32():
    import onnx

    from emotext.onnx_backend import INT8_FILE, ensure_onnx

    int8 = Analyzer(backend="onnx-int8")
    path = ensure_onnx(default_model_dir(), int8=True)
    assert path.name == INT8_FILE
    assert {"DynamicQuantizeLinear", "MatMulInteger"} & {n.op_type for n in onnx.load(str(path)).graph.node}
    fp32 = Analyzer(backend="onnx")
    a = np.array([list(r.emotions.values()) for r in int8.analyze(TEXTS)]).ravel()
    b = np.array([list(r.emotions.values()) for r in fp32.analyze(TEXTS)]).ravel()
    assert not np.allclose(a, b, atol=1e-4)  # really another graph
    assert np.corrcoef(a, b)[0, 1] > 0.9  # ... of the same model
