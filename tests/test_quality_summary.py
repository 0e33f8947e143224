"""The aggregate figures the model issue sets targets on are derived by quality.py, not by hand."""

from benchmarks.quality import summary_lines


def test_margins_use_the_better_baseline_per_set_and_average_them() -> None:
    systems = {
        "emotext": {"a/test/en": {"macro_f1": 0.70}, "b/test/ru": {"macro_f1": 0.80}, "m/test/pl": {"roc_auc": 0.96}},
        "tfidf": {"a/test/en": {"macro_f1": 0.60}, "b/test/ru": {"macro_f1": 0.78}, "m/test/pl": {"roc_auc": 0.80}},
        "e5-lr": {"a/test/en": {"macro_f1": 0.65}, "b/test/ru": {"macro_f1": 0.70}, "m/test/pl": {"roc_auc": 0.97}},
    }
    assert summary_lines(systems) == [
        "emotext mean macro-F1 over the public sets: 0.7500",
        "margin over the better baseline, a/test/en: +0.050",
        "margin over the better baseline, b/test/ru: +0.020",
        "average margin over the better baseline: +0.035",
        "emotext mean MultiEmo NEV ROC-AUC: 0.9600",
    ]


def test_a_model_alone_gets_means_but_no_margins() -> None:
    systems = {"emotext": {"a/dev/en": {"macro_f1": 0.6}, "b/dev/ru": {"macro_f1": 0.7}}}
    assert summary_lines(systems) == ["emotext mean macro-F1 over the public sets: 0.6500"]
    assert summary_lines({"tfidf": systems["emotext"]}) == []


def _cluster_example(clusters: list[str]):
    from emotext.training.data import from_known_labels

    return from_known_labels(
        "t", {"destroying": int("destroying" in clusters), "advocacy": int("advocacy" in clusters)}
    )


def test_bootstrap_intervals_hold_the_point_margin_and_a_perfect_system_has_none_to_spread() -> None:
    import numpy as np

    from benchmarks.quality import emotext_intervals, set_score
    from emotext.training.data import stack

    rng = np.random.default_rng(0)
    truth = [["destroying"] if rng.random() < 0.5 else ["advocacy"] for _ in range(200)]
    examples = [_cluster_example(t) for t in truth]
    targets, mask = stack(examples)
    noisy = targets.copy()
    flip = rng.random(len(noisy)) < 0.3  # the baseline is wrong on about 30 % of the texts
    noisy[flip] = 1 - noisy[flip]
    preds = {"emotext": {"goemotions/test/en": targets.copy()}, "tfidf": {"goemotions/test/en": noisy}}
    polarity = np.where(rng.random(200) < 0.5, 1, -1)
    nev = {"multiemo/test/pl": polarity * 0.5 + rng.normal(0, 0.5, 200)}
    out = emotext_intervals(
        preds,
        nev,
        {"goemotions/test/en": examples},
        {"goemotions/test/en": ["destroying", "advocacy"]},
        {"multiemo/test/pl": ([], polarity)},
        resamples=200,
        seed=1,
    )
    point = set_score(targets, mask, {s: p["goemotions/test/en"] for s, p in preds.items()}, ["destroying", "advocacy"])
    margin = point(np.arange(200))["margin"]
    assert out["goemotions/test/en"]["macro_f1"] == [1.0, 1.0]
    lo, hi = out["goemotions/test/en"]["margin"]
    assert lo < margin < hi and lo > 0.15
    assert out["public sets"]["average_margin"] == [lo, hi]  # one set: its own interval
    auc_lo, auc_hi = out["multiemo/test/pl"]["roc_auc"]
    assert 0.5 < auc_lo < auc_hi < 1.0


def test_summary_prints_intervals_where_the_run_computed_them() -> None:
    systems = {
        "emotext": {"a/test/en": {"macro_f1": 0.70}, "m/test/pl": {"roc_auc": 0.96, "sign_accuracy": 0.9}},
        "tfidf": {"a/test/en": {"macro_f1": 0.60}, "m/test/pl": {"roc_auc": 0.80, "sign_accuracy": 0.7}},
    }
    intervals = {
        "a/test/en": {"macro_f1": [0.65, 0.75], "margin": [0.04, 0.16]},
        "public sets": {"average_margin": [0.04, 0.16]},
        "m/test/pl": {"roc_auc": [0.94, 0.975]},
    }
    lines = summary_lines(systems, intervals)
    assert "margin over the better baseline, a/test/en: +0.100 (95 % CI +0.040 to +0.160)" in lines
    assert "average margin over the better baseline: +0.100 (95 % CI +0.040 to +0.160)" in lines
    assert "emotext m/test/pl roc_auc: 0.960 (95 % CI 0.940 to 0.975)" in lines
    assert not any("sign_accuracy" in line for line in lines)  # no interval stored for it
