"""Train an ``EmotionModel`` from examples that judge different label subsets.

Two modes share one loss:

- ``head``: the encoder stays frozen; texts are embedded once and only the linear head is
  trained. Minutes on a CPU, the few-shot path for company data (SetFit-like use).
- ``lora``: LoRA adapters on the encoder projections are trained with the head. With
  ``lora_layers=N`` only the top N layers get adapters; the frozen layers below are run once per
  example and their output cached, so an epoch costs N layers forward and backward instead of
  twelve: what makes fine-tuning feasible on a 2-core CPU.

The loss is binary cross-entropy per label, multiplied by the known-label mask (unknown labels
contribute nothing), by a per-label positive weight (negatives/positives among known rows,
capped) against class imbalance, and by a per-example source weight. Training stops early when
macro-F1 on dev stops improving; the best epoch's weights are kept and per-label thresholds are
then fitted on dev.

With a ``checkpoint_dir``, every LoRA epoch that improves dev macro-F1 is also saved there as a
complete, calibrated model directory: a run of an hour and more that is killed still leaves its
best epoch, loadable with ``emotext eval`` or ``analyze(model=...)``.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..encoder import pad_batch
from ..model import LABELS, EmotionModel, ModelConfig, add_lora, save_model
from ..predict import text_probabilities
from ..tags import apply_thresholds
from .calibration import calibrate
from .data import Example, stack
from .metrics import macro_f1


@dataclass
class TrainConfig:
    mode: str = "lora"
    epochs: int = 6
    batch_size: int = 16
    lr: float = 4e-4  # LoRA parameters
    head_lr: float = 2e-3
    head_epochs: int = 200  # head mode: full-batch passes over cached embeddings
    weight_decay: float = 0.01
    max_length: int = 256
    lora_r: int = 16
    lora_alpha: int = 32
    lora_layers: int = 0  # 0: adapters in every layer; N: only the top N layers, lower ones cached once
    max_pos_weight: float = 8.0
    patience: int = 2
    max_neutral_tagged: float = 0.03  # share of no-emotion dev texts allowed a tag; see calibration_cv.py
    seed: int = 13
    source_weights: dict[str, float] = field(default_factory=dict)
    threads: int | None = None


def checkpoint_dir(out: Path) -> Path:
    """Where a run writing ``out`` keeps its best epoch until it finishes: beside ``out``, not in it,
    so a finished model directory holds no stale copy."""
    return out.parent / f"{out.name}.checkpoint"


@dataclass
class TrainResult:
    model: EmotionModel
    config: ModelConfig
    history: list[dict[str, float]]


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def masked_bce(
    logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor, pos_weight: torch.Tensor, weights: torch.Tensor
) -> torch.Tensor:
    loss = nn.functional.binary_cross_entropy_with_logits(logits, targets, pos_weight=pos_weight, reduction="none")
    loss = loss * mask * weights[:, None]
    return loss.sum() / mask.sum().clamp(min=1.0)


def positive_weights(targets: np.ndarray, mask: np.ndarray, cap: float) -> torch.Tensor:
    pos = (targets * mask).sum(0)
    neg = ((1 - targets) * mask).sum(0)
    return torch.tensor(np.clip(neg / np.maximum(pos, 1.0), 1.0, cap), dtype=torch.float32)


class Trainer:
    """Owns the loop; ``token_ids`` maps a text to content token ids (see ``Encoder.token_ids``)."""

    def __init__(
        self,
        encoder: nn.Module,
        token_ids: Callable[[str], list[int]],
        special_ids: tuple[int, int, int],
        config: TrainConfig,
        base: dict[str, str],
        log: Callable[[str], None] = print,
        checkpoint_dir: Path | None = None,
    ) -> None:
        self.config = config
        self.checkpoint_dir = checkpoint_dir
        self.token_ids = token_ids
        self.special_ids = special_ids
        self.base = base
        self.log = log
        if config.threads:
            torch.set_num_threads(config.threads)
        set_seed(config.seed)
        self.n_layers = int(getattr(encoder, "config").num_hidden_layers)  # noqa: B009
        self.first_trained = self.n_layers - config.lora_layers if 0 < config.lora_layers < self.n_layers else 0
        if config.mode == "lora":
            encoder = add_lora(
                encoder, r=config.lora_r, alpha=config.lora_alpha, layers=list(range(self.first_trained, self.n_layers))
            )
        elif config.mode == "head":
            for p in encoder.parameters():
                p.requires_grad_(False)
        else:
            raise ValueError(f"mode must be 'lora' or 'head', not {config.mode!r}")
        self.model = EmotionModel(encoder)
        self._prefix_cache: dict[int, torch.Tensor] = {}

    # ------------------------------------------------------------------ helpers

    def _weights(self, examples: Sequence[Example]) -> np.ndarray:
        return np.array([e.weight * self.config.source_weights.get(e.source, 1.0) for e in examples], np.float32)

    def _batch(self, examples: Sequence[Example]) -> tuple[torch.Tensor, torch.Tensor]:
        cls_id, sep_id, pad_id = self.special_ids
        seqs = [[cls_id, *self.token_ids(e.text)[: self.config.max_length - 2], sep_id] for e in examples]
        return pad_batch(seqs, pad_id)

    def probabilities(self, examples: Sequence[Example]) -> np.ndarray:
        self.model.eval()
        return text_probabilities(
            self.model,
            [e.text for e in examples],
            self.token_ids,
            self.special_ids,
            self.config.max_length,
            [e.lang or "en" for e in examples],
        )

    def _dev_score(self, dev: Sequence[Example]) -> tuple[float, np.ndarray]:
        """Dev macro-F1 at 0.5 (thresholds are fitted once, after the last epoch) and the dev scores."""
        targets, mask = stack(dev)
        probs = self.probabilities(dev)
        return macro_f1(targets, apply_thresholds(probs, {}), mask), probs

    def _calibrated_config(
        self, train: Sequence[Example], dev: Sequence[Example], dev_probs: np.ndarray, **record: Any
    ) -> ModelConfig:
        _, train_mask = stack(train)
        dev_targets, dev_mask = stack(dev)
        thresholds = (
            calibrate(dev_probs, dev_targets, dev_mask, self.config.max_neutral_tagged)
            if dev
            else {label: 0.5 for label in LABELS}
        )
        return ModelConfig(
            mode=self.config.mode,
            base=self.base,
            thresholds=thresholds,
            max_length=self.config.max_length,
            trained_labels=[label for j, label in enumerate(LABELS) if train_mask[:, j].sum() > 0],
            training={**asdict(self.config), "n_train": len(train), "n_dev": len(dev), **record},
        )

    # ------------------------------------------------------------------ training

    def fit(self, train: Sequence[Example], dev: Sequence[Example]) -> TrainResult:
        if not train:
            raise ValueError("no training examples")
        start = time.perf_counter()
        targets, mask = stack(train)
        pos_weight = positive_weights(targets, mask, self.config.max_pos_weight)
        history = (
            self._fit_head(train, dev, pos_weight)
            if self.config.mode == "head"
            else self._fit_lora(train, dev, pos_weight)
        )
        dev_probs = self.probabilities(dev) if dev else np.zeros((0, len(LABELS)), np.float32)
        config = self._calibrated_config(train, dev, dev_probs, wall_time_s=round(time.perf_counter() - start, 1))
        return TrainResult(self.model, config, history)

    def _fit_head(self, train: Sequence[Example], dev: Sequence[Example], pos_weight: torch.Tensor) -> list[dict]:
        """Frozen encoder: embed once, then full-batch AdamW on the head with early stopping."""
        self.model.eval()
        emb = torch.tensor(self._embed(train))
        targets, mask = (torch.tensor(a) for a in stack(train))
        weights = torch.tensor(self._weights(train))
        dev_emb = torch.tensor(self._embed(dev)) if dev else None
        dev_targets, dev_mask = stack(dev)
        head = self.model.head
        optim = torch.optim.AdamW(head.parameters(), lr=self.config.head_lr * 5, weight_decay=self.config.weight_decay)
        history: list[dict] = []
        best, best_state, since = -1.0, None, 0
        for epoch in range(self.config.head_epochs):
            head.train()
            optim.zero_grad()
            loss = masked_bce(head(emb), targets, mask, pos_weight, weights)
            loss.backward()
            optim.step()
            if dev_emb is not None and (epoch + 1) % 10 == 0:
                with torch.no_grad():
                    probs = torch.sigmoid(head(dev_emb)).numpy()
                score = macro_f1(dev_targets, apply_thresholds(probs, {}), dev_mask)
                history.append({"epoch": epoch + 1, "loss": loss.item(), "dev_macro_f1": score})
                if score > best:
                    best, since = score, 0
                    best_state = {k: v.clone() for k, v in head.state_dict().items()}
                else:
                    since += 1
                    if since > self.config.patience * 3:
                        break
        if best_state is not None:
            head.load_state_dict(best_state)
        return history

    def _embed(self, examples: Sequence[Example]) -> np.ndarray:
        """Frozen-encoder embeddings, batched by length so padding stays small."""
        out = np.zeros((len(examples), self.model.head.in_features), np.float32)
        order = sorted(range(len(examples)), key=lambda i: len(examples[i].text))
        with torch.inference_mode():
            for b in range(0, len(order), 32):
                chunk = order[b : b + 32]
                ids, mask = self._batch([examples[i] for i in chunk])
                out[chunk] = self.model.pooled(ids, mask).numpy()
        return out

    def _fit_lora(self, train: Sequence[Example], dev: Sequence[Example], pos_weight: torch.Tensor) -> list[dict]:
        cfg = self.config
        lora_params = [p for n, p in self.model.encoder.named_parameters() if p.requires_grad]
        optim = torch.optim.AdamW(
            [{"params": lora_params, "lr": cfg.lr}, {"params": self.model.head.parameters(), "lr": cfg.head_lr}],
            weight_decay=cfg.weight_decay,
        )
        steps_per_epoch = math.ceil(len(train) / cfg.batch_size)
        total = steps_per_epoch * cfg.epochs
        sched = torch.optim.lr_scheduler.LambdaLR(
            optim, lambda s: min(1.0, (s + 1) / max(1, total // 10)) * max(0.0, 1 - s / max(total, 1))
        )
        rng = random.Random(cfg.seed)
        weights_all = self._weights(train)
        history: list[dict] = []
        best, best_state, since = -1.0, None, 0
        for epoch in range(cfg.epochs):
            self.model.train()
            # length-bucketed shuffling: similar lengths share a batch, batch order is random
            order = sorted(range(len(train)), key=lambda i: (len(train[i].text), rng.random()))
            batches = [order[i : i + cfg.batch_size] for i in range(0, len(order), cfg.batch_size)]
            rng.shuffle(batches)
            running, t0 = 0.0, time.perf_counter()
            if self.first_trained and epoch == 0:
                self.log(f"caching the output of the {self.first_trained} frozen lower layers")
                self._prefix(train, range(len(train)))
            for step, batch in enumerate(batches, 1):
                targets, mask = (torch.tensor(a) for a in stack([train[i] for i in batch]))
                logits = self._logits(train, batch)
                loss = masked_bce(logits, targets, mask, pos_weight, torch.tensor(weights_all[batch]))
                optim.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                optim.step()
                sched.step()
                running += loss.item()
                if step % 50 == 0 or step == len(batches):
                    self.log(
                        f"epoch {epoch + 1} step {step}/{len(batches)} loss {running / step:.4f} "
                        f"({(time.perf_counter() - t0) / step:.2f} s/step)"
                    )
            record: dict[str, float] = {"epoch": epoch + 1, "loss": running / max(len(batches), 1)}
            if dev:
                score, dev_probs = self._dev_score(dev)
                record["dev_macro_f1"] = score
                self.log(f"epoch {epoch + 1}: dev macro-F1 {score:.4f}")
                if score > best:
                    best, since = score, 0
                    best_state = self._trainable_state()
                    if self.checkpoint_dir is not None:
                        config = self._calibrated_config(train, dev, dev_probs, checkpoint_epoch=epoch + 1)
                        save_model(self.model, config, self.checkpoint_dir)
                        self.log(f"checkpoint of epoch {epoch + 1} saved to {self.checkpoint_dir}")
                else:
                    since += 1
            history.append(record)
            if dev and since >= cfg.patience:
                self.log(f"early stop after epoch {epoch + 1} (best dev macro-F1 {best:.4f})")
                break
        if best_state is not None:
            self.model.load_state_dict(best_state, strict=False)
        return history

    def _base(self) -> Any:
        encoder = self.model.encoder
        return getattr(encoder, "base_model").model if hasattr(encoder, "base_model") else encoder  # noqa: B009

    def _prefix(self, examples: Sequence[Example], indices: Sequence[int]) -> None:
        """Cache the frozen lower layers' output for examples not seen yet (no grad, eval mode)."""
        todo = sorted((i for i in indices if i not in self._prefix_cache), key=lambda i: len(examples[i].text))
        if not todo:
            return
        base = self._base()
        was_training = base.training
        base.eval()
        with torch.inference_mode():
            for b in range(0, len(todo), 32):
                chunk = todo[b : b + 32]
                ids, attn = self._batch([examples[i] for i in chunk])
                hidden = base.embeddings(input_ids=ids)
                mask = self._attention(hidden, attn)
                for layer in base.encoder.layer[: self.first_trained]:
                    hidden = layer(hidden, mask)
                for row, i in enumerate(chunk):
                    self._prefix_cache[i] = hidden[row, : int(attn[row].sum())].clone()
        base.train(was_training)

    def _attention(self, hidden: torch.Tensor, attn: torch.Tensor) -> Any:
        from transformers.masking_utils import create_bidirectional_mask

        return create_bidirectional_mask(config=self._base().config, inputs_embeds=hidden, attention_mask=attn)

    def _logits(self, examples: Sequence[Example], indices: Sequence[int]) -> torch.Tensor:
        if not self.first_trained:
            ids, attn = self._batch([examples[i] for i in indices])
            return self.model(ids, attn)
        cached = [self._prefix_cache[i] for i in indices]
        width = max(h.shape[0] for h in cached)
        hidden = torch.zeros((len(cached), width, cached[0].shape[1]))
        attn = torch.zeros((len(cached), width), dtype=torch.long)
        for row, h in enumerate(cached):
            hidden[row, : h.shape[0]] = h
            attn[row, : h.shape[0]] = 1
        mask = self._attention(hidden, attn)
        for layer in self._base().encoder.layer[self.first_trained :]:
            hidden = layer(hidden, mask)
        m = attn.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.model.head(self.model.dropout(pooled))

    def _trainable_state(self) -> dict[str, Any]:
        return {n: p.detach().clone() for n, p in self.model.named_parameters() if p.requires_grad}
