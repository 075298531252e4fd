"""Evaluate the check-worthiness model on CT24 dev, choose the decision threshold, store it.

    python -m models.training.eval_checkworthiness [--weights models/weights/checkworthiness] [--data-root DIR]

Prints precision / recall / F1 of the positive (check-worthy) class at the chosen threshold, plus
accuracy, and writes the threshold and the figures into the weights folder's metrics.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from models.training.checkworthiness_data import read_ct24
from models.training.data import DEFAULT_DATA_ROOT, add_data_root


def prf(probs: list[float], gold: list[int], threshold: float) -> dict:
    tp = sum(1 for p, g in zip(probs, gold, strict=True) if p >= threshold and g == 1)
    fp = sum(1 for p, g in zip(probs, gold, strict=True) if p >= threshold and g == 0)
    fn = sum(1 for p, g in zip(probs, gold, strict=True) if p < threshold and g == 1)
    tn = len(gold) - tp - fp - fn
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "threshold": round(threshold, 2),
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1": round(f1, 4),
        "accuracy": round((tp + tn) / len(gold), 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "n": len(gold),
    }


def choose_threshold(probs: list[float], gold: list[int]) -> dict:
    """Threshold in 0.05..0.95 (step 0.01) that maximises positive-class F1 on dev (the lowest of
    equal ones)."""
    return max((prf(probs, gold, k / 100) for k in range(5, 96)), key=lambda m: m["f1"])


def news_dev(model, data_root: Path | str = DEFAULT_DATA_ROOT) -> dict:  # type: ignore[no-untyped-def]
    """The project's news claims (seeds/labels/news dev, agreed items): P / R / F1 at 0.5 and at the
    threshold the model serves with."""
    from models.training.news_data import news_claims

    rows = news_claims("dev", data_root)
    probs = model.predict([t for t, _ in rows])
    gold = [y for _, y in rows]
    out: dict[str, Any] = {"dataset": "ClaimScope news claims dev (seeds/labels/news)", "at_0.5": prf(probs, gold, 0.5),
           "at_served_threshold": prf(probs, gold, float(model.threshold)), "best": choose_threshold(probs, gold)}
    for key in ("at_0.5", "at_served_threshold", "best"):
        m = out[key]
        print(f"news dev {key} ({m['threshold']:.2f}): P {m['precision']:.4f} R {m['recall']:.4f} "
              f"F1 {m['f1']:.4f} (n={m['n']}, {sum(gold)} check-worthy)")
    return out


def main(argv: list[str] | None = None) -> int:
    from models.checkworthiness import CheckworthinessModel
    from models.encoder import weights_path

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights", type=Path, default=weights_path("checkworthiness"))
    ap.add_argument("--no-write", action="store_true", help="do not update metrics.json")
    add_data_root(ap)
    args = ap.parse_args(argv)

    dev = read_ct24("dev", args.data_root)
    texts = [t for _, t, _ in dev]
    gold = [y for _, _, y in dev]
    model = CheckworthinessModel.load(args.weights)
    news = news_dev(model, args.data_root)
    t0 = time.time()
    probs = model.predict(texts)
    secs = time.time() - t0
    at_half = prf(probs, gold, 0.5)
    best = choose_threshold(probs, gold)
    print(f"CT24 dev: {len(dev)} sentences, {sum(gold)} check-worthy; inference {secs:.1f}s")
    print(
        f"at threshold 0.50: P {at_half['precision']:.4f} R {at_half['recall']:.4f} "
        f"F1 {at_half['f1']:.4f} acc {at_half['accuracy']:.4f}"
    )
    print(
        f"chosen threshold {best['threshold']:.2f}: P {best['precision']:.4f} "
        f"R {best['recall']:.4f} F1 {best['f1']:.4f} acc {best['accuracy']:.4f} "
        f"(tp {best['tp']} fp {best['fp']} fn {best['fn']} tn {best['tn']})"
    )
    if not args.no_write:
        mfile = Path(args.weights) / "metrics.json"
        metrics = json.loads(mfile.read_text(encoding="utf-8")) if mfile.exists() else {}
        metrics["threshold"] = best["threshold"]
        metrics["dev"] = {"dataset": "CT24 task 1 English dev", "at_0.5": at_half, "at_threshold": best}
        metrics["news_dev"] = news
        mfile.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        print(f"threshold and dev figures written to {mfile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
