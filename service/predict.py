"""Turning validated extract requests into results, shared by the batch endpoint and job workers."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from models import DocumentInput, DocumentResult
from schemas import ExtractOut

from .errors import log_exception

log = logging.getLogger(__name__)
extract_out = ExtractOut()
MAX_BATCH_SIZE = 8
FAILED = {"code": "internal_error", "message": "The document could not be processed."}


def to_input(data: dict[str, Any]) -> DocumentInput:
    targets = data.get("targets")
    return DocumentInput(
        text=data["text"], id=data.get("id"), title=data.get("title"),
        targets=tuple(t.strip() for t in targets) if targets else None,
        options=data.get("options") or {},
    )


def minibatch(items: Sequence[Any], size: int = MAX_BATCH_SIZE) -> list[list[Any]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def predict_each(predictor: Any, docs: Sequence[DocumentInput]) -> list[DocumentResult | None]:
    """Predict a chunk; if it fails, retry one by one so only the bad document fails (None)."""
    try:
        return list(predictor.predict(list(docs)))
    except Exception:
        log_exception(log, "batch prediction failed; retrying documents one by one")
    out: list[DocumentResult | None] = []
    for doc in docs:
        try:
            out.append(predictor.predict([doc])[0])
        except Exception:
            log_exception(log, "prediction failed for document %r", doc.id)
            out.append(None)
    return out


def dump(result: DocumentResult) -> dict[str, Any]:
    data: dict[str, Any] = extract_out.dump(result)
    return data
