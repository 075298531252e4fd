"""Safety limits: API keys with per-key rate limits, admission control and per-request timeouts.

- API keys (CLAIMSCOPE_API_KEYS="key1,key2"): when set, /v1/extract* and /v1/jobs* need the
  header X-API-Key (or Authorization: Bearer <key>); 401 otherwise. The key's SHA-256 digest
  (``owner()``) owns the jobs it creates.
- Metrics key (CLAIMSCOPE_METRICS_KEY): when set, /metrics needs it the same way; 401 otherwise.
- Rate limit (CLAIMSCOPE_RATE_LIMIT_PER_MINUTE): a token bucket per key (or per client address
  when keys are off); 429 with Retry-After when empty. The buckets are shared by every worker
  process: in an SQLite file on one host (CLAIMSCOPE_RATE_LIMIT_DB), or in Redis when the job
  backend is RQ (every host); CLAIMSCOPE_RATE_LIMIT_STORE=memory|sqlite|redis overrides the choice.
  Keys are stored as SHA-256 digests, never in clear.
- Admission (CLAIMSCOPE_MAX_INFLIGHT): at most this many predictions run or wait per worker;
  beyond it a request gets 503 "overloaded" at once instead of queueing without bound.
- Timeout (CLAIMSCOPE_REQUEST_TIMEOUT): a prediction that takes longer answers 503 "timeout",
  and its CancelToken is cancelled: the prediction stops at its next check (between steps and
  forward passes, models/base.py), so the worker's CPU is free again within about a second.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app, g, request

from models import CancelToken, cancelling

from .errors import Overloaded, RateLimited, TimedOut, Unauthorized
from .redisconn import UNREACHABLE, connect
from .sqlite import connect_wal

log = logging.getLogger(__name__)
T = TypeVar("T")
# the routes behind the API key and the rate limit (the OpenAPI document lists 401 and 429 on them)
PROTECTED_PREFIXES = ("/v1/extract", "/v1/jobs")


class TokenBucket:
    """In-process buckets: exact for one worker process only."""

    def __init__(self, per_minute: float, burst: float | None = None) -> None:
        self.rate = per_minute / 60.0
        self.capacity = burst if burst is not None else max(1.0, per_minute)
        self._tokens: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take a token for ``key``; return 0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._tokens.get(key, (self.capacity, now))
            tokens, wait = refill(tokens, last, now, self.rate, self.capacity)
            self._tokens[key] = (tokens, now)
            return wait


def refill(tokens: float, last: float, now: float, rate: float, capacity: float) -> tuple[float, float]:
    """The bucket after refilling since ``last`` and taking one token if it can:
    (tokens left, 0) when allowed, else (tokens, seconds until a token is there)."""
    tokens = min(capacity, tokens + max(0.0, now - last) * rate)
    if tokens >= 1.0:
        return tokens - 1.0, 0.0
    return tokens, (1.0 - tokens) / rate


class SQLiteTokenBucket:
    """Buckets in an SQLite file, shared by all worker processes on one host.

    Each take is one short write transaction (BEGIN IMMEDIATE serialises the processes).
    """

    def __init__(self, path: str, per_minute: float, burst: float | None = None) -> None:
        self.rate = per_minute / 60.0
        self.capacity = burst if burst is not None else max(1.0, per_minute)
        self.path = path
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS buckets (key TEXT PRIMARY KEY, tokens REAL, last REAL)")

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = connect_wal(self.path, timeout=10)
            self._local.db = db
        return db

    def take(self, key: str) -> float:
        db = self._db()
        now = time.time()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT tokens, last FROM buckets WHERE key = ?", (key,)).fetchone()
            tokens, last = row if row else (self.capacity, now)
            tokens, wait = refill(tokens, last, now, self.rate, self.capacity)
            db.execute("INSERT OR REPLACE INTO buckets (key, tokens, last) VALUES (?, ?, ?)", (key, tokens, now))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return wait


# KEYS[1] the bucket; ARGV: rate per second, capacity. Redis's own clock, so hosts need not agree.
_REDIS_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local rate, capacity = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'last')
local tokens, last = tonumber(state[1]) or capacity, tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - last) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'last', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 60)
return tostring(wait)
"""


class RedisTokenBucket:
    """Buckets in Redis, shared by all workers on all hosts (one atomic script per take).

    While Redis is unreachable every request is let through (a warning is logged once a minute):
    the rate limit guards the service's capacity, which admission control guards too, and
    /v1/extract does not otherwise need Redis, so it keeps working through a Redis outage.
    """

    def __init__(self, url: str, per_minute: float, burst: float | None = None, timeout: float = 5.0) -> None:
        self.rate = per_minute / 60.0
        self.capacity = burst if burst is not None else max(1.0, per_minute)
        self.redis = connect(url, timeout)
        self._take = self.redis.register_script(_REDIS_TAKE)
        self._warned = 0.0

    def take(self, key: str) -> float:
        try:
            return float(self._take(keys=[f"claimscope:ratelimit:{key}"], args=[self.rate, self.capacity]))
        except UNREACHABLE as exc:
            if time.monotonic() - self._warned > 60:
                self._warned = time.monotonic()
                log.warning("Redis is unreachable (%s); requests pass without a rate limit until it is back",
                            type(exc).__name__)
            return 0.0


def make_bucket(cfg: Any) -> Any:
    """The rate-limit buckets the configuration asks for (None when rate limiting is off)."""
    per_minute = float(cfg["RATE_LIMIT_PER_MINUTE"])
    if per_minute <= 0:
        return None
    store = cfg.get("RATE_LIMIT_STORE") or ("redis" if cfg["JOB_BACKEND"] == "rq" else "sqlite")
    if store == "memory":
        return TokenBucket(per_minute)
    if store == "sqlite":
        return SQLiteTokenBucket(cfg["RATE_LIMIT_DB"], per_minute)
    if store == "redis":
        return RedisTokenBucket(cfg["REDIS_URL"], per_minute, timeout=float(cfg.get("REDIS_TIMEOUT", 5.0)))
    raise ValueError(f"unknown rate-limit store {store!r}; expected memory, sqlite or redis")


class Limits:
    def __init__(self, app: Flask) -> None:
        cfg = app.config
        self.keys = [k for k in cfg["API_KEYS"] if k]
        self.metrics_key = cfg["METRICS_KEY"]
        self.bucket = make_bucket(cfg)
        self.timeout = float(cfg["REQUEST_TIMEOUT"])
        self.slots = threading.BoundedSemaphore(int(cfg["MAX_INFLIGHT"]))
        self.executor = ThreadPoolExecutor(max_workers=int(cfg["MAX_INFLIGHT"]), thread_name_prefix="predict")

    def check_request(self) -> None:
        if request.path == "/metrics":
            if self.metrics_key and not hmac.compare_digest(_given_key().encode(), self.metrics_key.encode()):
                raise Unauthorized("A valid metrics key is required in the X-API-Key header.",
                                   headers={"WWW-Authenticate": 'Bearer realm="claimscope-metrics"'})
            return
        if not request.path.startswith(PROTECTED_PREFIXES) or request.method == "OPTIONS":
            return
        client = request.remote_addr or "unknown"
        if self.keys:
            given = _given_key()
            if not any(hmac.compare_digest(given.encode(), key.encode()) for key in self.keys):
                raise Unauthorized("A valid API key is required in the X-API-Key header.",
                                   headers={"WWW-Authenticate": 'Bearer realm="claimscope"'})
            g.owner = hashlib.sha256(given.encode()).hexdigest()
            client = "key:" + g.owner[:32]
        g.client = client
        if self.bucket is not None:
            wait = self.bucket.take(client)
            if wait > 0:
                raise RateLimited("Rate limit exceeded; slow down.",
                                  headers={"Retry-After": str(max(1, math.ceil(wait)))})

    def run(self, fn: Callable[[], T]) -> T:
        """Run a prediction under admission control and the per-request timeout."""
        if not self.slots.acquire(blocking=False):
            raise Overloaded("The server is busy; retry shortly.", headers={"Retry-After": "1"})
        token = CancelToken()
        try:
            future: Future[T] = self.executor.submit(_run_cancellable, token, fn)
        except BaseException:
            self.slots.release()
            raise
        future.add_done_callback(lambda _: self.slots.release())
        try:
            return future.result(timeout=self.timeout if self.timeout > 0 else None)
        except FutureTimeout as exc:
            token.cancel()  # the prediction raises Cancelled at its next check; nobody reads it
            raise TimedOut(f"The request took longer than {self.timeout:g} s.",
                           headers={"Retry-After": "5"}) from exc


def _run_cancellable(token: CancelToken, fn: Callable[[], T]) -> T:
    """``fn`` in the executor's thread with ``token`` current, so the predictions it makes check it."""
    with cancelling(token):
        return fn()


def _given_key() -> str:
    given = request.headers.get("X-API-Key", "")
    auth = request.headers.get("Authorization", "")
    if not given and auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    return given


def owner() -> str | None:
    """The SHA-256 digest of this request's API key (None when API keys are off)."""
    digest: str | None = g.get("owner")
    return digest


def init_app(app: Flask) -> None:
    limits = Limits(app)
    app.extensions["limits"] = limits
    app.before_request(limits.check_request)
    origins = app.config["CORS_ORIGINS"]
    if origins:
        from flask_cors import CORS

        CORS(app, origins=origins, expose_headers=["Retry-After", "Location", "X-Job-Status"],
             allow_headers=["Content-Type", "X-API-Key", "Authorization"])


def run_limited(fn: Callable[[], Any]) -> Any:
    limits: Limits = current_app.extensions["limits"]
    return limits.run(fn)
