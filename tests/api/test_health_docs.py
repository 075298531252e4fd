from __future__ import annotations

import re
import threading

import pytest
from werkzeug.exceptions import default_exceptions

from service import create_app
from tests.conftest import make_config


def test_health_ready_models(client):
    assert client.get("/v1/health").get_json() == {"status": "ok"}
    ready = client.get("/v1/ready")
    assert ready.status_code == 200 and ready.get_json()["status"] == "ready"
    assert client.get("/v1/models").get_json()["name"] == "fake"


def test_not_ready_is_503_until_loaded(monkeypatch, tmp_path):
    import models

    release = threading.Event()

    def slow_load(settings=None, **overrides):
        release.wait(10)
        return models.FakePredictor()

    monkeypatch.setattr(models, "load_predictor", slow_load)
    app = create_app(make_config(tmp_path, LOAD_IN_BACKGROUND=True))
    client = app.test_client()
    assert client.get("/v1/health").status_code == 200
    response = client.get("/v1/ready")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "not_ready"
    assert response.headers["Retry-After"] == "5"
    response = client.post("/v1/extract", json={"text": "Ann said that x y."})
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "not_ready"
    release.set()
    assert app.extensions["ml"].wait(10)
    assert client.get("/v1/ready").status_code == 200
    assert client.post("/v1/extract", json={"text": "Ann said that x y."}).status_code == 200


def test_failed_load_is_503_with_reason(tmp_path):
    app = create_app(make_config(tmp_path, EXTRACTOR="nonsense"))
    response = app.test_client().get("/v1/ready")
    assert response.status_code == 503
    assert "nonsense" in response.get_json()["error"]["details"]["reason"]


@pytest.mark.parametrize("status", sorted(c for c in default_exceptions if c >= 400))
def test_every_http_error_has_the_json_body(app, status):
    from flask import abort

    app.add_url_rule(f"/boom/{status}", f"boom{status}", lambda: abort(status))
    response = app.test_client().get(f"/boom/{status}")
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]


def test_openapi_document(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/v1/extract", "/v1/extract/batch", "/v1/health", "/v1/ready", "/v1/models"} <= set(spec["paths"])
    extract_in = spec["components"]["schemas"]["ExtractIn"]
    assert extract_in["required"] == ["text"]
    assert extract_in["properties"]["text"]["maxLength"] == 200000
    for code in ("400", "413", "415", "422", "503"):
        assert code in spec["paths"]["/v1/extract"]["post"]["responses"]
    job = spec["paths"]["/v1/jobs/{job_id}"]
    assert set(job["delete"]["responses"]) == {"204", "401", "404", "429", "503"}
    for path, method in (("/v1/jobs", "post"), ("/v1/jobs/{job_id}", "get"), ("/v1/jobs/{job_id}", "delete"),
                         ("/v1/jobs/{job_id}/results", "get")):
        unavailable = spec["paths"][path][method]["responses"]["503"]  # the job store is unreachable
        assert "Retry-After" in unavailable["headers"]
    assert "expires" in spec["components"]["schemas"]["JobOut"]["properties"]


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_every_v1_route_and_method_is_in_the_openapi_document(app, client):
    spec = client.get("/openapi.json").get_json()
    routes = {(_openapi_path(rule.rule), method.lower()) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/v1/") for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in spec["paths"].items() for method in item
                  if method != "parameters"}
    assert routes and routes == documented


def test_openapi_lists_401_and_429_where_keys_and_rate_limits_apply(client):
    from service.limits import PROTECTED_PREFIXES

    spec = client.get("/openapi.json").get_json()
    error_ref = {"$ref": "#/components/schemas/Error"}
    protected = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            if path.startswith(PROTECTED_PREFIXES):
                protected += 1
                for code in ("401", "429"):
                    assert responses[code]["content"]["application/json"]["schema"] == error_ref, (path, method)
                assert "Retry-After" in responses["429"]["headers"], (path, method)
            else:
                assert "401" not in responses and "429" not in responses, (path, method)
    assert protected == 8  # extract, extract/batch, jobs: post, get, delete, results, summary, claims.csv


def test_401_and_429_bodies_are_the_documented_error_schema(predictor, tmp_path):
    from schemas import ErrorSchema

    app = create_app(make_config(tmp_path, API_KEYS=["k"], RATE_LIMIT_PER_MINUTE=1,
                                 RATE_LIMIT_STORE="memory"), predictor=predictor)
    client = app.test_client()
    unauthorized = client.post("/v1/extract", json={"text": "Ann said that x y."})
    assert unauthorized.status_code == 401
    assert ErrorSchema().validate(unauthorized.get_json()) == {}
    assert client.post("/v1/extract", json={"text": "Ann said that x y."}, headers={"X-API-Key": "k"}).status_code == 200
    limited = client.post("/v1/extract", json={"text": "Ann said that x y."}, headers={"X-API-Key": "k"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert ErrorSchema().validate(limited.get_json()) == {}


def test_docs_page_is_served_locally(client):
    page = client.get("/docs")
    assert page.status_code == 200 and b"swagger-ui-bundle.js" in page.data
    asset = client.get("/docs/static/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000


def test_factory_with_and_without_test_config(predictor, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert not create_app(predictor=predictor).testing
    assert create_app({"TESTING": True}, predictor=predictor).testing
