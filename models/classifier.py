"""Shared wrapper around a fine-tuned MiniLM sequence classifier (CPU inference, thread-safe).

Weights live in ``models/weights/<name>/``: ``model.safetensors`` (fp16), ``config.json``,
tokenizer files and ``metrics.json``. They are loaded as float32 for CPU inference. This module
also holds the small helpers the training scripts share (seeding, the training loop, saving).
No flask here.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

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
    """(input_ids, token_type_ids) of each input, truncated as ``encode`` does, unpadded."""
    if isinstance(items[0], (tuple, list)):
        enc = tokenizer([str(a or "") for a, _ in items], [str(b or "") for _, b in items],
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


def encode(tokenizer, batch: Sequence[TextInput], max_length: int):
    """Tokenize single texts or (a, b) pairs; pairs truncate the longer side first."""
    if batch and isinstance(batch[0], (tuple, list)):
        firsts = [str(a or "") for a, _ in batch]
        seconds = [str(b or "") for _, b in batch]
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


def read_metrics(path: Path) -> dict:
    f = Path(path) / "metrics.json"
    if f.exists():
        return json.loads(f.read_text(encoding="utf-8"))
    return {}


# --------------------------------------------------------------------------- training helpers


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


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def new_model(num_labels: int, id2label: dict[int, str]):
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

    from models.encoder import keep_layers

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
    """Plain AdamW loop with linear warmup/decay. Returns run statistics.

    Batches are length-bucketed within shuffled chunks to cut padding on CPU. ``epochs`` may be
    fractional. Stops early (cleanly) when ``time_limit_s`` is exceeded. With a ``teacher`` (a
    model with the same labels and tokenizer) the loss is ``kd_alpha`` x the soft-target loss at
    ``kd_temperature`` + (1 - ``kd_alpha``) x the hard-label loss.
    """
    import torch

    log = log or (lambda msg: print(msg, flush=True))
    n = len(inputs)
    steps_per_epoch = math.ceil(n / batch_size)
    total_steps = max(1, int(round(steps_per_epoch * epochs)))
    warmup_steps = int(total_steps * warmup)
    no_decay = ("bias", "LayerNorm.weight")
    params = [
        {
            "params": [p for nme, p in model.named_parameters() if not any(k in nme for k in no_decay)],
            "weight_decay": 0.01,
        },
        {
            "params": [p for nme, p in model.named_parameters() if any(k in nme for k in no_decay)],
            "weight_decay": 0.0,
        },
    ]
    opt = torch.optim.AdamW(params, lr=lr)

    def lr_lambda(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / max(1, warmup_steps)
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
    weight = torch.tensor(class_weights, dtype=torch.float32) if class_weights else None
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
    rng = random.Random(seed)
    lengths = [len(x) if isinstance(x, str) else len(x[0]) + len(x[1]) for x in inputs]

    def batches():
        while True:
            order = list(range(n))
            rng.shuffle(order)
            chunk = batch_size * 50
            out = []
            for c in range(0, n, chunk):
                part = sorted(order[c : c + chunk], key=lambda i: lengths[i])
                out.extend(part[b : b + batch_size] for b in range(0, len(part), batch_size))
            rng.shuffle(out)
            yield from out

    model.train()
    t0 = time.time()
    step = 0
    running = 0.0
    stopped_early = False
    it = batches()
    while step < total_steps:
        idx = next(it)
        enc = encode(tokenizer, [inputs[i] for i in idx], max_length)
        y = torch.tensor([labels[i] for i in idx], dtype=torch.long)
        logits = model(**enc).logits
        loss = loss_fn(logits, y)
        if teacher is not None:
            with torch.inference_mode():
                soft = teacher(**enc).logits.float()
            loss = kd_alpha * distill_loss(logits, soft.clone(), kd_temperature) + (1 - kd_alpha) * loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        running += loss.item()
        if step % log_every == 0 or step == total_steps:
            el = time.time() - t0
            log(
                f"step {step}/{total_steps} loss {running / log_every:.4f} "
                f"elapsed {el:.0f}s eta {el / step * (total_steps - step):.0f}s"
            )
            running = 0.0
        if time_limit_s and time.time() - t0 > time_limit_s:
            log(f"time limit {time_limit_s:.0f}s reached at step {step}/{total_steps}: stopping")
            stopped_early = True
            break
    model.eval()
    return {
        "steps": step,
        "planned_steps": total_steps,
        "steps_per_epoch": steps_per_epoch,
        "epochs_done": round(step / steps_per_epoch, 3),
        "train_seconds": round(time.time() - t0, 1),
        "stopped_early": stopped_early,
    }


def predict_with(
    model, tokenizer, inputs: Sequence[TextInput], max_length: int, batch_size: int = 64
) -> list[list[float]]:
    """Probabilities from an in-memory model (used by training scripts for the dev pass)."""
    import torch

    model.eval()
    out: list[list[float]] = []
    order = sorted(range(len(inputs)), key=lambda i: len(str(inputs[i])))
    res: dict[int, list[float]] = {}
    with torch.inference_mode():
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            enc = encode(tokenizer, [inputs[i] for i in idx], max_length)
            probs = torch.softmax(model(**enc).logits.float(), dim=-1).tolist()
            res.update(zip(idx, probs, strict=True))
    out = [res[i] for i in range(len(inputs))]
    return out


def save_weights(model, tokenizer, out_dir: Path, metrics: dict) -> None:
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
