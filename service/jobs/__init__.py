"""Asynchronous extraction jobs for large batches.

A job is a list of extract requests. The store (SQLite by default, Redis for scale-out) holds every
accepted document and its state, so the store, not the worker, is the source of truth:

    pending -> running (leased to a worker until lease_until) -> done | error

A worker that dies leaves its documents "running" with a lease that runs out; they are then
claimed again (embedded worker) or re-enqueued (RQ), so no accepted document is lost. With RQ,
pending documents whose queue message went astray (taken by a worker that died before leasing
them, or never sent) are re-enqueued as well (``runner.RQDispatcher``). A document
that has been claimed MAX_ATTEMPTS times without finishing is marked as an error, so one poison
document cannot stall its job.
"""

from __future__ import annotations

from .store import JobInfo, JobStore, SQLiteJobStore, open_store

__all__ = ["JobInfo", "JobStore", "SQLiteJobStore", "open_store"]
