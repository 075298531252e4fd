"""The seams between the service and the models: what a request asks for, how the models run,
and the two protocols the service relies on (no torch, no flask here).

    Settings   how the models are loaded and run (model set, extractor, threads, precision,
               device); built once by the service's Config or the CLI, passed to load_predictor
    Options    what one document asks for (the API's ``options``), a frozen typed object
    Predictor  info() and predict(batch): the claim pipeline, or a fake one in tests
    Extractor  attributions of parsed documents: the tagger, the rules, or both
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Protocol, runtime_checkable

from .types import DocumentResult, RawAttribution

MODEL_SETS = ("full", "fast")
EXTRACTORS = ("auto", "hybrid", "transformer", "spacy")
PRECISIONS = ("fp32", "int8")
DEVICES = ("cpu", "cuda", "auto")
STANCE_SCOPES = ("mentions", "all")


@dataclass(frozen=True)
class Settings:
    """How the pipeline's models are loaded and run.

    ``models``: "full" (the 6-layer models) or "fast" (the distilled students where they exist).
    ``threads``: torch's intra-op threads, 0 for torch's own default. ``precision``: "fp32", or
    "int8" (dynamic quantization of the Linear layers at load time; costs accuracy, see
    models/encoder.py). ``device``: "cpu", "cuda", or "auto" (cuda when torch sees a GPU).
    """

    models: str = "full"
    extractor: str = "auto"
    threads: int = 0
    precision: str = "fp32"
    device: str = "cpu"

    def __post_init__(self) -> None:
        for name, allowed in (("models", MODEL_SETS), ("extractor", EXTRACTORS),
                              ("precision", PRECISIONS), ("device", DEVICES)):
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"unknown {name} {value!r}; expected one of {', '.join(allowed)}")
        if self.threads < 0:
            raise ValueError(f"threads must be 0 or more, not {self.threads}")


@dataclass(frozen=True)
class Options:
    """What one document asks of the pipeline; the fields of the API's ``options`` object."""

    min_checkworthiness: float | None = None  # drop claims scored below this
    min_confidence: float | None = None  # drop claims extracted with less confidence
    include_unattributed: bool = False  # add the author's check-worthy sentences as claims
    detect_targets: bool = True  # find up to 5 targets when none are given
    stance_scope: str = "mentions"  # stance toward the targets a claim mentions, or "all"

    def __post_init__(self) -> None:
        if self.stance_scope not in STANCE_SCOPES:
            raise ValueError(f"unknown stance_scope {self.stance_scope!r}")

    @classmethod
    def of(cls, data: Options | Mapping[str, Any] | None) -> Options:
        """``data`` as Options: the object itself, or a mapping of its fields (unknown keys are an
        error, as in the API schema); None gives the defaults."""
        if isinstance(data, Options):
            return data
        data = dict(data or {})
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown options: {', '.join(sorted(unknown))}")
        return cls(**{k: v for k, v in data.items() if v is not None})


@dataclass(frozen=True)
class DocumentInput:
    """One document to analyse. ``options`` may be given as a mapping; it is stored as Options."""

    text: str
    id: str | None = None
    title: str | None = None
    targets: tuple[str, ...] | None = None
    options: Options = field(default_factory=Options)

    def __post_init__(self) -> None:
        if not isinstance(self.options, Options):
            object.__setattr__(self, "options", Options.of(self.options))


@runtime_checkable
class Predictor(Protocol):
    """What the service needs from the models: a description and a batch prediction."""

    def info(self) -> dict[str, Any]: ...

    def predict(self, batch: Sequence[DocumentInput]) -> list[DocumentResult]: ...


@runtime_checkable
class Extractor(Protocol):
    """Attributions (cue, source, content offsets) of each parsed (spaCy) document of a batch."""

    def info(self) -> dict[str, Any]: ...

    def extract_docs(self, docs: Sequence[Any]) -> list[list[RawAttribution]]: ...
