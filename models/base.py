"""The seams between the service and the models: what a request asks for, how the models run,
and the two protocols the service relies on (no torch, no flask here).

    Settings   how the models are loaded and run (model set, extractor, threads, precision,
               device); built once by the service's Config or the CLI, passed to load_predictor
    Options    what one document asks for (the API's ``options``), a frozen typed object
    Predictor  info() and predict(batch): the claim pipeline, or a fake one in tests
    Extractor  attributions of parsed documents: the tagger, the rules, or both
    CancelToken  how a caller that stopped waiting (a request's timeout) stops a prediction:
               checked between steps and forward passes, it raises Cancelled there
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
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


class Cancelled(Exception):
    """A prediction stopped at a check because its CancelToken was cancelled or ran out of time."""


class CancelToken:
    """Lets whoever stops waiting for a prediction (a request's timeout) stop its computation.

    A Python thread cannot be killed, so the prediction checks the token at its safe points
    (between documents of the parse, between steps, between the models' forward passes) and
    raises Cancelled there: the worker's CPU is free again within one forward pass of a batch.
    ``seconds``: the token also counts as cancelled that long after it was made (a deadline).
    """

    def __init__(self, seconds: float | None = None) -> None:
        self._event = threading.Event()
        self.deadline = time.monotonic() + seconds if seconds is not None and seconds > 0 else None

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set() or (self.deadline is not None and time.monotonic() >= self.deadline)

    def check(self) -> None:
        """Raise Cancelled once the token is cancelled or past its deadline."""
        if self.cancelled:
            raise Cancelled("the prediction was cancelled")


# the token of the prediction running in this thread (each thread has its own context), so the
# models' inner loops can check it without every step and model taking a parameter for it
_current_token: ContextVar[CancelToken | None] = ContextVar("claimscope_cancel_token", default=None)


@contextmanager
def cancelling(token: CancelToken | None) -> Iterator[None]:
    """Make ``token`` the current one (for check_cancelled) while the block runs."""
    reset = _current_token.set(token)
    try:
        yield
    finally:
        _current_token.reset(reset)


def current_token() -> CancelToken | None:
    return _current_token.get()


def check_cancelled() -> None:
    """Raise Cancelled if the current prediction's token is cancelled (a no-op without one)."""
    token = _current_token.get()
    if token is not None:
        token.check()


@runtime_checkable
class Predictor(Protocol):
    """What the service needs from the models: a description and a batch prediction.

    ``cancel`` (optional): a CancelToken the prediction checks; without one, the token the caller
    made current with ``cancelling`` (if any).
    """

    def info(self) -> dict[str, Any]: ...

    def predict(self, batch: Sequence[DocumentInput], cancel: CancelToken | None = None) -> list[DocumentResult]: ...


@runtime_checkable
class Extractor(Protocol):
    """Attributions (cue, source, content offsets) of each parsed (spaCy) document of a batch."""

    def info(self) -> dict[str, Any]: ...

    def extract_docs(self, docs: Sequence[Any]) -> list[list[RawAttribution]]: ...
