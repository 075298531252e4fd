"""Inference preparation of the MiniLM models: the fp16 word-embedding table changes nothing."""

from __future__ import annotations

import torch
from transformers import BertConfig, BertForSequenceClassification

from models.encoder import prepare_for_inference
from models.half_embedding import HalfEmbedding


def tiny_bert() -> BertForSequenceClassification:
    torch.manual_seed(0)
    config = BertConfig(vocab_size=500, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=3)
    model = BertForSequenceClassification(config)
    # as the committed weights: fp16 values, loaded as float32
    return model.half().float().eval()


def test_half_word_embeddings_are_exact_and_smaller():
    reference = tiny_bert()
    ids = torch.randint(1, 500, (3, 12))
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0
    with torch.inference_mode():
        expected = reference(input_ids=ids, attention_mask=mask).logits
    prepared = prepare_for_inference(tiny_bert())
    table = prepared.get_input_embeddings()
    assert isinstance(table, HalfEmbedding) and table.weight.dtype == torch.float16
    with torch.inference_mode():
        got = prepared(input_ids=ids, attention_mask=mask).logits
    assert got.dtype == torch.float32
    assert torch.equal(got, expected)
