"""The OpenAPI 3 document, built from the marshmallow schemas with apispec."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from models import __version__
from schemas import BatchOut, ErrorSchema, ExtractIn, ExtractOut, JobOut, ModelsOut
from schemas.extract import BatchInDoc

_ERRORS = {
    "400": "Malformed JSON.",
    "413": "Request body too large.",
    "415": "Body is not application/json.",
    "422": "The request does not match the schema.",
    "503": "Models not loaded yet, overloaded, or timed out.",
}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _errors(*codes: str) -> dict[str, Any]:
    return {c: {"description": _ERRORS[c], "content": _json("Error")} for c in codes}


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
        "summary": "Extract attributed claims from up to 64 documents.",
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
    spec.path("/v1/jobs", operations={"post": {
        "summary": "Submit documents for asynchronous extraction.",
        "operationId": "createJob",
        "requestBody": {"required": True, "content": {
            **_json("BatchIn"),
            "application/x-ndjson": {"schema": {"type": "string", "description": "One extract request per line."}},
        }},
        "responses": {"202": {"description": "Accepted; poll links.self.", "content": _json("JobOut")},
                      **_errors("400", "413", "415", "422")},
    }})
    job_id = [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    no_job = {"404": {"description": "No such job, or it was created with another API key.",
                      "content": _json("Error")}}
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
    return spec.to_dict()
