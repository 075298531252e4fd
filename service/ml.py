"""The Flask extension that holds the Predictor (the claim pipeline).

The real pipeline loads at start-up, in a background thread by default so that /v1/health
answers at once and /v1/ready says 503 until loading finished. Tests inject a predictor. How the
models load and run (model set, extractor, threads, precision, device) is one ``models.Settings``
built from the configuration (``model_settings``); the models apply it, torch threads included.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

from models import Predictor, Settings

from .errors import NotReady

log = logging.getLogger(__name__)


class ModelState:
    def __init__(self) -> None:
        self.predictor: Predictor | None = None
        self.error: str | None = None
        self.started = time.monotonic()
        self.load_seconds: float | None = None
        self._done = threading.Event()

    @property
    def ready(self) -> bool:
        return self.predictor is not None

    def set(self, predictor: Predictor) -> None:
        self.predictor = predictor
        self.load_seconds = round(time.monotonic() - self.started, 3)
        self._done.set()

    def fail(self, error: str) -> None:
        self.error = error
        self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)


def model_settings(config: Mapping[str, Any]) -> Settings:
    """The models' Settings from a configuration with Config's keys (app.config, or
    service.config.config_values()); a value the models do not know raises ValueError."""
    return Settings(models=config["MODELS"], extractor=config["EXTRACTOR"],
                    threads=int(config["TORCH_THREADS"]), precision=config["PRECISION"],
                    device=config["DEVICE"])


def _load(state: ModelState, config: Mapping[str, Any]) -> None:
    try:
        from models import load_predictor

        state.set(load_predictor(model_settings(config)))
        log.info("models loaded in %.1f s", state.load_seconds or 0.0)
    except Exception as exc:  # reported by /v1/ready, never raised into a request
        log.exception("model loading failed")
        state.fail(f"{type(exc).__name__}: {exc}")


def init_app(app: Flask, predictor: Predictor | None = None) -> None:
    state = ModelState()
    app.extensions["ml"] = state
    if predictor is not None:
        state.set(predictor)
        return
    args = (state, dict(app.config))
    if app.config["LOAD_IN_BACKGROUND"]:
        threading.Thread(target=_load, args=args, name="model-loader", daemon=True).start()
    else:
        _load(*args)


def get_state() -> ModelState:
    state: ModelState = current_app.extensions["ml"]
    return state


def get_predictor() -> Any:
    state = get_state()
    if state.predictor is None:
        if state.error:
            raise NotReady("Models failed to load; see /v1/ready.", {"reason": state.error})
        raise NotReady("Models are still loading; retry shortly.", headers={"Retry-After": "5"})
    return state.predictor
