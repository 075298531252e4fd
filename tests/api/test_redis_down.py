"""With the RQ backend and no Redis to reach: the job endpoints answer 503 jobs_unavailable with
Retry-After and the usual error body, at once; /v1/extract works, rate limit on or off."""

from __future__ import annotations

import pytest

from models import FakePredictor
from service import create_app

from ..conftest import make_config
from ..integration.helpers import free_port


@pytest.fixture
def client(tmp_path):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    config = make_config(tmp_path, JOB_BACKEND="rq", REDIS_URL=url, REDIS_TIMEOUT=1.0,
                         RATE_LIMIT_PER_MINUTE=600.0)
    return create_app(config, predictor=FakePredictor()).test_client()


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.get_json() == {"error": {"code": "jobs_unavailable",
                                             "message": "The job store is unreachable; retry later."}}
    assert response.headers["Retry-After"] == "10"


def test_job_endpoints_answer_503_with_retry_after_while_redis_is_away(client):
    assert_unavailable(client.post("/v1/jobs", json={"documents": [{"text": "Ann said that it works."}]}))
    assert_unavailable(client.get(f"/v1/jobs/{'a' * 32}"))
    assert_unavailable(client.get(f"/v1/jobs/{'a' * 32}/results"))
    assert_unavailable(client.delete(f"/v1/jobs/{'a' * 32}"))


def test_extract_works_while_redis_is_away(client):
    response = client.post("/v1/extract", json={"text": "Ann said that it works."})
    assert response.status_code == 200 and response.get_json()["claims"]
    response = client.post("/v1/extract/batch", json={"documents": [{"text": "Bob said that it fails."}]})
    assert response.status_code == 200 and response.get_json()["results"][0]["claims"]
