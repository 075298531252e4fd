"""/v1/extract/batch, the job worker and `claimscope batch` run documents through one batch runner
(service.predict.run_batch): the same input gives the same results and the same per-document
errors on each path, and a document that fails does not fail the others."""

from __future__ import annotations

import json
import time

import pytest

import models
from models import FakePredictor
from service import cli, create_app
from service.predict import Item, check, run_batch
from tests.conftest import make_config

DOCS = [
    {"id": "a", "text": "Ann said that rates will fall.", "targets": [" rates "]},
    {"id": "b", "text": ""},  # fails validation
    {"id": 7, "text": "An id that is not a string."},  # fails validation; the id is not echoed
    {"id": "d", "text": "BOOM said that this one crashes."},  # the predictor fails on it
    {"text": "Eve stated that the vote was fair.", "options": {"stance_scope": "all"}},
] + [{"id": f"n{i}", "text": f"Person{i} said that value {i} is right."} for i in range(10)]


def by_endpoint(client) -> list[dict]:
    response = client.post("/v1/extract/batch", json={"documents": DOCS})
    assert response.status_code == 200
    # the endpoint's results have no index when they succeed; the JSONL lines have it first
    return [r if "error" in r else {"index": i, **r} for i, r in enumerate(response.get_json()["results"])]


def by_job(client) -> list[dict]:
    job_id = client.post("/v1/jobs", json={"documents": DOCS}).get_json()["id"]
    deadline = time.monotonic() + 20
    while client.get(f"/v1/jobs/{job_id}").get_json()["status"] != "completed":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    text = client.get(f"/v1/jobs/{job_id}/results").get_data(as_text=True)
    return [json.loads(line) for line in text.splitlines()]


def by_cli(tmp_path, monkeypatch) -> tuple[int, list[dict]]:
    monkeypatch.setattr(models, "load_predictor", lambda settings=None, **_: FakePredictor(fail_on="BOOM"))
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(json.dumps(d) for d in DOCS) + "\n", encoding="utf-8")
    code = cli.main(["batch", str(source), str(target), "--quiet"])
    return code, [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]


def test_endpoint_job_worker_and_cli_give_the_same_results(tmp_path, monkeypatch):
    app = create_app(make_config(tmp_path, JOB_WORKER=True), predictor=FakePredictor(fail_on="BOOM"))
    client = app.test_client()
    endpoint, job = by_endpoint(client), by_job(client)
    code, batch = by_cli(tmp_path, monkeypatch)
    assert endpoint == job == batch
    assert code == 1  # the CLI says some documents failed
    assert [line["index"] for line in batch] == list(range(len(DOCS)))
    # one bad document fails alone
    assert [line.get("error", {}).get("code") for line in batch[:5]] == [
        None, "validation_error", "validation_error", "internal_error", None]
    assert batch[1] == {"id": "b", "index": 1, "error": batch[1]["error"]}
    assert "text" in batch[1]["error"]["details"]["json"]
    assert batch[2]["id"] is None and "id" in batch[2]["error"]["details"]["json"]
    assert batch[3] == {"id": "d", "index": 3, "error": {"code": "internal_error",
                                                         "message": "The document could not be processed."}}
    assert batch[0]["targets"] == ["rates"] and batch[0]["claims"][0]["text"] == "rates will fall"
    assert batch[4]["claims"][0]["text"] == "the vote was fair"
    assert all("error" not in line for line in batch[5:])


def test_cli_bad_json_line_fails_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "load_predictor", lambda settings=None, **_: FakePredictor())
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text('{"id": "a", "text": "Ann said that it works."}\n\n{broken\n[1]\n', encoding="utf-8")
    assert cli.main(["batch", str(source), str(target), "--quiet"]) == 1
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["index"] == 0 and lines[0]["claims"][0]["text"] == "it works"
    assert lines[1] == {"id": None, "index": 1, "error": {"code": "bad_json", "message": "Line 2 is not valid JSON."}}
    assert lines[2]["error"]["details"] == {"json": {"_schema": ["Expected a JSON object."]}}


def test_run_batch_yields_in_order_as_minibatches_finish():
    predictor = FakePredictor(fail_on="BOOM")
    raws = [{"text": f"P{i} said that x {i}."} for i in range(5)]
    raws[1] = {"text": ""}
    raws[3] = {"text": "BOOM said that no."}
    items = [Item(i, *check(raw)) for i, raw in enumerate(raws)]
    outcomes = run_batch(predictor, items, size=2)
    first = next(outcomes)
    assert (first.index, first.error) == (0, None)
    assert predictor.calls == [2]  # the first minibatch only: outcomes come as they are ready
    rest = list(outcomes)
    assert [o.index for o in rest] == [1, 2, 3, 4]
    assert [o.error["code"] if o.error else None for o in rest] == ["validation_error", None, "internal_error", None]
    # the minibatch with the failing document was retried one by one; its neighbour still got a result
    assert predictor.calls == [2, 2, 1, 1]  # items 0 and 2, then 3 and 4 (retried alone)


def test_request_options_reach_the_models_as_a_typed_object():
    from models import Options
    from service.predict import to_input

    doc = to_input(check({"text": "x", "options": {"min_confidence": 0.5, "stance_scope": "all"}})[0])
    assert doc.options == Options(min_confidence=0.5, stance_scope="all")
    with pytest.raises(AttributeError):  # frozen
        doc.options.stance_scope = "mentions"  # type: ignore[misc]
    assert to_input(check({"text": "x"})[0]).options == Options()
