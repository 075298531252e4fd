"""Jobs survive crashes: embedded SQLite worker under gunicorn, and RQ workers on a real Redis."""

from __future__ import annotations

import sys
import time

import pytest
import requests

from .helpers import Proc, free_port, start_gunicorn, start_redis, wait_ready

pytestmark = pytest.mark.slow


def documents(seed_text: str, n: int) -> list[dict]:
    return [{"id": f"doc{i}", "text": seed_text} for i in range(n)]


def poll(base: str, job_id: str, until, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = requests.get(f"{base}/v1/jobs/{job_id}", timeout=10).json()
        if until(info):
            return info
        time.sleep(0.2)
    raise AssertionError(f"job never reached the state: {info}")


def check_results(base: str, job_id: str, n: int) -> None:
    lines = requests.get(f"{base}/v1/jobs/{job_id}/results", timeout=30).text.splitlines()
    import json

    records = [json.loads(line) for line in lines]
    assert [r["index"] for r in records] == list(range(n))
    assert all("error" not in r and r["claims"] for r in records), [r.get("error") for r in records]
    assert [r["id"] for r in records] == [f"doc{i}" for i in range(n)]


def test_embedded_job_survives_a_killed_server(tmp_path, seed_text):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"CLAIMSCOPE_JOB_DB": str(tmp_path / "jobs.sqlite3"), "CLAIMSCOPE_JOB_LEASE_SECONDS": "2",
           "CLAIMSCOPE_EXTRACTOR": "spacy"}
    server = start_gunicorn(port, env, tmp_path / "gunicorn1.log")
    try:
        wait_ready(server, base)
        n = 40
        job = requests.post(f"{base}/v1/jobs", json={"documents": documents(seed_text, n)}, timeout=30).json()
        poll(base, job["id"], lambda info: info["done"] >= 1)
    finally:
        server.kill()  # crash mid-job: leased documents are left "running"
    server = start_gunicorn(port, env, tmp_path / "gunicorn2.log")
    try:
        wait_ready(server, base)
        info = requests.get(f"{base}/v1/jobs/{job['id']}", timeout=10).json()
        assert info["total"] == n
        info = poll(base, job["id"], lambda i: i["status"] == "completed")
        assert info["done"] == n and info["failed"] == 0
        check_results(base, job["id"], n)
    finally:
        server.stop()


def test_rq_backend_on_real_redis_survives_a_killed_worker(tmp_path, seed_text):
    redis_port, port = free_port(), free_port()
    redis = start_redis(redis_port, tmp_path / "redis.log")
    url = f"redis://127.0.0.1:{redis_port}/0"
    env = {"CLAIMSCOPE_JOB_BACKEND": "rq", "CLAIMSCOPE_REDIS_URL": url, "CLAIMSCOPE_JOB_LEASE_SECONDS": "3",
           "CLAIMSCOPE_EXTRACTOR": "spacy"}
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, env, tmp_path / "gunicorn.log")
    worker_cmd = [sys.executable, "-m", "service.cli", "worker", "--redis-url", url]
    workers: list[Proc] = []
    try:
        wait_ready(server, base)
        n = 40
        job = requests.post(f"{base}/v1/jobs", json={"documents": documents(seed_text, n)}, timeout=30).json()
        assert job["status"] == "queued"
        workers.append(Proc(worker_cmd, env, tmp_path / "worker1.log"))
        poll(base, job["id"], lambda info: info["done"] >= 1)
        workers[0].kill()  # the worker dies holding leased documents
        killed_at = requests.get(f"{base}/v1/jobs/{job['id']}", timeout=10).json()
        assert killed_at["status"] == "running"
        workers.append(Proc(worker_cmd, env, tmp_path / "worker2.log"))
        info = poll(base, job["id"], lambda i: i["status"] == "completed")
        assert info["done"] == n and info["failed"] == 0, (info, workers[1].output())
        check_results(base, job["id"], n)
    finally:
        for proc in workers:
            proc.stop()
        server.stop()
        redis.stop()
