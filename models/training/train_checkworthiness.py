"""Fine-tune all-MiniLM-L6-v2 as a check-worthiness classifier (CT24 task 1 English + ClaimBuster).

    python -m models.training.train_checkworthiness --threads 1 --max-length 80 --epochs 2

ClaimBuster sentences are added only when neither their sentence id nor their (normalised) text
occurs in CT24 train or dev (the sets share the same debates). CT24 train sentences whose text
also occurs in CT24 dev are dropped. Dev = CT24 dev: the threshold maximising positive-class F1
is chosen there and stored in metrics.json. Both sets are read from ``<--data-root>/claims``
(``models/training/checkworthiness_data.py``); the loop is ``models/training/loop.py``'s ``fine_tune``.

A smaller student is distilled from the trained model by keeping some of its layers and training
on the gold labels plus the teacher's soft labels:

    python -m models.training.train_checkworthiness --init models/weights/checkworthiness \
        --keep-layers 0,3 --teacher models/weights/checkworthiness --epochs 1 \
        --out models/weights/checkworthiness-fast
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from models.training.checkworthiness_data import norm, read_claimbuster, read_ct24
from models.training.data import DEFAULT_DATA_ROOT, add_data_root, recorded_settings
from models.training.eval_checkworthiness import choose_threshold, prf

NAME = "checkworthiness"
SEED = 13


def build_train(max_train: int | None, seed: int, root: Path | str = DEFAULT_DATA_ROOT
                ) -> tuple[list[str], list[int], dict]:
    """CT24 train (without sentences whose text is in dev, without repeats) plus the ClaimBuster
    sentences absent from CT24 train and dev; ``max_train`` keeps a fixed-seed sample."""
    train = read_ct24("train", root)
    dev = read_ct24("dev", root)
    dev_ids = {i for i, _, _ in dev}
    dev_texts = {norm(t) for _, t, _ in dev}
    seen_ids = {i for i, _, _ in train} | dev_ids
    texts, labels, seen_texts = [], [], set()
    dropped_dev = dropped_dup = 0
    for _, t, y in train:
        n = norm(t)
        if n in dev_texts:
            dropped_dev += 1
            continue
        if n in seen_texts:
            dropped_dup += 1
            continue
        seen_texts.add(n)
        texts.append(t)
        labels.append(y)
    n_ct24 = len(texts)
    cb_added = cb_total = 0
    cb_seen: set[str] = set()
    for r in read_claimbuster(root):
        sid = str(r["sentence_id"])
        if sid in cb_seen:
            continue
        cb_seen.add(sid)
        cb_total += 1
        n = norm(r["text"])
        if sid in seen_ids or n in seen_texts or n in dev_texts:
            continue
        seen_texts.add(n)
        texts.append(r["text"].strip())
        labels.append(int(r["label"]))
        cb_added += 1
    stats: dict[str, Any] = {
        "ct24_train_rows": len(train),
        "ct24_train_used": n_ct24,
        "ct24_train_dropped_text_in_dev": dropped_dev,
        "ct24_train_dropped_duplicate": dropped_dup,
        "claimbuster_unique_sentences": cb_total,
        "claimbuster_added_after_dedup": cb_added,
    }
    if max_train and len(texts) > max_train:
        rng = random.Random(seed)
        idx = sorted(rng.sample(range(len(texts)), max_train))
        texts = [texts[i] for i in idx]
        labels = [labels[i] for i in idx]
    stats["train_size"] = len(texts)
    stats["train_label_counts"] = dict(Counter(labels))
    stats["dev_size"] = len(dev)
    stats["dev_label_counts"] = dict(Counter(y for _, _, y in dev))
    return texts, labels, stats


def main(argv: list[str] | None = None) -> int:
    from models.encoder import weights_path

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-train", type=int, default=0, help="subsample train to N (0 = all)")
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--max-length", type=int, default=80)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=0, help="stop training after N seconds")
    ap.add_argument("--probe", type=int, default=0, help="only time N training batches and exit")
    ap.add_argument("--init", type=Path, default=None, help="start from this model (default: the base encoder)")
    ap.add_argument("--keep-layers", default="", help="keep only these encoder layers of --init, e.g. 0,3")
    ap.add_argument("--teacher", type=Path, default=None, help="distil from this trained model")
    ap.add_argument("--kd-alpha", type=float, default=0.5, help="weight of the soft-target loss")
    ap.add_argument("--kd-temperature", type=float, default=2.0)
    ap.add_argument("--news-repeat", type=int, default=0,
                    help="add the project's news claims (seeds/labels/news train) this many times")
    ap.add_argument("--out", type=Path, default=weights_path(NAME))
    add_data_root(ap)
    args = ap.parse_args(argv)

    import torch

    from models.training.loop import build_student, fine_tune, predict_with, save_weights, seed_everything

    torch.set_num_threads(args.threads)
    seed_everything(SEED)
    t_start = time.time()
    texts, labels, stats = build_train(args.max_train or None, SEED, args.data_root)
    if args.news_repeat:
        from models.training.news_data import news_claims

        news = news_claims("train", args.data_root)
        stats["news_train_claims"] = len(news)
        stats["news_train_label_counts"] = dict(Counter(y for _, y in news))
        for _ in range(args.news_repeat):
            texts += [t for t, _ in news]
            labels += [y for _, y in news]
        order = list(range(len(texts)))
        random.Random(SEED).shuffle(order)
        texts, labels = [texts[i] for i in order], [labels[i] for i in order]
        stats["train_size"] = len(texts)
    settings = recorded_settings(args)
    settings["seed"] = SEED
    print("settings:", json.dumps(settings))
    print("data:", json.dumps(stats))
    tokenizer, model, teacher = build_student(
        2, {0: "not_checkworthy", 1: "checkworthy"}, args.init, args.keep_layers, args.teacher
    )
    print(f"student layers={model.config.num_hidden_layers} teacher={args.teacher}", flush=True)
    if args.probe:
        n = args.probe * args.batch_size
        t0 = time.time()
        fine_tune(
            model,
            tokenizer,
            texts[:n],
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
        texts,
        labels,
        epochs=args.epochs,
        batch_size=args.batch_size,
        max_length=args.max_length,
        lr=args.lr,
        seed=SEED,
        time_limit_s=args.time_limit or None,
        teacher=teacher,
        kd_alpha=args.kd_alpha,
        kd_temperature=args.kd_temperature,
    )
    dev = read_ct24("dev", args.data_root)
    probs = [p[1] for p in predict_with(model, tokenizer, [t for _, t, _ in dev], args.max_length)]
    gold = [y for _, _, y in dev]
    best = choose_threshold(probs, gold)
    news_dev = None
    if args.news_repeat:
        from models.training.news_data import news_claims

        rows = news_claims("dev", args.data_root)
        news_probs = [p[1] for p in predict_with(model, tokenizer, [t for t, _ in rows], args.max_length)]
        news_gold = [y for _, y in rows]
        # one threshold for both kinds of text: the best mean of the two F1s
        k = max(range(5, 96), key=lambda k: prf(probs, gold, k / 100)["f1"] + prf(news_probs, news_gold, k / 100)["f1"])
        best = prf(probs, gold, k / 100)
        news_dev = {"dataset": "ClaimScope news claims dev (seeds/labels/news)",
                    "at_0.5": prf(news_probs, news_gold, 0.5), "at_served_threshold": prf(news_probs, news_gold, k / 100)}
        print("news dev at 0.5:", json.dumps(news_dev["at_0.5"]))
    wall = time.time() - t_start
    metrics = {
        "name": "claimscope-" + NAME,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2"
        + (f", {model.config.num_hidden_layers} of its 6 layers, distilled from {args.teacher.name}" if teacher else ""),
        "layers": model.config.num_hidden_layers,
        "labels": ["not_checkworthy", "checkworthy"],
        "max_length": args.max_length,
        "threshold": best["threshold"],
        "dev": {"dataset": "CT24 task 1 English dev", "at_0.5": prf(probs, gold, 0.5), "at_threshold": best},
        "news_dev": news_dev,
        "settings": settings,
        "training": run,
        "data": stats,
        "wall_time_seconds": round(wall, 1),
        "training_data": [
            "CLEF CheckThat! 2024 task 1 English train",
            "ClaimBuster 2.5xNCS (only sentences absent from CT24; see data)",
        ] + (["ClaimScope news claims (seeds/labels/news train)"] if args.news_repeat else []),
    }
    save_weights(model, tokenizer, args.out, metrics)
    print("dev at 0.5:", json.dumps(metrics["dev"]["at_0.5"]))
    print("dev at threshold:", json.dumps(best))
    print(f"wall time {wall:.0f}s; weights written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
