"""How long a cancelled parse can run on: the longest stretch between two cancel checks of
``models.nlp.parse`` on pathological texts, parsed in pieces (as the service does for texts over
LONG_TEXT_CHARS) and whole (as it did before).

    python benchmarks/bench_parse_gaps.py [--kinds no_punct,paragraph] [--size 200000]

Prints, per kind and way: the whole parse's seconds, the number of checks, the longest gap
between two checks, and the doc's tokens, sentences and entities.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_pathological import build, cpu_name  # noqa: E402

from models.nlp import _parse_whole, load_spacy, parse  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", default="no_punct,paragraph")
    parser.add_argument("--size", type=int, default=200_000)
    args = parser.parse_args()
    print(f"CPU: {cpu_name()}; {args.size:,} characters")
    nlp = load_spacy()
    nlp("Warm up. He said so.")
    for kind in args.kinds.split(","):
        text = build(kind, args.size)
        for way, fn in (("pieces", parse), ("whole", _parse_whole)):
            stamps = [time.perf_counter()]
            doc = fn(nlp, [text], lambda s=stamps: s.append(time.perf_counter()))[0]
            stamps.append(time.perf_counter())
            gap = max(b - a for a, b in zip(stamps, stamps[1:], strict=False))
            print(f"{kind:<10} {way:<7} parse {stamps[-1] - stamps[0]:6.1f} s, {len(stamps) - 2:3d} checks, "
                  f"longest gap {gap:5.2f} s; {len(doc)} tokens, {len(list(doc.sents))} sentences, "
                  f"{len(doc.ents)} entities", flush=True)


if __name__ == "__main__":
    main()
