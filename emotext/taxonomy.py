"""Colin Shaw's Hierarchy of Emotional Value: the one place the 20 emotions and 4 clusters are defined.

Every other module (heads, thresholds, NEV, reports, label mappings) derives its label order from
here, so a model directory written today still lines up with the code that reads it tomorrow.
The order of ``EMOTIONS`` and ``CLUSTERS`` is part of the model format: never reorder, only append.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Valence = Literal["negative", "positive"]
Language = Literal["en", "ru", "pl", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "ru", "pl", "zh")


@dataclass(frozen=True)
class Cluster:
    id: str
    valence: Valence
    drives: str
    description: str
    names: dict[str, str]


@dataclass(frozen=True)
class Emotion:
    id: str
    cluster: str
    description: str
    names: dict[str, str]

    @property
    def valence(self) -> Valence:
        return CLUSTER_BY_ID[self.cluster].valence


CLUSTERS: tuple[Cluster, ...] = (
    Cluster(
        "destroying",
        "negative",
        "lower spend and loyalty",
        "Emotions that destroy value: customers spend less and leave.",
        {"en": "Destroying", "ru": "Разрушающие", "pl": "Niszczące", "zh": "破坏型"},
    ),
    Cluster(
        "attention",
        "positive",
        "short-term spend",
        "Emotions that catch attention and drive short-term spend.",
        {"en": "Attention", "ru": "Внимание", "pl": "Uwaga", "zh": "关注型"},
    ),
    Cluster(
        "recommendation",
        "positive",
        "recommendation to others",
        "Emotions that make customers recommend the company.",
        {"en": "Recommendation", "ru": "Рекомендация", "pl": "Rekomendacja", "zh": "推荐型"},
    ),
    Cluster(
        "advocacy",
        "positive",
        "advocacy and long-term loyalty",
        "Emotions that turn customers into advocates.",
        {"en": "Advocacy", "ru": "Приверженность", "pl": "Rzecznictwo", "zh": "拥护型"},
    ),
)


def _e(id: str, cluster: str, description: str, en: str, ru: str, pl: str, zh: str) -> Emotion:
    return Emotion(id, cluster, description, {"en": en, "ru": ru, "pl": pl, "zh": zh})


EMOTIONS: tuple[Emotion, ...] = (
    _e(
        "irritated",
        "destroying",
        "annoyed or angry at what was done or not done",
        "Irritated",
        "Раздражение",
        "Irytacja",
        "恼火",
    ),
    _e(
        "hurried",
        "destroying",
        "rushed, pressured, not given time",
        "Hurried",
        "Спешка, давление",
        "Pośpiech, presja",
        "被催促",
    ),
    _e(
        "neglected",
        "destroying",
        "ignored, forgotten, left waiting, made to feel unimportant",
        "Neglected",
        "Пренебрежение",
        "Zaniedbanie",
        "被忽视",
    ),
    _e("unhappy", "destroying", "sad or upset", "Unhappy", "Расстройство", "Smutek", "难过"),
    _e(
        "unsatisfied",
        "destroying",
        "the product, service or outcome did not meet the need",
        "Unsatisfied",
        "Неудовлетворённость",
        "Niezadowolenie",
        "不满意",
    ),
    _e(
        "stressed",
        "destroying",
        "anxious or worried about the consequences",
        "Stressed",
        "Стресс, тревога",
        "Stres",
        "焦虑",
    ),
    _e(
        "disappointed",
        "destroying",
        "expectations or promises not met",
        "Disappointed",
        "Разочарование",
        "Rozczarowanie",
        "失望",
    ),
    _e(
        "frustrated",
        "destroying",
        "blocked from a goal: loops, repeated failures",
        "Frustrated",
        "Фрустрация",
        "Frustracja",
        "受挫",
    ),
    _e(
        "interested",
        "attention",
        "curious, wants to know more about an offer",
        "Interested",
        "Интерес",
        "Zainteresowanie",
        "感兴趣",
    ),
    _e(
        "energetic",
        "attention",
        "energised, enthusiastic, motivated",
        "Energetic",
        "Воодушевление",
        "Energia",
        "充满活力",
    ),
    _e(
        "stimulated",
        "attention",
        "engaged by novelty, hooked, intrigued",
        "Stimulated",
        "Увлечённость",
        "Pobudzenie",
        "被吸引",
    ),
    _e(
        "exploratory",
        "attention",
        "wants to browse, discover, try new things",
        "Exploratory",
        "Желание исследовать",
        "Chęć odkrywania",
        "想探索",
    ),
    _e(
        "indulgent",
        "attention",
        "treating oneself, pampered, luxury",
        "Indulgent",
        "Удовольствие побаловать себя",
        "Dogadzanie sobie",
        "宠爱自己",
    ),
    _e(
        "trusting",
        "recommendation",
        "can rely on the company: honest, no tricks",
        "Trusting",
        "Доверие",
        "Zaufanie",
        "信任",
    ),
    _e(
        "valued",
        "recommendation",
        "appreciated, recognised, important to the company",
        "Valued",
        "Ценность для компании",
        "Docenienie",
        "被重视",
    ),
    _e(
        "cared_for",
        "recommendation",
        "looked after; empathy; the company went out of its way",
        "Cared for",
        "Забота",
        "Troska",
        "被关怀",
    ),
    _e(
        "focused",
        "recommendation",
        "had the company's full, personal attention",
        "Focused",
        "Полное внимание",
        "Pełna uwaga",
        "被专注对待",
    ),
    _e(
        "safe",
        "recommendation",
        "secure, protected, reassured, peace of mind",
        "Safe",
        "Безопасность",
        "Bezpieczeństwo",
        "安心",
    ),
    _e("happy", "advocacy", "joy, delight, love", "Happy", "Радость", "Radość", "开心"),
    _e(
        "pleased",
        "advocacy",
        "satisfied, content, glad with the result",
        "Pleased",
        "Удовлетворённость",
        "Zadowolenie",
        "满意",
    ),
)

EMOTION_IDS: tuple[str, ...] = tuple(e.id for e in EMOTIONS)
CLUSTER_IDS: tuple[str, ...] = tuple(c.id for c in CLUSTERS)
EMOTION_BY_ID: dict[str, Emotion] = {e.id: e for e in EMOTIONS}
CLUSTER_BY_ID: dict[str, Cluster] = {c.id: c for c in CLUSTERS}
EMOTIONS_BY_CLUSTER: dict[str, tuple[str, ...]] = {
    c.id: tuple(e.id for e in EMOTIONS if e.cluster == c.id) for c in CLUSTERS
}
NEGATIVE_EMOTIONS: tuple[str, ...] = EMOTIONS_BY_CLUSTER["destroying"]
POSITIVE_EMOTIONS: tuple[str, ...] = tuple(e.id for e in EMOTIONS if e.valence == "positive")


def cluster_of(emotion_id: str) -> str:
    """The cluster an emotion belongs to; raises ``KeyError`` with the valid ids on a typo."""
    try:
        return EMOTION_BY_ID[emotion_id].cluster
    except KeyError:
        raise KeyError(f"unknown emotion {emotion_id!r}; valid: {', '.join(EMOTION_IDS)}") from None


def clusters_of(emotion_ids: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """Clusters implied by a set of emotion labels, in taxonomy order (the spec's cluster rule)."""
    present = {cluster_of(e) for e in emotion_ids}
    return [c for c in CLUSTER_IDS if c in present]


def display_name(label_id: str, language: str = "en") -> str:
    """Human name of an emotion or cluster in en/ru/pl/zh (falls back to English)."""
    item: Emotion | Cluster | None = EMOTION_BY_ID.get(label_id) or CLUSTER_BY_ID.get(label_id)
    if item is None:
        raise KeyError(f"unknown label {label_id!r}")
    return item.names.get(language, item.names["en"])
