"""ClaimScope's NLP: attributed claims from news text, usable without any web framework."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .base import (
    Cancelled,
    CancelToken,
    DocumentInput,
    Extractor,
    Options,
    Predictor,
    Settings,
    cancelling,
    check_cancelled,
)
from .fake import FakePredictor
from .pipeline import ClaimPipeline
from .steps import aggregate_stances
from .types import (
    Claim,
    DocumentResult,
    RawAttribution,
    Span,
    Speaker,
    SpeakerStance,
    Stance,
    StanceEvidence,
)
from .version import __version__

__all__ = [
    "CancelToken",
    "Cancelled",
    "Claim",
    "ClaimPipeline",
    "DocumentInput",
    "DocumentResult",
    "Extractor",
    "FakePredictor",
    "Options",
    "Predictor",
    "RawAttribution",
    "Settings",
    "Span",
    "Speaker",
    "SpeakerStance",
    "Stance",
    "StanceEvidence",
    "__version__",
    "cancelling",
    "check_cancelled",
    "aggregate_stances",
    "load_predictor",
]


def load_predictor(settings: Settings | None = None, **overrides: Any) -> ClaimPipeline:
    """Load the pipeline with every trained part found in models/weights/.

    ``settings`` (models.Settings) says which model set, extractor, threads, precision and device;
    keyword ``overrides`` replace its fields: ``load_predictor(models="fast")``.
    """
    return ClaimPipeline.load(replace(settings or Settings(), **overrides))
