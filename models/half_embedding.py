"""An embedding table stored in fp16 that returns float32 rows (see encoder.half_word_embeddings)."""

from __future__ import annotations

import torch


class HalfEmbedding(torch.nn.Module):
    def __init__(self, source: torch.nn.Embedding) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(source.weight.detach().to(torch.float16), requires_grad=False)
        self.padding_idx = source.padding_idx
        self.num_embeddings, self.embedding_dim = source.num_embeddings, source.embedding_dim

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.embedding(ids, self.weight, self.padding_idx).to(torch.float32)
