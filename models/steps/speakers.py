"""ResolveSpeakers: each attribution's source resolved to a speaker (models/speakers.py)."""

from __future__ import annotations

from collections.abc import Sequence

from ..speakers import SpeakerResolver
from .state import DocState


class ResolveSpeakers:
    name = "resolve_speakers"

    def __call__(self, states: Sequence[DocState]) -> None:
        for state in states:
            resolver = SpeakerResolver(state.doc)
            # in text order: a pronoun or "the official" resolves to a speaker named before it
            order = sorted(range(len(state.raws)), key=lambda i: (state.raws[i].source or (10**12, 0))[0])
            for i in order:
                state.resolved[i] = resolver.resolve(state.raws[i].source)
            state.speakers = resolver.finish()
