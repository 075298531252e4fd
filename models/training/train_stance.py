"""Fine-tune all-MiniLM-L6-v2 as a (target, text) stance cross-encoder: favor / against / neutral.

    python -m models.training.train_stance --threads 1 --max-length 128 --epochs 1.2 \
        --vast-extract 60 --lr 8e-5

The fast set's 3-layer student keeps layers 0, 2 and 4 of the trained model and learns from the
gold labels plus the trained model's soft labels:

    python -m models.training.train_stance --init models/weights/stance --keep-layers 0,2,4 \
        --teacher models/weights/stance --vast-extract 60 --out models/weights/stance-fast ...

Training pairs and dev splits come from ``models/training/stance_data.py`` (datasets under
``<--data-root>/stance``, plus the project's news labels); the loss is class-weighted (inverse sqrt
frequency) and the loop is ``models/training/loop.py``'s ``fine_tune``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

from models.stance import LABELS
from models.training.data import add_data_root, recorded_settings
from models.training.stance_data import (
    ARC_CAPS,
    DESCRIPTIONS,
    DEV_CAP,
    FNC_CAPS,
    LABEL_ID,
    LOADERS,
    SEED,
    Example,
    load_all,
)

NAME = "stance"


def parse_mix(spec: str) -> dict[str, str]:
    """"news=4x,vast=3000" -> {"news": "4x", "vast": "3000"}: repeat a part, or sample N of it."""
    out = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, size = part.partition("=")
        if name not in LOADERS or not re.fullmatch(r"\d+x?", size):
            raise SystemExit(f"bad --mix part {part!r}: NAME=N or NAME=Nx, NAME in {sorted(LOADERS)}")
        out[name] = size
    return out


def mix_train(train: dict[str, list[Example]], max_train: int | None,
              sizes: dict[str, str] | None = None) -> list[Example]:
    """Concatenate the training parts; with --max-train, shrink every dataset proportionally;
    ``sizes`` (from --mix) repeats a part ("4x") or samples that many of it ("3000")."""
    total = sum(len(v) for v in train.values())
    rng = random.Random(SEED)
    out: list[Example] = []
    for name in LOADERS:
        if name not in train:
            continue
        items = train[name]
        size = (sizes or {}).get(name)
        if size is not None and size.endswith("x"):
            items = items * int(size[:-1])
        elif size is not None:
            items = rng.sample(items, min(len(items), int(size)))
        elif max_train and total > max_train:
            k = int(round(len(items) * max_train / total))
            items = rng.sample(items, k)
        out.extend(items)
    rng.shuffle(out)
    return out


def main(argv: list[str] | None = None) -> int:
    from models.encoder import weights_path

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-train", type=int, default=0, help="subsample train mix to N (0 = all)")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=0, help="stop training after N seconds")
    ap.add_argument(
        "--vast-extract",
        type=int,
        default=0,
        help="cut VAST posts to a topic-centred extract of N words (0 = whole post)",
    )
    ap.add_argument("--probe", type=int, default=0, help="only time N training batches and exit")
    ap.add_argument("--init", type=Path, default=None, help="start from this model (default: the base encoder)")
    ap.add_argument("--keep-layers", default="", help="keep only these encoder layers of --init, e.g. 0,2,4")
    ap.add_argument("--teacher", type=Path, default=None, help="distil from this trained model")
    ap.add_argument("--kd-alpha", type=float, default=0.5, help="weight of the soft-target loss")
    ap.add_argument("--kd-temperature", type=float, default=2.0)
    ap.add_argument("--mix", default="", help="per-dataset size: NAME=N (sample) or NAME=Nx (repeat), comma-separated")
    ap.add_argument("--speaker-input", default="name", choices=["name", "description"],
                    help="news claims read as '<speaker>: <claim>', the speaker by name or by its longest mention")
    ap.add_argument("--datasets", default="", help="only these datasets (comma-separated; default all)")
    ap.add_argument("--out", type=Path, default=weights_path(NAME))
    add_data_root(ap)
    args = ap.parse_args(argv)

    import torch

    from models.training.eval_stance import evaluate
    from models.training.loop import build_student, fine_tune, predict_with, save_weights, seed_everything

    torch.set_num_threads(args.threads)
    seed_everything(SEED)
    t_start = time.time()
    only = [d for d in args.datasets.split(",") if d] or None
    train_parts, dev_parts = load_all(args.data_root, args.vast_extract, only, args.speaker_input)
    mix = mix_train(train_parts, args.max_train or None, parse_mix(args.mix))
    counts = Counter(lab for _, _, lab in mix)
    freq = [counts[lab] / len(mix) for lab in LABELS]
    inv = [1.0 / (f**0.5) for f in freq]
    class_weights = [round(w / (sum(inv) / len(inv)), 4) for w in inv]
    settings = recorded_settings(args)
    settings.update(
        seed=SEED,
        class_weights=dict(zip(LABELS, class_weights, strict=True)),
        fnc_caps=FNC_CAPS,
        arc_caps=ARC_CAPS,
        dev_cap_per_dataset=DEV_CAP,
    )
    data = {
        "train_available": {k: len(v) for k, v in train_parts.items()},
        "train_used": dict(Counter(_source_of(mix, train_parts))),
        "train_size": len(mix),
        "train_label_counts": dict(counts),
        "dev_sizes": {k: len(v) for k, v in dev_parts.items()},
        "dev_label_counts": {k: dict(Counter(lab for _, _, lab in v)) for k, v in dev_parts.items()},
    }
    print("settings:", json.dumps(settings))
    print("data:", json.dumps(data))
    tokenizer, model, teacher = build_student(
        3, dict(enumerate(LABELS)), args.init, args.keep_layers, args.teacher
    )
    print(f"student layers={model.config.num_hidden_layers} teacher={args.teacher}", flush=True)
    inputs = [(t, x) for t, x, _ in mix]
    labels = [LABEL_ID[lab] for _, _, lab in mix]
    if args.probe:
        n = args.probe * args.batch_size
        t0 = time.time()
        fine_tune(
            model,
            tokenizer,
            inputs[:n],
            labels[:n],
            epochs=1,
            batch_size=args.batch_size,
            max_length=args.max_length,
            log_every=max(1, args.probe),
            teacher=teacher,
        )
        print(f"probe: {args.probe} batches in {time.time() - t0:.1f}s")
        return 0
    run = fine_tune(
        model,
        tokenizer,
        inputs,
        labels,
        epochs=args.epochs,
        batch_size=args.batch_size,
        max_length=args.max_length,
        lr=args.lr,
        class_weights=class_weights,
        seed=SEED,
        time_limit_s=args.time_limit or None,
        teacher=teacher,
        kd_alpha=args.kd_alpha,
        kd_temperature=args.kd_temperature,
    )
    def predict(pairs):
        probs = predict_with(model, tokenizer, pairs, args.max_length)
        return [max(range(3), key=lambda i: p[i]) for p in probs]

    dev_metrics = evaluate(predict, dev_parts)
    wall = time.time() - t_start
    metrics = {
        "name": "claimscope-" + NAME,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2"
        + (f", {model.config.num_hidden_layers} of its 6 layers, distilled from {args.teacher.name}" if teacher else ""),
        "layers": model.config.num_hidden_layers,
        "labels": list(LABELS),
        "max_length": args.max_length,
        "input": "tokenizer(target, text); news claims as '<speaker>: <claim>'",
        "speaker_input": args.speaker_input if "news" in train_parts else "",
        "dev": dev_metrics,
        "settings": settings,
        "training": run,
        "data": data,
        "wall_time_seconds": round(wall, 1),
        "training_data": [DESCRIPTIONS[name] for name in train_parts],
    }
    save_weights(model, tokenizer, args.out, metrics)
    print(
        f"dev overall macro-F1 {dev_metrics['overall']['macro_f1']:.4f} "
        f"acc {dev_metrics['overall']['accuracy']:.4f}"
    )
    print(f"wall time {wall:.0f}s; weights written to {args.out}")
    return 0


def _source_of(mix: list[Example], parts: dict[str, list[Example]]):
    lookup: dict[Example, str] = {}
    for name, items in parts.items():
        for ex in items:
            lookup.setdefault(ex, name)
    return [lookup.get(ex, "?") for ex in mix]


if __name__ == "__main__":
    sys.exit(main())
