"""Latency of ``emotext.analyze`` for a service calling it once per message.

- single short text (5-25 words, 4 languages): p50 / p95 / max ms over ``--n`` calls after a
  warm-up, one text per call, the default model, evidence and language detection included;
- cold start: wall time of a fresh process from ``import emotext`` to its first result with a
  warm encoder cache (median of 3), and the same including interpreter start-up.

    python benchmarks/latency.py [--n 300] [--threads 2] [--model DIR] [--out benchmarks/results/latency.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import machine
from benchmarks.texts import realistic_texts

COLD_SNIPPET = """
import time, json
t0 = time.perf_counter()
import emotext
result = emotext.analyze("Kurier znowu się spóźnił, a infolinia nie odbiera.", model={model!r})
print(json.dumps({{"import_to_first_result_s": time.perf_counter() - t0, "tags": result.tags}}))
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_cold(model: str | None, repeats: int = 3) -> dict[str, float]:
    inner, outer = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", COLD_SNIPPET.format(model=model)], capture_output=True, text=True, check=True
        )
        outer.append(time.perf_counter() - start)
        inner.append(json.loads(out.stdout.strip().splitlines()[-1])["import_to_first_result_s"])
    return {
        "import_to_first_result_s": statistics.median(inner),
        "process_start_to_first_result_s": statistics.median(outer),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/latency.json"))
    args = parser.parse_args()

    cold = measure_cold(args.model)

    import torch

    from emotext import Analyzer

    torch.set_num_threads(args.threads)
    analyzer = Analyzer(args.model)
    texts = [text for _, text in realistic_texts(args.n, seed=7, min_words=5, max_words=25)]
    for text in texts[:10]:
        analyzer.analyze(text)
    times = []
    for text in texts:
        start = time.perf_counter()
        analyzer.analyze(text)
        times.append((time.perf_counter() - start) * 1000)
    result = {
        "n": len(texts),
        "threads": args.threads,
        "single_text_p50_ms": percentile(times, 0.50),
        "single_text_p95_ms": percentile(times, 0.95),
        "single_text_max_ms": max(times),
        **cold,
        "machine": machine(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
