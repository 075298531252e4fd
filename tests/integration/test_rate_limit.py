"""Rate limits shared across workers and hosts: the Redis buckets on a real Redis server, and the
default SQLite buckets under a real gunicorn with two workers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .helpers import free_port, start_gunicorn, start_redis

pytestmark = pytest.mark.slow


def test_redis_bucket_is_shared_and_refills(tmp_path):
    from service.limits import RedisTokenBucket

    port = free_port()
    redis = start_redis(port, tmp_path / "redis.log")
    try:
        url = f"redis://127.0.0.1:{port}/0"
        one, two = RedisTokenBucket(url, per_minute=120, burst=3), RedisTokenBucket(url, per_minute=120, burst=3)
        waits = [bucket.take("k") for bucket in (one, two, one, two)]
        assert waits[:3] == [0, 0, 0] and 0 < waits[3] <= 0.5  # 2 tokens/s
        assert one.take("other") == 0  # keys are separate
        import time

        time.sleep(waits[3] + 0.1)
        assert two.take("k") == 0
        assert one.redis.ttl("claimscope:ratelimit:k") > 0  # idle buckets expire
    finally:
        redis.stop()


def test_gunicorn_workers_share_one_budget(tmp_path):
    port = free_port()
    env = {"CLAIMSCOPE_WORKERS": "2", "CLAIMSCOPE_API_KEYS": "k1", "CLAIMSCOPE_RATE_LIMIT_PER_MINUTE": "4",
           "CLAIMSCOPE_RATE_LIMIT_DB": str(tmp_path / "ratelimit.sqlite3"), "CLAIMSCOPE_EXTRACTOR": "spacy",
           "CLAIMSCOPE_JOB_DB": str(tmp_path / "jobs.sqlite3")}
    server = start_gunicorn(port, env, tmp_path / "gunicorn.log")
    base = f"http://127.0.0.1:{port}"
    try:
        import time

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # the rate check runs before the models are needed
            try:
                requests.get(f"{base}/v1/health", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.3)

        def call(_: int) -> tuple[int, str]:
            r = requests.get(f"{base}/v1/jobs/unknown", headers={"X-API-Key": "k1", "Connection": "close"},
                             timeout=30)
            return r.status_code, r.headers.get("Retry-After", "")

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(call, range(16)))
        codes = [code for code, _ in results]
        assert codes.count(404) == 4 and codes.count(429) == 12, codes
        assert all(int(after) >= 1 for code, after in results if code == 429)
    finally:
        server.stop()
