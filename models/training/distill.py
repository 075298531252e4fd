"""Distillation helpers: a student made by keeping some layers of a trained model, and the
soft-target loss it learns from its teacher with (training only; inference never needs them)."""

from __future__ import annotations

from collections.abc import Iterable


def distill_loss(student_logits, teacher_logits, temperature: float, mask=None):  # type: ignore[no-untyped-def]
    """Soft-target loss: KL(teacher || student) at ``temperature``, times T^2 (Hinton et al. 2015).

    Logits are ``[..., classes]``; ``mask`` (same leading shape, bool) selects the positions that
    count (for a tagger: real wordpieces, not padding or [CLS]/[SEP]).
    """
    import torch

    t = float(temperature)
    s = torch.log_softmax(student_logits.float() / t, dim=-1)
    p = torch.softmax(teacher_logits.float() / t, dim=-1)
    kl = (p * (torch.log(p.clamp_min(1e-12)) - s)).sum(-1)
    if mask is not None:
        kl = kl[mask]
    return kl.mean() * t * t


def keep_layers(model, indices: Iterable[int | str]) -> None:  # type: ignore[no-untyped-def]
    """Keep only the transformer layers ``indices`` (in order) of a BERT model, in place.

    This is how a student is made from a fine-tuned 6-layer teacher before distillation: the
    embeddings, the kept layers and the task head start from the teacher's weights.
    """
    import torch

    kept = [int(i) for i in indices]
    encoder = model.base_model.encoder
    layers = encoder.layer
    if not kept or any(i < 0 or i >= len(layers) for i in kept):
        raise ValueError(f"layer indices {kept} out of range for {len(layers)} layers")
    encoder.layer = torch.nn.ModuleList([layers[i] for i in kept])
    model.config.num_hidden_layers = len(kept)
