"""The training loop and what the training scripts share around it: seeding, a fresh or distilled
model, the AdamW optimizer, one optimisation loop (``run_steps``) driven by the sequence
classifier's ``fine_tune`` and the tagger's ``fine_tune_tagger``, the dev pass and saving.

The two drivers keep their own batching and learning-rate schedule: the classifiers batch by
length within shuffled chunks and warm up from (step + 1) / warmup; the tagger takes plain shuffled
windows and transformers' linear schedule (warming up from 0). Their committed weights were trained
that way, so one schedule for both would change what a rerun computes.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from models.classifier import TextInput
from models.training.distill import distill_loss, keep_layers

Window = tuple[Sequence[int], Sequence[int]]  # (wordpiece ids, BIO label ids) of one tagger window


def _print(msg: str) -> None:
    print(msg, flush=True)


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def new_model(num_labels: int, id2label: dict[int, str]):  # type: ignore[no-untyped-def]
    """A fresh classification head on top of the local all-MiniLM-L6-v2 encoder."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from models.encoder import base_model_path

    base = str(base_model_path())
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        num_labels=num_labels,
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    return tokenizer, model


def build_student(
    num_labels: int,
    id2label: dict[int, str],
    init: Path | None = None,
    keep: str = "",
    teacher_path: Path | None = None,
):  # type: ignore[no-untyped-def]
    """(tokenizer, model, teacher) for a training run.

    The model starts from ``init`` (a trained model) or from the base encoder with a new head;
    ``keep`` ("0,2,4") keeps only those encoder layers; ``teacher_path`` loads a trained model
    to distil from (in eval mode), else the teacher is None.
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    if init is not None:
        tokenizer = AutoTokenizer.from_pretrained(str(init))
        model = AutoModelForSequenceClassification.from_pretrained(str(init), dtype=torch.float32)
        if model.config.num_labels != num_labels:
            raise ValueError(f"{init} has {model.config.num_labels} labels, expected {num_labels}")
    else:
        tokenizer, model = new_model(num_labels, id2label)
    if keep:
        keep_layers(model, [int(i) for i in keep.split(",")])
    teacher = None
    if teacher_path is not None:
        teacher = AutoModelForSequenceClassification.from_pretrained(str(teacher_path), dtype=torch.float32).eval()
    return tokenizer, model, teacher


def adamw(model, lr: float, weight_decay: float = 0.01):  # type: ignore[no-untyped-def]
    """AdamW with ``weight_decay`` on every weight but the biases and LayerNorm weights."""
    import torch

    no_decay = ("bias", "LayerNorm.weight")
    params = [
        {
            "params": [p for nme, p in model.named_parameters() if not any(k in nme for k in no_decay)],
            "weight_decay": weight_decay,
        },
        {
            "params": [p for nme, p in model.named_parameters() if any(k in nme for k in no_decay)],
            "weight_decay": 0.0,
        },
    ]
    return torch.optim.AdamW(params, lr=lr)


def run_steps(
    model,
    batches: Iterator[Any],
    step_loss: Callable[[Any], Any],
    opt,
    sched,
    total_steps: int,
    *,
    on_step: Callable[[int, float, float], None] | None = None,
    time_limit_s: float | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[int, float, bool]:  # type: ignore[no-untyped-def]
    """The one optimisation loop: ``step_loss(batch)``, backward, gradients clipped to norm 1,
    optimizer and scheduler step, for ``total_steps`` batches or until ``time_limit_s`` has passed.

    ``on_step(step, loss, seconds so far)`` runs after each step (running loss, logging). Returns
    (steps done, seconds, stopped early); the model is left in eval mode.
    """
    import torch

    log = log or _print
    model.train()
    t0 = time.time()
    step = 0
    stopped_early = False
    while step < total_steps:
        loss = step_loss(next(batches))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        if on_step is not None:
            on_step(step, loss.item(), time.time() - t0)
        if time_limit_s and time.time() - t0 > time_limit_s:
            log(f"time limit {time_limit_s:.0f}s reached at step {step}/{total_steps}: stopping")
            stopped_early = True
            break
    model.eval()
    return step, time.time() - t0, stopped_early


def encode(tokenizer, batch: Sequence[TextInput], max_length: int):  # type: ignore[no-untyped-def]
    """Tokenize single texts or (a, b) pairs; pairs truncate the longer side first."""
    if batch and isinstance(batch[0], (tuple, list)):
        pairs = cast("Sequence[tuple[str, str]]", batch)  # a batch is all pairs or all single texts
        firsts = [str(a or "") for a, _ in pairs]
        seconds = [str(b or "") for _, b in pairs]
        return tokenizer(
            firsts,
            seconds,
            truncation="longest_first",
            max_length=max_length,
            padding=True,
            return_tensors="pt",
        )
    return tokenizer(
        [str(t or "") for t in batch],
        truncation=True,
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )


def fine_tune(
    model,
    tokenizer,
    inputs: Sequence[TextInput],
    labels: Sequence[int],
    *,
    epochs: float,
    batch_size: int,
    max_length: int,
    lr: float = 5e-5,
    warmup: float = 0.06,
    class_weights: Sequence[float] | None = None,
    seed: int = 13,
    time_limit_s: float | None = None,
    log_every: int = 50,
    log: Callable[[str], None] | None = None,
    teacher=None,  # type: ignore[no-untyped-def]
    kd_alpha: float = 0.5,
    kd_temperature: float = 2.0,
) -> dict:
    """Train a sequence classifier: AdamW with linear warmup/decay. Returns run statistics.

    Batches are length-bucketed within shuffled chunks to cut padding on CPU. ``epochs`` may be
    fractional. Stops early (cleanly) when ``time_limit_s`` is exceeded. With a ``teacher`` (a
    model with the same labels and tokenizer) the loss is ``kd_alpha`` x the soft-target loss at
    ``kd_temperature`` + (1 - ``kd_alpha``) x the hard-label loss.
    """
    import torch

    log = log or _print
    n = len(inputs)
    steps_per_epoch = math.ceil(n / batch_size)
    total_steps = max(1, int(round(steps_per_epoch * epochs)))
    warmup_steps = int(total_steps * warmup)
    opt = adamw(model, lr)

    def lr_lambda(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / max(1, warmup_steps)
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
    weight = torch.tensor(class_weights, dtype=torch.float32) if class_weights else None
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
    rng = random.Random(seed)
    lengths = [len(x) if isinstance(x, str) else len(x[0]) + len(x[1]) for x in inputs]

    def batches() -> Iterator[list[int]]:
        while True:
            order = list(range(n))
            rng.shuffle(order)
            chunk = batch_size * 50
            out: list[list[int]] = []
            for c in range(0, n, chunk):
                part = sorted(order[c : c + chunk], key=lambda i: lengths[i])
                out.extend(part[b : b + batch_size] for b in range(0, len(part), batch_size))
            rng.shuffle(out)
            yield from out

    def step_loss(idx: list[int]):  # type: ignore[no-untyped-def]
        enc = encode(tokenizer, [inputs[i] for i in idx], max_length)
        y = torch.tensor([labels[i] for i in idx], dtype=torch.long)
        logits = model(**enc).logits
        loss = loss_fn(logits, y)
        if teacher is not None:
            with torch.inference_mode():
                soft = teacher(**enc).logits.float()
            loss = kd_alpha * distill_loss(logits, soft.clone(), kd_temperature) + (1 - kd_alpha) * loss
        return loss

    running = 0.0

    def on_step(step: int, loss: float, elapsed: float) -> None:
        nonlocal running
        running += loss
        if step % log_every == 0 or step == total_steps:
            log(
                f"step {step}/{total_steps} loss {running / log_every:.4f} "
                f"elapsed {elapsed:.0f}s eta {elapsed / step * (total_steps - step):.0f}s"
            )
            running = 0.0

    step, seconds, stopped_early = run_steps(
        model, batches(), step_loss, opt, sched, total_steps, on_step=on_step, time_limit_s=time_limit_s, log=log
    )
    return {
        "steps": step,
        "planned_steps": total_steps,
        "steps_per_epoch": steps_per_epoch,
        "epochs_done": round(step / steps_per_epoch, 3),
        "train_seconds": round(seconds, 1),
        "stopped_early": stopped_early,
    }


def collate_windows(batch: Sequence[Window], cls_id: int, sep_id: int, pad_id: int):  # type: ignore[no-untyped-def]
    """(input ids, attention mask, labels) of tagger windows, wrapped in [CLS] ... [SEP] and
    padded; the specials and padding are labelled -100 (no loss)."""
    import torch

    width = max(len(ids) for ids, _ in batch) + 2
    x = torch.full((len(batch), width), pad_id, dtype=torch.long)
    m = torch.zeros((len(batch), width), dtype=torch.long)
    y = torch.full((len(batch), width), -100, dtype=torch.long)
    for r, (ids, lab) in enumerate(batch):
        n = len(ids)
        x[r, : n + 2] = torch.tensor([cls_id] + list(ids) + [sep_id])
        m[r, : n + 2] = 1
        y[r, 1 : n + 1] = torch.tensor(lab)
    return x, m, y


def fine_tune_tagger(
    model,
    windows: Sequence[Window],
    *,
    cls_id: int,
    sep_id: int,
    pad_id: int,
    epochs: float,
    batch_size: int,
    lr: float,
    warmup: float = 0.06,
    weight_decay: float = 0.01,
    seed: int = 13,
    max_steps: int = 0,
    teacher=None,  # type: ignore[no-untyped-def]
    kd_alpha: float = 0.5,
    kd_temperature: float = 2.0,
    log_every: int = 25,
    log: Callable[[str], None] | None = None,
) -> dict:
    """Train a token classifier on labelled windows: AdamW with transformers' linear schedule.

    Each epoch takes the windows in a new shuffled order; ``max_steps`` replaces the planned
    number of steps (to time a few batches). With a ``teacher`` the loss is ``kd_alpha`` x the
    soft-target loss over the real wordpieces + (1 - ``kd_alpha``) x the model's own label loss.
    Returns run statistics, with ``final_loss`` a running mean (0.98 decay) of the loss.
    """
    import torch
    from transformers import get_linear_schedule_with_warmup

    log = log or _print
    per_epoch = math.ceil(len(windows) / batch_size)
    total = max_steps or max(1, int(round(per_epoch * epochs)))
    opt = adamw(model, lr, weight_decay)
    sched = get_linear_schedule_with_warmup(opt, int(total * warmup), total)
    rng = random.Random(seed)

    def batches() -> Iterator[list[Window]]:
        while True:
            order = list(range(len(windows)))
            rng.shuffle(order)
            for b in range(0, len(order), batch_size):
                yield [windows[i] for i in order[b : b + batch_size]]

    def step_loss(batch: list[Window]):  # type: ignore[no-untyped-def]
        x, m, y = collate_windows(batch, cls_id, sep_id, pad_id)
        out = model(input_ids=x, attention_mask=m, labels=y)
        loss = out.loss
        if teacher is not None:
            with torch.inference_mode():
                soft = teacher(input_ids=x, attention_mask=m).logits
            kd = distill_loss(out.logits, soft.clone(), kd_temperature, mask=y != -100)
            loss = kd_alpha * kd + (1 - kd_alpha) * loss
        return loss

    running = 0.0

    def on_step(step: int, loss: float, elapsed: float) -> None:
        nonlocal running
        running = 0.98 * running + 0.02 * loss if step > 1 else loss
        if step % log_every == 0 or step == total:
            log(
                f"step {step}/{total} epoch {step / per_epoch:.2f} loss {running:.4f} "
                f"{elapsed / step:.2f}s/batch eta {elapsed / step * (total - step) / 60:.1f}min"
            )

    step, seconds, _ = run_steps(model, batches(), step_loss, opt, sched, total, on_step=on_step, log=log)
    return {"steps": step, "planned_steps": total, "steps_per_epoch": per_epoch, "train_seconds": seconds,
            "final_loss": running}


def predict_with(
    model, tokenizer, inputs: Sequence[TextInput], max_length: int, batch_size: int = 64
) -> list[list[float]]:
    """Probabilities from an in-memory model (the training scripts' dev pass)."""
    import torch

    model.eval()
    order = sorted(range(len(inputs)), key=lambda i: len(str(inputs[i])))
    res: dict[int, list[float]] = {}
    with torch.inference_mode():
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            enc = encode(tokenizer, [inputs[i] for i in idx], max_length)
            probs = torch.softmax(model(**enc).logits.float(), dim=-1).tolist()
            res.update(zip(idx, probs, strict=True))
    return [res[i] for i in range(len(inputs))]


def save_weights(model, tokenizer, out_dir: Path, metrics: dict) -> None:  # type: ignore[no-untyped-def]
    """Write fp16 safetensors + config + tokenizer files + metrics.json into ``out_dir``."""
    import torch
    from safetensors.torch import save_file

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    model.config.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
