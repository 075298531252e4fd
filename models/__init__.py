"""ClaimScope's NLP: attributed claims from news text, usable without any web framework."""

from __future__ import annotations

from typing import Any

from .fake import FakePredictor
from .pipeline import ClaimPipeline, DocumentInput, aggregate_stances
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
    "Claim",
    "ClaimPipeline",
    "DocumentInput",
    "DocumentResult",
    "FakePredictor",
    "RawAttribution",
    "Span",
    "Speaker",
    "SpeakerStance",
    "Stance",
    "StanceEvidence",
    "__version__",
    "aggregate_stances",
    "load_predictor",
]


def load_predictor(extractor: str = "auto", models: str | None = None) -> Any:
    """Load the pipeline with every trained part found in models/weights/.

    ``models``: "full" (the 6-layer models, the default) or "fast" (the distilled students);
    None reads CLAIMSCOPE_MODELS.
    """
    return ClaimPipeline.load(extractor=extractor, models=models)
