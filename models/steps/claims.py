"""BuildClaims: claim records from the resolved attributions (span, speaker, cue, type), the
author's own sentences when asked for, and speakers carried over to cues that have no source."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Any

from ..nlp import Sentence, quoted_fraction, quoted_regions
from ..types import Claim, RawAttribution, Span
from .state import DocState

_TOPIC_WORDS = frozenset({"about", "on", "regarding", "concerning", "over"})
_LEAD = re.compile(r"(?:that|whether|if)\s+", flags=re.IGNORECASE)


class BuildClaims:
    name = "build_claims"

    def __call__(self, states: Sequence[DocState]) -> None:
        for state in states:
            claims = attributed(state)
            if state.options.include_unattributed:
                claims += unattributed(state.text, state.sents, claims)
            inherit_speakers(claims)
            claims.sort(key=lambda c: (c.start, c.end))
            state.claims = claims


def attributed(state: DocState) -> list[Claim]:
    text, doc = state.text, state.doc
    regions = quoted_regions(text)
    claims: list[Claim] = []
    for i, raw in enumerate(state.raws):
        start, end = main_span(raw)
        # PolNeAR's content includes the complementizer; a claim reads better without it
        lead = _LEAD.match(text[start:end])
        if lead and lead.end() < end - start:
            start += lead.end()
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and topic_only(span):
            continue
        speaker, mention = state.resolved[i]
        cue = Span(text[raw.cue[0]:raw.cue[1]], *raw.cue) if raw.cue else None
        claims.append(Claim(
            id="", text=text[start:end], start=start, end=end, sentence=state.sentence_of(start),
            speaker_id=speaker.id if speaker is not None else None, speaker_mention=mention,
            cue=cue, type=claim_type(quoted_fraction(regions, start, end, text)),
            confidence=round(float(raw.score), 4),
            segments=[Span(text[a:b], a, b) for a, b in raw.content] if len(raw.content) > 1 else [],
        ))
    return claims


def claim_type(fraction_quoted: float) -> str:
    if fraction_quoted >= 0.8:
        return "direct"
    if fraction_quoted >= 0.15:
        return "mixed"
    return "indirect"


def topic_only(span: Any) -> bool:
    """A short phrase that names a topic ("about Ukraine", "on the federal budget") with nothing
    said about it: a topic preposition, then at most five words and no verb. PolNeAR marks such
    phrases as content after cues like "asked" or "remarks to" (35 of 19,831 train attributions,
    2 of 2,192 dev); a claim needs a proposition, so the pipeline drops them."""
    words = [t for t in span if not (t.is_space or t.is_punct)]
    return (1 < len(words) <= 6 and words[0].lower_ in _TOPIC_WORDS
            and not any(t.pos_ in {"VERB", "AUX"} for t in words[1:]))


def main_span(raw: RawAttribution) -> tuple[int, int]:
    """The claim's span: its content pieces on the side of the cue that holds most of the content.

    Content split around its cue ("We will win," she said, "and soon.") keeps every piece in
    ``segments``; the span itself never covers the cue and source between the pieces.
    """
    pieces = sorted(raw.content)
    if raw.cue is not None and len(pieces) > 1:
        before = [p for p in pieces if p[1] <= raw.cue[0]]
        after = [p for p in pieces if p[1] > raw.cue[0]]
        if before and after:
            size = sum(b - a for a, b in before), sum(b - a for a, b in after)
            pieces = before if size[0] > size[1] else after
    return pieces[0][0], pieces[-1][1]


def unattributed(text: str, sents: Sequence[Sentence], claims: Sequence[Claim]) -> list[Claim]:
    """The author's sentences of four words or more that no attributed claim overlaps."""
    covered = [(c.start, c.end) for c in claims]
    out = []
    for s in sents:
        if any(a < s.end and s.start < b for a, b in covered):
            continue
        if len(text[s.start:s.end].split()) < 4:
            continue
        out.append(Claim(id="", text=text[s.start:s.end], start=s.start, end=s.end,
                         sentence=s.index, speaker_id=None, speaker_mention=None, cue=None,
                         type="unattributed", confidence=1.0))
    return out


def _nearest(group: list[Claim], starts: list[int], start: int) -> Claim | None:
    """The claim of ``group`` (sorted by start) whose start is nearest ``start``; of two as near,
    the earlier (as ``min`` over the group in order picks)."""
    at = bisect.bisect_left(starts, start)
    after = group[at] if at < len(group) else None
    if at == 0:
        return after
    before = group[bisect.bisect_left(starts, starts[at - 1])]
    if after is None or start - before.start <= after.start - start:
        return before
    return after


def inherit_speakers(claims: list[Claim]) -> None:
    """A cue with no source takes the speaker of an attributed claim in its own sentence ("In
    remarks to the Council, an official stated ..."), else of the claim just before it in the
    previous sentence ("The concern is that ..." continues the official's remarks).

    The claims a cue can take a speaker from (a speaker and a mention of it; a claim has both or
    neither, as SpeakerResolver gives them) are grouped by sentence once and the nearest found by
    bisection: a scan of every claim per cue was quadratic in one huge sentence full of cues."""
    ordered = sorted(claims, key=lambda c: c.start)
    sources: dict[int, list[Claim]] = {}
    for c in ordered:
        if c.speaker_id is not None and c.speaker_mention is not None:
            sources.setdefault(c.sentence, []).append(c)
    starts = {sentence: [c.start for c in group] for sentence, group in sources.items()}
    for i, claim in enumerate(ordered):
        if claim.speaker_id is not None or claim.cue is None:
            continue
        nearest = _nearest(sources.get(claim.sentence, []), starts.get(claim.sentence, []), claim.start)
        if nearest is not None:
            claim.speaker_id = nearest.speaker_id
            continue
        prev = ordered[i - 1] if i > 0 else None
        if prev is not None and prev.speaker_id is not None and claim.sentence - prev.sentence == 1:
            claim.speaker_id = prev.speaker_id
