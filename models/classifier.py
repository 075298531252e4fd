"""Shared wrapper around a fine-tuned MiniLM sequence classifier (CPU inference, thread-safe).

Weights live in ``models/weights/<name>/``: ``model.safetensors`` (fp16), ``config.json``,
tokenizer files and ``metrics.json``. They are loaded as float32 for CPU inference. Training
lives in ``models/training/`` (``loop.py``). No flask here.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from models.base import check_cancelled
from models.encoder import prepare_for_inference, quiet_transformers

TextInput = str | tuple[str, str]


class SequenceClassifier:
    """A fine-tuned BERT-style sequence classifier loaded from a local weights folder."""

    def __init__(self, path: Path, max_length: int = 128, batch_size: int = 32, token_budget: int = 512,
                 precision: str = "fp32", device: str = "cpu") -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        quiet_transformers()
        self.path = Path(path)
        if not (self.path / "model.safetensors").exists():
            raise FileNotFoundError(f"no trained weights in {self.path}")
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(
            str(self.path), dtype=torch.float32, local_files_only=True)
        self.device = device
        self.model = prepare_for_inference(model, precision, device)
        self.max_length = max_length
        self.batch_size = batch_size
        self.token_budget = token_budget
        self.metrics: dict = read_metrics(self.path)
        self.layers = int(self.model.config.num_hidden_layers)
        id2label = getattr(self.model.config, "id2label", None) or {}
        self.labels = [str(id2label[i]) for i in sorted(id2label)]
        self._lock = threading.Lock()

    def predict_proba(self, inputs: Sequence[TextInput]) -> list[list[float]]:
        """Class probabilities for each input (a text or a (text_a, text_b) pair)."""
        import torch

        items = list(inputs)
        out: list[list[float]] = [[] for _ in items]
        if not items:
            return out
        rows = tokenize(self.tokenizer, items, self.max_length)
        pad_id = self.tokenizer.pad_token_id or 0
        with self._lock, torch.inference_mode():
            for idx in length_batches([len(ids) for ids, _ in rows], self.batch_size, self.token_budget):
                check_cancelled()
                width = max(len(rows[j][0]) for j in idx)
                input_ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
                types = torch.zeros((len(idx), width), dtype=torch.long)
                mask = torch.zeros((len(idx), width), dtype=torch.long)
                for r, j in enumerate(idx):
                    ids, tt = rows[j]
                    input_ids[r, : len(ids)] = torch.tensor(ids)
                    types[r, : len(tt)] = torch.tensor(tt)
                    mask[r, : len(ids)] = 1
                logits = self.model(input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device),
                                    token_type_ids=types.to(self.device)).logits
                for j, probs in zip(idx, torch.softmax(logits.float(), dim=-1).cpu().tolist(), strict=True):
                    out[j] = probs
        return out


def tokenize(tokenizer, items: Sequence[TextInput], max_length: int) -> list[tuple[list[int], list[int]]]:
    """(input_ids, token_type_ids) of each input, truncated as ``training.loop.encode`` does, unpadded."""
    if isinstance(items[0], (tuple, list)):
        pairs = cast("Sequence[tuple[str, str]]", items)  # a batch is all pairs or all single texts
        enc = tokenizer([str(a or "") for a, _ in pairs], [str(b or "") for _, b in pairs],
                        truncation="longest_first", max_length=max_length)
    else:
        enc = tokenizer([str(t or "") for t in items], truncation=True, max_length=max_length)
    types = enc.get("token_type_ids") or [[0] * len(ids) for ids in enc["input_ids"]]
    return list(zip(enc["input_ids"], types, strict=True))


def length_batches(lengths: Sequence[int], max_batch: int, token_budget: int) -> list[list[int]]:
    """Indices grouped into batches of similar length: sorted by length, a batch closes when one
    more row would pass ``max_batch`` rows or ``token_budget`` padded tokens (rows x longest).

    Short inputs then share a batch and long ones do not pad the short: on the claims of 20
    PolNeAR dev articles (23 wordpieces on average, up to 80) one padded batch of 32 cost the
    3-layer check-worthiness model 263 ms per article and batches of 8 cost 159 to 198 ms.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        width = lengths[i]  # the longest so far, as the order is ascending
        if current and (len(current) + 1 > max_batch or (len(current) + 1) * width > token_budget):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def read_metrics(path: Path) -> dict:
    f = Path(path) / "metrics.json"
    if f.exists():
        return json.loads(f.read_text(encoding="utf-8"))
    return {}

