"""One JSON error body for every failure.

Exception tree (each carries its HTTP status):

    APIError (500)
    ├── BadRequest (400)            malformed JSON
    ├── Unauthorized (401)          missing or wrong API key (or metrics key)
    ├── JobNotFound (404)           unknown job, or one created with another API key
    ├── SampleMissing (404)         the sample article is not installed
    ├── UnsupportedMediaType (415)  body is not application/json
    ├── ValidationFailed (422)      schema errors, in details
    ├── RateLimited (429)           the key's (or address's) token bucket is empty
    ├── NotReady (503)              models still loading or failed to load
    ├── Overloaded (503)            admission control: too many predictions in flight
    ├── TimedOut (503)              the prediction took longer than the request timeout
    └── JobsUnavailable (503)       the job store (Redis) cannot be reached; with Retry-After

Every error the service raises to a client is one of these, defined here, so that the tree above
is the whole list. werkzeug's HTTPExceptions (404, 405, 413, ...) go through the same handler, and anything else
becomes a 500 whose traceback is logged, never sent. Logged tracebacks leave out the exceptions'
messages (``log_exception``): a message can quote the submitted text, and texts never reach the logs.
"""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any

from flask import Flask, Response, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class APIError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, details: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.details)


class BadRequest(APIError):
    status_code = 400
    code = "bad_json"


class Unauthorized(APIError):
    status_code = 401
    code = "unauthorized"


class JobNotFound(APIError):
    status_code = 404
    code = "job_not_found"


class SampleMissing(APIError):
    status_code = 404
    code = "not_found"


class UnsupportedMediaType(APIError):
    status_code = 415
    code = "unsupported_media_type"


class ValidationFailed(APIError):
    status_code = 422
    code = "validation_error"

    @classmethod
    def from_marshmallow(cls, err: ValidationError) -> ValidationFailed:
        return cls("Validation error", {"json": err.normalized_messages()})


class RateLimited(APIError):
    status_code = 429
    code = "rate_limited"


class NotReady(APIError):
    status_code = 503
    code = "not_ready"


class Overloaded(APIError):
    status_code = 503
    code = "overloaded"


class TimedOut(APIError):
    status_code = 503
    code = "timeout"


class JobsUnavailable(APIError):
    status_code = 503
    code = "jobs_unavailable"
    RETRY_AFTER = "10"  # seconds: a restarted Redis is usually back within that

    def __init__(self, message: str = "The job store is unreachable; retry later.") -> None:
        super().__init__(message, headers={"Retry-After": self.RETRY_AFTER})


_HTTP_CODES = {
    400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
    415: "unsupported_media_type", 429: "too_many_requests", 503: "not_ready",
}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return {"error": body}


def document_error(doc_id: str | None, index: int, error: dict[str, Any]) -> dict[str, Any]:
    """The body of one failed document of a batch, a job's results or ``claimscope batch``:
    ``{id, index, error}``, so a bad document fails alone and looks the same on every path."""
    return {"id": doc_id, "index": index, "error": error}


def log_exception(logger: logging.Logger, message: str, *args: Any) -> None:
    """Log ``message`` at ERROR with the traceback of the exception being handled, but not the
    messages of the exception and its causes: they can quote the text (KeyError(text), ValueError(f"{text!r}"))."""
    chain: list[BaseException] = []
    exc = sys.exc_info()[1]
    while exc is not None and all(exc is not seen for seen in chain):
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    parts = ["Traceback (most recent call last):\n" + "".join(traceback.format_tb(e.__traceback__))
             + f"{type(e).__module__}.{type(e).__qualname__} (message withheld)" for e in reversed(chain)]
    logger.error(message + "\n%s", *args, "\n\nThe above exception led to the following one:\n\n".join(parts),
                 stacklevel=2)


def _respond(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def api_error_response(err: APIError) -> Response:
    """The response of an APIError (for handlers that turn another exception into one)."""
    return _respond(err.status_code, err.to_dict(), err.headers)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(APIError)
    def _api_error(err: APIError) -> Response:
        return api_error_response(err)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Response:
        status = err.code or 500
        code = _HTTP_CODES.get(status, "http_error")
        headers = {k: v for k, v in err.get_headers() if k.lower() != "content-type"}
        return _respond(status, error_body(code, err.description or err.name), headers)

    @app.errorhandler(Exception)
    def _unhandled(err: Exception) -> Response:
        log_exception(log, "unhandled error")
        return _respond(500, error_body("internal_error", "The server failed to process the request."))
