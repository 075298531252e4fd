"""POST /v1/extract and /v1/extract/batch."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest as WerkzeugBadRequest

from models import DocumentInput, DocumentResult
from schemas import BatchIn, ExtractIn, ExtractOut

from ..errors import BadRequest, UnsupportedMediaType, ValidationFailed, error_body
from ..ml import get_predictor

log = logging.getLogger(__name__)
bp = Blueprint("extract", __name__, url_prefix="/v1")

extract_in = ExtractIn()
extract_out = ExtractOut()
batch_in = BatchIn()
MAX_BATCH_SIZE = 8


def json_body() -> Any:
    """The parsed JSON body; 415 when it is not JSON, 400 when it does not parse."""
    if not request.is_json:
        raise UnsupportedMediaType("Send the request body as application/json.")
    try:
        return request.get_json()
    except WerkzeugBadRequest as exc:
        raise BadRequest("The request body is not valid JSON.") from exc


def load(schema: Any, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationFailed("Validation error", {"json": {"_schema": ["Expected a JSON object."]}})
    try:
        loaded: dict[str, Any] = schema.load(data)
    except ValidationError as err:
        raise ValidationFailed.from_marshmallow(err) from err
    return loaded


def to_input(data: dict[str, Any]) -> DocumentInput:
    targets = data.get("targets")
    return DocumentInput(
        text=data["text"], id=data.get("id"), title=data.get("title"),
        targets=tuple(t.strip() for t in targets) if targets else None,
        options=data.get("options") or {},
    )


def minibatch(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


@bp.post("/extract")
def extract() -> Response:
    """Extract attributed claims from one document."""
    data = load(extract_in, json_body())
    predictor = get_predictor()
    result = predictor.predict([to_input(data)])[0]
    return jsonify(extract_out.dump(result))


@bp.post("/extract/batch")
def extract_batch() -> Response:
    """Extract attributed claims from up to 64 documents; a bad one fails alone."""
    envelope = load(batch_in, json_body())
    predictor = get_predictor()
    results: list[dict[str, Any] | None] = []
    pending: list[tuple[int, DocumentInput]] = []
    for index, raw in enumerate(envelope["documents"]):
        try:
            pending.append((index, to_input(load(extract_in, raw))))
            results.append(None)
        except ValidationFailed as err:
            doc_id = raw.get("id") if isinstance(raw, dict) else None
            results.append({"id": doc_id if isinstance(doc_id, str) else None, "index": index,
                            **err.to_dict()})
    for chunk in minibatch(pending, MAX_BATCH_SIZE):
        outcomes = _predict_each(predictor, [doc for _, doc in chunk])
        for (index, doc), outcome in zip(chunk, outcomes, strict=True):
            if outcome is None:
                failed = error_body("internal_error", "The document could not be processed.")
                results[index] = {"id": doc.id, "index": index, **failed}
            else:
                results[index] = extract_out.dump(outcome)
    return jsonify({"results": results})


def _predict_each(predictor: Any, docs: list[DocumentInput]) -> list[DocumentResult | None]:
    """Predict a chunk; if it fails, retry one by one so only the bad document fails (None)."""
    try:
        return list(predictor.predict(docs))
    except Exception:
        log.exception("batch prediction failed; retrying documents one by one")
    out: list[DocumentResult | None] = []
    for doc in docs:
        try:
            out.append(predictor.predict([doc])[0])
        except Exception:
            log.exception("prediction failed for document %r", doc.id)
            out.append(None)
    return out
