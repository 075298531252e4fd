"""Prometheus metrics at /metrics: requests, latencies, documents and claims.

Under gunicorn with several workers, set PROMETHEUS_MULTIPROC_DIR (docker/gunicorn.conf.py does)
so that /metrics adds up every worker.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter("claimscope_requests_total", "HTTP requests", ["method", "endpoint", "status"])
LATENCY = Histogram("claimscope_request_seconds", "HTTP request latency", ["endpoint"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
DOCUMENTS = Counter("claimscope_documents_total", "Documents processed", ["outcome"])
CLAIMS = Counter("claimscope_claims_total", "Claims extracted")


def record_documents(results: Sequence[Any], failed: int = 0) -> None:
    DOCUMENTS.labels("ok").inc(len(results))
    if failed:
        DOCUMENTS.labels("error").inc(failed)
    CLAIMS.inc(sum(len(r.claims) for r in results))


def _metrics() -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest()
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _record(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
        REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
        started = g.get("started")
        if started is not None:
            LATENCY.labels(endpoint).observe(time.perf_counter() - started)
        return response

    app.add_url_rule("/metrics", "metrics", _metrics)
