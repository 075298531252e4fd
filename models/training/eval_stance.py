"""Evaluate the stance cross-encoder on the held-out dev part of each stance dataset.

    python -m models.training.eval_stance [--weights models/weights/stance] [--no-write] [--cues]

With --cues it also parses every dev text with spaCy and reports the explicit-predicate evidence of
models/stance_cues.py: how often the target is mentioned, how often a stance-taking predicate
governs it, how precise that predicate's label is, and the figures of the classifier with the
evidence multiplied in (the way the pipeline serves it) for a few evidence weights.

Prints per-dataset macro-F1 (over favor/against/neutral), accuracy and per-class P/R/F1, plus the
overall figures on all dev pairs pooled, and stores them in the weights folder's metrics.json.
Dev splits are built by models.training.stance_data (see its docstring), from ``--data-root``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from models.stance import LABELS
from models.training.data import add_data_root
from models.training.stance_data import load_all


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


def evaluate_with_cues(model, dev_parts: dict, weights: Sequence[float] = (3.0, 6.0, 12.0)) -> dict:
    """Classifier alone, then classifier x explicit evidence; returns the served weight's figures."""
    from models.nlp import load_spacy
    from models.stance_cues import CUE_WEIGHT, combine, explicit_stance, held_by_speaker, mentions, terms_for

    nlp = load_spacy()
    parts = {}
    fired = hits = mentioned = total = 0
    for name, items in dev_parts.items():
        pairs = [(t, x) for t, x, _ in items]
        dists = model.predict_proba(pairs)
        cues, seen = [], 0
        for (target, _text, gold), doc in zip(items, nlp.pipe(x for _, x, _ in items), strict=True):
            terms = terms_for(target)
            found = mentions(doc, terms) if terms is not None else []
            seen += bool(found)
            # the dev texts are the author's own words: no speaker names, no cue
            cue = next((c for c in map(explicit_stance, found)
                        if c is not None and held_by_speaker(c[1], None, None)), None)
            cues.append(cue[0] if cue else None)
            if cue:
                fired += 1
                hits += cue[0] == gold
        total += len(items)
        mentioned += seen
        parts[name] = (items, dists, cues)
        n_fire = sum(c is not None for c in cues)
        print(f"{name:12s} target mentioned in {seen} of {len(items)} pairs;"
              f" explicit predicate fired on {n_fire}")
    print(f"all: target mentioned in {mentioned} of {total} pairs; explicit predicate fired on {fired};"
          f" its label equals gold on {hits} ({hits / max(1, fired):.3f})")

    def run(weight: float | None) -> dict:
        # evaluate() asks for the datasets in order; hand it the precomputed labels one by one
        queue = []
        for _items, dists, cues in parts.values():
            out = []
            for dist, cue in zip(dists, cues, strict=True):
                if weight is not None and cue is not None:
                    dist = combine(dist, cue, weight)
                out.append(LABELS.index(max(dist, key=dist.get)))
            queue.append(out)
        queue.reverse()
        return evaluate(lambda _pairs: queue.pop(), {k: v[0] for k, v in parts.items()})

    print("== classifier alone")
    run(None)
    served = None
    for w in weights:
        print(f"== classifier x explicit evidence, weight {w:g}" + (" (served)" if w == CUE_WEIGHT else ""))
        m = run(w)
        if w == CUE_WEIGHT:
            served = m
    if served is None:
        print(f"== served weight {CUE_WEIGHT:g}")
        served = run(CUE_WEIGHT)
    served["explicit_evidence"] = {"weight": CUE_WEIGHT, "fired": fired, "label_precision":
                                   round(hits / max(1, fired), 4), "pairs": total}
    return served


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

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights", type=Path, default=weights_path("stance"))
    ap.add_argument("--no-write", action="store_true", help="do not update metrics.json")
    ap.add_argument("--cues", action="store_true",
                    help="also measure the explicit-predicate evidence (models/stance_cues.py)")
    add_data_root(ap)
    args = ap.parse_args(argv)
    saved = json.loads((Path(args.weights) / "metrics.json").read_text(encoding="utf-8"))
    vast_extract = int(saved.get("settings", {}).get("vast_extract", 0))
    model = StanceModel.load(args.weights)
    # the same VAST text cutting as in training, and news claims as this model reads them
    _, dev_parts = load_all(args.data_root, vast_extract, speaker_input=model.speaker_input or "name")
    t0 = time.time()

    def predict(pairs):
        return [LABELS.index(lab) for lab, _ in model.predict(pairs)]

    if not args.cues:
        metrics = evaluate(predict, dev_parts)
        print(f"inference {time.time() - t0:.1f}s")
    else:
        metrics = evaluate_with_cues(model, dev_parts)
        print(f"inference + parsing {time.time() - t0:.1f}s")
    if not args.no_write:
        mfile = Path(args.weights) / "metrics.json"
        data = json.loads(mfile.read_text(encoding="utf-8")) if mfile.exists() else {}
        data["dev_with_cues" if args.cues else "dev"] = metrics
        mfile.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"dev figures written to {mfile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
