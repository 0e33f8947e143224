"""NEV maths on hand-built tagged tables: per text, per segment, per period, CIs, signature, drivers."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from emotext.cli import app
from emotext.nev import bootstrap_ci, drivers, load_tagged, nev_scores, nev_table, signature
from emotext.taxonomy import EMOTION_IDS, NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS


def tagged_row(nev: float, tags: list[str], **extra) -> dict:
    row = {f"emotion_{e}": 0.0 for e in EMOTION_IDS}
    row.update({"nev": nev, "tags": tags, "status": "ok", **extra})
    return row


def test_text_nev_is_positive_mean_minus_destroying_mean():
    scores = np.zeros((3, 20))
    scores[0, [EMOTION_IDS.index(e) for e in NEGATIVE_EMOTIONS]] = 1.0  # all destroying certain
    scores[1, [EMOTION_IDS.index(e) for e in POSITIVE_EMOTIONS]] = 1.0
    scores[2, EMOTION_IDS.index("happy")] = 0.6  # one of 12 positive: 0.05
    scores[2, EMOTION_IDS.index("irritated")] = 0.8  # one of 8 destroying: 0.1
    assert nev_scores(scores) == pytest.approx([-1.0, 1.0, 0.05 - 0.1])


def test_bootstrap_ci_hand_computed_cases():
    assert bootstrap_ci([0.3] * 10) == pytest.approx((0.3, 0.3))
    # two values: resampled means are 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4
    assert bootstrap_ci([0.0, 1.0], n_boot=4000) == pytest.approx((0.0, 1.0))
    assert all(math.isnan(v) for v in bootstrap_ci([0.5]))
    assert all(math.isnan(v) for v in bootstrap_ci([]))
    assert all(math.isnan(v) for v in bootstrap_ci([float("nan"), 0.2]))


def test_bootstrap_matches_the_normal_interval_on_large_samples():
    x = np.random.default_rng(1).normal(0.2, 0.3, 4000)
    half = 1.96 * x.std(ddof=1) / np.sqrt(len(x))
    low, high = bootstrap_ci(x)
    assert low == pytest.approx(x.mean() - half, abs=0.002) and high == pytest.approx(x.mean() + half, abs=0.002)
    big = np.random.default_rng(2).normal(0, 1, 60_000)  # beyond BOOTSTRAP_MAX_N: normal approximation
    low, high = bootstrap_ci(big)
    assert (high - low) / 2 == pytest.approx(1.96 * big.std(ddof=1) / np.sqrt(len(big)), rel=1e-3)


@pytest.fixture
def table() -> pd.DataFrame:
    rows = [
        tagged_row(-0.5, ["destroying"], agent="A", week="2026-06-01", csat=1),
        tagged_row(-0.3, ["destroying"], agent="A", week="2026-06-02", csat=2),
        tagged_row(0.4, ["advocacy", "recommendation"], agent="B", week="2026-06-09", csat=5),
        tagged_row(0.2, [], agent="B", week="2026-06-10", csat=float("nan")),
        tagged_row(0.1, ["advocacy"], agent="C", week="2026-06-10", csat=4),
    ]
    rows[0]["emotion_irritated"] = 0.9
    rows[2]["emotion_happy"] = 0.8
    frame = pd.DataFrame(rows)
    error = {**tagged_row(float("nan"), [], agent="A", week="2026-06-01", csat=1), "status": "error"}
    return pd.concat([frame, pd.DataFrame([error])], ignore_index=True)


def test_segments_periods_shares_and_small_segments(table):
    tagged = load_tagged(table)
    assert len(tagged) == 5  # the error row is not averaged in
    overall = nev_table(tagged).iloc[0]
    assert overall["n"] == 5 and overall["nev"] == pytest.approx(-0.02)
    assert overall["share_destroying"] == pytest.approx(0.4) and overall["share_advocacy"] == pytest.approx(0.4)
    by_agent = nev_table(tagged, by=["agent"], min_n=2).set_index("agent")
    assert by_agent.loc["A", "nev"] == pytest.approx(-0.4) and by_agent.loc["B", "nev"] == pytest.approx(0.3)
    single = by_agent.loc["C"]  # a single-row segment: its value, no interval, flagged
    assert single["n"] == 1 and single["nev"] == pytest.approx(0.1) and math.isnan(single["ci_low"])
    assert bool(single["low_n"]) and not bool(by_agent.loc["A", "low_n"])
    weekly = nev_table(tagged, time_col="week", freq="W")
    assert weekly["period"].dt.strftime("%Y-%m-%d").tolist() == ["2026-06-01", "2026-06-08"]
    assert weekly["n"].tolist() == [2, 3] and weekly["nev"].tolist() == pytest.approx([-0.4, 0.7 / 3])
    both = nev_table(tagged, by=["agent"], time_col="week", freq="W")
    assert len(both) == 3


def test_empty_table_and_bad_columns(table):
    empty = load_tagged(table.iloc[0:0])
    result = nev_table(empty).iloc[0]
    assert result["n"] == 0 and math.isnan(result["nev"])
    assert nev_table(empty, by=["agent"]).empty
    with pytest.raises(ValueError, match="column 'team' not in the tagged table"):
        nev_table(load_tagged(table), by=["team"])
    with pytest.raises(ValueError, match="freq must be one of"):
        nev_table(load_tagged(table), time_col="week", freq="fortnight")
    with pytest.raises(ValueError, match="not an emotext-tagged table"):
        load_tagged(pd.DataFrame({"text": ["x"]}))


def test_signature_is_segment_profile_minus_overall(table):
    tagged = load_tagged(table)
    sig = signature(tagged, ["agent"]).set_index("agent")
    assert sig.loc["A", "irritated"] == pytest.approx(0.45)
    assert sig.loc["A", "irritated_vs_all"] == pytest.approx(0.45 - 0.18)
    assert sig.loc["B", "happy_vs_all"] == pytest.approx(0.4 - 0.16)
    assert signature(tagged).loc[0, "happy"] == pytest.approx(0.16)


def test_drivers_skip_missing_ratings(table):
    result = drivers(load_tagged(table), "csat").set_index("feature")
    assert result.loc["nev", "n"] == 4  # the NaN rating is left out
    assert result.loc["nev", "spearman_rho"] == pytest.approx(1.0)  # NEV order equals CSAT order
    assert math.isnan(result.loc["valued", "spearman_rho"])  # constant column: undefined


def test_tagged_files_round_trip_through_the_cli(tmp_path, table):
    csv_table = table.copy()
    csv_table["tags"] = [json.dumps(t) for t in csv_table["tags"]]
    csv_table.to_csv(tmp_path / "t.csv", index=False)
    table.to_parquet(tmp_path / "t.parquet")
    for name in ("t.csv", "t.parquet"):
        assert nev_table(load_tagged(tmp_path / name)).iloc[0]["nev"] == pytest.approx(-0.02)
    out = tmp_path / "nev.json"
    result = CliRunner().invoke(
        app,
        ["nev", str(tmp_path / "t.csv"), "--by", "agent", "--rating-col", "csat", "--min-n", "2", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text())
    assert [r["agent"] for r in payload["nev"]] == ["A", "B", "C"] and payload["drivers"][0]["feature"] == "nev"
    assert "low n" in result.output
