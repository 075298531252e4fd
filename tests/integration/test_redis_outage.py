"""Redis stopping and coming back under the RQ backend, on a real redis-server (append-only
persistence, as the README asks of operators) with a real gunicorn and a real RQ worker:
/v1/extract keeps working, the job endpoints answer 503 jobs_unavailable with Retry-After at
once, and every document accepted before the outage completes once Redis is back."""

from __future__ import annotations

import sys
import time

import pytest
import requests

from .helpers import Proc, free_port, start_gunicorn, start_redis, wait_ready
from .test_jobs_durability import check_results, documents, poll

pytestmark = pytest.mark.slow


def timed(method: str, url: str, **kwargs) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = requests.request(method, url, timeout=60, **kwargs)
    return response, time.monotonic() - started


def assert_unavailable(response: requests.Response, seconds: float) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "jobs_unavailable"
    assert int(response.headers["Retry-After"]) >= 1
    assert seconds < 10  # bounded by CLAIMSCOPE_REDIS_TIMEOUT (a refused connection fails at once)


def test_redis_outage_then_every_accepted_document_completes(tmp_path, seed_text):
    redis_port, port = free_port(), free_port()
    data = tmp_path / "redis-data"
    redis = start_redis(redis_port, tmp_path / "redis1.log", data_dir=data)
    url = f"redis://127.0.0.1:{redis_port}/0"
    env = {"CLAIMSCOPE_JOB_BACKEND": "rq", "CLAIMSCOPE_REDIS_URL": url, "CLAIMSCOPE_JOB_LEASE_SECONDS": "2",
           "CLAIMSCOPE_REDIS_TIMEOUT": "2", "CLAIMSCOPE_EXTRACTOR": "spacy"}
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, env, tmp_path / "gunicorn.log")
    worker = Proc([sys.executable, "-m", "service.cli", "worker", "--redis-url", url], env, tmp_path / "worker.log")
    try:
        wait_ready(server, base)
        n = 8
        job = requests.post(f"{base}/v1/jobs", json={"documents": documents(seed_text, n)}, timeout=30).json()
        poll(base, job["id"], lambda info: info["done"] >= 1)

        redis.stop()  # SIGTERM: the append-only file holds every write acknowledged so far
        response, seconds = timed("POST", f"{base}/v1/extract", json={"text": seed_text})
        assert response.status_code == 200 and response.json()["claims"], response.text
        assert_unavailable(*timed("POST", f"{base}/v1/jobs", json={"documents": documents(seed_text, 2)}))
        assert_unavailable(*timed("GET", f"{base}/v1/jobs/{job['id']}"))
        assert_unavailable(*timed("GET", f"{base}/v1/jobs/{job['id']}/results"))
        assert_unavailable(*timed("DELETE", f"{base}/v1/jobs/{'0' * 32}"))
        time.sleep(5)  # longer than a lease: the worker cannot renew the leases it holds
        response, _ = timed("POST", f"{base}/v1/extract/batch", json={"documents": documents(seed_text, 2)})
        assert response.status_code == 200 and all(r["claims"] for r in response.json()["results"])
        assert server.alive() and worker.alive()

        redis = start_redis(redis_port, tmp_path / "redis2.log", data_dir=data)
        info = poll(base, job["id"], lambda i: i["status"] == "completed", timeout=300)
        assert info["done"] == n and info["failed"] == 0, (info, worker.output())
        check_results(base, job["id"], n)
        # and the job endpoints work again
        again = requests.post(f"{base}/v1/jobs", json={"documents": documents(seed_text, 1)}, timeout=30)
        assert again.status_code == 202
        assert poll(base, again.json()["id"], lambda i: i["status"] == "completed", timeout=300)["done"] == 1
    finally:
        worker.stop()
        server.stop()
        redis.stop()
