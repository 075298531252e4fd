"""A document that runs longer than its lease is not taken by a second worker: the worker that
holds it renews the lease while it predicts (service.jobs.runner.LeaseKeeper)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter

from models import FakePredictor, check_cancelled
from service.jobs.runner import EmbeddedWorker, LeaseKeeper, process
from service.jobs.store import SQLiteJobStore, Task


class Slow(FakePredictor):
    """Takes ``seconds`` per document (checking the cancel token as the models do) and counts
    how often each text was predicted, across every worker that shares it."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self.seen: Counter[str] = Counter()
        self.lock = threading.Lock()

    def predict(self, batch, cancel=None):
        with self.lock:
            self.seen.update(doc.text for doc in batch)
        deadline = time.monotonic() + self.seconds * len(batch)
        while time.monotonic() < deadline:
            check_cancelled()
            time.sleep(0.01)
        return super().predict(batch)


def test_two_workers_never_predict_a_document_that_outlives_its_lease_twice(tmp_path):
    path = tmp_path / "jobs.sqlite3"
    texts = [f"Speaker{i} said that the plan number {i} works." for i in range(4)]
    job_id = SQLiteJobStore(path).create([({"id": f"d{i}", "text": t}, None) for i, t in enumerate(texts)])
    predictor = Slow(0.8)  # 0.8 s per document, 3.2 s for the four: ten leases of 0.3 s
    # two workers on one file, each with its own connection, as two gunicorn workers would be
    workers = [EmbeddedWorker(SQLiteJobStore(path), lambda: predictor, lease_seconds=0.3, poll_seconds=0.05,
                              document_seconds=30.0).start() for _ in range(2)]
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            info = SQLiteJobStore(path).get(job_id)
            if info is not None and info.status == "completed":
                break
            time.sleep(0.1)
    finally:
        for worker in workers:
            worker.stop.set()
            worker.wake.set()
        for worker in workers:
            worker.thread.join(10)
    assert info is not None and info.done == 4, info
    assert predictor.seen == Counter(texts)  # each once
    with sqlite3.connect(path) as db:
        assert [row[0] for row in db.execute("SELECT attempts FROM docs ORDER BY idx")] == [1, 1, 1, 1]


def test_a_lease_is_renewed_only_while_its_document_runs(tmp_path):
    store = SQLiteJobStore(tmp_path / "jobs.sqlite3")
    job_id = store.create([({"text": "Ann said that it works."}, None), ({"text": "Bob said no."}, None)])
    tasks = store.claim(8, lease_seconds=0.3)
    with LeaseKeeper(store, tasks, lease_seconds=0.3) as keeper:
        keeper.finished(tasks[0])
        time.sleep(1.0)
        # the second is still held: its lease stays ahead; the first is no longer renewed
        assert store.expired() == [(job_id, 0)]
    time.sleep(0.4)
    assert sorted(store.expired()) == [(job_id, 0), (job_id, 1)]


def test_renewal_stops_after_the_time_limit_of_a_stuck_worker(tmp_path):
    store = SQLiteJobStore(tmp_path / "jobs.sqlite3")
    job_id = store.create([({"text": "Ann said that it works."}, None)])
    tasks = store.claim(8, lease_seconds=0.2)
    with LeaseKeeper(store, tasks, lease_seconds=0.2, limit=0.5):
        time.sleep(1.2)  # stuck past its limit: the document goes back to the queue
        assert store.expired() == [(job_id, 0)]


def test_process_renews_the_leases_of_the_documents_it_predicts(tmp_path):
    store = SQLiteJobStore(tmp_path / "jobs.sqlite3")
    job_id = store.create([({"text": "Ann said that it works."}, None)])
    tasks: list[Task] = store.claim(8, lease_seconds=0.2)
    other = SQLiteJobStore(tmp_path / "jobs.sqlite3")
    stolen: list[Task] = []
    thread = threading.Thread(target=lambda: process(store, Slow(1.0), tasks, seconds=30.0, lease_seconds=0.2))
    thread.start()
    while thread.is_alive():
        stolen += other.claim(8, lease_seconds=0.2)
        time.sleep(0.05)
    assert stolen == []
    assert store.get(job_id).done == 1
