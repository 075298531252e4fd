"""The hybrid extractor: the trained tagger, checked and completed by the dependency rules.

On PolNeAR dev the tagger finds far more attributions than the rules (recall), while the rules'
content spans are more precise where they fire. The hybrid keeps every tagger attribution and lets
a rule attribution with the same cue replace the tagger's content (and fill a missing source) when
the two contents do not overlap: the tagger's distance-based grouping sometimes links a cue to the
content of the sentence before. Adding the rule attributions whose cue the tagger missed
(``add_missing``) did not help on dev, so it is off.

PolNeAR dev, overlap F1 (attribution / source / content): tagger 0.703 / 0.814 / 0.848;
hybrid 0.707 / 0.817 / 0.845 before content gaps were closed (``_close_gaps``), 0.707 / 0.817 /
0.864 after; rules alone 0.541 / 0.588 / 0.594. Two stricter variants (keep
only the tagger's pieces that the rules confirm, or only those on the rules' side of the cue)
lowered content token F1 from 0.890 to 0.85, because PolNeAR content often lies on both sides of
its cue ("X, he said, Y").
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from .nlp import load_spacy
from .types import Offsets, RawAttribution


def _overlaps(a: Offsets | None, b: Offsets | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _any_overlap(xs: Sequence[Offsets], ys: Sequence[Offsets]) -> bool:
    return any(_overlaps(x, y) for x in xs for y in ys)


_ADDRESSEE_CUE = re.compile(r"\b(?:remarks|comments|testimony|speech|address|letter|message|statement)\s+to$",
                            re.IGNORECASE)


def _drop_addressee(text: str, att: RawAttribution) -> RawAttribution:
    """In "remarks to the Security Council" the noun after "to" is the audience, not the source."""
    if att.cue is None or att.source is None or att.source[0] < att.cue[1]:
        return att
    if text[att.cue[1]:att.source[0]].strip() or not _ADDRESSEE_CUE.search(text[att.cue[0]:att.cue[1]]):
        return att
    return RawAttribution(att.cue, None, att.content, att.score)


_GAP_LIMIT = 60
_GAP_STOP = re.compile(r"[\n.!?\"“”«»]")


def _close_gaps(text: str, atts: Sequence[RawAttribution]) -> list[RawAttribution]:
    """Join neighbouring content pieces of an attribution when only a few words the tagger left
    out lie between them: no cue, no source of its own, no sentence end, quotation mark or line
    break, at most 60 characters ("protecting Kyiv's government without [getting entangled] in
    strict border negotiations"). Pieces split around their cue ("X," she said, "Y") stay apart.

    PolNeAR dev, hybrid with the 6-layer tagger: content span exact F1 0.549 -> 0.580, overlap F1
    0.845 -> 0.864, content token F1 0.884 either way, attribution F1 unchanged; with the 3-layer
    student, which leaves more gaps: exact 0.479 -> 0.516, overlap 0.833 -> 0.854, token 0.866 ->
    0.867.
    """
    cues = [a.cue for a in atts if a.cue is not None]
    out = []
    for att in atts:
        pieces = sorted(att.content)
        joined = pieces[:1]
        for s, e in pieces[1:]:
            ps, pe = joined[-1]
            gap = text[pe:s]
            if (len(gap) <= _GAP_LIMIT and not _GAP_STOP.search(gap)
                    and not any(_overlaps(c, (pe, s)) for c in cues)
                    and not _overlaps(att.source, (pe, s))):
                joined[-1] = (ps, e)
            else:
                joined.append((s, e))
        content = tuple(joined)
        out.append(att if content == tuple(att.content) else
                   RawAttribution(att.cue, att.source, content, att.score))
    return out


def merge(tagged: Sequence[RawAttribution], ruled: Sequence[RawAttribution],
          add_missing: bool = False, fix_content: bool = True, text: str | None = None) -> list[RawAttribution]:
    out: list[RawAttribution] = []
    used: set[int] = set()
    for att in tagged:
        match = next((i for i, r in enumerate(ruled) if i not in used and _overlaps(att.cue, r.cue)), None)
        if match is None:
            out.append(att)
            continue
        used.add(match)
        rule = ruled[match]
        content, source = att.content, att.source
        if fix_content and not _any_overlap(att.content, rule.content):
            content = rule.content
        if source is None:
            source = rule.source
        out.append(RawAttribution(att.cue, source, content, max(att.score, rule.score)))
    if text is not None:
        out = _close_gaps(text, [_drop_addressee(text, a) for a in out])
    if add_missing:
        taken = [c for a in out for c in a.content]
        for i, rule in enumerate(ruled):
            if i in used or _any_overlap(rule.content, taken):
                continue
            out.append(rule)
    out.sort(key=lambda a: a.content[0][0] if a.content else 0)
    return out


class HybridExtractor:
    name = "claimscope-attribution-hybrid"

    def __init__(self, tagger: Any, rules: Any) -> None:
        self.tagger = tagger
        self.rules = rules

    def info(self) -> dict[str, Any]:
        info = dict(self.tagger.info())
        info["combined_with"] = self.rules.info()["name"]
        measured = self.tagger.path / "hybrid_metrics.json"
        if measured.is_file():
            info["tagger_dev_metrics"] = info.pop("dev_metrics", None)
            info["dev_metrics"] = json.loads(measured.read_text())
        return info

    def extract_docs(self, docs: Sequence[Any]) -> list[list[RawAttribution]]:
        """The tagger's attributions (all documents' windows together), corrected by the rules."""
        tagged = self.tagger.extract_many([d.text for d in docs])
        return [merge(t, self.rules.extract_doc(d), text=d.text) for t, d in zip(tagged, docs, strict=True)]

    def extract_many(self, texts: Sequence[str]) -> list[list[RawAttribution]]:
        return self.extract_docs(list(load_spacy().pipe(texts)))

    def extract(self, text: str) -> list[RawAttribution]:
        return self.extract_many([text])[0]
