"""Items for the issue-target labels: reported claims of PolNeAR articles judged against policy
issues ("immigration", "free trade", ...), for target relevance and stance toward concepts.

An article whose text mentions one of the issues (a keyword pattern per issue, over the article,
never over a model's output) gives every one of its reported claims (gold attributions with a
source and a content of 4 to 80 words) as items. Annotators see the article's title, the passage
around the claim, the speaker, the cue and the claim, and answer for **every** issue: not about it
("none"), or the speaker's stance toward it (favor / against / neutral). Because every claim of a
chosen article is judged against every issue, relevance recall is measured without a sample drawn
by any matcher.

    python -m models.training.issue_items build --split dev --out items-dev.jsonl
    python -m models.training.issue_items merge --split dev --items items-dev.jsonl \\
        --a labels-A.jsonl --b labels-B.jsonl --out seeds/labels/issues/dev.jsonl

``merge`` keeps each (claim, issue) answer both annotators gave (null where they differ) and prints
Cohen's kappa over all cells for relevance (about or not) and for the four-way answer.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from models.training.data import DEFAULT_DATA_ROOT
from models.training.news_items import claim_fields, items_cli, kappa, run_merge, write_jsonl
from models.training.polnear import corpus_dir, load_split

# the issues, as a user would write them, and the words that make an article worth labelling
ISSUES: dict[str, re.Pattern[str]] = {
    "immigration": re.compile(r"immigra|deport|border wall|undocumented|refugee", re.I),
    "free trade": re.compile(r"\btrade\b|NAFTA|\bTPP\b|Trans-Pacific|tariff", re.I),
    "Obamacare": re.compile(r"Obamacare|Affordable Care Act|health care law|health insurance", re.I),
    "gun control": re.compile(r"\bguns?\b|firearm|Second Amendment|\bNRA\b|background check", re.I),
    "tax cuts": re.compile(r"tax cut|tax plan|tax rate|lower taxes|raise taxes|tax relief", re.I),
    "action on climate change": re.compile(r"climate|global warming|carbon emission|fossil fuel", re.I),
}
ANSWERS = ("none", "favor", "against", "neutral")
KEEP = ("id", "article", "attribution", "speaker_span", "content_span")


def article_items(name: str, text: str, attributions: Any) -> list[dict]:
    items = []
    for k, att in enumerate(attributions):
        fields = claim_fields(text, att)
        if fields is not None:
            items.append({"id": f"{name}#{k}", "article": name, "attribution": k, **fields, "issues": list(ISSUES)})
    return items


def build(split: str, limit: int, seed: int = 13, data_root: Path | str = DEFAULT_DATA_ROOT) -> list[dict]:
    """Every claim of the articles that mention an issue, whole articles at a time, in a shuffled
    article order, up to about ``limit`` claims."""
    arts = [a for a in load_split(split, corpus_dir(data_root)) if any(rx.search(a.text) for rx in ISSUES.values())]
    random.Random(seed).shuffle(arts)
    out: list[dict] = []
    for art in arts:
        if len(out) >= limit:
            break
        out += article_items(art.name, art.text, art.attributions)
    return out


def merge(split: str, items: list[dict], a: list[dict], b: list[dict]) -> tuple[list[dict], dict]:
    la, lb = {r["id"]: r["labels"] for r in a}, {r["id"]: r["labels"] for r in b}
    both = [it for it in items if it["id"] in la and it["id"] in lb]
    cells = [(la[it["id"]].get(t, "none"), lb[it["id"]].get(t, "none")) for it in both for t in it["issues"]]
    k4, agree4 = kappa([x for x, _ in cells], [y for _, y in cells])
    kr, agree_r = kappa([str(x != "none") for x, _ in cells], [str(y != "none") for _, y in cells])
    polar = [(x, y) for x, y in cells if x != "none" and y != "none"]
    ks, agree_s = kappa([x for x, _ in polar], [y for _, y in polar]) if polar else (0.0, 0.0)
    report: dict[str, Any] = {
        "items": len(both), "cells": len(cells),
        "relevance": {"kappa": round(kr, 3), "agreement": round(agree_r, 3)},
        "answer": {"kappa": round(k4, 3), "agreement": round(agree4, 3)},
        "stance_where_both_about": {"kappa": round(ks, 3), "agreement": round(agree_s, 3), "cells": len(polar)},
    }
    rows = []
    for it in both:
        row = {k: it[k] for k in KEEP}
        row["split"] = split
        row["labels"] = {t: (la[it["id"]].get(t, "none") if la[it["id"]].get(t, "none") == lb[it["id"]].get(t, "none")
                             else None) for t in it["issues"]}
        rows.append(row)
    return rows, report


def main(argv: list[str] | None = None) -> None:
    ap, b = items_cli(__doc__.splitlines()[0], "dev", 600)
    b.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    if args.cmd == "merge":
        run_merge(args, merge)
        return
    items = build(args.split, args.limit, args.seed, args.data_root)
    write_jsonl(args.out, items)
    print(f"{len(items)} items from {len({it['article'] for it in items})} articles -> {args.out}")


if __name__ == "__main__":
    main()
