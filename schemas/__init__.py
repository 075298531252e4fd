"""Marshmallow request and response schemas of the ClaimScope API (no flask, no models)."""

from __future__ import annotations

from .errors import ErrorBodySchema, ErrorSchema
from .extract import (
    MAX_BATCH_DOCUMENTS,
    MAX_TARGETS,
    MAX_TEXT_CHARS,
    BatchIn,
    BatchOut,
    ExtractIn,
    ExtractOut,
    JobOut,
    ModelsOut,
)

__all__ = [
    "MAX_BATCH_DOCUMENTS",
    "MAX_TARGETS",
    "MAX_TEXT_CHARS",
    "BatchIn",
    "BatchOut",
    "ErrorBodySchema",
    "ErrorSchema",
    "ExtractIn",
    "ExtractOut",
    "JobOut",
    "ModelsOut",
]
