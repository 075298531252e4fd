"""Asynchronous jobs: POST /v1/jobs, GET /v1/jobs/<id>, GET /v1/jobs/<id>/results (JSONL),
DELETE /v1/jobs/<id>. With API keys on, a job is seen only with the key that created it: any
other key gets the same 404 as for an unknown id."""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

from flask import Blueprint, Response, current_app, request, stream_with_context, url_for

from ..errors import JobNotFound, JobsUnavailable, UnsupportedMediaType, ValidationFailed, api_error_response
from ..jobs import JobInfo
from ..jobs.ext import get_jobs
from ..limits import owner
from ..predict import Entry, bad_json, check
from ..redisconn import UNREACHABLE
from .extract import json_body

log = logging.getLogger(__name__)
bp = Blueprint("jobs", __name__, url_prefix="/v1")


def _unreachable(exc: Exception) -> Response:
    """503 jobs_unavailable with Retry-After when the job store (Redis) cannot be reached."""
    log.warning("job store unreachable (%s): %s %s answered 503", type(exc).__name__, request.method, request.path)
    return api_error_response(JobsUnavailable())


for _exc in UNREACHABLE:
    bp.register_error_handler(_exc, _unreachable)
JSONL_TYPES = {"application/x-ndjson", "application/jsonl", "application/json-lines", "text/jsonl"}


def _lines(text: str) -> list[Any]:
    docs: list[Any] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            docs.append(json.loads(line))
        except (ValueError, RecursionError):  # not JSON, or nested too deeply to decode
            docs.append(_BadLine(n))
    return docs


class _BadLine:
    def __init__(self, line: int) -> None:
        self.line = line


def _documents() -> list[Any]:
    mimetype = request.mimetype
    if mimetype in JSONL_TYPES:
        return _lines(request.get_data(as_text=True))
    if mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ValidationFailed("Validation error", {"form": {"file": ["Upload a JSONL file as 'file'."]}})
        return _lines(upload.read().decode("utf-8", errors="replace"))
    if request.is_json:
        body = json_body()
        if not isinstance(body, dict) or not isinstance(body.get("documents"), list):
            raise ValidationFailed("Validation error", {"json": {"documents": ["A list of extract requests is required."]}})
        return list(body["documents"])
    raise UnsupportedMediaType("Send JSON {\"documents\": [...]}, JSONL (application/x-ndjson) or a multipart 'file'.")


@bp.post("/jobs")
def create_job() -> Response:
    """Submit documents for asynchronous extraction."""
    docs = _documents()
    limit = int(current_app.config["JOB_MAX_DOCUMENTS"])
    if not 1 <= len(docs) <= limit:
        raise ValidationFailed("Validation error", {"json": {"documents": [f"Send between 1 and {limit} documents."]}})
    entries: list[Entry] = []
    for raw in docs:
        if isinstance(raw, _BadLine):
            entries.append((None, bad_json(raw.line)))
        else:
            entries.append(check(raw))
    jobs = get_jobs()
    job_id = jobs.store.create(entries, owner=owner())
    try:
        jobs.submitted(job_id, [i for i, (_, err) in enumerate(entries) if err is None])
    except UNREACHABLE as exc:
        # the job is stored: the RQ sweeper sends documents that have no message a lease later
        log.warning("job %s stored but not enqueued (%s); the sweeper will send it", job_id, type(exc).__name__)
    info = jobs.store.get(job_id)
    body = {**info.to_dict(), **_links(job_id)}
    response = Response(json.dumps(body), status=202, mimetype="application/json")
    response.headers["Location"] = url_for("jobs.get_job", job_id=job_id)
    return response


def _links(job_id: str) -> dict[str, Any]:
    return {"links": {"self": url_for("jobs.get_job", job_id=job_id),
                      "results": url_for("jobs.job_results", job_id=job_id),
                      "summary": url_for("corpus.job_summary", job_id=job_id),
                      "claims_csv": url_for("corpus.job_claims_csv", job_id=job_id)}}


def _owned(job_id: str) -> JobInfo:
    """The job if this request's key owns it (or keys are off and so is the job's); else 404."""
    info = get_jobs().store.get(job_id)
    if info is None or (info.owner or "") != (owner() or ""):
        raise JobNotFound(f"No job {job_id!r}.")
    return info


@bp.get("/jobs/<job_id>")
def get_job(job_id: str) -> Response:
    """Report a job's status and progress."""
    info = _owned(job_id)
    return Response(json.dumps({**info.to_dict(), **_links(job_id)}), mimetype="application/json")


@bp.delete("/jobs/<job_id>")
def delete_job(job_id: str) -> Response:
    """Delete a job with its texts and results."""
    _owned(job_id)
    if not get_jobs().store.delete(job_id):
        raise JobNotFound(f"No job {job_id!r}.")
    return Response(status=204)


@bp.get("/jobs/<job_id>/results")
def job_results(job_id: str) -> Response:
    """Stream the finished results of a job as JSONL, in document order."""
    store = get_jobs().store
    info = _owned(job_id)
    # the first line is read here, so a store that cannot be reached answers 503 rather than
    # breaking a response already sent
    lines = iter(store.results(job_id))
    first = list(itertools.islice(lines, 1))

    def generate() -> Any:
        for line in itertools.chain(first, lines):
            yield line + "\n"

    response = Response(stream_with_context(generate()), mimetype="application/x-ndjson")
    response.headers["X-Job-Status"] = info.status
    response.headers["X-Job-Finished"] = str(info.finished)
    response.headers["X-Job-Total"] = str(info.total)
    return response


