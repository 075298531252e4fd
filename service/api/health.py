"""GET /v1/health (liveness), /v1/ready (readiness), /v1/models (what is loaded)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..errors import NotReady
from ..ml import get_predictor, get_state

bp = Blueprint("health", __name__, url_prefix="/v1")


@bp.get("/health")
def health() -> Response:
    """Report that the process is alive."""
    return jsonify({"status": "ok"})


@bp.get("/ready")
def ready() -> Response:
    """Report whether the models are loaded (503 until they are)."""
    state = get_state()
    if not state.ready:
        if state.error:
            raise NotReady("Models failed to load.", {"reason": state.error})
        raise NotReady("Models are still loading.", headers={"Retry-After": "5"})
    return jsonify({"status": "ready", "load_seconds": state.load_seconds})


@bp.get("/models")
def models() -> Response:
    """List the loaded models with versions, training data and dev metrics."""
    return jsonify(get_predictor().info())
