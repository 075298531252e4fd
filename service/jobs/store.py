"""Job stores: SQLite (embedded, one host) and Redis (shared by RQ workers on many hosts).

A job belongs to the API key that created it (``owner``, the key's SHA-256 digest; None when keys
are off). ``delete`` removes a job with its texts and results; a worker that finishes one of its
documents afterwards writes nothing, so a deleted job never comes back. ``purge`` deletes the
completed jobs whose ``ttl`` (seconds after their last document finished) has passed.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from ..errors import document_error
from ..sqlite import connect_wal

if TYPE_CHECKING:
    from redis.typing import EncodableT, FieldT

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
PENDING, RUNNING, DONE, ERROR = "pending", "running", "done", "error"


@dataclass(frozen=True)
class JobInfo:
    id: str
    created: float
    updated: float
    total: int
    pending: int
    running: int
    done: int
    failed: int
    owner: str | None = None
    expires: float | None = None

    @property
    def finished(self) -> int:
        return self.done + self.failed

    @property
    def status(self) -> str:
        if self.finished == self.total:
            return "completed"
        if self.running or self.finished:
            return "running"
        return "queued"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "status": self.status, "total": self.total, "done": self.done,
            "failed": self.failed, "pending": self.pending, "running": self.running,
            "progress": round(self.finished / self.total, 4) if self.total else 1.0,
            "created": self.created, "updated": self.updated, "expires": self.expires,
        }


@dataclass(frozen=True)
class Task:
    job_id: str
    index: int
    request: dict[str, Any]


# A request checked against the schema (service.predict.check): (request, None), or (({"id": its id}
# or None), error object); a new job is a list of them.
Entry = tuple[dict[str, Any] | None, dict[str, Any] | None]


class JobStore(Protocol):
    def create(self, entries: Sequence[Entry], owner: str | None = None) -> str: ...

    def get(self, job_id: str) -> JobInfo | None: ...

    def claim(self, limit: int, lease_seconds: float) -> list[Task]: ...

    def start(self, job_id: str, indices: Sequence[int], lease_seconds: float) -> list[Task]: ...

    def finish(self, job_id: str, index: int, result: dict[str, Any] | None,
               error: dict[str, Any] | None) -> None: ...

    def renew(self, job_id: str, indices: Sequence[int], lease_seconds: float) -> None: ...

    def expired(self) -> list[tuple[str, int]]: ...

    def results(self, job_id: str) -> Iterator[str]: ...

    def finished(self, job_id: str) -> Iterator[Finished]: ...

    def delete(self, job_id: str) -> bool: ...

    def purge(self, now: float | None = None) -> list[str]: ...


# A finished document for summaries (service.corpus): its index, the DOCUMENT_FIELDS of its request
# (not its text) and its result (None when it failed)
Finished = tuple[int, dict[str, Any], dict[str, Any] | None]
DOCUMENT_FIELDS = ("id", "title", "published", "source")


def document_fields(request: dict[str, Any] | None) -> dict[str, Any]:
    return {name: (request or {}).get(name) for name in DOCUMENT_FIELDS}


def new_job_id() -> str:
    return uuid.uuid4().hex


def expires(info: JobInfo, ttl: float) -> JobInfo:
    """``info`` with its expiry: ``ttl`` seconds after its last document finished (None: never)."""
    if ttl <= 0 or info.status != "completed":
        return info
    return replace(info, expires=info.updated + ttl)


def gave_up(attempts: int) -> dict[str, Any]:
    return {"code": "gave_up", "message": f"The document was claimed {attempts} times without finishing."}


def result_line(index: int, request: dict[str, Any] | None, result: str | None, error: str | None) -> str:
    """One JSONL line of a job's results: the extract result, or {id, index, error}."""
    if result is not None:
        body = json.loads(result)
        return json.dumps({"index": index, **body}, ensure_ascii=False)
    doc_id = request.get("id") if isinstance(request, dict) else None
    return json.dumps(document_error(doc_id, index, json.loads(error or "{}")), ensure_ascii=False)


class SQLiteJobStore:
    """The embedded store: one SQLite file shared by every gunicorn worker on the host."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS jobs (
        id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL, total INTEGER NOT NULL,
        owner TEXT);
    CREATE TABLE IF NOT EXISTS docs (
        job_id TEXT NOT NULL REFERENCES jobs(id), idx INTEGER NOT NULL,
        request TEXT, state TEXT NOT NULL, lease_until REAL, attempts INTEGER NOT NULL DEFAULT 0,
        result TEXT, error TEXT, PRIMARY KEY (job_id, idx));
    CREATE INDEX IF NOT EXISTS docs_state ON docs(state, lease_until);
    """

    def __init__(self, path: str | Path, ttl: float = 0.0) -> None:
        self.path = str(path)
        self.ttl = ttl
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._db().executescript(self.SCHEMA)
        with self._tx() as db:  # files made before jobs had owners
            if "owner" not in {row[1] for row in db.execute("PRAGMA table_info(jobs)")}:
                db.execute("ALTER TABLE jobs ADD COLUMN owner TEXT")

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = connect_wal(self.path, timeout=30, check_same_thread=True)
            db.execute("PRAGMA synchronous=NORMAL")
            # deleted texts are overwritten with zeros, not left in free space of the file (Debian's
            # SQLite is built with this default, other builds are not)
            db.execute("PRAGMA secure_delete=ON")
            self._local.db = db
        return db

    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> sqlite3.Connection:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type: Any, *_: Any) -> None:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def _tx(self) -> SQLiteJobStore._Tx:
        return self._Tx(self._db())

    def create(self, entries: Sequence[Entry], owner: str | None = None) -> str:
        job_id = new_job_id()
        now = time.time()
        rows = [
            (job_id, i, json.dumps(req) if req is not None else None, PENDING if err is None else ERROR,
             json.dumps(err) if err is not None else None)
            for i, (req, err) in enumerate(entries)
        ]
        with self._tx() as db:
            db.execute("INSERT INTO jobs (id, created, updated, total, owner) VALUES (?, ?, ?, ?, ?)",
                       (job_id, now, now, len(rows), owner))
            db.executemany("INSERT INTO docs (job_id, idx, request, state, error) VALUES (?, ?, ?, ?, ?)", rows)
        return job_id

    def get(self, job_id: str) -> JobInfo | None:
        db = self._db()
        job = db.execute("SELECT created, updated, total, owner FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if job is None:
            return None
        counts = dict(db.execute("SELECT state, COUNT(*) FROM docs WHERE job_id = ? GROUP BY state", (job_id,)))
        return expires(JobInfo(job_id, job[0], job[1], job[2], counts.get(PENDING, 0), counts.get(RUNNING, 0),
                               counts.get(DONE, 0), counts.get(ERROR, 0), job[3]), self.ttl)

    def claim(self, limit: int, lease_seconds: float) -> list[Task]:
        """Lease up to ``limit`` pending (or abandoned) documents, oldest job first."""
        now = time.time()
        with self._tx() as db:
            rows = db.execute(
                "SELECT d.job_id, d.idx, d.request, d.attempts FROM docs d JOIN jobs j ON j.id = d.job_id "
                "WHERE d.state = ? OR (d.state = ? AND d.lease_until < ?) "
                "ORDER BY j.created, d.idx LIMIT ?", (PENDING, RUNNING, now, limit)).fetchall()
            tasks = []
            for job_id, idx, request, attempts in rows:
                if attempts >= MAX_ATTEMPTS:
                    db.execute("UPDATE docs SET state = ?, error = ? WHERE job_id = ? AND idx = ?",
                               (ERROR, json.dumps(gave_up(attempts)), job_id, idx))
                    continue
                db.execute("UPDATE docs SET state = ?, lease_until = ?, attempts = attempts + 1 "
                           "WHERE job_id = ? AND idx = ?", (RUNNING, now + lease_seconds, job_id, idx))
                tasks.append(Task(job_id, idx, json.loads(request)))
        return tasks

    def start(self, job_id: str, indices: Sequence[int], lease_seconds: float) -> list[Task]:
        """Lease the given documents of a job (the RQ path); skip finished ones."""
        now = time.time()
        tasks = []
        with self._tx() as db:
            for idx in indices:
                row = db.execute("SELECT request, state, attempts FROM docs WHERE job_id = ? AND idx = ?",
                                 (job_id, idx)).fetchone()
                if row is None or row[1] in (DONE, ERROR):
                    continue
                if row[2] >= MAX_ATTEMPTS:
                    db.execute("UPDATE docs SET state = ?, error = ? WHERE job_id = ? AND idx = ?",
                               (ERROR, json.dumps(gave_up(row[2])), job_id, idx))
                    continue
                db.execute("UPDATE docs SET state = ?, lease_until = ?, attempts = attempts + 1 "
                           "WHERE job_id = ? AND idx = ?", (RUNNING, now + lease_seconds, job_id, idx))
                tasks.append(Task(job_id, idx, json.loads(row[0])))
        return tasks

    def finish(self, job_id: str, index: int, result: dict[str, Any] | None,
               error: dict[str, Any] | None) -> None:
        # a deleted job has no rows left: the updates match nothing and the result is dropped
        with self._tx() as db:
            db.execute(
                "UPDATE docs SET state = ?, result = ?, error = ?, lease_until = NULL WHERE job_id = ? AND idx = ?",
                (DONE if error is None else ERROR, json.dumps(result, ensure_ascii=False) if result is not None else None,
                 json.dumps(error) if error is not None else None, job_id, index))
            db.execute("UPDATE jobs SET updated = ? WHERE id = ?", (time.time(), job_id))

    def renew(self, job_id: str, indices: Sequence[int], lease_seconds: float) -> None:
        """Extend the leases of documents a worker still holds (those still running)."""
        if indices:
            until = time.time() + lease_seconds
            with self._tx() as db:
                db.executemany("UPDATE docs SET lease_until = ? WHERE job_id = ? AND idx = ? AND state = ?",
                               [(until, job_id, idx, RUNNING) for idx in indices])

    def expired(self) -> list[tuple[str, int]]:
        rows = self._db().execute("SELECT job_id, idx FROM docs WHERE state = ? AND lease_until < ?",
                                  (RUNNING, time.time())).fetchall()
        return [(r[0], r[1]) for r in rows]

    def results(self, job_id: str) -> Iterator[str]:
        cursor = self._db().execute(
            "SELECT idx, request, result, error FROM docs WHERE job_id = ? AND state IN (?, ?) ORDER BY idx",
            (job_id, DONE, ERROR))
        for idx, request, result, error in cursor:
            yield result_line(idx, json.loads(request) if request else None, result, error)

    def finished(self, job_id: str) -> Iterator[Finished]:
        """The finished documents in order, one row at a time; their texts are not read."""
        fields = ", ".join(f"json_extract(request, '$.{name}')" for name in DOCUMENT_FIELDS)
        cursor = self._db().execute(
            f"SELECT idx, {fields}, result FROM docs WHERE job_id = ? AND state IN (?, ?) ORDER BY idx",
            (job_id, DONE, ERROR))
        for row in cursor:
            yield row[0], dict(zip(DOCUMENT_FIELDS, row[1:-1], strict=True)), json.loads(row[-1]) if row[-1] else None

    def delete(self, job_id: str) -> bool:
        """Remove a job, its texts and results; False when there is no such job."""
        with self._tx() as db:
            db.execute("DELETE FROM docs WHERE job_id = ?", (job_id,))
            found = db.execute("DELETE FROM jobs WHERE id = ?", (job_id,)).rowcount > 0
        self._checkpoint()
        return found

    def purge(self, now: float | None = None) -> list[str]:
        """Delete the completed jobs whose time to live has passed; return their ids."""
        if self.ttl <= 0:
            return []
        cutoff = (time.time() if now is None else now) - self.ttl
        expired = [row[0] for row in self._db().execute(
            "SELECT id FROM jobs j WHERE updated <= ? AND NOT EXISTS "
            "(SELECT 1 FROM docs d WHERE d.job_id = j.id AND d.state IN (?, ?))", (cutoff, PENDING, RUNNING))]
        with self._tx() as db:
            for job_id in expired:
                db.execute("DELETE FROM docs WHERE job_id = ?", (job_id,))
                db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))
        if expired:
            self._checkpoint()
        return expired

    def _checkpoint(self) -> None:
        # the write-ahead log still holds the deleted rows as written: copy the zeroed pages into
        # the file and truncate the log (waits for readers up to the connection's timeout)
        busy = self._db().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if busy:
            log.warning("job store checkpoint was blocked; deleted rows stay in %s-wal until the next one", self.path)


def _text(reply: bytes | str) -> str:
    """A Redis reply as text: redis-py types replies ``bytes | str`` (``decode_responses`` decides at
    run time); the store's client leaves it off, so they come as bytes."""
    return reply.decode() if isinstance(reply, bytes) else reply


class RedisJobStore:
    """The same store on Redis, shared by the API and RQ workers on any host."""

    ACTIVE, FINISHED = "claimscope:jobs:active", "claimscope:jobs:finished"
    PARTS = ("meta", "request", "state", "error", "result", "attempts", "lease", "ticket")

    def __init__(self, url: str, ttl: float = 0.0, timeout: float = 5.0) -> None:
        from ..redisconn import connect

        self.redis = connect(url, timeout)
        self.ttl = ttl
        self.indexed = False

    def _k(self, job_id: str, part: str) -> str:
        return f"claimscope:job:{job_id}:{part}"

    def _by_score(self, key: str, low: float, high: float) -> list[str]:
        """The members of a sorted set scored from ``low`` to ``high``, as text (redis-py's type of
        the reply also covers the form with scores, which this call does not ask for)."""
        return [_text(m) for m in cast("list[bytes | str]", self.redis.zrangebyscore(key, low, high))]

    def _if_live(self, job_id: str, write: Any) -> bool:
        """Run ``write(pipeline)`` in one transaction unless the job was deleted meanwhile."""
        from redis.exceptions import WatchError

        meta = self._k(job_id, "meta")
        with self.redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    pipe.watch(meta)
                    if not pipe.exists(meta):
                        return False
                    pipe.multi()
                    write(pipe)
                    pipe.execute()
                    return True
                except WatchError:  # another write to the job (or its deletion): look again
                    continue

    def create(self, entries: Sequence[Entry], owner: str | None = None) -> str:
        job_id = new_job_id()
        now = time.time()
        pipe = self.redis.pipeline(transaction=True)
        # typed as redis-py types the mapping (its keys are invariant: a dict[str, ...] does not fit)
        meta: dict[FieldT, EncodableT] = {"created": now, "updated": now, "total": len(entries)}
        if owner is not None:
            meta["owner"] = owner
        pipe.hset(self._k(job_id, "meta"), mapping=meta)
        for i, (req, err) in enumerate(entries):
            if req is not None:
                pipe.hset(self._k(job_id, "request"), i, json.dumps(req))
            pipe.hset(self._k(job_id, "state"), i, PENDING if err is None else ERROR)
            if err is not None:
                pipe.hset(self._k(job_id, "error"), i, json.dumps(err))
        pipe.sadd(self.ACTIVE, job_id)
        pipe.execute()
        return job_id

    def get(self, job_id: str) -> JobInfo | None:
        meta = self.redis.hgetall(self._k(job_id, "meta"))
        if not meta:
            return None
        states = [_text(s) for s in self.redis.hvals(self._k(job_id, "state"))]
        owner = meta.get(b"owner")
        info = JobInfo(job_id, float(meta[b"created"]), float(meta[b"updated"]), int(meta[b"total"]),
                       states.count(PENDING), states.count(RUNNING), states.count(DONE), states.count(ERROR),
                       _text(owner) if owner else None)
        if info.status == "completed":
            # from the active set (swept for lost documents) to the finished index (swept for expiry)
            self._if_live(job_id, lambda pipe: (pipe.srem(self.ACTIVE, job_id),
                                                pipe.zadd(self.FINISHED, {job_id: info.updated})))
        return expires(info, self.ttl)

    def pending(self, job_id: str) -> list[int]:
        states = self.redis.hgetall(self._k(job_id, "state"))
        return sorted(int(k) for k, v in states.items() if _text(v) == PENDING)

    def claim(self, limit: int, lease_seconds: float) -> list[Task]:
        raise NotImplementedError("the Redis store hands work out through RQ; see service.jobs.runner")

    def start(self, job_id: str, indices: Sequence[int], lease_seconds: float) -> list[Task]:
        tasks = []
        now = time.time()
        for idx in indices:
            with self.redis.pipeline(transaction=True) as pipe:
                # optimistic lock: two workers must not both take a document
                state_key = self._k(job_id, "state")
                pipe.watch(state_key)
                state = _text(pipe.hget(state_key, idx) or b"")
                attempts = int(pipe.hget(self._k(job_id, "attempts"), idx) or 0)
                lease = float(pipe.zscore(self._k(job_id, "lease"), idx) or 0)
                if state in (DONE, ERROR, "") or state == RUNNING and lease > now:
                    pipe.unwatch()
                    continue
                pipe.multi()
                if attempts >= MAX_ATTEMPTS:
                    pipe.hset(state_key, idx, ERROR)
                    pipe.hset(self._k(job_id, "error"), idx, json.dumps(gave_up(attempts)))
                    pipe.execute()
                    continue
                pipe.hset(state_key, idx, RUNNING)
                pipe.hincrby(self._k(job_id, "attempts"), idx, 1)
                pipe.zadd(self._k(job_id, "lease"), {str(idx): now + lease_seconds})
                pipe.execute()
            request = self.redis.hget(self._k(job_id, "request"), idx)
            if request is not None:  # else the job was deleted meanwhile
                tasks.append(Task(job_id, idx, json.loads(request)))
        return tasks

    def finish(self, job_id: str, index: int, result: dict[str, Any] | None,
               error: dict[str, Any] | None) -> None:
        def write(pipe: Any) -> None:
            if result is not None:
                pipe.hset(self._k(job_id, "result"), index, json.dumps(result, ensure_ascii=False))
            if error is not None:
                pipe.hset(self._k(job_id, "error"), index, json.dumps(error))
            pipe.hset(self._k(job_id, "state"), index, DONE if error is None else ERROR)
            pipe.zrem(self._k(job_id, "lease"), str(index))
            pipe.hset(self._k(job_id, "meta"), "updated", time.time())

        self._if_live(job_id, write)  # a deleted job's result is dropped

    def renew(self, job_id: str, indices: Sequence[int], lease_seconds: float) -> None:
        """Extend the leases of documents a worker still holds."""
        if indices:
            until = time.time() + lease_seconds
            self.redis.zadd(self._k(job_id, "lease"), {str(i): until for i in indices}, xx=True)

    def ticket(self, job_id: str, indices: Sequence[int], ticket: str) -> None:
        """Record the queue message (RQ job id) that carries these documents to a worker."""
        if indices:
            self._if_live(job_id, lambda pipe: pipe.hset(self._k(job_id, "ticket"),
                                                         mapping={str(i): ticket for i in indices}))

    def pending_tickets_of(self, job_id: str) -> str | None:
        """The ticket of the job's first pending document (None: no pending document or no ticket)."""
        pending = self.pending(job_id)
        ticket = self.redis.hget(self._k(job_id, "ticket"), str(pending[0])) if pending else None
        return _text(ticket) if ticket else None

    def pending_tickets(self) -> list[tuple[str, float, dict[str | None, list[int]]]]:
        """For each active job with pending documents: (job id, created, {ticket or None: indices})."""
        out = []
        for raw in self.redis.smembers(self.ACTIVE):
            job_id = _text(raw)
            pending = self.pending(job_id)
            if not pending:
                continue
            created = float(self.redis.hget(self._k(job_id, "meta"), "created") or 0)
            tickets = self.redis.hmget(self._k(job_id, "ticket"), [str(i) for i in pending])
            groups: dict[str | None, list[int]] = {}
            for idx, ticket in zip(pending, tickets, strict=True):
                groups.setdefault(_text(ticket) if ticket else None, []).append(idx)
            out.append((job_id, created, groups))
        return out

    def requeue(self, job_id: str, indices: Sequence[int]) -> None:
        """Put abandoned documents back to pending (they are being enqueued again)."""
        def write(pipe: Any) -> None:
            for idx in indices:
                pipe.hset(self._k(job_id, "state"), idx, PENDING)
                pipe.zrem(self._k(job_id, "lease"), str(idx))

        self._if_live(job_id, write)

    def expired(self) -> list[tuple[str, int]]:
        now = time.time()
        out = []
        for raw in self.redis.smembers(self.ACTIVE):
            job_id = _text(raw)
            for idx in self._by_score(self._k(job_id, "lease"), 0, now):
                out.append((job_id, int(idx)))
        return out

    def results(self, job_id: str) -> Iterator[str]:
        states = {int(k): _text(v) for k, v in self.redis.hgetall(self._k(job_id, "state")).items()}
        for idx in sorted(i for i, s in states.items() if s in (DONE, ERROR)):
            result = self.redis.hget(self._k(job_id, "result"), idx)
            error = self.redis.hget(self._k(job_id, "error"), idx)
            request = self.redis.hget(self._k(job_id, "request"), idx)
            yield result_line(idx, json.loads(request) if request else None,
                              _text(result) if result else None, _text(error) if error else None)

    def finished(self, job_id: str) -> Iterator[Finished]:
        """The finished documents in order, one at a time."""
        states = {int(k): _text(v) for k, v in self.redis.hgetall(self._k(job_id, "state")).items()}
        for idx in sorted(i for i, s in states.items() if s in (DONE, ERROR)):
            request = self.redis.hget(self._k(job_id, "request"), idx)
            result = self.redis.hget(self._k(job_id, "result"), idx) if states[idx] == DONE else None
            yield (idx, document_fields(json.loads(request) if request else None),
                   json.loads(result) if result else None)

    def delete(self, job_id: str) -> bool:
        """Remove a job, its texts and results; False when there is no such job."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(self._k(job_id, "meta"))
        pipe.delete(*(self._k(job_id, part) for part in self.PARTS[1:]))
        pipe.srem(self.ACTIVE, job_id)
        pipe.zrem(self.FINISHED, job_id)
        return bool(pipe.execute()[0])

    def purge(self, now: float | None = None) -> list[str]:
        """Delete the completed jobs whose time to live has passed; return their ids."""
        if self.ttl <= 0:
            return []
        now = time.time() if now is None else now
        if not self.indexed:  # once per process, for jobs completed before there was an index
            self.indexed = True
            for key in self.redis.scan_iter(match="claimscope:job:*:meta", count=1000):
                self.get(_text(key).split(":")[2])
        for raw in self.redis.smembers(self.ACTIVE):
            self.get(_text(raw))  # completed jobs move to the finished index
        purged = []
        for job_id in self._by_score(self.FINISHED, 0, now - self.ttl):
            info = self.get(job_id)
            if info is None or (info.expires is not None and info.expires <= now):
                self.delete(job_id)
                purged.append(job_id)
        return purged


def open_store(backend: str, sqlite_path: str, redis_url: str, ttl: float = 0.0,
               redis_timeout: float = 5.0) -> Any:
    if backend == "sqlite":
        return SQLiteJobStore(sqlite_path, ttl)
    if backend == "rq":
        return RedisJobStore(redis_url, ttl, redis_timeout)
    raise ValueError(f"unknown job backend {backend!r}")
