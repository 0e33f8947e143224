from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def encoder():
    """The real e5 encoder from the user's cache (materialised once per machine)."""
    from emotext.encoder import Encoder

    return Encoder()
