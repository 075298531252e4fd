"""The RQ path on a real redis-server: a worker renews the leases of the documents it holds while
it predicts them, so a duplicate message, or the sweeper, never hands them to a second worker."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from service.jobs import runner
from service.jobs.store import RedisJobStore

from ..api.test_job_lease import Slow
from .helpers import free_port, start_redis

pytestmark = pytest.mark.slow


def test_rq_documents_that_outlive_their_lease_are_predicted_once(tmp_path, monkeypatch):
    port = free_port()
    redis = start_redis(port, tmp_path / "redis.log")
    try:
        url = f"redis://127.0.0.1:{port}/0"
        store = RedisJobStore(url)
        texts = [f"Speaker{i} said that plan {i} works." for i in range(3)]
        job_id = store.create([({"id": f"d{i}", "text": t}, None) for i, t in enumerate(texts)])
        predictor = Slow(0.8)  # 2.4 s for the three, leases of 0.3 s
        monkeypatch.setattr(runner, "_worker_state", {"store": store, "predictor": predictor, "lease": 0.3,
                                                       "seconds": 30.0})
        dispatcher = runner.RQDispatcher(store, url, lease_seconds=0.3)  # sweep() is called by hand
        first = threading.Thread(target=runner.rq_task, args=(job_id, [0, 1, 2]))
        first.start()
        while store.get(job_id).running < 3:  # the first worker has leased the three
            time.sleep(0.01)
        taken_again = 0
        while first.is_alive():
            # a second worker gets the same message again and again, and the sweeper runs
            taken_again += runner.rq_task(job_id, [0, 1, 2])
            assert store.expired() == []
            dispatcher.sweep()
            time.sleep(0.05)
        first.join()
        assert taken_again == 0
        assert predictor.seen == Counter(texts)
        info = store.get(job_id)
        assert info is not None and info.done == 3
        attempts = store.redis.hvals(f"claimscope:job:{job_id}:attempts")
        assert sorted(int(a) for a in attempts) == [1, 1, 1]
        assert dispatcher.queue.get_job_ids() == []  # the sweeper re-sent nothing
    finally:
        redis.stop()
