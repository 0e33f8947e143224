"""What a timing was measured on: speed-ups between backends depend on the CPU, not only on its
core count (with the same settings the ONNX backend measured 4.2x the naive loop on one 2-core
machine and 2.9-3.2x on another, whose vector units favour large matrix multiplies), so every
timing result names its CPU."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

VECTOR_FLAGS = ("avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16")


def cpuinfo_field(name: str) -> str | None:
    """The first ``name : value`` line of /proc/cpuinfo (Linux only)."""
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.is_file():
        return None
    for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return None


def vector_flags() -> list[str]:
    """The CPU's SIMD extensions that fp32 / int8 kernels choose between."""
    present = set((cpuinfo_field("flags") or "").split())
    return [flag for flag in VECTOR_FLAGS if flag in present]


def package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def machine() -> dict[str, object]:
    return {
        "cpu": cpuinfo_field("model name") or platform.processor() or platform.machine(),
        "vector_flags": vector_flags(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "torch": package_version("torch"),
        "onnxruntime": package_version("onnxruntime"),
    }
