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


@pytest.fixture()
def redis_url(tmp_path):
    port = free_port()
    redis = start_redis(port, tmp_path / "redis.log")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        redis.stop()


def new_job(store, n: int) -> str:
    return store.create([({"text": f"Document {i}."}, None) for i in range(n)])


def queued_tickets(dispatcher) -> list[str]:
    return dispatcher.queue.get_job_ids()


def test_sweeper_hands_out_documents_whose_message_went_astray(redis_url):
    """A worker that dies between taking an RQ job and leasing its documents, an RQ job that
    ended with documents still pending, and a job stored but never enqueued: all get re-enqueued;
    messages still waiting in the queue are left alone."""
    from rq import Queue
    from rq.job import Job

    from service.jobs.runner import RQDispatcher
    from service.jobs.store import RedisJobStore

    store = RedisJobStore(redis_url)
    dispatcher = RQDispatcher(store, redis_url, lease_seconds=0.5, chunk=2)  # sweep() is called by hand
    waiting, taken, dequeued, ended = (new_job(store, 2) for _ in range(4))
    for job_id in (taken, dequeued, ended, waiting):  # FIFO: `waiting` stays in the queue
        dispatcher.enqueue(job_id, [0, 1])
    never_enqueued = new_job(store, 3)
    first = {job_id: store.pending_tickets_of(job_id) for job_id in (waiting, taken, dequeued, ended)}

    # a worker takes the messages of `taken`, `dequeued` and `ended` off the queue and dies
    conn = dispatcher.queue.connection
    for job_id in (taken, dequeued, ended):
        message, _ = Queue.dequeue_any([dispatcher.queue], None, connection=conn)
        assert message.args[0] == job_id
    by_id = {t: Job.fetch(t, connection=conn) for t in (first[taken], first[ended])}
    with conn.pipeline() as pipe:
        by_id[first[taken]].prepare_for_execution("a-worker-that-died", pipe)  # status "started"
        pipe.execute()
    by_id[first[ended]].set_status("failed")

    dispatcher.sweep()  # within the lease: nothing is lost yet
    assert queued_tickets(dispatcher) == [first[waiting]]

    time.sleep(0.7)
    dispatcher.sweep()
    queued = queued_tickets(dispatcher)
    assert queued[0] == first[waiting]
    carried = sorted(Job.fetch(t, connection=conn).args[0] for t in queued[1:])
    assert carried == sorted([taken, dequeued, ended, never_enqueued, never_enqueued])  # 3 docs, 2 per chunk
    for job_id in (taken, dequeued, ended):
        assert store.pending_tickets_of(job_id) != first[job_id]  # the documents have new tickets
    assert store.pending_tickets_of(waiting) == first[waiting]

    dispatcher.sweep()  # the new messages are in the queue: nothing more is sent
    assert queued_tickets(dispatcher) == queued


def test_rq_job_whose_first_message_is_lost_still_completes(tmp_path, seed_text):
    """The first RQ message is taken off the queue by a 'worker' that dies at once: the sweeper
    in the API process sends its documents again and a real worker finishes the whole job."""
    from redis import Redis
    from rq import Queue

    from service.jobs.runner import RQ_QUEUE

    redis_port, port = free_port(), free_port()
    redis = start_redis(redis_port, tmp_path / "redis.log")
    url = f"redis://127.0.0.1:{redis_port}/0"
    env = {"CLAIMSCOPE_JOB_BACKEND": "rq", "CLAIMSCOPE_REDIS_URL": url, "CLAIMSCOPE_JOB_LEASE_SECONDS": "2",
           "CLAIMSCOPE_EXTRACTOR": "spacy"}
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, env, tmp_path / "gunicorn.log")
    worker = None
    try:
        wait_ready(server, base)
        n = 12
        job = requests.post(f"{base}/v1/jobs", json={"documents": documents(seed_text, n)}, timeout=30).json()
        conn = Redis.from_url(url)
        lost, _ = Queue.dequeue_any([Queue(RQ_QUEUE, connection=conn)], None, connection=conn)
        assert lost.args == (job["id"], [0, 1, 2, 3, 4, 5, 6, 7])
        worker = Proc([sys.executable, "-m", "service.cli", "worker", "--redis-url", url], env,
                      tmp_path / "worker.log")
        info = poll(base, job["id"], lambda i: i["status"] == "completed")
        assert info["done"] == n and info["failed"] == 0, (info, worker.output())
        check_results(base, job["id"], n)
        assert "went astray" in (tmp_path / "gunicorn.log").read_text(errors="replace")
    finally:
        if worker is not None:
            worker.stop()
        server.stop()
        redis.stop()
