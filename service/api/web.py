"""The newsroom page at /, the corpus page at /corpus (plain HTML and JS from service/static) and the
sample article."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, send_from_directory

from ..errors import SampleMissing

bp = Blueprint("web", __name__)


@bp.get("/")
def index() -> Response:
    """Show the newsroom page."""
    return send_from_directory(Path(current_app.static_folder or ""), "index.html")


@bp.get("/corpus")
def corpus() -> Response:
    """Show the corpus page: a job's speakers, their stances across documents and over time."""
    return send_from_directory(Path(current_app.static_folder or ""), "corpus.html")


@bp.get("/v1/samples/seed")
def seed() -> Response:
    """Return the sample article as plain text."""
    path = Path(current_app.config["SEEDS_DIR"]) / "ukraine-negotiations.txt"
    if not path.is_file():
        raise SampleMissing("The sample article is not installed.")
    return Response(path.read_text(encoding="utf-8"), mimetype="text/plain")
