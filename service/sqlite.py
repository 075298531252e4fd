"""SQLite connections shared by the rate limiter and the job store."""

from __future__ import annotations

import sqlite3
import time
from typing import Any


def connect_wal(path: str, timeout: float, **kwargs: Any) -> sqlite3.Connection:
    """``sqlite3.connect`` in autocommit mode with the write-ahead log switched on.

    Switching a new file to WAL needs an exclusive lock that SQLite's busy timeout does not wait
    for: processes that open the same new file at once got "database is locked" (the rate-limit
    test across three processes, about 1 run in 5 on a loaded 2-core machine). The switch is
    retried with a short backoff until ``timeout``.
    """
    db = sqlite3.connect(path, timeout=timeout, isolation_level=None, **kwargs)
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return db
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                db.close()
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
