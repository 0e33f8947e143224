"""What a timing was measured on: speed-ups between backends depend on the CPU, not only on its
core count (the ONNX backend was 4.2x the naive loop on one 2-core machine and 2.9x on another
whose vector units favour large matrix multiplies), so every timing result names its CPU."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

VECTOR_FLAGS = ("avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16")


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def vector_flags() -> list[str]:
    """The CPU's SIMD extensions that fp32 / int8 kernels choose between (Linux only)."""
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.is_file():
        return []
    for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("flags"):
            present = set(line.split(":", 1)[1].split())
            return [flag for flag in VECTOR_FLAGS if flag in present]
    return []


def package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def machine() -> dict[str, object]:
    return {
        "cpu": cpu_model(),
        "vector_flags": vector_flags(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "torch": package_version("torch"),
        "onnxruntime": package_version("onnxruntime"),
    }
