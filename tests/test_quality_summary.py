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
