"""The HTML report renders in headless Chromium: every plot drawn, no console errors, nothing fetched."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from emotext.cli import app
from emotext.taxonomy import CLUSTER_IDS, EMOTION_IDS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def synthetic_tagged(n: int = 240, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    scores = rng.beta(0.4, 3.0, size=(n, len(EMOTION_IDS)))
    frame = pd.DataFrame(scores, columns=[f"emotion_{e}" for e in EMOTION_IDS])
    frame["nev"] = scores[:, 8:].mean(axis=1) - scores[:, :8].mean(axis=1)
    frame["tags"] = [[c for c in CLUSTER_IDS if rng.random() < 0.3] for _ in range(n)]
    frame["evidence"] = [
        f'[{{"emotion": "irritated", "cluster": "destroying", "start": 0, "end": 9, "text": "Bad #{i} <b>", '
        f'"score": {rng.random():.3f}}}]'
        for i in range(n)
    ]
    frame["status"] = "ok"
    frame["product"] = rng.choice(["Delivery", "Mobile app", "Broadband", "Tiny"], size=n, p=[0.4, 0.3, 0.28, 0.02])
    frame["created_at"] = pd.date_range("2026-05-01", periods=n, freq="15h").astype(str)
    frame["csat"] = np.where(rng.random(n) < 0.1, np.nan, np.clip(np.round(3 + 6 * frame["nev"]), 1, 5))
    return frame


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is installed by `make test` (apt package chromium)")
def test_report_renders_every_plot_without_console_errors(tmp_path):
    from playwright.sync_api import sync_playwright

    source = tmp_path / "tagged.parquet"
    synthetic_tagged().to_parquet(source)
    out = tmp_path / "report.html"
    args = ["report", str(source), "--out", str(out), "--by", "product", "--time-col", "created_at"]
    result = CliRunner().invoke(app, [*args, "--rating-col", "csat", "--min-n", "20"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Bad #" in html and "<b>" not in html.split("Most destroying moments")[1]  # evidence escaped

    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(out.as_uri())
        plots = page.locator(".js-plotly-plot").count()
        assert plots == 5  # trend, NEV by product (one per --by), cluster shares, signature, drivers
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {plots}", timeout=30_000
        )
        drawn = page.evaluate(
            "[...document.querySelectorAll('.js-plotly-plot')].map(p => p.querySelectorAll("
            "'.plot .trace, .plot .heatmaplayer image, .plot .barlayer .point, .plot .scatterlayer .trace').length)"
        )
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert all(n > 0 for n in drawn), drawn
    assert not problems, problems
    assert all(url.startswith(("file:", "data:", "blob:", "about:")) for url in requests), requests
    assert (tmp_path / "report.png").stat().st_size > 50_000


def test_report_without_segments_or_time():
    from emotext.nev import load_tagged
    from emotext.report import ReportOptions, build_report

    page = build_report(load_tagged(synthetic_tagged(50)), ReportOptions())
    assert page.count("js-plotly-plot") == 0 or "Plotly.newPlot" in page
    assert page.count("Plotly.newPlot") == 2  # cluster shares, overall signature
