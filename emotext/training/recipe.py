"""Train a model from a recipe YAML: our corpus plus sampled public train splits.

This is how ``models/default`` is built, and the same path a team uses to add its own public data::

    emotext train-recipe training/recipes/default.yaml --data-root /path/to/raw --out models/default

The data root is always an argument: the public sets are not part of the package. Only sources
whose mapping says ``shippable: true`` and ``use: train+eval`` are accepted, and only their
``train`` split; anything else is refused before training starts.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml

from .corpus import read_corpus
from .data import Example, from_corpus, from_source_record
from .sources import load_mapping, load_source
from .trainer import TrainConfig, TrainResult, checkpoint_dir


def load_recipe(path: Path) -> dict[str, Any]:
    recipe = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    unknown = set(recipe.get("train", {})) - {f.name for f in fields(TrainConfig)}
    if unknown:
        raise ValueError(f"{path}: unknown train settings {sorted(unknown)}")
    return recipe


def train_config(recipe: dict[str, Any]) -> TrainConfig:
    return TrainConfig(**recipe.get("train", {}), seed=recipe.get("seed", 13))


def public_examples(recipe: dict[str, Any], data_root: Path, log: Callable[[str], None] = print) -> list[Example]:
    rng = random.Random(recipe.get("seed", 13))
    out: list[Example] = []
    for name, spec in (recipe.get("public") or {}).items():
        mapping = load_mapping(name)
        if not mapping.shippable or mapping.use != "train+eval":
            raise ValueError(f"{name}: licence {mapping.licence!r} / use {mapping.use!r} may not train the model")
        records = list(load_source(name, data_root, splits=("train",)))
        rng.shuffle(records)
        chosen = records[: int(spec["n"])]
        for r in chosen:
            example = from_source_record(dict(r))
            example.weight = float(spec.get("weight", 1.0))
            out.append(example)
        log(f"{name}: {len(chosen)} of {len(records)} train examples, weight {spec.get('weight', 1.0)}")
    return out


def corpus_examples(recipe: dict[str, Any], base_dir: Path) -> tuple[list[Example], list[Example]]:
    records = read_corpus(base_dir / recipe["corpus"])
    return from_corpus(records, "train"), from_corpus(records, "dev")


def train_recipe(recipe_path: Path, data_root: Path, out: Path, log: Callable[[str], None] = print) -> TrainResult:
    from ..encoder import Encoder
    from ..model import base_identity, save_model
    from .trainer import Trainer

    recipe = load_recipe(recipe_path)
    base_dir = Path.cwd()
    train, dev = corpus_examples(recipe, base_dir)
    log(f"corpus: {len(train)} train, {len(dev)} dev")
    train += public_examples(recipe, data_root, log)
    encoder = Encoder()
    config = train_config(recipe)
    checkpoint = checkpoint_dir(out)
    trainer = Trainer(encoder.model, encoder.token_ids, (encoder.cls_id, encoder.sep_id, encoder.pad_id), config,
                      base_identity(), log=log, checkpoint_dir=checkpoint)  # fmt: skip
    result = trainer.fit(train, dev)
    result.config.training["recipe"] = str(recipe_path)
    result.config.training["data"] = {
        "corpus_train": sum(e.source == "emotext-team" for e in train),
        **{name: sum(e.source == name for e in train) for name in (recipe.get("public") or {})},
    }
    save_model(result.model, result.config, out)
    (out / "history.json").write_text(json.dumps(result.history, indent=2), encoding="utf-8")
    shutil.rmtree(checkpoint, ignore_errors=True)
    return result


def recalibrate_recipe(recipe_path: Path, model_dir: Path, log: Callable[[str], None] = print) -> dict[str, float]:
    """Refit the thresholds of a model this recipe trained, on the recipe's dev split, in place.

    Training ends with exactly this step (dev scores -> ``calibrate``), so a change to calibration
    reaches an existing model in minutes instead of a retraining of an hour and more, with the
    thresholds that retraining would give.
    """
    from ..model_format import read_config, write_config
    from ..predict import LoadedModel
    from .calibration import calibrate
    from .data import stack
    from .evaluate import example_probabilities

    recipe = load_recipe(recipe_path)
    _, dev = corpus_examples(recipe, Path.cwd())
    config = train_config(recipe)
    probs = example_probabilities(LoadedModel.load(model_dir), dev)
    targets, mask = stack(dev)
    thresholds = calibrate(probs, targets, mask, config.max_neutral_tagged)
    model_config = read_config(model_dir)
    model_config.thresholds = thresholds
    model_config.training["max_neutral_tagged"] = config.max_neutral_tagged
    model_config.training["recalibrated"] = f"emotext calibrate-recipe {recipe_path} on {len(dev)} dev texts"
    write_config(model_dir, model_config)
    log(f"thresholds refitted on {len(dev)} dev texts (max_neutral_tagged {config.max_neutral_tagged})")
    return thresholds
