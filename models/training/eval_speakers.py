"""Speaker resolution scored on the speaker labels made for this project (seeds/labels/speakers:
the source mentions of PolNeAR dev articles grouped into speakers by two annotators; the entities
both formed from the same mentions, each field where both agreed).

    python -m models.training.eval_speakers [--split dev|dev2] [--errors]

PolNeAR's own attributions stand in for the extractor (so the figures measure speaker resolution
alone, not finding the sources); each labelled mention takes the speaker of the claim whose
source mention overlaps it most. Prints B-cubed precision / recall / F1 of the grouping over the
labelled mentions, and the accuracy of the speaker's name and type over the labelled entities (an
entity takes the speaker most of its mentions got); role, affiliation and anonymous are scored the
same way (role and affiliation over the entities where the annotators agreed on one).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from models.training.data import DEFAULT_DATA_ROOT, add_data_root
from models.training.news_data import GoldExtractor
from models.training.polnear import corpus_dir, load_split
from models.training.speaker_items import bcubed, norm_name

LABELS = Path(__file__).resolve().parents[2] / "seeds" / "labels" / "speakers"


def load_labels(split: str) -> list[dict]:
    return [json.loads(line) for line in (LABELS / f"{split}.jsonl").open(encoding="utf-8") if line.strip()]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def resolve(split: str, data_root: Path | str = DEFAULT_DATA_ROOT) -> list[dict]:
    """The labelled entities, each mention with the speaker the served resolver gives it
    (``None``: no claim holds it)."""
    from models.base import DocumentInput, Options
    from models.pipeline import ClaimPipeline

    rows = load_labels(split)
    names = {r["article"] for r in rows}
    # a second labelled part ("dev2") holds other articles of the same PolNeAR split
    corpus_split = rows[0]["split"] if rows else split
    arts = {a.name: a for a in load_split(corpus_split, corpus_dir(data_root)) if a.name in names}
    pipeline = ClaimPipeline(extractor=None)
    out = []
    for name, art in arts.items():
        pipeline.extractor = GoldExtractor(art.attributions)
        res = pipeline.predict([DocumentInput(text=art.text, options=Options(detect_targets=False))])[0]
        speakers = {sp.id: sp for sp in res.speakers}
        spans = [((c.speaker_mention.start, c.speaker_mention.end), speakers.get(c.speaker_id or ""))
                 for c in res.claims if c.speaker_mention is not None]
        for row in (r for r in rows if r["article"] == name):
            got = []
            for s, e in row["mentions"]:
                best = max(spans, key=lambda x: _overlap(x[0], (s, e)), default=None)
                got.append(best[1] if best is not None and _overlap(best[0], (s, e)) > 0 else None)
            out.append({**row, "system": got})
    return out


def score(entities: list[dict]) -> dict[str, Any]:
    gold: dict[Any, Any] = {}
    pred: dict[Any, Any] = {}
    for k, ent in enumerate(entities):
        for j, (m, sp) in enumerate(zip(ent["mentions"], ent["system"], strict=True)):
            key = (ent["article"], *m)
            gold[key] = k
            pred[key] = (ent["article"], sp.id) if sp is not None else ("none", k, j)
    p, r, f = bcubed(gold, pred)
    report: dict[str, Any] = {"entities": len(entities), "mentions": len(gold),
                              "bcubed": {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}}
    for field in ("name", "type", "role", "affiliation", "anonymous"):
        pairs = [(ent[field], _majority(ent["system"])) for ent in entities if ent.get(field) is not None]
        right = sum(sp is not None and _same(field, want, sp) for want, sp in pairs)
        report[field] = {"n": len(pairs), "accuracy": round(right / len(pairs), 4) if pairs else None}
    return report


def _majority(system: list[Any]) -> Any:
    counts = Counter(sp.id for sp in system if sp is not None)
    if not counts:
        return None
    best = counts.most_common(1)[0][0]
    return next(sp for sp in system if sp is not None and sp.id == best)


def _same(field: str, want: Any, speaker: Any) -> bool:
    if field in ("name", "role", "affiliation"):
        return norm_name(want) == norm_name(getattr(speaker, field))
    return bool(want == getattr(speaker, field))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev")
    ap.add_argument("--errors", action="store_true", help="print the entities whose name or type is wrong")
    add_data_root(ap)
    args = ap.parse_args(argv)
    entities = resolve(args.split, args.data_root)
    print(json.dumps(score(entities)))
    if args.errors:
        for ent in entities:
            sp = _majority(ent["system"])
            got = (sp.name, sp.type) if sp is not None else (None, None)
            if (ent.get("name") and got[0] is not None and norm_name(ent["name"]) != norm_name(got[0])) \
                    or (ent.get("type") and ent["type"] != got[1]):
                print(f"{ent['article'][:40]:40s} gold {ent.get('name')!r} / {ent.get('type')}  system {got[0]!r} / {got[1]}",
                      file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
