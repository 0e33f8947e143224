"""A tiny randomly initialised BERT and a hashing tokeniser: training and inference paths in seconds."""

from __future__ import annotations

import torch
from transformers import BertConfig, BertModel

TINY_BASE = {"encoder": "tiny-random-bert"}
SPECIAL = (0, 2, 1)  # cls, sep, pad
WORDS = {"late": ["neglected"], "rude": ["irritated"], "love": ["happy"], "safe": ["safe"], "curious": ["interested"]}


def tiny_encoder(seed: int = 0) -> BertModel:
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=300,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=1,
    )
    return BertModel(config, add_pooling_layer=False).eval()


def token_ids(text: str) -> list[int]:
    return [3 + sum(map(ord, w)) % 290 for w in text.lower().split()]
