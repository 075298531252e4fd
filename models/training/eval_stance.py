"""Evaluate the stance cross-encoder on the held-out dev part of each stance dataset.

    python -m models.training.eval_stance [--weights models/weights/stance] [--no-write]

Prints per-dataset macro-F1 (over favor/against/neutral), accuracy and per-class P/R/F1, plus the
overall figures on all dev pairs pooled, and stores them in the weights folder's metrics.json.
Dev splits are built by models.training.train_stance (see its docstring).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

LABELS = ["favor", "against", "neutral"]


def scores(pred: Sequence[int], gold: Sequence[int]) -> dict:
    per = {}
    f1s = []
    for i, lab in enumerate(LABELS):
        tp = sum(1 for p, g in zip(pred, gold, strict=True) if p == i and g == i)
        fp = sum(1 for p, g in zip(pred, gold, strict=True) if p == i and g != i)
        fn = sum(1 for p, g in zip(pred, gold, strict=True) if p != i and g == i)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {
            "precision": round(prec, 4),
            "recall": round(rec, 4),
            "f1": round(f1, 4),
            "support": tp + fn,
        }
        if tp + fn:  # macro over the classes present in gold
            f1s.append(f1)
    acc = sum(1 for p, g in zip(pred, gold, strict=True) if p == g) / max(1, len(gold))
    return {
        "n": len(gold),
        "macro_f1": round(sum(f1s) / max(1, len(f1s)), 4),
        "accuracy": round(acc, 4),
        "per_class": per,
    }


def evaluate(predict: Callable[[list[tuple[str, str]]], list[int]], dev_parts: dict) -> dict:
    out, all_p, all_g = {}, [], []
    for name, items in dev_parts.items():
        pairs = [(t, x) for t, x, _ in items]
        gold = [LABELS.index(lab) for _, _, lab in items]
        pred = predict(pairs)
        out[name] = scores(pred, gold)
        all_p += pred
        all_g += gold
        _print(name, out[name])
    out["overall"] = scores(all_p, all_g)
    out["mean_dataset_macro_f1"] = round(
        sum(out[n]["macro_f1"] for n in dev_parts) / max(1, len(dev_parts)), 4
    )
    _print("overall", out["overall"])
    print(f"mean of per-dataset macro-F1: {out['mean_dataset_macro_f1']:.4f}")
    return out


def _print(name: str, m: dict) -> None:
    cls = "  ".join(
        f"{lab} P {c['precision']:.3f} R {c['recall']:.3f} F1 {c['f1']:.3f} (n={c['support']})"
        for lab, c in m["per_class"].items()
    )
    print(
        f"{name:12s} n={m['n']:5d} macro-F1 {m['macro_f1']:.4f} acc {m['accuracy']:.4f} | {cls}", flush=True
    )


def main(argv: list[str] | None = None) -> int:
    from models.encoder import weights_path
    from models.stance import StanceModel
    from models.training.train_stance import load_all

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights", type=Path, default=weights_path("stance"))
    ap.add_argument("--no-write", action="store_true", help="do not update metrics.json")
    args = ap.parse_args(argv)
    saved = json.loads((Path(args.weights) / "metrics.json").read_text(encoding="utf-8"))
    vast_extract = int(saved.get("settings", {}).get("vast_extract", 0))
    _, dev_parts = load_all(vast_extract)  # the same VAST text cutting as in training
    model = StanceModel.load(args.weights)
    t0 = time.time()

    def predict(pairs):
        return [LABELS.index(lab) for lab, _ in model.predict(pairs)]

    metrics = evaluate(predict, dev_parts)
    print(f"inference {time.time() - t0:.1f}s")
    if not args.no_write:
        mfile = Path(args.weights) / "metrics.json"
        data = json.loads(mfile.read_text(encoding="utf-8")) if mfile.exists() else {}
        data["dev"] = metrics
        mfile.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"dev figures written to {mfile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
