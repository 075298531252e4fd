"""POST /v1/extract and /v1/extract/batch."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest as WerkzeugBadRequest

from models import DocumentInput
from schemas import BatchIn, ExtractIn

from ..errors import BadRequest, UnsupportedMediaType, ValidationFailed
from ..limits import run_limited
from ..metrics import record_documents
from ..ml import get_predictor
from ..predict import FAILED, dump, minibatch, predict_each, to_input

bp = Blueprint("extract", __name__, url_prefix="/v1")

extract_in = ExtractIn()
batch_in = BatchIn()


def json_body() -> Any:
    """The parsed JSON body; 415 when it is not JSON, 400 when it does not parse."""
    if not request.is_json:
        raise UnsupportedMediaType("Send the request body as application/json.")
    try:
        return request.get_json()
    except WerkzeugBadRequest as exc:
        raise BadRequest("The request body is not valid JSON.") from exc
    except RecursionError as exc:  # the decoder recurses once per nesting level
        raise BadRequest("The request body is nested too deeply to be read as JSON.") from exc


def load(schema: Any, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationFailed("Validation error", {"json": {"_schema": ["Expected a JSON object."]}})
    try:
        loaded: dict[str, Any] = schema.load(data)
    except ValidationError as err:
        raise ValidationFailed.from_marshmallow(err) from err
    return loaded


@bp.post("/extract")
def extract() -> Response:
    """Extract attributed claims from one document."""
    data = load(extract_in, json_body())
    predictor = get_predictor()
    doc = to_input(data)
    result = run_limited(lambda: predictor.predict([doc])[0])
    record_documents([result])
    return jsonify(dump(result))


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
    for chunk in minibatch(pending):
        docs = [doc for _, doc in chunk]
        outcomes = run_limited(lambda docs=docs: predict_each(predictor, docs))
        record_documents([o for o in outcomes if o is not None], failed=outcomes.count(None))
        for (index, doc), outcome in zip(chunk, outcomes, strict=True):
            if outcome is None:
                results[index] = {"id": doc.id, "index": index, "error": FAILED}
            else:
                results[index] = dump(outcome)
    return jsonify({"results": results})

