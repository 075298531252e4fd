"""ClaimScope's HTTP service: create_app() builds the Flask app."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from models import Predictor

from . import limits, metrics, ml
from .config import Config
from .errors import register_error_handlers
from .jobs import ext as jobs

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None, predictor: Predictor | None = None) -> Flask:
    """Create and configure an instance of the service."""
    app = Flask(__name__)
    app.config.from_object(Config)
    if config is not None:
        app.config.update(config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    register_error_handlers(app)
    limits.init_app(app)
    metrics.init_app(app)
    ml.init_app(app, predictor)
    jobs.init_app(app)

    from .api import corpus, docs, extract, health, web
    from .api import jobs as jobs_api

    for bp in (extract.bp, jobs_api.bp, corpus.bp, health.bp, docs.bp, web.bp):
        app.register_blueprint(bp)
    return app
