"""Service configuration, read once from the environment (CLAIMSCOPE_*)."""

from __future__ import annotations

import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str]:
    return [x.strip() for x in os.environ.get(name, "").split(",") if x.strip()]


class Config:
    # A 200,000-character text in JSON is at most ~1.2 MB (escapes); a batch of 64 such texts
    # is far more than one request should carry: cap the body at 16 MB.
    MAX_CONTENT_LENGTH = _int("CLAIMSCOPE_MAX_BODY_BYTES", 16 * 1024 * 1024)
    EXTRACTOR = os.environ.get("CLAIMSCOPE_EXTRACTOR", "auto")
    LOAD_IN_BACKGROUND = _bool("CLAIMSCOPE_LOAD_IN_BACKGROUND", True)
    TORCH_THREADS = _int("CLAIMSCOPE_TORCH_THREADS", 0)
    JSON_SORT_KEYS = False
    API_KEYS = _list("CLAIMSCOPE_API_KEYS")
    RATE_LIMIT_PER_MINUTE = float(os.environ.get("CLAIMSCOPE_RATE_LIMIT_PER_MINUTE", "0"))
    # where the buckets live: "" = Redis with the RQ job backend, else the SQLite file below
    RATE_LIMIT_STORE = os.environ.get("CLAIMSCOPE_RATE_LIMIT_STORE", "")
    RATE_LIMIT_DB = os.environ.get("CLAIMSCOPE_RATE_LIMIT_DB", "var/ratelimit.sqlite3")
    MAX_INFLIGHT = _int("CLAIMSCOPE_MAX_INFLIGHT", 4)
    REQUEST_TIMEOUT = float(os.environ.get("CLAIMSCOPE_REQUEST_TIMEOUT", "60"))
    CORS_ORIGINS = _list("CLAIMSCOPE_CORS_ORIGINS")
    SEEDS_DIR = os.environ.get("CLAIMSCOPE_SEEDS_DIR", str(Path(__file__).resolve().parent.parent / "seeds"))
    # asynchronous jobs: "sqlite" (embedded store + in-process worker) or "rq" (Redis + RQ workers)
    JOB_BACKEND = os.environ.get("CLAIMSCOPE_JOB_BACKEND", "sqlite")
    JOB_DB = os.environ.get("CLAIMSCOPE_JOB_DB", "var/jobs.sqlite3")
    REDIS_URL = os.environ.get("CLAIMSCOPE_REDIS_URL", "redis://127.0.0.1:6379/0")
    JOB_WORKER = _bool("CLAIMSCOPE_JOB_WORKER", True)
    JOB_LEASE_SECONDS = float(os.environ.get("CLAIMSCOPE_JOB_LEASE_SECONDS", "60"))
    JOB_MAX_DOCUMENTS = _int("CLAIMSCOPE_JOB_MAX_DOCUMENTS", 10_000)
    # seconds a completed job (texts and results) is kept before the sweeper purges it; 0 keeps it
    JOB_TTL = float(os.environ.get("CLAIMSCOPE_JOB_TTL", str(7 * 24 * 3600)))
    # when set, /metrics needs it (X-API-Key or Authorization: Bearer); else /metrics is open
    METRICS_KEY = os.environ.get("CLAIMSCOPE_METRICS_KEY", "")


class TestConfig(Config):
    TESTING = True
    LOAD_IN_BACKGROUND = False
    JOB_WORKER = False
