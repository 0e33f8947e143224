"""Inference speed: a naive PyTorch loop vs emotext's torch and ONNX backends, same model, same texts.

In ONE run, on the same ``--n`` realistic texts (4 languages, 3-150 words, log-uniform lengths):

- ``naive``: the shipped model in PyTorch fp32 as a user would run it with ``transformers``:
  batches of 32 in input order, padded to the longest, truncated to the model's window;
- ``torch``: emotext's torch backend (length-sorted batches with a token budget, long texts
  cut into sentence windows);
- ``onnx``: emotext's default backend (ONNX Runtime, fp32 graph with fused attention/GELU/layer-norm);
- ``onnx-int8``: the same graph dynamically quantised to int8 (per-channel weights;
  ``backend="onnx-int8"``), measured to show why it is not the default.

Each variant runs in its own process (so its peak RSS is its own) with 2 threads, warms up,
then times the model step only (texts in, 24 probabilities out; no language detection or
evidence, which the naive loop does not do either). Reported per variant: texts/s, tokens/s,
single-text p50/p95 ms, peak RSS, speed-up over ``naive``, tag agreement with ``naive`` (texts
whose cluster tags, resp. emotion tags, are identical; and single label decisions), achieved
GFLOP/s (useful encoder FLOPs, padding excluded) against this machine's fp32 matrix-multiply
peak measured in the same run, and cluster / emotion macro-F1 on our corpus test split.

    python benchmarks/speed.py [--n 2000] [--single 200] [--variants naive torch onnx onnx-int8]
                               [--batch-tokens N] [--out benchmarks/results/speed.json] [--table]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.machine import machine  # noqa: E402
from benchmarks.texts import realistic_texts  # noqa: E402

THREADS = 2
BATCH = 32
VARIANTS = ("naive", "torch", "onnx", "onnx-int8")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def encoder_flops(length: int, layers: int = 12, hidden: int = 384, intermediate: int = 1536) -> float:
    """Multiply-adds x 2 of one BERT pass over ``length`` tokens: projections, FFN and attention."""
    per_layer = 2 * length * (4 * hidden * hidden + 2 * hidden * intermediate) + 4 * length * length * hidden
    return float(layers * per_layer)


def matmul_peak_gflops(size: int = 2048, repeats: int = 7) -> float:
    import torch

    torch.set_num_threads(THREADS)
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    best = min(_timed(lambda: torch.mm(a, b)) for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# ------------------------------------------------------------------------------ one variant


def naive_runner(model_dir: Path) -> tuple[Any, Any]:
    """The loop a user writes: no sorting, pad to the longest of each batch of 32, truncate."""
    import torch

    from emotext.encoder import pad_batch
    from emotext.predict import LoadedModel

    torch.set_num_threads(THREADS)
    loaded = LoadedModel.load(model_dir)
    cls_id, sep_id, pad_id = loaded.special_ids
    limit = loaded.config.max_length - 2

    def sequences(texts: list[str]) -> list[list[int]]:
        return [[cls_id, *loaded.token_ids(t)[:limit], sep_id] for t in texts]

    def run(texts: list[str]) -> np.ndarray:
        out = []
        with torch.inference_mode():
            for b in range(0, len(texts), BATCH):
                ids, mask = pad_batch(sequences(texts[b : b + BATCH]), pad_id)
                out.append(torch.sigmoid(loaded.model(ids, mask)).numpy())
        return np.concatenate(out)

    def lengths(texts: list[str]) -> list[int]:
        return [len(s) for s in sequences(texts)]

    return run, lengths


def emotext_runner(model_dir: Path, variant: str) -> tuple[Any, Any]:
    from emotext.predict import text_windows

    if variant == "torch":
        import torch

        from emotext.predict import LoadedModel

        torch.set_num_threads(THREADS)
        model: Any = LoadedModel.load(model_dir)
    else:
        from emotext.onnx_backend import OnnxModel

        model = OnnxModel(model_dir, threads=THREADS, int8=variant == "onnx-int8")

    def lengths(texts: list[str]) -> list[int]:
        return [len(w.ids) + 2 for w in text_windows(texts, model.token_ids, model.max_content)]

    return model.probabilities, lengths


def run_variant(variant: str, texts_file: Path, out_dir: Path, model_dir: Path, single: int) -> None:
    data = json.loads(texts_file.read_text(encoding="utf-8"))
    texts, corpus = data["texts"], data["corpus_test"]
    if variant == "naive":
        probabilities, lengths = naive_runner(model_dir)
    else:
        probabilities, lengths = emotext_runner(model_dir, variant)
    probabilities(texts[:64])  # warm-up: first-call allocations, lazy imports
    start = time.perf_counter()
    probs = probabilities(texts)
    elapsed = time.perf_counter() - start
    latencies = [1000 * _timed(lambda t=t: probabilities([t])) for t in texts[:single]]
    seq_lengths = lengths(texts)
    np.save(out_dir / f"{variant}.npy", probs)
    np.save(out_dir / f"{variant}-corpus.npy", probabilities(corpus))
    result = {
        "seconds": elapsed,
        "texts_per_s": len(texts) / elapsed,
        "tokens_per_s": sum(seq_lengths) / elapsed,
        "gflops_per_s": sum(encoder_flops(n) for n in seq_lengths) / elapsed / 1e9,
        "single_text_p50_ms": percentile(latencies, 0.5),
        "single_text_p95_ms": percentile(latencies, 0.95),
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9,
    }
    (out_dir / f"{variant}.json").write_text(json.dumps(result), encoding="utf-8")


# ------------------------------------------------------------------------------ comparison


def tag_sets(probs: np.ndarray, thresholds: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Emotion tags and cluster tags as ``analyze()`` forms them (an emotion implies its cluster)."""
    from emotext.tags import apply_thresholds
    from emotext.taxonomy import EMOTION_IDS

    tags = apply_thresholds(probs, thresholds).astype(bool)
    return tags[:, : len(EMOTION_IDS)], tags[:, len(EMOTION_IDS) :]


def corpus_f1(probs: np.ndarray, thresholds: dict[str, float], examples: list[Any]) -> dict[str, float]:
    from emotext.tags import apply_thresholds
    from emotext.taxonomy import CLUSTER_IDS, EMOTION_IDS
    from emotext.training.data import stack
    from emotext.training.metrics import macro_f1

    targets, mask = stack(examples)
    preds = apply_thresholds(probs, thresholds)
    return {
        "cluster_macro_f1": macro_f1(targets, preds, mask, CLUSTER_IDS),
        "emotion_macro_f1": macro_f1(targets, preds, mask, EMOTION_IDS),
    }


def render_table(results: dict[str, Any]) -> str:
    """The README's table (``--table`` prints it again from a results file without re-running)."""
    reference = next(iter(results["variants"]))
    lines = [
        f"| variant | texts/s | × {reference} | tokens/s | p50 / p95 ms (1 text) | peak RSS | "
        "cluster tags identical | emotion tags identical | label decisions agree | "
        "GFLOP/s (share of matmul peak) | corpus cluster / emotion F1 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for variant, r in results["variants"].items():
        lines.append(
            f"| {variant} | {r['texts_per_s']:.1f} | {r['speedup_vs_' + reference]:.2f} | {r['tokens_per_s']:,.0f} | "
            f"{r['single_text_p50_ms']:.0f} / {r['single_text_p95_ms']:.0f} | {r['peak_rss_gb']:.2f} GB | "
            f"{r['cluster_tags_identical']:.1%} | {r['emotion_tags_identical']:.1%} | "
            f"{r['label_decisions_agree']:.2%} | {r['gflops_per_s']:.0f} ({r['share_of_matmul_peak']:.0%}) | "
            f"{r['cluster_macro_f1']:.3f} / {r['emotion_macro_f1']:.3f} |"
        )
    cpu = results.get("machine", {})
    on = f" on {cpu['cpu']} ({', '.join(cpu['vector_flags'])})" if cpu else ""
    peak = results["matmul_peak_gflops"]
    lines.append(f"\nfp32 matrix-multiply peak measured in the same run{on}: {peak:.0f} GFLOP/s.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--single", type=int, default=200, help="texts timed one at a time")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the shipped model)")
    parser.add_argument("--batch-tokens", type=int, default=None, help="padded tokens per batch, emotext's backends")
    parser.add_argument("--corpus", type=Path, default=ROOT / "training" / "data")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/speed.json"))
    parser.add_argument("--table", action="store_true", help="print the markdown table of --out and exit")
    parser.add_argument("--worker", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    from emotext.model_format import default_model_dir, read_config

    model_dir = args.model or default_model_dir()
    if args.table:
        print(render_table(json.loads(args.out.read_text(encoding="utf-8"))))
        return
    if args.worker:
        run_variant(args.worker, args.scratch / "texts.json", args.scratch, model_dir, args.single)
        return

    from emotext.training.corpus import read_corpus
    from emotext.training.data import from_corpus

    texts = [t for _, t in realistic_texts(args.n, seed=7, min_words=3, max_words=150)]
    corpus = from_corpus(read_corpus(args.corpus), "test")
    thresholds = read_config(model_dir).thresholds
    from emotext.onnx_backend import ensure_onnx
    from emotext.predict import max_batch_tokens

    if args.batch_tokens is not None:
        os.environ["EMOTEXT_BATCH_TOKENS"] = str(args.batch_tokens)  # inherited by the workers

    for variant in args.variants:  # exports are built here, so a worker's time and RSS are inference only
        if variant.startswith("onnx"):
            ensure_onnx(model_dir, int8=variant == "onnx-int8")
    peak = matmul_peak_gflops()
    print(f"fp32 matmul peak ({THREADS} threads): {peak:.1f} GFLOP/s", flush=True)
    results: dict[str, Any] = {
        "n_texts": len(texts),
        "corpus_test_texts": len(corpus),
        "threads": THREADS,
        "cpus": os.cpu_count(),
        "machine": machine(),
        "batch_tokens": max_batch_tokens(),
        "matmul_peak_gflops": peak,
        "variants": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        (scratch / "texts.json").write_text(
            json.dumps({"texts": texts, "corpus_test": [e.text for e in corpus]}), encoding="utf-8"
        )
        probs: dict[str, np.ndarray] = {}
        for variant in args.variants:
            command = [sys.executable, __file__, "--worker", variant, "--scratch", str(scratch)]
            command += ["--single", str(args.single)] + (["--model", str(args.model)] if args.model else [])
            subprocess.run(command, check=True, env={**os.environ, "OMP_NUM_THREADS": str(THREADS)})
            row = json.loads((scratch / f"{variant}.json").read_text(encoding="utf-8"))
            probs[variant] = np.load(scratch / f"{variant}.npy")
            row["share_of_matmul_peak"] = row["gflops_per_s"] / peak
            row |= corpus_f1(np.load(scratch / f"{variant}-corpus.npy"), thresholds, corpus)
            results["variants"][variant] = row
    reference = args.variants[0]
    emotions_ref, clusters_ref = tag_sets(probs[reference], thresholds)
    for variant, row in results["variants"].items():
        emotions, clusters = tag_sets(probs[variant], thresholds)
        row["speedup_vs_" + reference] = row["texts_per_s"] / results["variants"][reference]["texts_per_s"]
        row["cluster_tags_identical"] = float(np.mean((clusters == clusters_ref).all(1)))
        row["emotion_tags_identical"] = float(np.mean((emotions == emotions_ref).all(1)))
        row["label_decisions_agree"] = float(
            np.mean(np.concatenate([emotions == emotions_ref, clusters == clusters_ref], 1))
        )
        row["max_abs_prob_diff"] = float(np.abs(probs[variant] - probs[reference]).max())
        print(
            f"{variant:>10}: {row['texts_per_s']:6.1f} texts/s ({row['speedup_vs_' + reference]:.2f}x), "
            f"p50 {row['single_text_p50_ms']:.0f} ms, RSS {row['peak_rss_gb']:.2f} GB, "
            f"cluster tags identical {row['cluster_tags_identical']:.3f}, "
            f"cluster F1 {row['cluster_macro_f1']:.3f}",
            flush=True,
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(render_table(results))


if __name__ == "__main__":
    main()
