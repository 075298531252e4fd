"""What the steps share: one DocState per document of a batch, and the Step protocol."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..base import DocumentInput, Options
from ..nlp import Sentence, SentenceIndex, sentences
from ..types import Claim, RawAttribution, Speaker, SpeakerStance


@dataclass
class DocState:
    """One document on its way through the steps; each step fills in its part.

    ``resolved`` holds, per attribution (index into ``raws``), the speaker and the mention its
    source resolves to; ``speakers`` every speaker the resolver made (the summary keeps those
    that a claim names).
    """

    item: DocumentInput
    doc: Any  # the spaCy Doc
    sents: list[Sentence]
    sentence_of: SentenceIndex
    raws: list[RawAttribution] = field(default_factory=list)
    resolved: dict[int, tuple[Speaker | None, Any]] = field(default_factory=dict)
    speakers: list[Speaker] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    speaker_stances: list[SpeakerStance] = field(default_factory=list)

    @classmethod
    def start(cls, item: DocumentInput, doc: Any) -> DocState:
        sents = sentences(doc)
        return cls(item, doc, sents, SentenceIndex(sents))

    @property
    def text(self) -> str:
        return self.item.text

    @property
    def options(self) -> Options:
        return self.item.options


class Step(Protocol):
    """One named stage; it works on the whole batch, so a model step makes one call for all."""

    name: str

    def __call__(self, states: Sequence[DocState]) -> None: ...
