"""Cost of speaker resolution alone (models/speakers.py) on thousands of distinct speakers.

    python benchmarks/bench_speakers.py [--sizes 10000,50000,100000,200000] [--old FILE]

Builds bench_pathological's "names" text ("Anna Abbott said no. Boris Abbott said no. ..."),
parses it once per size, and times ``SpeakerResolver.resolve`` over every name as a source, in
text order (what ResolveSpeakers does). ``--old`` times another version of models/speakers.py
beside it (e.g. ``git show 17db6ac:models/speakers.py > /tmp/speakers_old.py``) and checks that
both give the same speakers.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_pathological import build, cpu_name  # noqa: E402

from models import speakers  # noqa: E402
from models.nlp import load_spacy, parse  # noqa: E402


def load_old(path: Path):  # noqa: ANN201 - a module
    spec = importlib.util.spec_from_file_location("models._speakers_old", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def resolve(module, doc, sources):  # noqa: ANN001, ANN201
    resolver = module.SpeakerResolver(doc)
    started = time.perf_counter()
    found = [resolver.resolve(source)[0] for source in sources]
    seconds = time.perf_counter() - started
    return seconds, [(s.id, s.name, s.type) for s in found], len(resolver.speakers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,50000,100000,200000")
    parser.add_argument("--old", type=Path, help="another models/speakers.py to time beside this one")
    args = parser.parse_args()
    old = load_old(args.old) if args.old else None
    print(f"CPU: {cpu_name()}; cap {speakers.MAX_SPEAKERS} speakers; seconds to resolve every mention")
    nlp = load_spacy()
    for size in (int(s) for s in args.sizes.split(",")):
        text = build("names", size)
        doc = parse(nlp, [text])[0]
        sources = [(m.start(), m.end()) for m in re.finditer(r"[A-Z]\w+ [A-Z]\w+(?= said)", text)]
        seconds, found, made = resolve(speakers, doc, sources)
        row = f"{size:>8,} chars, {len(sources):>5} mentions: {seconds:7.2f} s, {made} speakers"
        if old is not None:
            old_seconds, old_found, old_made = resolve(old, doc, sources)
            row += f"; old {old_seconds:7.2f} s, {old_made} speakers"
            capped = speakers.MAX_SPEAKERS
            same = found == old_found if made <= capped else found[:capped] == old_found[:capped]
            row += f"; same speakers{' (up to the cap)' if made > capped else ''}: {same}"
        print(row, flush=True)


if __name__ == "__main__":
    main()
