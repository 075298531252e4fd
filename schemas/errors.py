"""The one error body every non-2xx response carries."""

from __future__ import annotations

from marshmallow import Schema, fields


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "Machine-readable error code, e.g. validation_error."})
    message = fields.String(required=True, metadata={"description": "Human-readable explanation."})
    details = fields.Dict(metadata={"description": "Field errors (422) or other context."})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)
