"""Items for the news stance and check-worthiness labels, built from PolNeAR's gold attributions.

Each item is one reported claim (a gold attribution with a source and a content) from a 2016
election article, with the target the claim is about: "Donald Trump" or "Hillary Clinton" when its
content names one of them (a claim naming both gives two items), or, for a claim that refers to
someone only by a pronoun, the candidate the article names most. Annotators see the article's
title, the passage around the claim, the speaker as the corpus marks it, the cue, the claim and the
target; they never see a model's output.

    python -m models.training.news_items build --split train --limit 1000 --out items-train.jsonl
    python -m models.training.news_items build --split dev --limit 300 --per-article 12 --out items-dev.jsonl
    python -m models.training.news_items merge --split dev --items items-dev.jsonl \
        --a labels-dev-A.jsonl --b labels-dev-B.jsonl --out seeds/labels/news/dev.jsonl

``merge`` keeps, for each field (stance, about_target, checkworthy), the answer both annotators
gave, and null where they differ; it prints Cohen's kappa and the raw agreement of each field.

The split is PolNeAR's, so dev items come from dev articles only. The items carry offsets into the
article, so labels can be joined back to the text without storing it in the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from typing import Any

from models.training.data import DEFAULT_DATA_ROOT, add_data_root
from models.training.polnear import corpus_dir, load_split

TARGETS = {
    "Donald Trump": re.compile(r"\b(Trump|Donald)\b"),
    "Hillary Clinton": re.compile(r"\b(Hillary|Clinton)\b"),
}
_PRONOUN = re.compile(r"\b(he|him|his|she|her)\b", re.IGNORECASE)
CONTEXT_BEFORE, CONTEXT_AFTER = 350, 150


def _passage(text: str, start: int, end: int) -> str:
    """The text around a claim, cut at line or sentence boundaries where there is one."""
    a = max(0, start - CONTEXT_BEFORE)
    cut = max(text.rfind("\n", a, start), text.rfind(". ", a, start))
    a = cut + 1 if cut >= 0 else a
    b = min(len(text), end + CONTEXT_AFTER)
    stop = text.find("\n", end, b)
    b = stop if stop >= 0 else b
    return " ".join(text[a:b].split())


def claim_fields(text: str, att: Any) -> dict | None:
    """What annotators see of one gold attribution (title, passage, speaker, cue, claim) and its
    offsets; None without a source or a content of 4 to 80 words."""
    if not att.source or not att.content:
        return None
    start, end = min(s for s, _ in att.content), max(e for _, e in att.content)
    claim = " ... ".join(" ".join(text[s:e].split()) for s, e in att.content)
    if not 4 <= len(claim.split()) <= 80:
        return None
    return {
        "title": text.strip().splitlines()[0][:200],
        "passage": _passage(text, start, end),
        "speaker": " ".join(" ".join(text[s:e] for s, e in att.source).split()),
        "speaker_span": [list(p) for p in att.source],
        "cue": " ".join(" ".join(text[s:e] for s, e in att.cue).split()),
        "claim": claim,
        "content_span": [list(p) for p in att.content],
    }


def article_items(name: str, text: str, attributions) -> list[dict]:
    counts = {t: len(rx.findall(text)) for t, rx in TARGETS.items()}
    if not any(counts.values()):
        return []
    main = max(counts, key=lambda t: counts[t])
    items = []
    for k, att in enumerate(attributions):
        fields = claim_fields(text, att)
        if fields is None:
            continue
        named = [t for t, rx in TARGETS.items() if rx.search(fields["claim"])]
        if named:
            targets, why = named, "named"
        elif _PRONOUN.search(fields["claim"]) and counts[main] >= 3:
            targets, why = [main], "pronoun"
        else:
            continue
        for target in targets:
            items.append({"id": f"{name}#{k}#{target.split()[-1].lower()}", "article": name, "attribution": k,
                          **fields, "target": target, "selected_by": why})
    return items


def build(split: str, limit: int, seed: int = 13, per_article: int = 8,
          pronoun_share: float = 0.35, data_root: Path | str = DEFAULT_DATA_ROOT) -> list[dict]:
    """At most ``per_article`` items an article; about ``pronoun_share`` of them chosen by a pronoun."""
    rng = random.Random(seed)
    pool = []
    for art in load_split(split, corpus_dir(data_root)):
        items = article_items(art.name, art.text, art.attributions)
        rng.shuffle(items)
        pool += items[:per_article]
    rng.shuffle(pool)
    named = [it for it in pool if it["selected_by"] == "named"]
    pronoun = [it for it in pool if it["selected_by"] == "pronoun"]
    n_pronoun = min(len(pronoun), round(limit * pronoun_share))
    out = named[:limit - n_pronoun] + pronoun[:n_pronoun]
    rng.shuffle(out)
    return out


FIELDS = ("stance", "about_target", "checkworthy")
KEEP = ("id", "article", "attribution", "target", "speaker_span", "content_span", "selected_by")


def kappa(a: list[str], b: list[str]) -> tuple[float, float]:
    """Cohen's kappa and the raw agreement of two annotators' labels."""
    n = len(a)
    agree = sum(x == y for x, y in zip(a, b, strict=True)) / n
    chance = sum(a.count(k) * b.count(k) for k in set(a) | set(b)) / n / n
    return (agree - chance) / (1 - chance) if chance < 1 else 1.0, agree


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def merge(split: str, items: list[dict], a: list[dict], b: list[dict]) -> tuple[list[dict], dict]:
    la, lb = {r["id"]: r for r in a}, {r["id"]: r for r in b}
    both = [it for it in items if it["id"] in la and it["id"] in lb]
    report: dict[str, Any] = {"items": len(both)}
    for f in FIELDS:
        k, agree = kappa([la[it["id"]][f] for it in both], [lb[it["id"]][f] for it in both])
        report[f] = {"kappa": round(k, 3), "agreement": round(agree, 3),
                     "agreed": sum(la[it["id"]][f] == lb[it["id"]][f] for it in both)}
    rows = []
    for it in both:
        row = {k: it[k] for k in KEEP}
        row["split"] = split
        for f in FIELDS:
            row[f] = la[it["id"]][f] if la[it["id"]][f] == lb[it["id"]][f] else None
        rows.append(row)
    return rows, report


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def items_cli(description: str, split: str, limit: int) -> tuple[argparse.ArgumentParser, Any]:
    """The ``build`` and ``merge`` commands of an item builder (this module and
    models/training/issue_items.py); returns the parser and the ``build`` subparser."""
    ap = argparse.ArgumentParser(description=description)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--split", default=split)
    b.add_argument("--limit", type=int, default=limit)
    b.add_argument("--out", type=Path, required=True)
    add_data_root(b)
    m = sub.add_parser("merge")
    m.add_argument("--split", required=True)
    m.add_argument("--items", type=Path, required=True)
    m.add_argument("--a", type=Path, nargs="+", required=True)
    m.add_argument("--b", type=Path, nargs="+", required=True)
    m.add_argument("--out", type=Path, required=True)
    return ap, b


def run_merge(args: argparse.Namespace, merge_fn: Any) -> None:
    """Merge both annotators' files with ``merge_fn``, write the agreed rows, print the report."""
    la = [r for p in args.a for r in _read(p)]
    lb = [r for p in args.b for r in _read(p)]
    rows, report = merge_fn(args.split, _read(args.items), la, lb)
    write_jsonl(args.out, rows)
    print(json.dumps(report))


def main(argv: list[str] | None = None) -> None:
    ap, b = items_cli(__doc__.splitlines()[0], "train", 1000)
    b.add_argument("--per-article", type=int, default=8)
    args = ap.parse_args(argv)
    if args.cmd == "merge":
        run_merge(args, merge)
        return
    items = build(args.split, args.limit, per_article=args.per_article, data_root=args.data_root)
    write_jsonl(args.out, items)
    by: dict = {}
    for it in items:
        by[(it["target"], it["selected_by"])] = by.get((it["target"], it["selected_by"]), 0) + 1
    print(f"{len(items)} items -> {args.out}: {by}")


if __name__ == "__main__":
    main()
