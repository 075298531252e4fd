"""A deterministic stand-in Predictor for fast tests of the web layer and local development.

It finds "<Name> said|stated|urged|denied (that) <content>." sentences with a regular expression
(stance toward each target: favor after "urged", against after "denied", else neutral); it is not
a model and is never used by the service unless injected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .base import CancelToken, DocumentInput, current_token
from .types import Claim, DocumentResult, Span, Speaker, Stance

_PATTERN = re.compile(
    r"(?P<source>[A-Z][\w.]*(?: [A-Z][\w.]*)*) (?P<cue>said|stated|urged|denied)(?: that)? (?P<content>[^.!?\n]+)"
)


class FakePredictor:
    name = "fake"
    version = "0.0.0"

    def __init__(self, fail_on: str | None = None) -> None:
        self.fail_on = fail_on
        self.calls: list[int] = []

    def info(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "components": []}

    def predict(self, batch: Sequence[DocumentInput], cancel: CancelToken | None = None) -> list[DocumentResult]:
        self.calls.append(len(batch))
        token = cancel if cancel is not None else current_token()
        if token is not None:
            token.check()
        return [self._one(doc) for doc in batch]

    def _one(self, doc: DocumentInput) -> DocumentResult:
        if self.fail_on is not None and self.fail_on in doc.text:
            raise RuntimeError("FakePredictor asked to fail")
        speakers: dict[str, Speaker] = {}
        claims: list[Claim] = []
        targets = list(doc.targets or [])
        for m in _PATTERN.finditer(doc.text):
            name = m.group("source")
            speaker = speakers.setdefault(name, Speaker(f"s{len(speakers) + 1}", name, "unknown",
                                                        key=f"unknown:{name.lower()}"))
            mention = Span(name, m.start("source"), m.end("source"))
            speaker.mentions.append(mention)
            label = {"urged": "favor", "denied": "against"}.get(m.group("cue"), "neutral")
            stances = [Stance(t, label, 0.5) for t in targets]
            claims.append(Claim(
                id=f"c{len(claims) + 1}", text=m.group("content"), start=m.start("content"),
                end=m.end("content"), sentence=doc.text.count(".", 0, m.start()),
                speaker_id=speaker.id, speaker_mention=mention,
                cue=Span(m.group("cue"), m.start("cue"), m.end("cue")), type="indirect",
                confidence=1.0, checkworthiness=0.5, stances=stances,
            ))
        return DocumentResult(id=doc.id, model={"name": self.name, "version": self.version},
                              speakers=list(speakers.values()), claims=claims, targets=targets)
