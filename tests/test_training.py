"""Training paths on a tiny random BERT: masking, both modes, calibration, save -> load round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from emotext.model import LABELS, ModelFormatError, load_model, save_model
from emotext.training.data import from_emotions, from_known_labels, stack
from emotext.training.trainer import TrainConfig, Trainer, masked_bce
from tests.tiny import SPECIAL, TINY_BASE, WORDS, tiny_encoder, token_ids


def dataset(n: int, seed: int) -> list:
    rng = np.random.default_rng(seed)
    filler = ["the", "order", "was", "and", "we", "got", "it", "today", "so", "yes"]
    out = []
    for _ in range(n):
        keys = list(rng.choice(list(WORDS), size=rng.integers(0, 3), replace=False))
        words = list(rng.choice(filler, size=6)) + keys
        rng.shuffle(words)
        out.append(from_emotions(" ".join(words), [e for k in keys for e in WORDS[k]], "en"))
    return out


def test_masked_labels_get_no_gradient():
    logits = torch.zeros((2, len(LABELS)), requires_grad=True)
    targets = torch.ones((2, len(LABELS)))
    mask = torch.zeros((2, len(LABELS)))
    mask[0, 3] = 1
    loss = masked_bce(logits, targets, mask, torch.ones(len(LABELS)), torch.ones(2))
    loss.backward()
    nonzero = torch.nonzero(logits.grad).tolist()
    assert nonzero == [[0, 3]]


def test_known_label_examples_mask_the_rest():
    ex = from_known_labels("x", {"destroying": 1, "advocacy": 0})
    assert ex.mask.sum() == 2 and ex.targets[LABELS.index("destroying")] == 1


@pytest.mark.parametrize("mode", ["head", "lora"])
def test_both_modes_learn_and_round_trip(tmp_path, mode):
    train, dev = dataset(240, 0), dataset(80, 1)
    config = TrainConfig(
        mode=mode,
        epochs=10,
        batch_size=16,
        lr=1e-2,
        head_lr=5e-3 if mode == "head" else 5e-2,  # the LoRA loop gives the head 150 steps, not 300 full passes
        head_epochs=300,
        max_length=32,
        lora_r=4,
        lora_alpha=8,
        patience=10,
    )
    checkpoint = tmp_path / "checkpoint"
    trainer = Trainer(
        tiny_encoder(), token_ids, SPECIAL, config, TINY_BASE, log=lambda _: None, checkpoint_dir=checkpoint
    )
    result = trainer.fit(train, dev)
    scores = [h["dev_macro_f1"] for h in result.history if "dev_macro_f1" in h]
    assert max(scores) > 0.5, scores
    if mode == "lora":  # the best epoch was saved as it happened, as a loadable calibrated model
        _, saved = load_model(checkpoint, encoder=tiny_encoder(), expected_base=TINY_BASE)
        assert saved.training["checkpoint_epoch"] == 1 + scores.index(max(scores))
        assert set(saved.thresholds) == set(LABELS)
    assert set(result.config.thresholds) == set(LABELS)
    probs = trainer.probabilities(dev)

    save_model(result.model, result.config, tmp_path / "m")
    assert (tmp_path / "m" / "adapter").is_dir() == (mode == "lora")
    loaded, cfg = load_model(tmp_path / "m", encoder=tiny_encoder(), expected_base=TINY_BASE)
    assert cfg.thresholds == result.config.thresholds and cfg.mode == mode
    from emotext.predict import text_probabilities

    again = text_probabilities(loaded, [e.text for e in dev], token_ids, SPECIAL, config.max_length)
    assert np.abs(again - probs).max() < 1e-4


def test_load_refuses_another_base(tmp_path):
    trainer = Trainer(
        tiny_encoder(), token_ids, SPECIAL, TrainConfig(mode="head", head_epochs=10), TINY_BASE, log=lambda _: None
    )
    result = trainer.fit(dataset(20, 0), [])
    save_model(result.model, result.config, tmp_path / "m")
    with pytest.raises(ModelFormatError, match="trained on base encoder"):
        load_model(tmp_path / "m", encoder=tiny_encoder(), expected_base={"encoder": "other"})
    with pytest.raises(ModelFormatError, match="not an emotext model directory"):
        load_model(tmp_path, encoder=tiny_encoder(), expected_base=TINY_BASE)


def test_only_judged_labels_are_recorded_as_trained():
    examples = [from_known_labels(f"text {i} late", {"destroying": i % 2}) for i in range(20)]
    trainer = Trainer(
        tiny_encoder(), token_ids, SPECIAL, TrainConfig(mode="head", head_epochs=10), TINY_BASE, log=lambda _: None
    )
    result = trainer.fit(examples, [])
    assert result.config.trained_labels == ["destroying"]
    _, mask = stack(examples)
    assert mask.sum() == 20


def test_neutral_tag_limit_raises_thresholds_just_enough():
    from emotext.training.calibration import fit_thresholds, limit_neutral_tags

    rng = np.random.default_rng(0)
    n = 400
    targets = np.zeros((n, len(LABELS)), np.float32)
    targets[: n // 2, 0] = 1  # half the texts carry emotion 0, the rest carry nothing
    targets[: n // 2, LABELS.index("destroying")] = 1
    probs = rng.uniform(0, 0.6, size=(n, len(LABELS))).astype(np.float32)
    probs[: n // 2, 0] = rng.uniform(0.4, 1.0, size=n // 2)
    mask = np.ones_like(targets)
    base = fit_thresholds(probs, targets, mask)
    neutral = slice(n // 2, n)

    def tagged(th: dict) -> float:
        cut = np.array([th[label] for label in LABELS])
        return float((probs[neutral] >= cut).any(axis=1).mean())

    assert tagged(base) > 0.5
    limited = limit_neutral_tags(base, probs, targets, mask, 0.08)
    assert tagged(limited) <= 0.08
    assert all(limited[label] >= base[label] for label in LABELS)


def test_neutral_tag_limit_leaves_labels_that_never_fire_on_neutral_texts():
    """The limit is paid by the labels that tag neutral texts; a shared offset used to lift every
    label's threshold, silencing emotions that never misfired."""
    from emotext.training.calibration import fit_thresholds, limit_neutral_tags

    rng = np.random.default_rng(1)
    n = 400
    targets = np.zeros((n, len(LABELS)), np.float32)
    targets[:100, 0] = targets[100:200, 1] = 1  # emotions 0 and 1 on 100 texts each, 200 neutral texts
    probs = rng.uniform(0, 0.3, size=(n, len(LABELS))).astype(np.float32)
    probs[:100, 0] = rng.uniform(0.5, 1.0, size=100)
    probs[100:200, 1] = rng.uniform(0.5, 1.0, size=100)
    probs[200:260, 0] = rng.uniform(0.5, 0.9, size=60)  # emotion 0 misfires on 60 neutral texts
    mask = np.ones_like(targets)
    base = fit_thresholds(probs, targets, mask)
    limited = limit_neutral_tags(base, probs, targets, mask, 0.05)
    cut = np.array([limited[label] for label in LABELS])
    assert (probs[200:] >= cut).any(axis=1).mean() <= 0.05
    assert limited[LABELS[0]] > base[LABELS[0]]
    assert limited[LABELS[1]] == base[LABELS[1]]


@pytest.mark.slow
def test_recalibrating_a_recipe_model_meets_its_neutral_limit(tmp_path):
    """`emotext calibrate-recipe` rewrites a shipped model's thresholds from the recipe's dev split."""
    import json
    import shutil

    from typer.testing import CliRunner

    from emotext.cli import app
    from emotext.model_format import default_model_dir, read_config
    from emotext.predict import LoadedModel
    from emotext.tags import apply_thresholds
    from emotext.taxonomy import EMOTION_IDS
    from emotext.training.corpus import read_corpus_file
    from emotext.training.recipe import corpus_examples, load_recipe

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for lang in ("en", "zh"):
        dev = [
            r
            for r in read_corpus_file(Path(__file__).resolve().parents[1] / "training" / "data" / f"{lang}.jsonl")
            if r["split"] == "dev"
        ][:40]
        (corpus / f"{lang}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in dev), "utf-8")
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(f"corpus: {corpus}\ntrain:\n  max_neutral_tagged: 0.0\n", encoding="utf-8")
    model = tmp_path / "model"
    shutil.copytree(default_model_dir(), model)

    result = CliRunner().invoke(app, ["calibrate-recipe", str(recipe), "--model", str(model)])
    assert result.exit_code == 0, result.output
    config = read_config(model)
    thresholds = config.thresholds
    assert config.training["max_neutral_tagged"] == 0.0 and "calibrate-recipe" in config.training["recalibrated"]
    _, dev = corpus_examples(load_recipe(recipe), Path.cwd())
    probs = LoadedModel.load(model).probabilities([e.text for e in dev], [e.lang for e in dev])
    tags = apply_thresholds(probs, thresholds)
    neutral = np.array([not e.targets[: len(EMOTION_IDS)].any() for e in dev])
    assert neutral.sum() >= 5 and tags[neutral].sum() == 0
    assert tags[~neutral].any(axis=1).mean() > 0.5  # the limit did not silence the model


def test_an_emotion_tag_brings_its_cluster_tag():
    """Evaluation scores the tags users get: a tagged emotion implies its cluster even when the
    cluster head stayed under its threshold; a cluster head alone still tags the cluster."""
    from emotext.tags import apply_thresholds

    probs = np.zeros((3, len(LABELS)), np.float32)
    probs[0, LABELS.index("frustrated")] = 0.9  # emotion over its cut, destroying head at 0
    probs[1, LABELS.index("attention")] = 0.9  # cluster head alone
    probs[2, LABELS.index("happy")] = 0.6  # under happy's cut of 0.7
    tags = apply_thresholds(probs, {"happy": 0.7})
    tagged = [{LABELS[j] for j in np.flatnonzero(row)} for row in tags]
    assert tagged == [{"frustrated", "destroying"}, {"attention"}, set()]
