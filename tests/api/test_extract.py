from __future__ import annotations

import pytest

from schemas import MAX_BATCH_DOCUMENTS, MAX_TEXT_CHARS

TEXT = "Smith said that taxes will rise. Jones urged calm among voters."


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def test_extract_returns_contract_with_exact_offsets(client):
    response = client.post("/v1/extract", json={"text": TEXT, "id": "doc-1", "targets": ["taxes"]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == "doc-1"
    assert set(body) >= {"id", "model", "speakers", "claims", "targets"}
    assert body["model"] == {"name": "fake", "version": "0.0.0"}
    assert body["targets"] == ["taxes"]
    assert [c["id"] for c in body["claims"]] == ["c1", "c2"]
    speaker_ids = {s["id"] for s in body["speakers"]}
    for claim in body["claims"]:
        assert TEXT[claim["start"]:claim["end"]] == claim["text"]
        for key in ("speaker_mention", "cue"):
            span = claim[key]
            assert TEXT[span["start"]:span["end"]] == span["text"]
        assert claim["speaker_id"] in speaker_ids
        assert claim["type"] in {"direct", "indirect", "mixed", "unattributed"}
        assert [s["target"] for s in claim["stances"]] == ["taxes"]
    for speaker in body["speakers"]:
        for m in speaker["mentions"]:
            assert TEXT[m["start"]:m["end"]] == m["text"]


def test_targets_are_stripped_and_passed(client, predictor):
    response = client.post("/v1/extract", json={"text": TEXT, "targets": [" taxes "]})
    assert response.get_json()["targets"] == ["taxes"]


def test_malformed_json_is_400(client):
    assert_error(client.post("/v1/extract", data="{not json", content_type="application/json"), 400, "bad_json")


def test_not_json_is_415(client):
    assert_error(client.post("/v1/extract", data=TEXT, content_type="text/plain"), 415, "unsupported_media_type")


def test_too_large_is_413(predictor, tmp_path):
    from service import create_app
    from tests.conftest import make_config

    app = create_app(make_config(tmp_path, MAX_CONTENT_LENGTH=1000), predictor=predictor)
    response = app.test_client().post("/v1/extract", json={"text": "x" * 2000})
    assert_error(response, 413, "payload_too_large")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "text"),
        ({"text": 5}, "text"),
        ({"text": "ok", "targets": ["t"] * 21}, "targets"),
        ({"text": "ok", "targets": ["  "]}, "targets"),
        ({"text": "ok", "options": {"min_checkworthiness": 2}}, "options"),
        ({"text": "ok", "options": {"nope": 1}}, "options"),
        ({"text": "ok", "options": {"stance_scope": "some"}}, "options"),
        ({"text": "ok", "extra": 1}, "extra"),
    ],
)
def test_schema_errors_are_422_with_field_details(client, payload, field):
    error = assert_error(client.post("/v1/extract", json=payload), 422, "validation_error")
    assert field in error["details"]["json"]


@pytest.mark.parametrize("payload", [[1, 2], "text", None, 3])
def test_non_object_body_is_422(client, payload):
    import json

    response = client.post("/v1/extract", data=json.dumps(payload), content_type="application/json")
    assert_error(response, 422, "validation_error")


def test_unknown_route_is_404_and_wrong_method_405(client):
    assert_error(client.get("/v1/nope"), 404, "not_found")
    response = client.get("/v1/extract")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_predictor_crash_is_500_without_traceback(client):
    error = assert_error(client.post("/v1/extract", json={"text": "BOOM said that x y."}), 500, "internal_error")
    assert "Traceback" not in error["message"] and "FakePredictor" not in error["message"]


def test_batch_keeps_order_and_isolates_bad_documents(client, predictor):
    docs = [
        {"id": "a", "text": "Ann said that rates will fall."},
        {"id": "b", "text": ""},
        "not an object",
        {"id": "d", "text": "BOOM said that this one crashes."},
        {"id": "e", "text": "Eve stated that the vote was fair."},
    ]
    response = client.post("/v1/extract/batch", json={"documents": docs})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert len(results) == 5
    assert results[0]["id"] == "a" and results[0]["claims"][0]["text"] == "rates will fall"
    assert results[1]["id"] == "b" and results[1]["error"]["code"] == "validation_error"
    assert results[1]["index"] == 1 and "text" in results[1]["error"]["details"]["json"]
    assert results[2]["index"] == 2 and results[2]["error"]["code"] == "validation_error"
    assert results[3]["id"] == "d" and results[3]["error"]["code"] == "internal_error"
    assert results[4]["id"] == "e" and results[4]["claims"][0]["text"] == "the vote was fair"


def test_batch_envelope_errors(client):
    assert_error(client.post("/v1/extract/batch", json={"documents": []}), 422, "validation_error")
    too_many = {"documents": [{"text": "x"}] * (MAX_BATCH_DOCUMENTS + 1)}
    assert_error(client.post("/v1/extract/batch", json=too_many), 422, "validation_error")
    assert_error(client.post("/v1/extract/batch", json={"docs": []}), 422, "validation_error")


def test_batch_is_predicted_in_minibatches(client, predictor):
    docs = [{"text": f"Doc{i} said that item {i} is fine."} for i in range(20)]
    response = client.post("/v1/extract/batch", json={"documents": docs})
    assert len(response.get_json()["results"]) == 20
    assert predictor.calls == [8, 8, 4]


def test_speakers_carry_role_affiliation_anonymous_and_key(client):
    body = client.post("/v1/extract", json={"text": "Anna said that it rained."}).get_json()
    (speaker,) = body["speakers"]
    assert {"id", "name", "type", "role", "affiliation", "affiliation_id", "anonymous", "key", "mentions"} <= set(speaker)
    assert speaker["key"] == "unknown:anna" and speaker["anonymous"] is False


def test_openapi_documents_the_speaker_fields_and_types(client):
    speaker = client.get("/openapi.json").get_json()["components"]["schemas"]["SpeakerOut"]
    assert {"role", "affiliation_id", "anonymous", "key"} <= set(speaker["properties"])
    assert speaker["properties"]["type"]["enum"] == ["person", "organization", "country", "media", "document",
                                                     "group", "unknown"]
