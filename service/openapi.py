"""The OpenAPI 3 document, built from the marshmallow schemas with apispec.

Every operation under limits.PROTECTED_PREFIXES lists 401 (API keys on, key missing or wrong) and
429 (rate limit on, bucket empty, with Retry-After): the limits apply to exactly those routes.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from models import __version__
from schemas import MAX_BATCH_DOCUMENTS, BatchOut, ErrorSchema, ExtractIn, ExtractOut, JobOut, ModelsOut
from schemas.corpus import SummaryOut, SummaryQuery
from schemas.extract import BatchInDoc

from .corpus import CSV_COLUMNS
from .limits import PROTECTED_PREFIXES

_ERRORS = {
    "400": "Malformed JSON.",
    "401": "A valid API key is required (X-API-Key or Authorization: Bearer) when CLAIMSCOPE_API_KEYS is set.",
    "413": "Request body too large.",
    "415": "Body is not application/json.",
    "422": "The request does not match the schema.",
    "429": "Rate limit exceeded (CLAIMSCOPE_RATE_LIMIT_PER_MINUTE); retry after Retry-After seconds.",
    "503": "Models not loaded yet, overloaded, or timed out.",
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.",
                                "schema": {"type": "integer", "minimum": 1}}}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _errors(*codes: str) -> dict[str, Any]:
    out: dict[str, Any] = {c: {"description": _ERRORS[c], "content": _json("Error")} for c in codes}
    if "429" in out:
        out["429"]["headers"] = _RETRY_AFTER
    return out


def _add_limits(spec: dict[str, Any]) -> dict[str, Any]:
    """Add 401 and 429 to every operation of the routes behind the API key and the rate limit."""
    for path, item in spec["paths"].items():
        if not path.startswith(PROTECTED_PREFIXES):
            continue
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                operation["responses"].update(_errors("401", "429"))
    return spec


def build_spec() -> dict[str, Any]:
    spec = APISpec(
        title="ClaimScope API",
        version=__version__,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Structured claims attributed to speakers, with check-worthiness "
                             "and stance, from news text."},
    )
    for name, schema in (("ExtractIn", ExtractIn), ("ExtractOut", ExtractOut),
                         ("BatchIn", BatchInDoc), ("BatchOut", BatchOut),
                         ("ModelsOut", ModelsOut), ("JobOut", JobOut), ("Error", ErrorSchema)):
        spec.components.schema(name, schema=schema)

    post_errors = _errors("400", "413", "415", "422", "503")
    spec.path("/v1/extract", operations={"post": {
        "summary": "Extract attributed claims from one document.",
        "operationId": "extract",
        "requestBody": {"required": True, "content": _json("ExtractIn")},
        "responses": {"200": {"description": "Speakers and claims.", "content": _json("ExtractOut")},
                      **post_errors},
    }})
    spec.path("/v1/extract/batch", operations={"post": {
        "summary": f"Extract attributed claims from up to {MAX_BATCH_DOCUMENTS} documents.",
        "operationId": "extractBatch",
        "requestBody": {"required": True, "content": _json("BatchIn")},
        "responses": {"200": {"description": "One result or error per document, in order.",
                              "content": _json("BatchOut")}, **post_errors},
    }})
    spec.path("/v1/health", operations={"get": {
        "summary": "Report that the process is alive.", "operationId": "health",
        "responses": {"200": {"description": "Alive."}},
    }})
    spec.path("/v1/ready", operations={"get": {
        "summary": "Report whether the models are loaded.", "operationId": "ready",
        "responses": {"200": {"description": "Ready."}, **_errors("503")},
    }})
    spec.path("/v1/models", operations={"get": {
        "summary": "List the loaded models with their dev metrics.", "operationId": "models",
        "responses": {"200": {"description": "Models.", "content": _json("ModelsOut")},
                      **_errors("503")},
    }})
    spec.path("/v1/samples/seed", operations={"get": {
        "summary": "Return the sample article as plain text.", "operationId": "sampleSeed",
        "responses": {"200": {"description": "The sample article.",
                              "content": {"text/plain": {"schema": {"type": "string"}}}},
                      "404": {"description": "The sample article is not installed.",
                              "content": _json("Error")}},
    }})
    # every job endpoint: the job store (Redis, with the RQ backend) cannot be reached
    store_down = {"503": {"description": "jobs_unavailable: the job store cannot be reached; retry after "
                                         "Retry-After seconds.", "content": _json("Error"), "headers": _RETRY_AFTER}}
    spec.path("/v1/jobs", operations={"post": {
        "summary": "Submit documents for asynchronous extraction.",
        "operationId": "createJob",
        "requestBody": {"required": True, "content": {
            **_json("BatchIn"),
            "application/x-ndjson": {"schema": {"type": "string", "description": "One extract request per line."}},
        }},
        "responses": {"202": {"description": "Accepted; poll links.self.", "content": _json("JobOut")},
                      **_errors("400", "413", "415", "422"), **store_down},
    }})
    job_id = [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    no_job = {"404": {"description": "No such job, or it was created with another API key.",
                      "content": _json("Error")}, **store_down}
    spec.path("/v1/jobs/{job_id}", parameters=job_id, operations={"get": {
        "summary": "Report a job's status and progress.", "operationId": "getJob",
        "responses": {"200": {"description": "Job status.", "content": _json("JobOut")}, **no_job},
    }, "delete": {
        "summary": "Delete a job with its texts and results.", "operationId": "deleteJob",
        "responses": {"204": {"description": "Deleted; documents still being processed are dropped."},
                      **no_job},
    }})
    spec.path("/v1/jobs/{job_id}/results", parameters=job_id, operations={"get": {
        "summary": "Stream a job's finished results as JSONL, in document order.", "operationId": "getJobResults",
        "responses": {"200": {"description": "One JSON object per line: an ExtractOut with its index, "
                                             "or {id, index, error}.",
                              "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                      **no_job},
    }})
    _add_corpus(spec, job_id, no_job)
    return _add_limits(spec.to_dict())


def _add_corpus(spec: APISpec, job_id: list[dict[str, Any]], no_job: dict[str, Any]) -> None:
    """A job across its documents: its summary (paginated by speaker) and its claims as CSV."""
    spec.components.schema("SummaryOut", schema=SummaryOut)
    spec.path("/v1/jobs/{job_id}/summary", parameters=job_id, operations={"get": {
        "summary": "Summarise a job's speakers, their stances per target and date, and its most "
                   "check-worthy claims.",
        "description": "Speakers are merged across documents by their key; counts cover the documents "
                       "finished so far (the job's status is in `job`). Speakers with the most claims come "
                       "first, `limit` per page from `offset`; `links.next` is the next page.",
        "operationId": "getJobSummary",
        "parameters": [{"in": "query", "schema": SummaryQuery}],
        "responses": {"200": {"description": "The summary.", "content": _json("SummaryOut")},
                      **_errors("422"), **no_job},
    }})
    columns = ", ".join(CSV_COLUMNS)
    spec.path("/v1/jobs/{job_id}/claims.csv", parameters=job_id, operations={"get": {
        "summary": "Stream a job's claims as CSV, one row per claim with its stance toward each target.",
        "description": f"Columns: {columns}, then `stance: <target>` for each target of the job. A text cell "
                       "that a spreadsheet would read as a formula (it starts with =, +, -, @) starts with an "
                       "apostrophe.",
        "operationId": "getJobClaimsCsv",
        "responses": {"200": {"description": "The claims of the documents finished so far.",
                              "content": {"text/csv": {"schema": {"type": "string"}}}},
                      **no_job},
    }})
