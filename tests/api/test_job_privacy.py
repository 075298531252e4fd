"""Jobs belong to the key that created them, can be deleted, and expire: on the SQLite store (a
real file) and on the Redis store (a real redis-server, with --slow), each read back directly."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from models import FakePredictor
from service import create_app
from service.jobs.runner import process
from service.jobs.store import RedisJobStore, SQLiteJobStore
from tests.conftest import make_config

SECRET = "Zorblax said that the Quuxcorp merger closes on Friday."
KEPT = "Vimes said that the Ankh bridge reopens in March."
A, B = {"X-API-Key": "key-a"}, {"Authorization": "Bearer key-b"}
BACKENDS = ["sqlite", pytest.param("rq", marks=pytest.mark.slow)]


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path) -> dict[str, object]:
    """The job-store settings of one backend (rq: a redis-server of its own)."""
    if request.param == "sqlite":
        yield {"JOB_BACKEND": "sqlite"}
        return
    from tests.integration.helpers import free_port, start_redis

    port = free_port()
    redis = start_redis(port, tmp_path / "redis.log")
    try:
        yield {"JOB_BACKEND": "rq", "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    finally:
        redis.stop()


def open_store(backend: dict[str, object], tmp_path: Path, ttl: float = 0.0):
    if backend["JOB_BACKEND"] == "sqlite":
        return SQLiteJobStore(tmp_path / "jobs.sqlite3", ttl)
    return RedisJobStore(str(backend["REDIS_URL"]), ttl)


def lease(store, job_id: str, n: int) -> list:
    """Lease every document of a job, as a worker does."""
    if isinstance(store, SQLiteJobStore):
        return store.claim(n, lease_seconds=60)
    return store.start(job_id, list(range(n)), lease_seconds=60)


def run_job(store, job_id: str, n: int) -> None:
    process(store, FakePredictor(), lease(store, job_id, n))


def new_job(store, *texts: str, owner: str | None = None) -> str:
    return store.create([({"id": f"d{i}", "text": t}, None) for i, t in enumerate(texts)], owner=owner)


def stored_bytes(store, tmp_path: Path) -> bytes:
    """Everything the store holds, read around it: the SQLite file and its log, or every Redis value."""
    if isinstance(store, SQLiteJobStore):
        return b"".join(p.read_bytes() for p in sorted(tmp_path.glob("jobs.sqlite3*")))
    r, out = store.redis, []
    for key in r.scan_iter():
        kind = r.type(key).decode()
        if kind == "string":
            out.append(r.get(key))
        elif kind == "hash":
            out.extend(k + b"=" + v for k, v in r.hgetall(key).items())
        elif kind == "set":
            out.extend(r.smembers(key))
        elif kind == "zset":
            out.extend(r.zrange(key, 0, -1))
        elif kind == "list":
            out.extend(r.lrange(key, 0, -1))
        out.append(key)
    return b"\n".join(out)


def rows_of(store, job_id: str) -> int:
    """How many rows (SQLite) or keys (Redis) the store still has for a job."""
    if isinstance(store, SQLiteJobStore):
        db = sqlite3.connect(store.path)
        try:
            return sum(db.execute(q, (job_id,)).fetchone()[0] for q in (
                "SELECT COUNT(*) FROM jobs WHERE id = ?", "SELECT COUNT(*) FROM docs WHERE job_id = ?"))
        finally:
            db.close()
    r = store.redis
    return (len(list(r.scan_iter(f"claimscope:job:{job_id}:*"))) + r.sismember(store.ACTIVE, job_id)
            + (r.zscore(store.FINISHED, job_id) is not None))


@pytest.fixture
def make_app(backend, tmp_path):
    """Apps on the backend's store (their RQ sweepers stop with the test)."""
    apps = []

    def make(**config: object):
        apps.append(create_app(make_config(tmp_path, **backend, **config), predictor=FakePredictor()))
        return apps[-1]

    yield make
    for app in apps:
        if app.extensions["jobs"].dispatcher is not None:
            app.extensions["jobs"].dispatcher.stop.set()


@pytest.fixture
def keyed(make_app):
    """A client with two API keys, and the app's own store."""
    app = make_app(API_KEYS=["key-a", "key-b"])
    return app.test_client(), app.extensions["jobs"].store


def test_a_job_is_not_found_with_another_key(keyed):
    client, store = keyed
    response = client.post("/v1/jobs", json={"documents": [{"text": SECRET}]}, headers=A)
    job_id = response.get_json()["id"]
    run_job(store, job_id, 1)
    assert client.get(f"/v1/jobs/{job_id}", headers=A).get_json()["status"] == "completed"
    unknown = client.get("/v1/jobs/0123456789abcdef0123456789abcdef", headers=B)
    for method, path in (("get", ""), ("get", "/results"), ("delete", "")):
        other = getattr(client, method)(f"/v1/jobs/{job_id}{path}", headers=B)
        assert other.status_code == 404, (method, path)
        assert other.get_json()["error"]["code"] == unknown.get_json()["error"]["code"] == "job_not_found"
        assert SECRET.encode() not in other.data
    assert client.get(f"/v1/jobs/{job_id}", headers=A).status_code == 200  # B's delete did nothing
    lines = client.get(f"/v1/jobs/{job_id}/results", headers=A).get_data(as_text=True).splitlines()
    assert json.loads(lines[0])["claims"][0]["text"] == "the Quuxcorp merger closes on Friday"
    assert client.delete(f"/v1/jobs/{job_id}", headers=A).status_code == 204
    for method, path in (("get", ""), ("get", "/results"), ("delete", "")):
        assert getattr(client, method)(f"/v1/jobs/{job_id}{path}", headers=A).status_code == 404


def test_a_job_records_the_digest_of_its_key_never_the_key(keyed, tmp_path):
    import hashlib

    client, store = keyed
    job_id = client.post("/v1/jobs", json={"documents": [{"text": SECRET}]}, headers=B).get_json()["id"]
    assert store.get(job_id).owner == hashlib.sha256(b"key-b").hexdigest()
    assert b"key-b" not in stored_bytes(store, tmp_path)


def test_without_api_keys_jobs_are_open_as_before(make_app):
    client = make_app().test_client()
    job_id = client.post("/v1/jobs", json={"documents": [{"text": SECRET}]}).get_json()["id"]
    assert client.get(f"/v1/jobs/{job_id}").status_code == 200
    assert client.get(f"/v1/jobs/{job_id}/results").status_code == 200
    assert client.delete(f"/v1/jobs/{job_id}").status_code == 204
    assert client.get(f"/v1/jobs/{job_id}").status_code == 404


def test_a_deleted_jobs_texts_are_gone_from_the_store(keyed, tmp_path):
    client, store = keyed
    kept = client.post("/v1/jobs", json={"documents": [{"text": KEPT}]}, headers=A).get_json()["id"]
    # long enough to spill onto overflow pages in SQLite, as a real article does
    article = SECRET + " " + " ".join(f"Filler sentence {i} of the unpublished piece." for i in range(300))
    job_id = client.post("/v1/jobs", json={"documents": [{"text": SECRET}, {"text": article}]},
                         headers=A).get_json()["id"]
    run_job(store, job_id, 2)
    run_job(store, kept, 1)
    if isinstance(store, SQLiteJobStore):  # into the file itself, as SQLite's automatic checkpoints do
        sqlite3.connect(store.path).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
        assert b"Quuxcorp" in (tmp_path / "jobs.sqlite3").read_bytes()
    assert b"Quuxcorp" in stored_bytes(store, tmp_path)
    assert client.delete(f"/v1/jobs/{job_id}", headers=A).status_code == 204
    held = stored_bytes(store, tmp_path)
    assert b"Quuxcorp" not in held and b"unpublished piece" not in held
    assert b"Ankh bridge" in held  # only that job's data went
    assert rows_of(store, job_id) == 0


def test_a_worker_finishing_after_delete_does_not_bring_the_job_back(backend, tmp_path):
    store = open_store(backend, tmp_path)
    job_id = new_job(store, SECRET, KEPT)
    tasks = lease(store, job_id, 2)
    assert len(tasks) == 2
    assert store.delete(job_id)
    process(store, FakePredictor(), tasks)  # the worker was already predicting
    assert store.get(job_id) is None and rows_of(store, job_id) == 0
    assert b"Quuxcorp" not in stored_bytes(store, tmp_path)
    assert not store.delete(job_id)
    if isinstance(store, RedisJobStore):  # nor does the sweeper handing its documents out again
        store.requeue(job_id, [0, 1])
        store.ticket(job_id, [0, 1], "a-message")
        assert store.start(job_id, [0, 1], 60) == []
        assert rows_of(store, job_id) == 0


def test_completed_jobs_expire_after_their_ttl(backend, tmp_path):
    store = open_store(backend, tmp_path, ttl=60)
    done, waiting = new_job(store, SECRET), new_job(store, KEPT)
    assert store.get(done).expires is None  # not before it completed
    run_job(store, done, 1)
    info = store.get(done)
    assert info.status == "completed" and info.expires == pytest.approx(info.updated + 60)
    assert store.get(waiting).expires is None
    assert store.purge(now=time.time() + 30) == []
    assert store.purge(now=time.time() + 61) == [done]  # the unfinished job stays
    assert store.get(done) is None and rows_of(store, done) == 0
    assert store.get(waiting) is not None
    held = stored_bytes(store, tmp_path)
    assert b"Quuxcorp" not in held and b"Ankh bridge" in held
    assert open_store(backend, tmp_path, ttl=0).purge(now=time.time() + 1e9) == []  # ttl 0 keeps jobs


def test_the_embedded_worker_purges_expired_jobs(tmp_path):
    app = create_app(make_config(tmp_path, JOB_WORKER=True, JOB_TTL=1.0), predictor=FakePredictor())
    client = app.test_client()
    job_id = client.post("/v1/jobs", json={"documents": [{"text": SECRET}]}).get_json()["id"]
    deadline = time.monotonic() + 20
    while (info := client.get(f"/v1/jobs/{job_id}")).status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.1)
        if info.get_json()["status"] == "completed":
            assert info.get_json()["expires"] == pytest.approx(info.get_json()["updated"] + 1)
    assert info.status_code == 404
    worker = app.extensions["jobs"].worker  # let it end the purge (its checkpoint) before the file is read
    worker.stop.set()
    worker.wake.set()
    worker.thread.join(10)
    assert b"Quuxcorp" not in stored_bytes(app.extensions["jobs"].store, tmp_path)


@pytest.mark.slow
def test_the_rq_sweeper_purges_expired_jobs(tmp_path):
    from service.jobs.runner import RQDispatcher
    from tests.integration.helpers import free_port, start_redis

    port = free_port()
    redis = start_redis(port, tmp_path / "redis.log")
    try:
        url = f"redis://127.0.0.1:{port}/0"
        store = RedisJobStore(url, ttl=0.5)
        job_id = new_job(store, SECRET)
        run_job(store, job_id, 1)  # completed, and nobody polls it
        dispatcher = RQDispatcher(store, url, lease_seconds=60)  # sweep() is called by hand
        dispatcher.sweep()
        assert store.get(job_id) is not None
        time.sleep(0.6)
        dispatcher.sweep()
        assert store.get(job_id) is None and rows_of(store, job_id) == 0
        # a job completed before the finished index existed is found once per process
        old = new_job(store, KEPT)
        run_job(store, old, 1)
        store.redis.srem(store.ACTIVE, old)
        time.sleep(0.6)
        dispatcher.sweep()
        assert store.get(old) is not None  # this process has looked already
        assert RedisJobStore(url, ttl=0.5).purge() == [old]
    finally:
        redis.stop()


def test_a_store_file_from_before_owners_is_migrated(tmp_path):
    path = tmp_path / "jobs.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE jobs (id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL, total INTEGER NOT NULL);
        INSERT INTO jobs VALUES ('old', 1.0, 1.0, 0);""")
    db.close()
    store = SQLiteJobStore(path)
    assert store.get("old").owner is None
    assert store.get(new_job(store, SECRET, owner="digest")).owner == "digest"
    SQLiteJobStore(path)  # opening it again changes nothing
