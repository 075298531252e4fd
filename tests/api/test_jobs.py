from __future__ import annotations

import io
import json
import time

import pytest

from service import create_app
from tests.conftest import make_config


@pytest.fixture
def jobs_client(predictor, tmp_path):
    app = create_app(make_config(tmp_path, JOB_WORKER=True, JOB_LEASE_SECONDS=5), predictor=predictor)
    return app.test_client()


def wait_done(client, job_id: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = client.get(f"/v1/jobs/{job_id}").get_json()
        if info["status"] == "completed":
            return info
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not complete: {info}")


def results(client, job_id: str) -> list[dict]:
    response = client.get(f"/v1/jobs/{job_id}/results")
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def test_json_job_runs_every_document_in_order(jobs_client):
    docs = [{"id": f"d{i}", "text": f"Person{i} said that value {i} is right."} for i in range(20)]
    docs[5] = {"id": "bad", "text": ""}
    docs[9] = {"id": "boom", "text": "BOOM said that this crashes."}
    response = jobs_client.post("/v1/jobs", json={"documents": docs})
    assert response.status_code == 202
    job = response.get_json()
    assert job["total"] == 20 and response.headers["Location"] == job["links"]["self"]
    info = wait_done(jobs_client, job["id"])
    assert info["done"] == 18 and info["failed"] == 2 and info["progress"] == 1.0
    lines = results(jobs_client, job["id"])
    assert [line["index"] for line in lines] == list(range(20))
    assert lines[0]["claims"][0]["text"] == "value 0 is right"
    assert lines[5]["error"]["code"] == "validation_error" and lines[5]["id"] == "bad"
    assert lines[9]["error"]["code"] == "internal_error" and lines[9]["id"] == "boom"


def test_jsonl_and_multipart_uploads(jobs_client):
    body = "\n".join([json.dumps({"id": "a", "text": "Ann said that it works."}), "{broken", "",
                      json.dumps({"id": "c", "text": "Cy said that it also works."})])
    response = jobs_client.post("/v1/jobs", data=body, content_type="application/x-ndjson")
    assert response.status_code == 202
    job_id = response.get_json()["id"]
    wait_done(jobs_client, job_id)
    lines = results(jobs_client, job_id)
    assert [x.get("id") for x in lines] == ["a", None, "c"]
    assert lines[1]["error"]["code"] == "bad_json"

    upload = {"file": (io.BytesIO(body.encode()), "docs.jsonl")}
    response = jobs_client.post("/v1/jobs", data=upload, content_type="multipart/form-data")
    assert response.status_code == 202
    assert response.get_json()["total"] == 3


def test_job_errors(jobs_client):
    assert jobs_client.get("/v1/jobs/nope").status_code == 404
    assert jobs_client.get("/v1/jobs/nope").get_json()["error"]["code"] == "job_not_found"
    assert jobs_client.get("/v1/jobs/nope/results").status_code == 404
    assert jobs_client.post("/v1/jobs", json={"documents": []}).status_code == 422
    assert jobs_client.post("/v1/jobs", json={"docs": []}).status_code == 422
    assert jobs_client.post("/v1/jobs", data="x", content_type="text/plain").status_code == 415
    response = jobs_client.post("/v1/jobs", data={}, content_type="multipart/form-data")
    assert response.status_code == 422


def test_abandoned_documents_are_claimed_again(tmp_path):
    from service.jobs.store import MAX_ATTEMPTS, SQLiteJobStore

    store = SQLiteJobStore(tmp_path / "jobs.sqlite3")
    job_id = store.create([({"text": "a"}, None), ({"text": "b"}, None)])
    first = store.claim(10, lease_seconds=0.05)
    assert [t.index for t in first] == [0, 1]
    assert store.claim(10, lease_seconds=0.05) == []  # leased
    time.sleep(0.1)  # the worker "died": its leases run out
    again = store.claim(10, lease_seconds=0.05)
    assert [t.index for t in again] == [0, 1]
    store.finish(job_id, 0, {"claims": []}, None)
    info = store.get(job_id)
    assert (info.done, info.running, info.status) == (1, 1, "running")
    # a document that keeps killing its worker is given up after MAX_ATTEMPTS claims
    assert MAX_ATTEMPTS == 3
    time.sleep(0.1)
    assert [t.index for t in store.claim(10, lease_seconds=0.01)] == [1]  # third claim
    time.sleep(0.05)
    assert store.claim(10, lease_seconds=0.01) == []  # given up instead of a fourth
    info = store.get(job_id)
    assert (info.done, info.failed, info.status) == (1, 1, "completed")
    assert json.loads(list(store.results(job_id))[1])["error"]["code"] == "gave_up"


def test_deeply_nested_json_is_bad_json_everywhere(client, jobs_client):
    """5,000 levels of nesting overflow the JSON decoder's recursion: a 400, never a 500; in a JSONL
    job only that line is bad and the rest run."""
    deep = "[" * 5000 + "]" * 5000
    for app_client, path in ((client, "/v1/extract"), (client, "/v1/extract/batch"), (jobs_client, "/v1/jobs")):
        response = app_client.post(path, data=deep, content_type="application/json")
        assert response.status_code == 400, (path, response.get_data(as_text=True)[:200])
        assert response.get_json()["error"]["code"] == "bad_json"
    body = "\n".join([json.dumps({"id": "a", "text": "Ann said that it works."}), deep])
    response = jobs_client.post("/v1/jobs", data=body, content_type="application/x-ndjson")
    assert response.status_code == 202
    lines = results(jobs_client, wait_done(jobs_client, response.get_json()["id"])["id"])
    assert lines[0]["id"] == "a" and "error" not in lines[0]
    assert lines[1]["error"]["code"] == "bad_json"
