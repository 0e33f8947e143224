"""Batch tagging benchmark: `emotext tag` on a generated helpdesk export, 1 and 2 workers.

Generates an export of ``--rows`` tickets (4 languages, subject + body, 5-200 words, the
benchmark text generator) as CSV, then runs the real command line once per worker count in a
fresh process and reports rows/s and the peak memory of the whole process tree (parent plus
workers, sampled every 0.2 s with psutil): summed RSS, and summed PSS, which counts pages the
processes share (the memory-mapped model weights, libraries) once instead of once per process.

    python benchmarks/batch.py [--rows 100000] [--workers 1 2] [--out benchmarks/results/batch.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import machine
from benchmarks.texts import realistic_texts


def make_export(path: Path, rows: int) -> None:
    import pandas as pd

    texts = realistic_texts(rows, seed=11, min_words=5, max_words=200)
    pd.DataFrame(
        {
            "id": range(rows),
            "created_at": pd.date_range("2026-01-01", periods=rows, freq="min"),
            "channel": [("email", "chat", "review")[i % 3] for i in range(rows)],
            "subject": [f"Ticket {i}" for i in range(rows)],
            "body": [t for _, t in texts],
        }
    ).to_csv(path, index=False)


def run(source: Path, out: Path, workers: int) -> dict[str, float]:
    """One ``emotext tag`` run; memory of the process tree sampled every 0.2 s."""
    import psutil

    command = [sys.executable, "-m", "emotext.cli", "tag", str(source), "--text-col", "subject", "--text-col", "body"]
    command += ["--out", str(out), "--workers", str(workers), "--quiet"]
    start = time.perf_counter()
    proc = psutil.Popen(command, stdout=subprocess.DEVNULL)
    samples: list[tuple[float, int, int]] = []  # (seconds, summed RSS, summed PSS)
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            memory = [p.memory_full_info() for p in tree if p.is_running()]
            samples.append((time.perf_counter() - start, sum(m.rss for m in memory), sum(m.pss for m in memory)))
        except psutil.Error:
            pass
        time.sleep(0.2)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"emotext tag failed with exit code {proc.returncode}")
    first, second = [s for s in samples if s[0] < elapsed / 2], [s for s in samples if s[0] >= elapsed / 2]
    return {
        "elapsed_s": elapsed,
        "peak_rss_gb": max((s[1] for s in samples), default=0) / 1e9,
        "peak_pss_gb": max((s[2] for s in samples), default=0) / 1e9,
        # flat memory: the second half of the job (more rows read, more parts written) peaks no higher
        "peak_rss_first_half_gb": max((s[1] for s in first), default=0) / 1e9,
        "peak_rss_second_half_gb": max((s[1] for s in second), default=0) / 1e9,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/batch.json"))
    args = parser.parse_args()
    results: dict[str, object] = {"rows": args.rows, "cpus": os.cpu_count(), "machine": machine()}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "export.csv"
        make_export(source, args.rows)
        results["input_mb"] = source.stat().st_size / 1e6
        for workers in args.workers:
            r = run(source, Path(tmp) / f"tagged-{workers}.parquet", workers)
            r["rows_per_s"] = args.rows / r["elapsed_s"]
            results[f"workers_{workers}"] = r
            print(
                f"{workers} worker(s): {r['rows_per_s']:.1f} rows/s, peak RSS {r['peak_rss_gb']:.2f} GB, "
                f"peak PSS {r['peak_pss_gb']:.2f} GB",
                flush=True,
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
