"""Items for the speaker labels: the source mentions of whole PolNeAR articles, to be grouped into
speakers (one entity across its mentions) with a name, type, role, affiliation and an anonymous
flag, by two independent annotators.

An item is one article: its text and every distinct source span of its gold attributions, in text
order (``m1``, ``m2``, ...). The annotator groups the mentions into entities and describes each
entity once. The committed labels keep offsets only (the texts stay in ``../shared/data``).

    python -m models.training.speaker_items build --split dev --limit 48 --out items-dev.jsonl
    python -m models.training.speaker_items merge --split dev --items items-dev.jsonl \\
        --a labels-A.jsonl --b labels-B.jsonl --out seeds/labels/speakers/dev.jsonl

``merge`` keeps, per article, the entities both annotators formed from exactly the same mentions,
with each field (name, type, role, affiliation, anonymous) where both gave it (null where they
differ), and prints the agreement: B-cubed F1 of one grouping against the other, Cohen's kappa over
mention pairs (same speaker or not) and over each mention's type, and name agreement.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from models.speakers import name_key
from models.training.data import DEFAULT_DATA_ROOT
from models.training.news_items import items_cli, kappa, run_merge, write_jsonl
from models.training.polnear import corpus_dir, load_split

TYPES = ("person", "organization", "country", "media", "document", "group", "unknown")
FIELDS = ("name", "type", "role", "affiliation", "anonymous")


def mentions_of(text: str, attributions: Iterable[Any]) -> list[dict]:
    """The distinct source spans of an article (each attribution's source, its pieces covered
    by one span), in text order, numbered m1, m2, ..."""
    spans = sorted({(min(s for s, _ in a.source), max(e for _, e in a.source)) for a in attributions if a.source})
    return [{"m": f"m{k}", "start": s, "end": e, "text": text[s:e]} for k, (s, e) in enumerate(spans, 1)]


def marked(text: str, mentions: Sequence[dict]) -> str:
    """The article with each mention written inline as ``[[m3: Mr. Trump]]`` (nested or
    overlapping mentions are listed, not marked)."""
    out, at = [], 0
    for m in mentions:
        if m["start"] < at:
            continue
        out += [text[at:m["start"]], f"[[{m['m']}: {m['text']}]]"]
        at = m["end"]
    out.append(text[at:])
    return "".join(out)


def build(split: str, limit: int, seed: int = 13, skip: int = 0,
          data_root: Path | str = DEFAULT_DATA_ROOT) -> list[dict]:
    """``limit`` whole articles of ``split`` in a shuffled order, after the first ``skip`` of that
    order (a second labelled part), each with its source mentions."""
    arts = [a for a in load_split(split, corpus_dir(data_root)) if any(x.source for x in a.attributions)]
    random.Random(seed).shuffle(arts)
    items = []
    for art in arts[skip:skip + limit]:
        ms = mentions_of(art.text, art.attributions)
        items.append({"id": art.name, "article": art.name, "mentions": ms, "text": marked(art.text, ms)})
    return items


def norm_name(name: str | None) -> str:
    """A name compared without case, a leading article, punctuation or spacing, as the resolver
    compares names for speaker keys (models.speakers.name_key)."""
    return name_key(name or "")


def partition(entities: Sequence[dict]) -> dict[str, int]:
    """mention id -> entity index."""
    return {m: k for k, ent in enumerate(entities) for m in ent["mentions"]}


def bcubed(gold: dict[str, Any], pred: dict[str, Any]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a grouping ``pred`` against ``gold`` (mention ->
    cluster label), over the mentions both hold."""
    ms = [m for m in gold if m in pred]
    if not ms:
        return 0.0, 0.0, 0.0
    gc: dict[Any, set[str]] = {}
    pc: dict[Any, set[str]] = {}
    for m in ms:
        gc.setdefault(gold[m], set()).add(m)
        pc.setdefault(pred[m], set()).add(m)
    p = sum(len(gc[gold[m]] & pc[pred[m]]) / len(pc[pred[m]]) for m in ms) / len(ms)
    r = sum(len(gc[gold[m]] & pc[pred[m]]) / len(gc[gold[m]]) for m in ms) / len(ms)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _value(ent: dict, field: str) -> Any:
    v = ent.get(field)
    if field in ("name", "affiliation", "role"):
        return norm_name(v) or None
    return v


def merge(split: str, items: list[dict], a: list[dict], b: list[dict]) -> tuple[list[dict], dict]:
    la, lb = {r["article"]: r for r in a}, {r["article"]: r for r in b}
    both = [it for it in items if it["article"] in la and it["article"] in lb]
    pairs_a: list[str] = []
    pairs_b: list[str] = []
    per_mention: dict[str, tuple[list, list]] = {f: ([], []) for f in FIELDS}
    b3 = []
    rows = []
    for it in both:
        ea, eb = la[it["article"]]["entities"], lb[it["article"]]["entities"]
        pa, pb = partition(ea), partition(eb)
        ids = [m["m"] for m in it["mentions"] if m["m"] in pa and m["m"] in pb]
        b3.append((len(ids), bcubed(pa, pb)[2]))
        for i, x in enumerate(ids):
            for y in ids[i + 1:]:
                pairs_a.append(str(pa[x] == pa[y]))
                pairs_b.append(str(pb[x] == pb[y]))
            for f in FIELDS:
                per_mention[f][0].append(str(_value(ea[pa[x]], f)))
                per_mention[f][1].append(str(_value(eb[pb[x]], f)))
        spans = {m["m"]: [m["start"], m["end"]] for m in it["mentions"]}
        by_set = {frozenset(e["mentions"]): e for e in eb}
        for ent in ea:
            other = by_set.get(frozenset(ent["mentions"]))
            if other is None or not ent["mentions"]:
                continue
            row = {"article": it["article"], "split": split,
                   "mentions": [spans[m] for m in sorted(ent["mentions"], key=lambda m: int(m[1:]))]}
            for f in FIELDS:
                same = _value(ent, f) == _value(other, f)
                row[f] = ent.get(f) if same else None
            rows.append(row)
    n = sum(k for k, _ in b3)
    report: dict[str, Any] = {
        "articles": len(both), "mentions": n,
        "bcubed_f1": round(sum(k * f for k, f in b3) / n, 3) if n else None,
        "link": dict(zip(("kappa", "agreement"), map(lambda v: round(v, 3), kappa(pairs_a, pairs_b)), strict=True)),
        "agreed_entities": len(rows),
        "agreed_mentions": sum(len(r["mentions"]) for r in rows),
    }
    for f in FIELDS:
        k, agree = kappa(*per_mention[f]) if per_mention[f][0] else (0.0, 0.0)
        report[f] = {"kappa": round(k, 3), "agreement": round(agree, 3)}
    return rows, report


def main(argv: list[str] | None = None) -> None:
    ap, b = items_cli(__doc__.splitlines()[0], "dev", 48)
    b.add_argument("--skip", type=int, default=0, help="leave out the first articles of the shuffled order")
    args = ap.parse_args(argv)
    if args.cmd == "merge":
        run_merge(args, merge)
        return
    items = build(args.split, args.limit, skip=args.skip, data_root=args.data_root)
    write_jsonl(args.out, items)
    print(f"{len(items)} articles, {sum(len(it['mentions']) for it in items)} mentions -> {args.out}")


if __name__ == "__main__":
    main()
