"""Side weights for person targets: how the speaker's side changes the odds of each stance label.

A claim's speaker may be the person target ("self": Trump on Trump), speak for it ("ally": "Clinton
campaign manager Robby Mook" on Clinton) or be another person target of the same request
("rival": Clinton on Trump); ``models.name_targets.speaker_side`` tells which from the speaker's
names. The classifier reads the claim and the speaker's name, which it cannot place: "Mook: We're
really focused on this opportunity that Hillary has" comes out against Clinton.

For each side this script counts the annotators' labels on the news **train** items (PolNeAR's own
attributions as the claims, as the stance step sees them; the classifier is not run) and stores
the ratio P(label | side) / P(label), smoothed toward 1 by ``--prior`` pseudo-items, as
``side_weights`` in the stance weights' metrics.json. The stance step multiplies the classifier's
distribution by them (after the label weights), which is Bayes' rule when the classifier's
output and the side are independent evidence. The dev splits then measure it:

    python -m models.training.speaker_sides [--models full|fast] [--prior 10] [--write]

prints the train counts, the weights, and news F_avg on dev and dev2 (gold and pipeline claims)
without the weights, with self and ally, and with all three sides. Only self and ally are stored
by default: "rival" holds in an election, where the two person targets oppose each other, and
would push two allies named as targets ("Joe Biden", "Barack Obama") toward against.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from models.name_targets import SIDES
from models.stance import LABELS, apply_label_weights
from models.steps.stance import ScoreStance
from models.training.data import DEFAULT_DATA_ROOT, add_data_root
from models.training.news_data import RecordingStance, load_labels
from models.training.news_stance import stance_scores
from models.training.stance_priors import recorded_run


def side_counts(split: str, data_root: Path | str = DEFAULT_DATA_ROOT) -> dict[str | None, Counter]:
    """Annotated labels of the items of ``split`` judged about their target, by speaker side."""
    from models.pipeline import ClaimPipeline

    pipeline = ClaimPipeline(extractor=None, stance=RecordingStance("name"))
    items = load_labels(split)
    out: dict[str | None, Counter] = {}
    for it, rec in zip(items, recorded_run(pipeline, split, "gold", Path(data_root)), strict=True):
        if rec is not None:
            out.setdefault(rec[0].side, Counter())[it["stance"]] += 1
    return out


def side_weights(counts: dict[str | None, Counter], prior: float) -> dict[str, dict[str, float]]:
    """P(label | side) / P(label) per side, each side's counts smoothed by ``prior`` items spread
    as the base rate."""
    total = Counter[str]()
    for c in counts.values():
        total.update(c)
    n = sum(total.values())
    base = {lab: total[lab] / n for lab in LABELS}
    out = {}
    for side in SIDES:
        c = counts.get(side, Counter())
        k = sum(c.values())
        out[side] = {lab: round((c[lab] + prior * base[lab]) / (k + prior) / base[lab], 4) for lab in LABELS}
    return out


def dev_figures(pipeline: Any, weights: dict[str, dict[str, float]], data_root: Path) -> dict:
    """F_avg on dev and dev2, gold and pipeline claims, without and with ``weights``."""
    pipeline.stance.side_weights = {}  # recorded distributions carry the label weights only
    out = {}
    for split in ("dev", "dev2"):
        gold = [it["stance"] for it in load_labels(split)]
        for mode in ("gold", "pipeline"):
            records = recorded_run(pipeline, split, mode, data_root)
            row = {}
            no_rival = {k: v for k, v in weights.items() if k != "rival"}
            for name, w in (("without", {}), ("self_ally", no_rival), ("with", weights)):
                pred = [ScoreStance.decide(r[0], apply_label_weights(r[1], w.get(r[0].side or "", {}))).label
                        if r else "neutral" for r in records]
                row[name] = stance_scores(pred, gold)["f_avg"]
            out[f"{split}_{mode}"] = row
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="full", choices=["full", "fast"])
    ap.add_argument("--prior", type=float, default=10.0, help="pseudo-items at the base rate per side")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sides", nargs="+", default=["self", "ally"], choices=list(SIDES),
                    help="the sides to store (rival assumes the request's person targets oppose each other)")
    ap.add_argument("--write", action="store_true", help="store side_weights in the weights' metrics.json")
    add_data_root(ap)
    args = ap.parse_args(argv)
    from models.components import weights_for
    from models.training.news_data import served_pipeline

    counts = side_counts("train", args.data_root)
    print("train labels by side:", {str(s): dict(c) for s, c in counts.items()})
    weights = side_weights(counts, args.prior)
    print("side_weights:", json.dumps(weights))
    figures = dev_figures(served_pipeline(args.models, None, args.threads), weights, args.data_root)
    for col, row in figures.items():
        print(f"{col:14s} F_avg without {row['without']:.4f}  self and ally only {row['self_ally']:.4f}"
              f"  with {row['with']:.4f}  ({row['with'] - row['without']:+.4f})")
    if args.write:
        path = weights_for("stance", args.models) / "metrics.json"
        metrics = json.loads(path.read_text(encoding="utf-8"))
        metrics["side_weights"] = {side: w for side, w in weights.items() if side in args.sides}
        metrics["side_weights_choice"] = {"train_counts": {str(s): dict(c) for s, c in counts.items()},
                                          "prior": args.prior, "all_sides": weights, "dev_f_avg": figures}
        path.write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
        print(f"wrote side_weights to {path.name} of {path.parent.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
