"""Evaluate an attribution extractor on PolNeAR dev (one annotation per article: first annotator id).

    python -m models.training.eval_attribution --extractor tagger
    python -m models.training.eval_attribution --extractor spacy
    python -m models.training.eval_attribution --extractor hybrid   # what the service uses
    python -m models.training.eval_attribution --extractor all --time-threads 1,2

Metrics (predicted spans are the cue / source / content pieces of the returned attributions):

* span EXACT: a predicted span equals a gold span of the same role after stripping whitespace and
  punctuation (incl. quotation marks) at both edges. Gold spans = the pieces of each role of each
  gold attribution, pieces separated only by whitespace/punctuation merged.
* span OVERLAP: a predicted span matches if it shares at least one word token (``\\w+``) with a
  gold span of the same role. P = matched predicted / predicted, R = matched gold / gold (each
  side counted on its own, not one-to-one).
* TOKEN: every word token (``\\w+``) gets the role of the span that covers it (gold / predicted);
  P/R/F1 per role over these tokens.
* ATTRIBUTION: one-to-one greedy matching of whole attributions. OVERLAP: cue overlaps, content
  overlaps, and source overlaps (or both have no source). EXACT: the same with exact (normalised)
  cue, source and content (content compared as its normalised covering span).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from models.tagger import ROLES
from models.training.data import add_data_root
from models.training.polnear import Article, corpus_dir, load_split
from models.types import Offsets, RawAttribution

_WORD = re.compile(r"\w+")


def _is_edge(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith(("P", "S"))


def norm(text: str, s: int, e: int) -> Offsets | None:
    while s < e and _is_edge(text[s]):
        s += 1
    while e > s and _is_edge(text[e - 1]):
        e -= 1
    return (s, e) if e > s else None


def _merge_pieces(text: str, pieces: Sequence[Offsets]) -> list[Offsets]:
    out: list[list[int]] = []
    for s, e in sorted(pieces):
        if out and all(_is_edge(c) for c in text[out[-1][1] : s]):
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> dict:
    p = tp_p / n_p if n_p else 0.0
    r = tp_g / n_g if n_g else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "n_pred": n_p, "n_gold": n_g}


def _word_ids(text: str) -> tuple[list[int], list[Offsets]]:
    """char -> word index (-1 outside words), and the word offsets."""
    cid = [-1] * len(text)
    words = []
    for k, m in enumerate(_WORD.finditer(text)):
        words.append((m.start(), m.end()))
        for i in range(m.start(), m.end()):
            cid[i] = k
    return cid, words


def _words_of(cid: list[int], span: Offsets) -> set[int]:
    return {cid[i] for i in range(span[0], min(span[1], len(cid))) if cid[i] >= 0}


def role_spans_pred(text: str, atts: Sequence[RawAttribution]) -> dict[str, list[Offsets]]:
    out: dict[str, set[Offsets]] = {r: set() for r in ROLES}
    for a in atts:
        if a.cue:
            out["Cue"].add(a.cue)
        if a.source:
            out["Source"].add(a.source)
        for p in _merge_pieces(text, a.content):
            out["Content"].add(p)
    return {r: sorted(v) for r, v in out.items()}


def role_spans_gold(art: Article) -> dict[str, list[Offsets]]:
    out: dict[str, list[Offsets]] = {r: [] for r in ROLES}
    for a in art.attributions:
        for r in ROLES:
            out[r].extend(_merge_pieces(art.text, a.pieces(r)))
    return {r: sorted(set(v)) for r, v in out.items()}


def _cover(p: Sequence[Offsets]) -> Offsets | None:
    return (min(s for s, _ in p), max(e for _, e in p)) if p else None


def evaluate_predictions(
    articles: Sequence[Article], predictions: Sequence[Sequence[RawAttribution]]
) -> dict:
    c = {
        r: {
            "ex_p": 0,
            "ex_g": 0,
            "ov_p": 0,
            "ov_g": 0,
            "n_p": 0,
            "n_g": 0,
            "tok_tp": 0,
            "tok_p": 0,
            "tok_g": 0,
        }
        for r in ROLES
    }
    att = {"n_p": 0, "n_g": 0, "ov": 0, "ex": 0}
    for art, preds in zip(articles, predictions, strict=True):
        text = art.text
        cid, _ = _word_ids(text)
        gold = role_spans_gold(art)
        pred = role_spans_pred(text, preds)
        for r in ROLES:
            cr = c[r]
            g_norm = {norm(text, *s) for s in gold[r]} - {None}
            p_norm = {norm(text, *s) for s in pred[r]} - {None}
            cr["n_g"] += len(gold[r])
            cr["n_p"] += len(pred[r])
            cr["ex_p"] += sum(1 for s in pred[r] if norm(text, *s) in g_norm)
            cr["ex_g"] += sum(1 for s in gold[r] if norm(text, *s) in p_norm)
            gw = [_words_of(cid, s) for s in gold[r]]
            pw = [_words_of(cid, s) for s in pred[r]]
            g_all = set().union(*gw) if gw else set()
            p_all = set().union(*pw) if pw else set()
            cr["ov_p"] += sum(1 for w in pw if w & g_all)
            cr["ov_g"] += sum(1 for w in gw if w & p_all)
            cr["tok_tp"] += len(g_all & p_all)
            cr["tok_p"] += len(p_all)
            cr["tok_g"] += len(g_all)

        # whole attributions, greedy one-to-one
        def feats(cue, src, content, text=text, cid=cid):
            cw = _words_of(cid, cue) if cue else set()
            sw = _words_of(cid, src) if src else set()
            tw = set().union(*[_words_of(cid, p) for p in content]) if content else set()
            cov = _cover(content)
            ex = (
                norm(text, *cue) if cue else None,
                norm(text, *src) if src else None,
                norm(text, *cov) if cov else None,
            )
            return cw, sw, tw, ex, src is not None

        golds = [feats(a.to_raw().cue, a.to_raw().source, a.content) for a in art.attributions]
        predf = [feats(a.cue, a.source, a.content) for a in preds]
        att["n_g"] += len(golds)
        att["n_p"] += len(predf)
        for key in ("ov", "ex"):
            used: set[int] = set()
            for pf in predf:
                for gi, gf in enumerate(golds):
                    if gi in used:
                        continue
                    if key == "ov":
                        ok = (
                            (pf[0] & gf[0])
                            and (pf[2] & gf[2])
                            and ((pf[1] & gf[1]) if (pf[4] and gf[4]) else (pf[4] == gf[4]))
                        )
                    else:
                        ok = pf[3] == gf[3] and pf[3][0] is not None
                    if ok:
                        used.add(gi)
                        att[key] += 1
                        break
    res: dict = {"articles": len(articles)}
    for r in ROLES:
        cr = c[r]
        res[r.lower()] = {
            "exact": _prf(cr["ex_p"], cr["n_p"], cr["ex_g"], cr["n_g"]),
            "overlap": _prf(cr["ov_p"], cr["n_p"], cr["ov_g"], cr["n_g"]),
            "token": _prf(cr["tok_tp"], cr["tok_p"], cr["tok_tp"], cr["tok_g"]),
        }
    res["attribution"] = {
        "exact": _prf(att["ex"], att["n_p"], att["ex"], att["n_g"]),
        "overlap": _prf(att["ov"], att["n_p"], att["ov"], att["n_g"]),
    }
    return res


def evaluate(extractor, articles: Sequence[Article]) -> dict:
    texts = [a.text for a in articles]
    t0 = time.time()
    if hasattr(extractor, "extract_many"):
        preds = []
        for i in range(0, len(texts), 8):
            preds.extend(extractor.extract_many(texts[i : i + 8]))
    else:
        preds = [extractor.extract(t) for t in texts]
    res = evaluate_predictions(articles, preds)
    res["seconds"] = round(time.time() - t0, 1)
    return res


def format_table(name: str, res: dict) -> str:
    lines = [
        f"== {name} on {res['articles']} dev articles ==",
        f"{'role':<12}{'match':<9}{'P':>7}{'R':>7}{'F1':>7}{'#pred':>8}{'#gold':>8}",
    ]
    for r in ("source", "cue", "content", "attribution"):
        for kind in ("exact", "overlap", "token"):
            if kind not in res[r]:
                continue
            m = res[r][kind]
            lines.append(
                f"{r:<12}{kind:<9}{m['p']:>7.3f}{m['r']:>7.3f}{m['f1']:>7.3f}{m['n_pred']:>8}{m['n_gold']:>8}"
            )
    return "\n".join(lines)


def load_extractor(kind: str, weights: Path | None = None):
    if kind == "tagger":
        from models.tagger import AttributionTagger

        return AttributionTagger.load(weights)
    if kind == "spacy":
        from models.spacy_extractor import SpacyExtractor

        return SpacyExtractor.load()
    if kind == "hybrid":
        from models.hybrid import HybridExtractor
        from models.spacy_extractor import SpacyExtractor
        from models.tagger import AttributionTagger

        return HybridExtractor(AttributionTagger.load(weights), SpacyExtractor.load())
    raise ValueError(kind)


def time_extract(extractor, texts: Sequence[str], threads: int) -> float:
    import torch

    torch.set_num_threads(threads)
    extractor.extract(texts[0])  # warm-up
    t0 = time.perf_counter()
    for t in texts:
        extractor.extract(t)
    return (time.perf_counter() - t0) * 1000 / len(texts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extractor", default="tagger", choices=["tagger", "spacy", "hybrid", "all"])
    ap.add_argument("--split", default="dev")
    ap.add_argument("--weights", type=Path, default=None)
    ap.add_argument("--max-articles", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--time-threads", default="", help="e.g. 1,2: also time extract() ms/article")
    ap.add_argument("--json", type=Path, default=None, help="write all results as JSON here")
    ap.add_argument("--overlap", type=int, default=None,
                    help="wordpieces shared by neighbouring tagger windows (default: the weights' setting)")
    ap.add_argument(
        "--write-metrics",
        action="store_true",
        help="store the tagger's dev figures in its weights' metrics.json",
    )
    add_data_root(ap)
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(max(1, args.threads))
    articles = load_split(args.split, corpus_dir(args.data_root))
    if args.max_articles:
        articles = articles[: args.max_articles]
    kinds = ["tagger", "spacy", "hybrid"] if args.extractor == "all" else [args.extractor]
    results = {}
    for kind in kinds:
        try:
            ex = load_extractor(kind, args.weights)
        except (ImportError, FileNotFoundError, AttributeError) as err:
            print(f"[{kind}] not available: {err}")
            continue
        if args.overlap is not None:
            tagger = getattr(ex, "tagger", ex)
            if hasattr(tagger, "overlap"):
                tagger.overlap = args.overlap
        res = evaluate(ex, articles)
        if args.time_threads:
            res["ms_per_article"] = {
                str(n): round(time_extract(ex, [a.text for a in articles], int(n)), 1)
                for n in args.time_threads.split(",")
            }
            torch.set_num_threads(max(1, args.threads))
        results[kind] = res
        print(format_table(kind, res))
        print(
            f"eval time {res['seconds']}s"
            + (
                f"; extract() ms/article by threads: {res['ms_per_article']}"
                if "ms_per_article" in res
                else ""
            )
        )
        if kind == "hybrid" and args.write_metrics:
            (ex.tagger.path / "hybrid_metrics.json").write_text(json.dumps(res, indent=1) + "\n")
        if kind == "tagger" and args.write_metrics:
            mpath = ex.path / "metrics.json"
            meta = json.loads(mpath.read_text()) if mpath.exists() else {}
            meta["dev"] = {k: v for k, v in res.items()}
            mpath.write_text(json.dumps(meta, indent=2))
    if len(results) == 2:
        a = results["tagger"]["attribution"]["overlap"]["f1"]
        b = results["spacy"]["attribution"]["overlap"]["f1"]
        print(f"winner on attribution overlap F1: {'tagger' if a >= b else 'spacy'} ({a:.3f} vs {b:.3f})")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
