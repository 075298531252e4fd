"""News stance: the scores of the stance step on the labels made for this project.

The labelled claims are run through the served pipeline as ``models/training/news_data.py``
describes (``gold`` claims: PolNeAR's attributions stand in for the extractor; ``pipeline``
claims: the served extractor finds them), with the articles read from ``--data-root``.

    python -m models.training.news_stance --split dev [--weights models/weights/stance] [--mode both]

prints relevance precision / recall (a claim given any stance toward a target counts as judged
about it) against the annotators' ``about_target``, and stance P / R / F1 per class, F_avg (mean F1
of favor and against, the SemEval-2016 measure), macro-F1 and accuracy against their ``stance``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.stance import LABELS
from models.training.data import DEFAULT_DATA_ROOT, add_data_root
from models.training.eval_stance import scores
from models.training.news_data import load_labels, run, served_pipeline


def stance_scores(pred: Sequence[str], gold: Sequence[str]) -> dict:
    """eval_stance's per-class figures, plus F_avg: the mean F1 of favor and against."""
    out = scores([LABELS.index(p) for p in pred], [LABELS.index(g) for g in gold])
    per = out["per_class"]
    return {"n": out["n"], "f_avg": round((per["favor"]["f1"] + per["against"]["f1"]) / 2, 4),
            "macro_f1": out["macro_f1"], "accuracy": out["accuracy"], "per_class": per}


def relevance_scores(judged: Sequence[bool], gold: Sequence[bool]) -> dict:
    tp = sum(j and g for j, g in zip(judged, gold, strict=True))
    prec = tp / max(1, sum(judged))
    rec = tp / max(1, sum(gold))
    return {"precision": round(prec, 4), "recall": round(rec, 4),
            "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0, "n": len(gold)}


def evaluate(pipeline: Any, split: str = "dev", modes: Sequence[str] = ("gold", "pipeline"),
             data_root: Path | str = DEFAULT_DATA_ROOT) -> dict:
    items = load_labels(split)
    about = [it["about_target"] == "yes" for it in items if it.get("about_target") is not None]
    out = {}
    for mode in modes:
        got = run(items, pipeline, mode, data_root=data_root)
        res = stance_scores([p for p, _, _ in got], [it["stance"] for it in items])
        judged = [j for (_, j, _), it in zip(got, items, strict=True) if it.get("about_target") is not None]
        res["relevance"] = relevance_scores(judged, about)
        out[mode] = res
    return out


def _print(mode: str, m: dict) -> None:
    per = "  ".join(f"{lab} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} (n={v['support']})"
                    for lab, v in m["per_class"].items())
    r = m["relevance"]
    print(f"{mode:9s} n={m['n']} F_avg {m['f_avg']:.4f} macro-F1 {m['macro_f1']:.4f} acc {m['accuracy']:.4f} | {per}")
    print(f"{'':9s} relevance P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} (n={r['n']})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev")
    ap.add_argument("--models", default="full", choices=["full", "fast"])
    ap.add_argument("--weights", type=Path, default=None, help="stance weights (default: the set's)")
    ap.add_argument("--mode", default="both", choices=["gold", "pipeline", "both"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--write", action="store_true", help="store the figures in the weights' metrics.json")
    add_data_root(ap)
    args = ap.parse_args(argv)

    pipeline = served_pipeline(args.models, args.weights, args.threads)
    modes = ("gold", "pipeline") if args.mode == "both" else (args.mode,)
    res = evaluate(pipeline, args.split, modes, args.data_root)
    for mode, m in res.items():
        _print(mode, m)
    if args.write:
        path = Path(pipeline.stance._clf.path) / "metrics.json"
        metrics = json.loads(path.read_text())
        metrics.setdefault("news", {})[args.split] = res
        path.write_text(json.dumps(metrics, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
