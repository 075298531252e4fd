"""Job workers: the embedded thread (SQLite store) and the RQ task (Redis store)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC
from typing import Any

from models import Predictor

from ..errors import log_exception
from ..metrics import record_documents
from ..predict import MAX_BATCH_SIZE, Item, minibatch, run_batch
from ..redisconn import UNREACHABLE
from .store import JobStore, Task

log = logging.getLogger(__name__)
RQ_QUEUE = "claimscope"


def purge(store: JobStore) -> None:
    """Delete the expired jobs of the store (their ids go to the log, never their texts)."""
    purged = store.purge()
    if purged:
        log.info("purged %d expired jobs: %s", len(purged), ", ".join(purged))


def process(store: JobStore, predictor: Predictor, tasks: Sequence[Task], seconds: float = 0.0,
            lease_seconds: float = 0.0) -> None:
    """Predict leased tasks and record each outcome in the store (a minibatch at a time); with
    ``seconds`` > 0 a document that takes longer is stopped and fails with "timeout". With
    ``lease_seconds`` > 0 the leases of the tasks not yet finished are renewed while they run
    (``LeaseKeeper``), so no other worker takes a document this one is still predicting."""
    items = [Item(task.index, task.request) for task in tasks]
    with LeaseKeeper(store, tasks, lease_seconds, running_limit(len(tasks), seconds, lease_seconds)) as keeper:
        outcomes = run_batch(predictor, items, record=record_documents, seconds=seconds)
        for task, outcome in zip(tasks, outcomes, strict=True):
            store.finish(task.job_id, task.index, outcome.result, outcome.error)
            keeper.finished(task)


def running_limit(documents: int, seconds: float, lease_seconds: float) -> float:
    """The longest ``documents`` can legitimately run with a time limit of ``seconds`` each (0: no
    limit): each minibatch gets ``seconds`` per document, then its documents one by one ``seconds``
    each (service.predict.predict_each); a lease more for the writes."""
    return 2 * seconds * documents + lease_seconds if seconds > 0 else 0.0


class LeaseKeeper:
    """Renews the leases of the documents a worker holds, every third of a lease, while it
    predicts them: the heartbeat that lets a lease stay short (a dead worker's documents go back
    to the queue within a lease) while a document runs for as long as its time limit allows.

    The renewal stops ``limit`` seconds after the start (0: never) even if the prediction has not
    returned, so a worker stuck past every time limit lets its documents go to another worker
    (where they count an attempt towards MAX_ATTEMPTS). A failed renewal (the store unreachable)
    is logged and tried again at the next beat.
    """

    def __init__(self, store: Any, tasks: Sequence[Task], lease_seconds: float, limit: float = 0.0) -> None:
        self.store = store
        self.lease_seconds = lease_seconds
        self.held: dict[str, set[int]] = {}
        for task in tasks:
            self.held.setdefault(task.job_id, set()).add(task.index)
        self.until = time.monotonic() + limit if limit > 0 else float("inf")
        self.lock = threading.Lock()
        self.unreachable = False
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="job-lease", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        if self.lease_seconds > 0 and self.held:
            self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()

    def finished(self, task: Task) -> None:
        with self.lock:
            self.held.get(task.job_id, set()).discard(task.index)

    def _beat(self) -> None:
        while not self.stop.wait(self.lease_seconds / 3):
            if time.monotonic() > self.until:
                log.warning("documents still running past their time limit; their leases are no longer renewed")
                return
            with self.lock:
                held = {job_id: sorted(indices) for job_id, indices in self.held.items() if indices}
            try:
                for job_id, indices in held.items():
                    self.store.renew(job_id, indices, self.lease_seconds)
            except UNREACHABLE as exc:
                if not self.unreachable:  # once, not at every beat
                    log.warning("cannot renew job leases: the store is unreachable (%s)", type(exc).__name__)
                self.unreachable = True
            except Exception:
                log_exception(log, "renewing job leases failed")


class EmbeddedWorker:
    """A daemon thread in each gunicorn worker that drains the SQLite store and purges its
    expired jobs (every ``purge_seconds``)."""

    def __init__(self, store: JobStore, get_predictor: Callable[[], Any], lease_seconds: float,
                 poll_seconds: float = 0.5, batch: int = MAX_BATCH_SIZE, purge_seconds: float = 60.0,
                 document_seconds: float = 0.0) -> None:
        self.store = store
        self.document_seconds = document_seconds
        self.get_predictor = get_predictor
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.purge_seconds = purge_seconds
        self.next_purge = 0.0
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="job-worker", daemon=True)

    def start(self) -> EmbeddedWorker:
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self.stop.is_set():
            if time.monotonic() >= self.next_purge:
                self.next_purge = time.monotonic() + self.purge_seconds
                try:
                    purge(self.store)
                except Exception:
                    log_exception(log, "job purge failed")
            predictor = self.get_predictor()
            if predictor is None:
                self.stop.wait(self.poll_seconds)
                continue
            try:
                tasks = self.store.claim(self.batch, self.lease_seconds)
                if tasks:
                    process(self.store, predictor, tasks, self.document_seconds, self.lease_seconds)
                    continue
            except Exception:
                log_exception(log, "job worker iteration failed")
            self.wake.wait(self.poll_seconds)
            self.wake.clear()


class RQDispatcher:
    """Hands documents to RQ workers, and hands them out again when their message went astray.

    Each chunk of documents travels in one RQ job (its "ticket"). The sweeper, every half lease:

    * deletes the completed jobs whose time to live has passed (``JobStore.purge``);
    * re-enqueues documents whose lease ran out (their worker died while holding them);
    * re-enqueues pending documents whose ticket can no longer deliver them, a lease after it was
      sent: the RQ job is gone or has ended, was taken by a worker more than a lease ago although
      its documents were never leased (a worker that dies between dequeuing a job and leasing its
      documents), or has left the queue without starting; and pending documents that never got a
      ticket (the API process died between storing a job and enqueuing it).

    Taking a document is idempotent (``RedisJobStore.start`` skips documents that are done or
    leased), so a message sent twice costs a look-up, never a second prediction.
    """

    def __init__(self, store: Any, redis_url: str, lease_seconds: float,
                 chunk: int = MAX_BATCH_SIZE, document_seconds: float = 0.0, redis_timeout: float = 5.0) -> None:
        from rq import Queue

        from ..redisconn import connect

        self.store = store
        self.queue = Queue(RQ_QUEUE, connection=connect(redis_url, redis_timeout))
        self.lease_seconds = lease_seconds
        self.document_seconds = document_seconds
        self.chunk = chunk
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sweep, name="job-sweeper", daemon=True)

    def start(self) -> RQDispatcher:
        self.thread.start()
        return self

    def enqueue(self, job_id: str, indices: Sequence[int]) -> None:
        for part in minibatch(list(indices), self.chunk):
            # RQ kills a job that runs longer: let it outlast its documents' time limits
            limit = running_limit(len(part), self.document_seconds, self.lease_seconds)
            timeout = max(60, int(self.lease_seconds * 4), int(limit) + 1)
            message = self.queue.enqueue(rq_task, job_id, part, job_timeout=timeout)
            self.store.ticket(job_id, part, message.id)

    def _sweep(self) -> None:
        away = False
        while not self.stop.wait(max(1.0, self.lease_seconds / 2)):
            try:
                self.sweep()
                if away:
                    log.warning("Redis is reachable again; the job sweeper goes on")
                away = False
            except UNREACHABLE as exc:
                if not away:  # once per outage, not once per sweep
                    log.warning("Redis is unreachable (%s); the job sweeper waits for it", type(exc).__name__)
                away = True
            except Exception:
                log_exception(log, "job sweeper iteration failed")

    def sweep(self) -> None:
        """One pass of the sweeper (see the class docstring); it also purges expired jobs."""
        purge(self.store)
        by_job: dict[str, list[int]] = {}
        for job_id, idx in self.store.expired():
            by_job.setdefault(job_id, []).append(idx)
        for job_id, indices in by_job.items():
            log.warning("re-enqueueing %d abandoned documents of job %s", len(indices), job_id)
            self.store.requeue(job_id, indices)
            self.enqueue(job_id, indices)
        now = time.time()
        for job_id, created, groups in self.store.pending_tickets():
            for ticket, indices in groups.items():
                if self.undeliverable(ticket, created, now):
                    log.warning("re-enqueueing %d pending documents of job %s (message %s went astray)",
                                len(indices), job_id, ticket)
                    self.enqueue(job_id, indices)

    def undeliverable(self, ticket: str | None, created: float, now: float) -> bool:
        """Whether the RQ job ``ticket`` can no longer deliver its pending documents."""
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        if ticket is None:
            return now - created > self.lease_seconds
        try:
            message = Job.fetch(ticket, connection=self.queue.connection)
        except NoSuchJobError:
            return True
        status = message.get_status(refresh=False)
        if status == JobStatus.STARTED:
            return now - _epoch(message.started_at, now) > self.lease_seconds
        if status in (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED):
            if status != JobStatus.QUEUED or self.queue.get_job_position(ticket) is not None:
                return False
            # dequeued (RQ's intermediate queue) but never started
            return now - _epoch(message.enqueued_at, now) > self.lease_seconds
        # finished, failed, stopped or canceled with documents still pending; waiting a lease
        # keeps a job that fails at once (a worker that cannot load its models) from spinning
        return now - _epoch(message.enqueued_at, now) > self.lease_seconds


def _epoch(moment: Any, default: float) -> float:
    """Seconds since the epoch of an RQ timestamp (naive datetimes are UTC)."""
    if moment is None:
        return default
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return float(moment.timestamp())


_worker_state: dict[str, Any] = {}


def preload(config: Mapping[str, Any] | None = None) -> None:
    """Load the store and the models of this RQ worker process (before it takes any job), as
    ``config`` says (Config's keys; None: service.config.Config, that is the environment)."""
    if "predictor" not in _worker_state:
        from models import load_predictor

        from ..config import config_values
        from ..ml import model_settings
        from .store import RedisJobStore

        cfg = config_values() if config is None else config
        _worker_state["store"] = RedisJobStore(cfg["REDIS_URL"], timeout=float(cfg["REDIS_TIMEOUT"]))
        _worker_state["predictor"] = load_predictor(model_settings(cfg))
        _worker_state["lease"] = float(cfg["JOB_LEASE_SECONDS"])
        _worker_state["seconds"] = float(cfg["JOB_DOCUMENT_TIMEOUT"])


def rq_task(job_id: str, indices: list[int]) -> int:
    """The RQ job: lease, predict and record some documents of a job (runs in an RQ worker)."""
    preload()  # a no-op under `claimscope worker`, which loads the models before taking jobs
    store, lease = _worker_state["store"], _worker_state["lease"]
    # lease the whole chunk at once (a worker killed now leaves every one of them to the sweeper);
    # process() renews the leases of those not finished yet while it predicts them
    tasks = store.start(job_id, indices, lease)
    seconds = _worker_state.get("seconds", 0.0)
    # one document at a time (each result is written as soon as it is known), while the leases of
    # all those not finished yet are renewed
    with LeaseKeeper(store, tasks, lease, running_limit(len(tasks), seconds, lease)) as keeper:
        for task in tasks:
            process(store, _worker_state["predictor"], [task], seconds)
            keeper.finished(task)
    return len(tasks)
