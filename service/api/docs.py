"""GET /openapi.json and the Swagger UI at /docs (served from the swagger-ui-bundle package)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify, send_from_directory

from ..openapi import build_spec

bp = Blueprint("docs", __name__)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ClaimScope API</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});</script>
</body></html>
"""


def _swagger_dir() -> Path:
    import swagger_ui_bundle

    return Path(swagger_ui_bundle.swagger_ui_path)


@bp.get("/openapi.json")
def openapi() -> Response:
    """Return the OpenAPI 3 document."""
    return jsonify(build_spec())


@bp.get("/docs")
def docs() -> Response:
    """Show the interactive API documentation."""
    return Response(_PAGE, mimetype="text/html")


@bp.get("/docs/static/<path:filename>")
def docs_static(filename: str) -> Response:
    return send_from_directory(_swagger_dir(), filename)
