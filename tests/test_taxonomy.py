from __future__ import annotations

import pytest

from emotext import taxonomy as tx


def test_ids_match_the_shaw_model_exactly():
    assert tx.EMOTIONS_BY_CLUSTER == {
        "destroying": (
            "irritated",
            "hurried",
            "neglected",
            "unhappy",
            "unsatisfied",
            "stressed",
            "disappointed",
            "frustrated",
        ),
        "attention": ("interested", "energetic", "stimulated", "exploratory", "indulgent"),
        "recommendation": ("trusting", "valued", "cared_for", "focused", "safe"),
        "advocacy": ("happy", "pleased"),
    }
    assert len(tx.EMOTION_IDS) == 20 and len(set(tx.EMOTION_IDS)) == 20
    assert tx.CLUSTER_IDS == ("destroying", "attention", "recommendation", "advocacy")


def test_valence_and_positive_negative_split():
    assert set(tx.NEGATIVE_EMOTIONS) | set(tx.POSITIVE_EMOTIONS) == set(tx.EMOTION_IDS)
    assert not set(tx.NEGATIVE_EMOTIONS) & set(tx.POSITIVE_EMOTIONS)
    assert tx.EMOTION_BY_ID["frustrated"].valence == "negative"
    assert tx.EMOTION_BY_ID["safe"].valence == "positive"


@pytest.mark.parametrize("lang", tx.LANGUAGES)
def test_every_label_has_a_display_name_in_each_language(lang):
    for label in tx.EMOTION_IDS + tx.CLUSTER_IDS:
        name = tx.display_name(label, lang)
        assert name and name.strip() == name
    assert tx.display_name("happy", "xx") == "Happy"


def test_clusters_follow_from_emotions():
    assert tx.clusters_of(["pleased", "disappointed", "cared_for"]) == [
        "destroying",
        "recommendation",
        "advocacy",
    ]
    assert tx.clusters_of([]) == []
    with pytest.raises(KeyError, match="valid"):
        tx.cluster_of("angry")
