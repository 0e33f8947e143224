"""Report benchmark: wall time of `emotext report` on the tagged example export, in a fresh process.

Tags ``examples/tickets.csv`` first (not timed) unless ``--tagged`` points at a tagged file,
then runs the full command line (imports included) three times and reports the median, with
segments by product and agent, a monthly trend and CSAT drivers.

    python benchmarks/report.py [--tagged FILE] [--out benchmarks/results/report.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tagged", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/report.json"))
    args = parser.parse_args()
    cli = [sys.executable, "-m", "emotext.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        tagged = args.tagged or Path(tmp) / "tickets.tagged.parquet"
        if args.tagged is None:
            tag = ["tag", str(ROOT / "examples/tickets.csv"), "--text-col", "subject", "--text-col", "body"]
            subprocess.run([*cli, *tag, "--out", str(tagged), "--quiet"], check=True)
        report = ["report", str(tagged), "--out", str(Path(tmp) / "report.html"), "--by", "product", "--by", "agent"]
        report += ["--time-col", "created_at", "--freq", "M", "--rating-col", "csat", "--min-n", "20"]
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            subprocess.run([*cli, *report], check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        size_mb = (Path(tmp) / "report.html").stat().st_size / 1e6
    result = {"rows": "examples/tickets.csv", "report_s_median": statistics.median(times), "runs_s": times}
    result["report_mb"] = size_mb
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
