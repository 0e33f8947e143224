"""Batching of windows: every window exactly once, in budget, and results back in input order."""

from __future__ import annotations

import random

import numpy as np
import pytest

from emotext.predict import MAX_BATCH_TOKENS, Window, max_over_windows, padded_batches

SPECIAL = (0, 2, 1)


def windows_of_lengths(lengths: list[int]) -> list[Window]:
    return [Window(i % 7, 0, 1, [10 + i] * n) for i, n in enumerate(lengths)]


def test_batches_respect_count_and_token_budget_and_cover_every_window_once():
    rng = random.Random(3)
    lengths = [rng.choice([1, 5, 30, 120, 254]) for _ in range(300)]
    windows = windows_of_lengths(lengths)
    seen: list[int] = []
    for chunk, input_ids, mask in padded_batches(windows, SPECIAL, batch_size=32, max_tokens=1024):
        assert len(chunk) <= 32
        assert input_ids.shape == mask.shape == (len(chunk), max(lengths[i] for i in chunk) + 2)
        assert len(chunk) == 1 or input_ids.size <= 1024
        for row, i in enumerate(chunk):  # each row is <s> + that window's ids + </s>, then padding
            n = lengths[i]
            assert input_ids[row, 0] == 0 and input_ids[row, n + 1] == 2
            assert (input_ids[row, 1 : n + 1] == 10 + i).all() and (input_ids[row, n + 2 :] == 1).all()
            assert mask[row].sum() == n + 2
        seen += chunk
    assert sorted(seen) == list(range(len(windows)))


def test_a_window_longer_than_the_budget_still_gets_its_own_batch():
    windows = windows_of_lengths([300, 3, 300])
    chunks = [chunk for chunk, _, _ in padded_batches(windows, SPECIAL, max_tokens=256)]
    assert sorted(i for c in chunks for i in c) == [0, 1, 2]
    assert all(len(c) == 1 for c in chunks if 0 in c or 2 in c)


def test_the_token_budget_comes_from_the_environment_when_set(monkeypatch):
    windows = windows_of_lengths([30] * 40)  # 32 tokens each with <s> and </s>
    monkeypatch.delenv("EMOTEXT_BATCH_TOKENS", raising=False)
    default = [len(c) for c, _, _ in padded_batches(windows, SPECIAL)]
    assert max(default) == min(32, MAX_BATCH_TOKENS // 32)
    monkeypatch.setenv("EMOTEXT_BATCH_TOKENS", "128")
    assert [len(c) for c, _, _ in padded_batches(windows, SPECIAL)] == [4] * 10
    for bad in ("0", "-5", "lots"):
        monkeypatch.setenv("EMOTEXT_BATCH_TOKENS", bad)
        with pytest.raises(ValueError, match="EMOTEXT_BATCH_TOKENS"):
            list(padded_batches(windows, SPECIAL))


def test_max_over_windows_takes_each_texts_maximum():
    windows = [Window(0, 0, 1, [5]), Window(1, 0, 1, [5]), Window(0, 1, 2, [5])]
    probs = np.array([[0.1, 0.9], [0.5, 0.5], [0.7, 0.2]], dtype=np.float32)
    np.testing.assert_allclose(max_over_windows(windows, probs, 2), [[0.7, 0.9], [0.5, 0.5]])
