"""Summarise: each speaker's stance toward each target over their claims, and the speakers a
claim names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..types import Claim, Span, SpeakerStance, Stance, StanceEvidence
from .state import DocState


class Summarise:
    name = "summarise"

    def __call__(self, states: Sequence[DocState]) -> None:
        for state in states:
            used = {c.speaker_id for c in state.claims}
            state.speakers = [s for s in state.speakers if s.id in used]
            for speaker in state.speakers:
                if speaker.affiliation_id not in used:
                    speaker.affiliation_id = None  # its affiliation's speaker has no claim left: the name stays
            state.speaker_stances = aggregate_stances(state.claims)


def aggregate_stances(claims: Sequence[Claim]) -> list[SpeakerStance]:
    """Per speaker and target: the label with the largest summed score over the claims."""
    groups: dict[tuple[str, str], list[tuple[Claim, Stance]]] = defaultdict(list)
    for claim in claims:
        if claim.speaker_id is None:
            continue
        for stance in claim.stances:
            groups[(claim.speaker_id, stance.target)].append((claim, stance))
    out: list[SpeakerStance] = []
    for (speaker_id, target), items in groups.items():
        totals: dict[str, float] = defaultdict(float)
        for _, stance in items:
            totals[stance.label] += stance.score
        # a stance taken beats silence: neutral wins only when nobody is for or against
        polar = {k: v for k, v in totals.items() if k != "neutral"}
        label = max(polar, key=lambda k: polar[k]) if polar else "neutral"
        members = [(c, s) for c, s in items if s.label == label]
        score = totals[label] / len(members) if members else 0.0
        evidence = [StanceEvidence(c.id, Span(c.text, c.start, c.end), s.evidence) for c, s in members]
        out.append(SpeakerStance(speaker_id, target, label, round(score, 4), [c.id for c, _ in members], evidence))
    return out
