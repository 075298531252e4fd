"""A request that passes its timeout stops using the worker's CPU: a real gunicorn with a 2 s
timeout, a 100,000-character sentence with no full stop (about 40 s of work on 2 cores), then a
small request."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from .helpers import free_port, start_gunicorn, wait_ready

pytestmark = pytest.mark.slow
CLOCK_TICKS = 100  # os.sysconf("SC_CLK_TCK") on Linux


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def worker_pid(master: int) -> int:
    (child,) = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(child)


def test_timed_out_request_frees_the_worker(tmp_path, seed_text):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, {"CLAIMSCOPE_JOB_DB": str(tmp_path / "jobs.sqlite3"),
                                   "CLAIMSCOPE_REQUEST_TIMEOUT": "2"}, tmp_path / "gunicorn.log")
    small = {"text": next(p for p in seed_text.split("\n") if len(p) > 200)}
    pathological = ("He said that the cat" + " and the cat" * 9000)[:100_000]
    try:
        wait_ready(server, base)
        session = requests.Session()
        assert session.post(f"{base}/v1/extract", json=small, timeout=30).status_code == 200  # warm
        started = time.perf_counter()
        normal = session.post(f"{base}/v1/extract", json=small, timeout=30)
        normal_s = time.perf_counter() - started
        assert normal.status_code == 200

        started = time.perf_counter()
        r = session.post(f"{base}/v1/extract", json={"text": pathological}, timeout=60)
        assert r.status_code == 503 and r.json()["error"]["code"] == "timeout"
        assert time.perf_counter() - started < 4

        started = time.perf_counter()
        after = session.post(f"{base}/v1/extract", json=small, timeout=60)
        after_s = time.perf_counter() - started
        assert after.status_code == 200 and after.json() == normal.json()
        # the stopped prediction held the lock for at most one spaCy component or forward pass
        assert after_s < 5, f"small request after a timeout: {after_s:.1f} s (normally {normal_s:.2f} s)"

        pid = worker_pid(server.popen.pid)
        before = cpu_seconds(pid)
        time.sleep(2)
        used = cpu_seconds(pid) - before
        assert used < 0.5, f"the worker used {used:.2f} CPU seconds in 2 s after the timeout"
        print(f"small request: {normal_s:.2f} s before, {after_s:.2f} s right after the timeout; "
              f"worker CPU in the next 2 s: {used:.2f} s")
    finally:
        server.stop()
