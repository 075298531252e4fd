"""Safety limits: API keys with per-key rate limits, admission control and per-request timeouts.

- API keys (CLAIMSCOPE_API_KEYS="key1,key2"): when set, /v1/extract* and /v1/jobs* need the
  header X-API-Key (or Authorization: Bearer <key>); 401 otherwise.
- Rate limit (CLAIMSCOPE_RATE_LIMIT_PER_MINUTE): a token bucket per key (or per client address
  when keys are off), per worker process; 429 with Retry-After when empty.
- Admission (CLAIMSCOPE_MAX_INFLIGHT): at most this many predictions run or wait per worker;
  beyond it a request gets 503 "overloaded" at once instead of queueing without bound.
- Timeout (CLAIMSCOPE_REQUEST_TIMEOUT): a prediction that takes longer answers 503 "timeout";
  the work finishes in the background and is dropped.
"""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from flask import Flask, current_app, g, request

from .errors import APIError

T = TypeVar("T")
PROTECTED_PREFIXES = ("/v1/extract", "/v1/jobs")


class Unauthorized(APIError):
    status_code = 401
    code = "unauthorized"


class RateLimited(APIError):
    status_code = 429
    code = "rate_limited"


class Overloaded(APIError):
    status_code = 503
    code = "overloaded"


class TimedOut(APIError):
    status_code = 503
    code = "timeout"


class TokenBucket:
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
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._tokens[key] = (tokens - 1.0, now)
                return 0.0
            self._tokens[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


class Limits:
    def __init__(self, app: Flask) -> None:
        cfg = app.config
        self.keys = [k for k in cfg["API_KEYS"] if k]
        per_minute = float(cfg["RATE_LIMIT_PER_MINUTE"])
        self.bucket = TokenBucket(per_minute) if per_minute > 0 else None
        self.timeout = float(cfg["REQUEST_TIMEOUT"])
        self.slots = threading.BoundedSemaphore(int(cfg["MAX_INFLIGHT"]))
        self.executor = ThreadPoolExecutor(max_workers=int(cfg["MAX_INFLIGHT"]), thread_name_prefix="predict")

    def check_request(self) -> None:
        if not request.path.startswith(PROTECTED_PREFIXES) or request.method == "OPTIONS":
            return
        client = request.remote_addr or "unknown"
        if self.keys:
            given = request.headers.get("X-API-Key", "")
            auth = request.headers.get("Authorization", "")
            if not given and auth.lower().startswith("bearer "):
                given = auth[7:].strip()
            if not any(hmac.compare_digest(given, key) for key in self.keys):
                raise Unauthorized("A valid API key is required in the X-API-Key header.",
                                   headers={"WWW-Authenticate": 'Bearer realm="claimscope"'})
            client = "key:" + given
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
        try:
            future: Future[T] = self.executor.submit(fn)
        except BaseException:
            self.slots.release()
            raise
        future.add_done_callback(lambda _: self.slots.release())
        try:
            return future.result(timeout=self.timeout if self.timeout > 0 else None)
        except FutureTimeout as exc:
            raise TimedOut(f"The request took longer than {self.timeout:g} s.",
                           headers={"Retry-After": "5"}) from exc


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
