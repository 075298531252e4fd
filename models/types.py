"""Plain result types shared by every part of the pipeline (no torch, no flask)."""

from __future__ import annotations

from dataclasses import dataclass, field

Offsets = tuple[int, int]


@dataclass(frozen=True)
class RawAttribution:
    """One attribution found by an extractor, as character offsets into the text.

    ``content`` may hold several pieces (a quote interrupted by its cue, content running over
    two sentences). ``source`` is None when the extractor found a cue and content but no source.
    """

    cue: Offsets | None
    source: Offsets | None
    content: tuple[Offsets, ...]
    score: float = 1.0


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int


@dataclass
class Speaker:
    id: str
    name: str
    type: str
    mentions: list[Span] = field(default_factory=list)
    affiliation: str | None = None
    canonical: str | None = None
    role: str | None = None
    affiliation_id: str | None = None  # the speaker the affiliation names, when it is one
    anonymous: bool = False
    key: str | None = None  # the same speaker's key in every document (models.speakers.speaker_key)


@dataclass
class Stance:
    target: str
    label: str
    score: float
    evidence: Span | None = None  # the stance-taking predicate, when the text has one


@dataclass
class Claim:
    id: str
    text: str
    start: int
    end: int
    sentence: int
    speaker_id: str | None
    speaker_mention: Span | None
    cue: Span | None
    type: str
    confidence: float
    checkworthiness: float | None = None
    stances: list[Stance] = field(default_factory=list)
    segments: list[Span] = field(default_factory=list)


@dataclass
class StanceEvidence:
    """Why a speaker has a stance: one of the claims that carry it, and its stance-taking
    predicate ("opposes", "urged", "denied") when one fired."""

    claim_id: str
    claim: Span
    predicate: Span | None = None


@dataclass
class SpeakerStance:
    speaker_id: str
    target: str
    label: str
    score: float
    claim_ids: list[str]
    evidence: list[StanceEvidence] = field(default_factory=list)


@dataclass
class DocumentResult:
    id: str | None
    model: dict[str, str]
    speakers: list[Speaker]
    claims: list[Claim]
    targets: list[str]
    speaker_stances: list[SpeakerStance] = field(default_factory=list)
