"""Cost per article of each pipeline part, in process, on PolNeAR dev texts (warm, CPU).

    python benchmarks/bench_components.py [--articles 40] [--threads 2] [--models fast|full]
                                          [--forward-passes]

Prints ms per article for: spaCy parse, the attribution extractor (hybrid), check-worthiness of
the article's claims, stance of its claims toward one target, and the whole pipeline with one
given target and with detected targets (up to 5).

--forward-passes prints, instead, what the three transformer models compute per article during
the whole pipeline (detected targets): wordpieces fed (padded and real), forward passes, ms, and
the rate of their matrix products in GFLOP/s (per wordpiece and layer, a MiniLM layer does
2 x 1.77 M multiply-adds; attention scores are left out), to tell arithmetic from overhead.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from models.training.polnear import split_dir  # noqa: E402

POLNEAR_DEV = split_dir("dev") / "text"  # under the shared data root beside the repository


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models", choices=["fast", "full"], default="full")
    parser.add_argument("--forward-passes", action="store_true")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    from models import DocumentInput, load_predictor
    from models.nlp import load_spacy

    texts = [p.read_text(encoding="utf-8") for p in sorted(POLNEAR_DEV.glob("*.txt"))][: args.articles]
    pipeline = load_predictor(models=args.models)
    nlp = load_spacy()
    pipeline.predict([DocumentInput(texts[0])])  # warm-up
    if args.forward_passes:
        print(json.dumps(forward_passes(pipeline, texts, args.threads)))
        return
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
        "extractor_ms": ms(lambda doc: pipeline.extractor.extract_docs([doc]), docs),
        "checkworthiness_ms": ms(pipeline.checkworthiness.predict, claims),
        "stance_one_target_ms": ms(lambda cs: pipeline.stance.predict([("ceasefire", c) for c in cs]), claims),
        "pipeline_one_target_ms": ms(lambda t: pipeline.predict([DocumentInput(t, targets=("ceasefire",))]), texts),
        "pipeline_detected_targets_ms": ms(lambda t: pipeline.predict([DocumentInput(t)]), texts),
    }
    print(json.dumps(row))


LINEAR_FLOP_PER_TOKEN_LAYER = 2 * (4 * 384 * 384 + 2 * 384 * 1536)  # MiniLM-L6-H384: Q, K, V, O and the FFN


def forward_passes(pipeline, texts: list[str], threads: int) -> dict:
    """Wordpieces, passes and time of each transformer model over the whole pipeline."""
    from models import DocumentInput

    models = {"tagger": pipeline.extractor.tagger.model, "checkworthiness": pipeline.checkworthiness._clf.model,
              "stance": pipeline.stance._clf.model}
    seen = {name: {"padded": 0, "real": 0, "passes": 0, "seconds": 0.0} for name in models}

    def timed(name, forward):
        def run(*args, **kwargs):
            mask = kwargs["attention_mask"]
            started = time.perf_counter()
            out = forward(*args, **kwargs)
            row = seen[name]
            row["seconds"] += time.perf_counter() - started
            row["padded"] += mask.numel()
            row["real"] += int(mask.sum())
            row["passes"] += 1
            return out
        return run

    for name, model in models.items():
        model.forward = timed(name, model.forward)
    started = time.perf_counter()
    for text in texts:
        pipeline.predict([DocumentInput(text)])
    total = time.perf_counter() - started
    n = len(texts)
    out: dict = {"articles": n, "threads": threads, "models": pipeline.models,
                 "pipeline_ms": round(total * 1000 / n, 1)}
    for name, row in seen.items():
        layers = int(models[name].config.num_hidden_layers)
        flop = row["padded"] * layers * LINEAR_FLOP_PER_TOKEN_LAYER
        out[name] = {"padded_wordpieces": round(row["padded"] / n), "real_wordpieces": round(row["real"] / n),
                     "passes": round(row["passes"] / n, 1), "ms": round(row["seconds"] * 1000 / n, 1),
                     "layers": layers, "gflop_per_s": round(flop / max(row["seconds"], 1e-9) / 1e9, 1)}
    return out


if __name__ == "__main__":
    main()
