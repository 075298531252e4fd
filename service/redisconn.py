"""Redis connections with bounded waits, shared by the job store, the RQ dispatcher and worker,
and the rate limiter.

redis-py waits without limit by default: a Redis host that stops answering (a network partition,
a server paused by a fork or a full disk) would hold a gunicorn thread until gunicorn's own
timeout kills the worker. Every connection here gives up after ``timeout`` seconds to connect
and to read a reply, and the caller answers 503 (``service.errors.JobsUnavailable``) or logs
and tries again later. A refused connection (Redis stopped) fails at once.
"""

from __future__ import annotations

from typing import Any

# the exceptions that mean "Redis is not reachable now" (not a bug in the request)
try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    UNREACHABLE: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)
except ImportError:  # redis is a dependency; only a trimmed install lacks it
    UNREACHABLE = ()


def connect(url: str, timeout: float = 5.0, read_timeout: bool = True) -> Any:
    """A client for ``url`` that waits at most ``timeout`` seconds to connect and, with
    ``read_timeout``, for each reply (an RQ worker's blocking dequeue sets its own read timeout)."""
    import redis

    kwargs: dict[str, Any] = {"socket_connect_timeout": timeout}
    if read_timeout:
        kwargs["socket_timeout"] = timeout
    return redis.Redis.from_url(url, **kwargs)
