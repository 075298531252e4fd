"""The Flask extension that owns the job store and its worker (embedded) or dispatcher (RQ)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from .store import open_store


class Jobs:
    def __init__(self, store: Any, dispatcher: Any = None, worker: Any = None) -> None:
        self.store = store
        self.dispatcher = dispatcher
        self.worker = worker

    def submitted(self, job_id: str, indices: list[int]) -> None:
        """Tell the workers that a job has new pending documents."""
        if self.dispatcher is not None:
            self.dispatcher.enqueue(job_id, indices)
        elif self.worker is not None:
            self.worker.wake.set()


def init_app(app: Flask) -> None:
    cfg = app.config
    ttl = float(cfg["JOB_TTL"])
    store = open_store(cfg["JOB_BACKEND"], cfg["JOB_DB"], cfg["REDIS_URL"], ttl, float(cfg["REDIS_TIMEOUT"]))
    lease = float(cfg["JOB_LEASE_SECONDS"])
    if cfg["JOB_BACKEND"] == "rq":
        from .runner import RQDispatcher

        dispatcher = RQDispatcher(store, cfg["REDIS_URL"], lease, document_seconds=float(cfg["JOB_DOCUMENT_TIMEOUT"]),
                                  redis_timeout=float(cfg["REDIS_TIMEOUT"]))
        jobs = Jobs(store, dispatcher=dispatcher.start())
    elif cfg["JOB_WORKER"]:
        from .runner import EmbeddedWorker

        state = app.extensions["ml"]
        # purge once a minute, or twice per time to live when that is shorter
        every = max(1.0, min(60.0, ttl / 2)) if ttl > 0 else 60.0
        jobs = Jobs(store, worker=EmbeddedWorker(store, lambda: state.predictor, lease, purge_seconds=every,
                                                 document_seconds=float(cfg["JOB_DOCUMENT_TIMEOUT"])).start())
    else:
        jobs = Jobs(store)
    app.extensions["jobs"] = jobs


def get_jobs() -> Jobs:
    jobs: Jobs = current_app.extensions["jobs"]
    return jobs
