"""Service configuration, read once from the environment (CLAIMSCOPE_*).

``Config`` is the one place where the service reads CLAIMSCOPE_* variables and writes their
defaults: the app, the RQ worker (service.jobs.runner) and the command line (service.cli) all
take their settings from it, and the models get theirs as a ``models.Settings`` built from it
(service.ml.model_settings). Only the standard library here: gunicorn's config and tools can
import it without loading flask or the models.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def _choice(name: str, default: str) -> str:
    """A variable naming one of a few values (checked where it is used: models.Settings)."""
    value = os.environ.get(name, "").strip().lower()
    return value or default


def _list(name: str) -> list[str]:
    return [x.strip() for x in os.environ.get(name, "").split(",") if x.strip()]


def precision_from_env() -> str:
    """CLAIMSCOPE_PRECISION; when it is unset, the older CLAIMSCOPE_QUANTIZE=1 still means int8."""
    if os.environ.get("CLAIMSCOPE_PRECISION", "").strip():
        return _choice("CLAIMSCOPE_PRECISION", "fp32")
    return "int8" if _bool("CLAIMSCOPE_QUANTIZE", False) else "fp32"


class Config:
    # A 200,000-character text in JSON is at most ~1.2 MB (escapes); a batch of 64 such texts
    # is far more than one request should carry: cap the body at 16 MB.
    MAX_CONTENT_LENGTH = _int("CLAIMSCOPE_MAX_BODY_BYTES", 16 * 1024 * 1024)
    # the models (models.Settings): model set, extractor, torch threads (0: torch's default),
    # precision (fp32 | int8) and device (cpu | cuda | auto)
    MODELS = _choice("CLAIMSCOPE_MODELS", "full")
    EXTRACTOR = _choice("CLAIMSCOPE_EXTRACTOR", "auto")
    TORCH_THREADS = _int("CLAIMSCOPE_TORCH_THREADS", 0)
    PRECISION = precision_from_env()
    DEVICE = _choice("CLAIMSCOPE_DEVICE", "cpu")
    LOAD_IN_BACKGROUND = _bool("CLAIMSCOPE_LOAD_IN_BACKGROUND", True)
    JSON_SORT_KEYS = False
    API_KEYS = _list("CLAIMSCOPE_API_KEYS")
    RATE_LIMIT_PER_MINUTE = _float("CLAIMSCOPE_RATE_LIMIT_PER_MINUTE", 0.0)
    # where the buckets live: "" = Redis with the RQ job backend, else the SQLite file below
    RATE_LIMIT_STORE = os.environ.get("CLAIMSCOPE_RATE_LIMIT_STORE", "")
    RATE_LIMIT_DB = os.environ.get("CLAIMSCOPE_RATE_LIMIT_DB", "var/ratelimit.sqlite3")
    MAX_INFLIGHT = _int("CLAIMSCOPE_MAX_INFLIGHT", 4)
    REQUEST_TIMEOUT = _float("CLAIMSCOPE_REQUEST_TIMEOUT", 60.0)
    CORS_ORIGINS = _list("CLAIMSCOPE_CORS_ORIGINS")
    SEEDS_DIR = os.environ.get("CLAIMSCOPE_SEEDS_DIR", str(Path(__file__).resolve().parent.parent / "seeds"))
    # asynchronous jobs: "sqlite" (embedded store + in-process worker) or "rq" (Redis + RQ workers)
    JOB_BACKEND = os.environ.get("CLAIMSCOPE_JOB_BACKEND", "sqlite")
    JOB_DB = os.environ.get("CLAIMSCOPE_JOB_DB", "var/jobs.sqlite3")
    REDIS_URL = os.environ.get("CLAIMSCOPE_REDIS_URL", "redis://127.0.0.1:6379/0")
    # seconds to wait for Redis to connect or reply before giving up (then job endpoints answer 503)
    REDIS_TIMEOUT = _float("CLAIMSCOPE_REDIS_TIMEOUT", 5.0)
    JOB_WORKER = _bool("CLAIMSCOPE_JOB_WORKER", True)
    JOB_LEASE_SECONDS = _float("CLAIMSCOPE_JOB_LEASE_SECONDS", 60.0)
    JOB_MAX_DOCUMENTS = _int("CLAIMSCOPE_JOB_MAX_DOCUMENTS", 10_000)
    # a job's document that takes longer is stopped and fails with "timeout" (0: no limit)
    JOB_DOCUMENT_TIMEOUT = _float("CLAIMSCOPE_JOB_DOCUMENT_TIMEOUT", 300.0)
    # seconds a completed job (texts and results) is kept before the sweeper purges it; 0 keeps it
    JOB_TTL = _float("CLAIMSCOPE_JOB_TTL", 7 * 24 * 3600.0)
    # when set, /metrics needs it (X-API-Key or Authorization: Bearer); else /metrics is open
    METRICS_KEY = os.environ.get("CLAIMSCOPE_METRICS_KEY", "")
    # `claimscope serve` hands these to gunicorn (docker/gunicorn.conf.py reads them there)
    BIND = os.environ.get("CLAIMSCOPE_BIND", "127.0.0.1:8000")
    WORKERS = _int("CLAIMSCOPE_WORKERS", 1)


class TestConfig(Config):
    TESTING = True
    LOAD_IN_BACKGROUND = False
    JOB_WORKER = False


def config_values(config: type[Config] = Config) -> dict[str, Any]:
    """The settings of ``config`` as a mapping, as Flask's app.config holds them (for the RQ
    worker and the command line, which have no app)."""
    return {name: getattr(config, name) for name in dir(config) if name.isupper()}
