"""The model card is generated from a stored quality result; its tables must carry that result's numbers."""

import json
from pathlib import Path

from emotext.training.card import render_card

ROOT = Path(__file__).resolve().parent.parent


def _quality(max_per_set: int) -> dict:
    quality = json.loads((ROOT / "benchmarks/results/quality-n400.json").read_text(encoding="utf-8"))
    quality["max_per_set"] = max_per_set
    return quality


def test_public_rows_show_the_margin_over_the_better_baseline_with_its_interval() -> None:
    quality = _quality(400)
    card = render_card(ROOT / "models/default", quality)
    systems = quality["systems"]
    key = "goemotions/test/en"
    margin = systems["emotext"][key]["macro_f1"] - max(systems[s][key]["macro_f1"] for s in ("tfidf", "e5-lr"))
    lo, hi = quality["intervals_95"][key]["margin"]
    row = next(line for line in card.splitlines() if line.startswith(f"| {key} |"))
    assert row.endswith(f"| {margin:+.3f} ({lo:+.3f} to {hi:+.3f}) |")
    assert "sampled to at most 400 texts" in card


def test_multiemo_interval_sits_beside_our_score_not_a_baseline() -> None:
    quality = _quality(0)
    card = render_card(ROOT / "models/default", quality)
    key = "multiemo/test/zh"
    ours = quality["systems"]["emotext"][key]["roc_auc"]
    lo, hi = quality["intervals_95"][key]["roc_auc"]
    row = next(line for line in card.splitlines() if line.startswith(f"| {key} |"))
    assert row.split(" | ")[2] == f"{ours:.3f} ({lo:.3f} to {hi:.3f})"
    assert "scored in full" in card
