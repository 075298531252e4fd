"""Attribute: the extractor's attributions (cue, source, content) of every document at once."""

from __future__ import annotations

from collections.abc import Sequence

from ..base import Extractor
from ..types import RawAttribution
from .state import DocState


class Attribute:
    name = "attribute"

    def __init__(self, extractor: Extractor) -> None:
        self.extractor = extractor

    def __call__(self, states: Sequence[DocState]) -> None:
        found = self.extractor.extract_docs([s.doc for s in states])
        for state, raws in zip(states, found, strict=True):
            state.raws = dedupe(raws)


def dedupe(raws: Sequence[RawAttribution]) -> list[RawAttribution]:
    """Drop attributions whose content equals another's; keep the higher score."""
    best: dict[tuple[int, int], RawAttribution] = {}
    for raw in raws:
        if not raw.content:
            continue
        key = (raw.content[0][0], raw.content[-1][1])
        if key not in best or raw.score > best[key].score:
            best[key] = raw
    return sorted(best.values(), key=lambda r: r.content[0][0])
