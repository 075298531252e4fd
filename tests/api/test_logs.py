"""Texts never reach the logs, not even in the tracebacks of errors."""

from __future__ import annotations

import time

from models import FakePredictor
from service import create_app
from tests.conftest import make_config

SECRET = "Zorblax said that the Quuxcorp merger closes on Friday."
KEPT = "Vimes said that the Ankh bridge reopens in March."


class QuotingPredictor(FakePredictor):
    """Fails the way many libraries do: with the input in the exception's message."""

    def predict(self, batch):
        for doc in batch:
            if "BOOM" in doc.text:
                try:
                    raise KeyError(doc.text)
                except KeyError as exc:
                    raise ValueError(f"cannot parse {doc.text!r}") from exc
        return super().predict(batch)


def test_texts_never_reach_the_log_even_on_errors(tmp_path, caplog):
    app = create_app(make_config(tmp_path, JOB_WORKER=True), predictor=QuotingPredictor())
    client = app.test_client()
    secret = "BOOM " + SECRET
    with caplog.at_level("DEBUG"):
        assert client.post("/v1/extract", json={"text": secret}).status_code == 500
        batch = client.post("/v1/extract/batch", json={"documents": [{"text": secret}, {"text": KEPT}]})
        assert batch.get_json()["results"][0]["error"]["code"] == "internal_error"
        job_id = client.post("/v1/jobs", json={"documents": [{"id": "d0", "text": secret}]}).get_json()["id"]
        deadline = time.monotonic() + 20
        while client.get(f"/v1/jobs/{job_id}").get_json()["status"] != "completed":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    log = caplog.text
    assert "unhandled error" in log and "prediction failed for document 'd0'" in log  # the errors are logged,
    assert "builtins.ValueError (message withheld)" in log and "builtins.KeyError" in log  # with their tracebacks
    assert "in predict" in log
    assert "Quuxcorp" not in log and "Zorblax" not in log and "Ankh" not in log  # but not the texts
