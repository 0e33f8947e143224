"""The hand-built double-array trie must read back exactly through tokenizers' own Precompiled."""

from __future__ import annotations

import random

from tokenizers import normalizers

from emotext._charsmap import build_precompiled_charsmap


def _apply(table: dict[int, str], text: str) -> str:
    return "".join(table.get(ord(ch), ch) for ch in text)


def test_round_trip_through_tokenizers_precompiled():
    rng = random.Random(0)
    table = {9: " ", 10: " ", 0x00A0: " ", 0xFF21: "A", 0x2460: "1", 0xFB01: "fi", 0x200B: "", 7: ""}
    pool = [chr(c) for c in (*range(0x20, 0x7F), *range(0x400, 0x450), *range(0x4E00, 0x4E40), 0x1F600, 0x1F9A9)]
    for cp in rng.sample(range(0x3400, 0x9FFF), 3000):
        table[cp] = rng.choice(pool) * rng.randint(0, 2)
    normalizer = normalizers.Precompiled(build_precompiled_charsmap(table))
    keys = [chr(cp) for cp in table]
    for _ in range(300):
        text = "".join(rng.choice(keys + pool) for _ in range(rng.randint(0, 30)))
        assert normalizer.normalize_str(text) == _apply(table, text)


def test_unmapped_text_is_unchanged():
    normalizer = normalizers.Precompiled(build_precompiled_charsmap({0xFF21: "A"}))
    assert normalizer.normalize_str("Привет, 世界! ＡＡ") == "Привет, 世界! AA"
