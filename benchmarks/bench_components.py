"""Cost per article of each pipeline part, in process, on PolNeAR dev texts (warm, CPU).

    python benchmarks/bench_components.py [--articles 40] [--threads 2] [--models fast|full]

Prints ms per article for: spaCy parse, the attribution extractor (hybrid), check-worthiness of
the article's claims, stance of its claims toward one target, and the whole pipeline with one
given target and with detected targets (up to 5).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
POLNEAR_DEV = ROOT.parent / "shared" / "data" / "attribution" / "polnear" / "data" / "dev" / "text"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models", choices=["fast", "full"], default=None, help="default: CLAIMSCOPE_MODELS")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    from models import DocumentInput, load_predictor
    from models.nlp import load_spacy

    texts = [p.read_text(encoding="utf-8") for p in sorted(POLNEAR_DEV.glob("*.txt"))][: args.articles]
    pipeline = load_predictor(models=args.models)
    nlp = load_spacy()
    pipeline.predict([DocumentInput(texts[0])])  # warm-up
    docs = [nlp(t) for t in texts]
    claims = [[c.text for c in pipeline.predict([DocumentInput(t, options={"detect_targets": False})])[0].claims]
              for t in texts]

    def ms(fn, items) -> float:
        started = time.perf_counter()
        for item in items:
            fn(item)
        return round((time.perf_counter() - started) * 1000 / len(items), 1)

    row = {
        "articles": len(texts), "threads": args.threads, "models": pipeline.models,
        "claims_per_article": round(sum(map(len, claims)) / len(claims), 1),
        "spacy_parse_ms": ms(nlp, texts),
        "extractor_ms": ms(pipeline.extractor.extract_doc, docs),
        "checkworthiness_ms": ms(pipeline.checkworthiness.predict, claims),
        "stance_one_target_ms": ms(lambda cs: pipeline.stance.predict([("ceasefire", c) for c in cs]), claims),
        "pipeline_one_target_ms": ms(lambda t: pipeline.predict([DocumentInput(t, targets=("ceasefire",))]), texts),
        "pipeline_detected_targets_ms": ms(lambda t: pipeline.predict([DocumentInput(t)]), texts),
    }
    print(json.dumps(row))


if __name__ == "__main__":
    main()
