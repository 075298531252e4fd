"""Job workers: the embedded thread (SQLite store) and the RQ task (Redis store)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

from ..metrics import record_documents
from ..predict import FAILED, dump, minibatch, predict_each, to_input
from .store import JobStore, Task

log = logging.getLogger(__name__)
RQ_QUEUE = "claimscope"


def process(store: JobStore, predictor: Any, tasks: Sequence[Task]) -> None:
    """Predict leased tasks and record each outcome in the store."""
    for chunk in minibatch(tasks):
        outcomes = predict_each(predictor, [to_input(t.request) for t in chunk])
        record_documents([o for o in outcomes if o is not None], failed=outcomes.count(None))
        for task, outcome in zip(chunk, outcomes, strict=True):
            if outcome is None:
                store.finish(task.job_id, task.index, None, FAILED)
            else:
                store.finish(task.job_id, task.index, dump(outcome), None)


class EmbeddedWorker:
    """A daemon thread in each gunicorn worker that drains the SQLite store."""

    def __init__(self, store: JobStore, get_predictor: Callable[[], Any], lease_seconds: float,
                 poll_seconds: float = 0.5, batch: int = 8) -> None:
        self.store = store
        self.get_predictor = get_predictor
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="job-worker", daemon=True)

    def start(self) -> EmbeddedWorker:
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self.stop.is_set():
            predictor = self.get_predictor()
            if predictor is None:
                self.stop.wait(self.poll_seconds)
                continue
            try:
                tasks = self.store.claim(self.batch, self.lease_seconds)
                if tasks:
                    process(self.store, predictor, tasks)
                    continue
            except Exception:
                log.exception("job worker iteration failed")
            self.wake.wait(self.poll_seconds)
            self.wake.clear()


class RQDispatcher:
    """Hands documents to RQ workers, and re-enqueues those whose lease ran out."""

    def __init__(self, store: Any, redis_url: str, lease_seconds: float, chunk: int = 8) -> None:
        from redis import Redis
        from rq import Queue

        self.store = store
        self.queue = Queue(RQ_QUEUE, connection=Redis.from_url(redis_url))
        self.lease_seconds = lease_seconds
        self.chunk = chunk
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sweep, name="job-sweeper", daemon=True)

    def start(self) -> RQDispatcher:
        self.thread.start()
        return self

    def enqueue(self, job_id: str, indices: Sequence[int]) -> None:
        for part in minibatch(list(indices), self.chunk):
            self.queue.enqueue(rq_task, job_id, part, job_timeout=max(60, int(self.lease_seconds * 4)))

    def _sweep(self) -> None:
        while not self.stop.wait(max(1.0, self.lease_seconds / 2)):
            try:
                expired = self.store.expired()
                by_job: dict[str, list[int]] = {}
                for job_id, idx in expired:
                    by_job.setdefault(job_id, []).append(idx)
                for job_id, indices in by_job.items():
                    log.warning("re-enqueueing %d abandoned documents of job %s", len(indices), job_id)
                    self.store.requeue(job_id, indices)
                    self.enqueue(job_id, indices)
            except Exception:
                log.exception("job sweeper iteration failed")


_worker_state: dict[str, Any] = {}


def rq_task(job_id: str, indices: list[int]) -> int:
    """The RQ job: lease, predict and record some documents of a job (runs in an RQ worker)."""
    if "predictor" not in _worker_state:
        from models import load_predictor

        from .store import RedisJobStore

        _worker_state["store"] = RedisJobStore(os.environ.get("CLAIMSCOPE_REDIS_URL", "redis://127.0.0.1:6379/0"))
        _worker_state["predictor"] = load_predictor(os.environ.get("CLAIMSCOPE_EXTRACTOR", "auto"))
        _worker_state["lease"] = float(os.environ.get("CLAIMSCOPE_JOB_LEASE_SECONDS", "60"))
    store, lease = _worker_state["store"], _worker_state["lease"]
    # lease the whole chunk at once (a worker killed now leaves every one of them to the sweeper),
    # then renew the leases of the rest after each document
    tasks = store.start(job_id, indices, lease)
    for n, task in enumerate(tasks):
        process(store, _worker_state["predictor"], [task])
        store.renew(job_id, [t.index for t in tasks[n + 1:]], lease)
    return len(tasks)
