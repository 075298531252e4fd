"""POST /v1/extract and /v1/extract/batch."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest as WerkzeugBadRequest

from schemas import BatchIn, ExtractIn

from ..errors import BadRequest, UnsupportedMediaType, ValidationFailed
from ..limits import run_limited
from ..metrics import record_documents
from ..ml import get_predictor
from ..predict import Item, check, dump, run_batch, to_input

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
    """Extract attributed claims from a batch of documents (schemas.MAX_BATCH_DOCUMENTS at most);
    a bad one fails alone."""
    envelope = load(batch_in, json_body())
    predictor = get_predictor()
    items = [Item(index, *check(raw)) for index, raw in enumerate(envelope["documents"])]
    outcomes = run_batch(predictor, items, run=run_limited, record=record_documents)
    return jsonify({"results": [outcome.body() for outcome in outcomes]})

