"""What matching concept targets by meaning costs: the full pipeline in this process over PolNeAR
dev articles, with the concept matcher (models/concepts.py) and without it, in alternating rounds.

    python benchmarks/bench_concepts.py [--articles 20] [--repeats 3] [--models full|fast] [--targets T ...]

Without --targets every article gets its five detected targets (the API's default), so the
matcher compares each claim with them. Prints seconds per round each way, the medians, their
ratio and the CPU; compare only ratios measured in one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.bench_batch import POLNEAR_DEV, cpu_name  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--models", default="full", choices=["full", "fast"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--targets", nargs="*", default=None)
    args = ap.parse_args()
    from models import load_predictor
    from models.base import DocumentInput

    pipeline = load_predictor(models=args.models, threads=args.threads)
    matcher = pipeline.concepts
    texts = [p.read_text(encoding="utf-8") for p in sorted(POLNEAR_DEV.glob("*.txt"))[: args.articles]]
    targets = tuple(args.targets) if args.targets else None
    batch = [DocumentInput(text=t, targets=targets) for t in texts]
    pipeline.predict(batch[:2])  # warm-up
    times: dict[str, list[float]] = {"with": [], "without": []}
    for r in range(args.repeats):
        order = ["with", "without"] if r % 2 == 0 else ["without", "with"]
        for way in order:
            pipeline.concepts = matcher if way == "with" else None
            t0 = time.perf_counter()
            pipeline.predict(batch)
            times[way].append(time.perf_counter() - t0)
        print(f"round {r + 1}: with {times['with'][-1]:.2f} s, without {times['without'][-1]:.2f} s", flush=True)
    w, wo = statistics.median(times["with"]), statistics.median(times["without"])
    print(f"{len(texts)} articles, {args.models} set, {args.threads} threads, targets "
          f"{'detected' if targets is None else list(targets)}: median with {w:.2f} s, without {wo:.2f} s, "
          f"ratio {w / wo:.3f} ({cpu_name()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
