"""Concept-target relevance: does a claim talk about "immigration" or "tax cuts"? Scored on the
issue labels made for this project (seeds/labels/issues: every claim of an article judged against
six issues by two annotators; agreed answers only).

    python -m models.training.eval_concepts [--choose-on train] [--report dev]

prints relevance precision / recall / F1 of the lemma match alone (the target's words), and of
the lemma match together with the embedding match (models/concepts.py) at each threshold; the
threshold with the best F1 on ``--choose-on`` is then reported on ``--report``, overall and per issue.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from models.training.data import DEFAULT_DATA_ROOT, add_data_root
from models.training.polnear import corpus_dir, load_split

LABELS = Path(__file__).resolve().parents[2] / "seeds" / "labels" / "issues"
GRID = [round(0.30 + 0.01 * k, 2) for k in range(46)]


def load_labels(split: str) -> list[dict]:
    return [json.loads(line) for line in (LABELS / f"{split}.jsonl").open(encoding="utf-8") if line.strip()]


def cells(split: str, matcher: Any, data_root: Path | str = DEFAULT_DATA_ROOT) -> list[dict]:
    """One row per agreed (claim, issue) answer: gold relevance, the lemma match, the best phrase
    similarity."""
    from models.nlp import load_spacy
    from models.stance_cues import mentions, terms_for, words_of

    items = load_labels(split)
    names = {it["article"] for it in items}
    arts = {a.name: a for a in load_split(split, corpus_dir(data_root)) if a.name in names}
    nlp = load_spacy()
    docs = dict(zip(arts, nlp.pipe(a.text for a in arts.values()), strict=True))
    issues = list(items[0]["labels"]) if items else []
    spans, out = [], []
    for it in items:
        start = min(s for s, _ in it["content_span"])
        end = max(e for _, e in it["content_span"])
        spans.append(docs[it["article"]].char_span(start, end, alignment_mode="expand"))
    # one call per article, as the stance step makes one per document: int8 dynamic quantization
    # scales activations per batch, so the claims embedded together change the scores a little
    best: list[Any] = [None] * len(items)
    by_article: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        by_article.setdefault(it["article"], []).append(i)
    for idx in by_article.values():
        for i, row in zip(idx, matcher.match([spans[i] for i in idx], issues), strict=True):
            best[i] = row
    for it, span, row in zip(items, spans, best, strict=True):
        words = words_of(span)
        for issue, (score, _) in zip(issues, row, strict=True):
            label = it["labels"][issue]
            if label is None:
                continue
            terms = terms_for(issue)
            out.append({"id": it["id"], "issue": issue, "gold": label != "none", "label": label,
                        "lemma": bool(terms and mentions(words, terms)), "score": score})
    return out


def prf(rows: list[dict], predict: Any) -> dict:
    tp = sum(1 for r in rows if r["gold"] and predict(r))
    fp = sum(1 for r in rows if not r["gold"] and predict(r))
    fn = sum(1 for r in rows if r["gold"] and not predict(r))
    p = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * rec / (p + rec) if p + rec else 0.0
    return {"precision": round(p, 4), "recall": round(rec, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def at(threshold: float) -> Any:
    return lambda r: r["lemma"] or r["score"] >= threshold


def stance_cells(split: str, pipeline: Any, data_root: Path | str = DEFAULT_DATA_ROOT) -> list[dict]:
    """The served pipeline on the labelled claims (PolNeAR's gold attributions in place of the
    extractor) with the six issues as targets: one row per agreed (claim, issue) answer."""
    from models.training.news_data import _articles, _by_article, _match, _predict, _span

    items = load_labels(split)
    arts = _articles(split, data_root)
    issues = list(items[0]["labels"]) if items else []
    out = []
    for name, idx in _by_article(items).items():
        res = _predict(pipeline, arts[name], "gold", "mentions", issues)
        for i in idx:
            claim = _match(res.claims, _span(items[i]))
            for issue in issues:
                label = items[i]["labels"][issue]
                if label is None:
                    continue
                st = next((s for s in claim.stances if s.target == issue), None) if claim else None
                out.append({"issue": issue, "gold": label != "none", "label": "neutral" if label == "none" else label,
                            "judged": st is not None, "pred": st.label if st else "neutral"})
    return out


def stance_report(rows: list[dict]) -> dict:
    from models.training.news_stance import stance_scores

    res = stance_scores([r["pred"] for r in rows], [r["label"] for r in rows])
    res["relevance"] = prf([{**r, "gold": r["gold"]} for r in rows], lambda r: r["judged"])
    about = [r for r in rows if r["gold"]]
    res["on_cells_about_the_issue"] = stance_scores([r["pred"] for r in about], [r["label"] for r in about])
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--choose-on", default="train")
    ap.add_argument("--report", default="dev")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prefilter", type=float, default=None, help="override the matcher's first-pass bound")
    ap.add_argument("--precision", default="int8", choices=["int8", "fp32"], help="int8 is what is served on a CPU")
    ap.add_argument("--stance", action="store_true",
                    help="run the served pipeline (stance step) on --report, with and without the matcher")
    ap.add_argument("--models", default="full", choices=["full", "fast"])
    add_data_root(ap)
    args = ap.parse_args(argv)
    if args.stance:
        from models.training.news_data import served_pipeline

        pipeline = served_pipeline(args.models, None, args.threads)
        matcher = pipeline.concepts
        for name, concepts in (("words only", None), ("words or meaning", matcher)):
            pipeline.concepts = concepts
            res = stance_report(stance_cells(args.report, pipeline, args.data_root))
            about = res["on_cells_about_the_issue"]
            print(f"{args.report} {name:16s} relevance {json.dumps(res['relevance'])}")
            print(f"{'':20s} all cells: F_avg {res['f_avg']:.4f} macro-F1 {res['macro_f1']:.4f} acc {res['accuracy']:.4f}"
                  f" | cells about the issue ({about['n']}): F_avg {about['f_avg']:.4f} macro-F1 {about['macro_f1']:.4f}")
        return 0
    import torch

    from models.concepts import ConceptMatcher

    torch.set_num_threads(args.threads)
    matcher = ConceptMatcher(precision=args.precision)
    if args.prefilter is not None:
        matcher.prefilter = args.prefilter
    chosen = None
    for split in dict.fromkeys([args.choose_on, args.report]):
        rows = cells(split, matcher, args.data_root)
        print(f"{split}: {len(rows)} agreed cells, {sum(r['gold'] for r in rows)} about the issue")
        print(f"  lemma alone      {json.dumps(prf(rows, lambda r: r['lemma']))}")
        print(f"  embedding alone at 0.55 {json.dumps(prf(rows, lambda r: r['score'] >= 0.55))}")
        scored = {t: prf(rows, at(t)) for t in GRID}
        for t in GRID[::5]:
            print(f"  lemma or >= {t:.2f} {json.dumps(scored[t])}")
        if split == args.choose_on:
            chosen = max(GRID, key=lambda t: (scored[t]["f1"], t))
            print(f"  chosen threshold {chosen:.2f}: {json.dumps(scored[chosen])}")
        if split == args.report and chosen is not None:
            print(f"  at the chosen threshold {chosen:.2f}: {json.dumps(prf(rows, at(chosen)))}")
            for issue in dict.fromkeys(r["issue"] for r in rows):
                sub = [r for r in rows if r["issue"] == issue]
                print(f"    {issue:26s} lemma {json.dumps(prf(sub, lambda r: r['lemma']))}")
                print(f"    {'':26s} both  {json.dumps(prf(sub, at(chosen)))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
