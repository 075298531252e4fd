"""A job's document that passes its time limit is stopped and fails with "timeout"; the others of
its minibatch, and the jobs behind it, are predicted as usual."""

from __future__ import annotations

import json
import time

from models import Cancelled, FakePredictor, check_cancelled
from service.jobs.runner import process
from service.jobs.store import SQLiteJobStore


class StuckOn(FakePredictor):
    """Never finishes a batch holding a text with ``word`` (checks the cancel token as the models do)."""

    def __init__(self, word: str) -> None:
        super().__init__()
        self.word = word
        self.stopped = 0

    def predict(self, batch, cancel=None):
        if any(self.word in doc.text for doc in batch):
            try:
                while True:
                    check_cancelled()
                    time.sleep(0.01)
            except Cancelled:
                self.stopped += 1
                raise
        return super().predict(batch)


def test_a_document_past_its_time_limit_fails_with_timeout(tmp_path):
    store = SQLiteJobStore(tmp_path / "jobs.sqlite3", 0.0)
    texts = ["Ann said that the plan works.", "stuck forever", "Bob said that it failed."]
    job_id = store.create([({"id": f"d{i}", "text": t}, None) for i, t in enumerate(texts)])
    predictor = StuckOn("stuck")
    started = time.monotonic()
    process(store, predictor, store.claim(8, lease_seconds=60), seconds=0.2)
    # the chunk gets 3 x 0.2 s, then the stuck document alone 0.2 s
    assert time.monotonic() - started < 3.0
    lines = [json.loads(line) for line in store.results(job_id)]
    assert [line.get("error", {}).get("code") for line in lines] == [None, "timeout", None]
    assert lines[0]["claims"] and lines[2]["claims"]
    assert predictor.stopped == 2
    info = store.get(job_id)
    assert info is not None and info.status == "completed"
    # the queue goes on
    other = store.create([({"id": "e0", "text": "Cy said that the vote passed."}, None)])
    process(store, predictor, store.claim(8, lease_seconds=60), seconds=0.2)
    assert "claims" in json.loads(next(iter(store.results(other))))
