from __future__ import annotations

import threading
import time

from models import FakePredictor
from service import create_app
from tests.conftest import make_config

DOC = {"text": "Ann said that the plan works."}


class SlowPredictor(FakePredictor):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def predict(self, batch):
        time.sleep(self.seconds)
        return super().predict(batch)


def test_api_keys(tmp_path):
    app = create_app(make_config(tmp_path, API_KEYS=["k1", "k2"]), predictor=FakePredictor())
    client = app.test_client()
    response = client.post("/v1/extract", json=DOC)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    assert client.post("/v1/extract", json=DOC, headers={"X-API-Key": "nope"}).status_code == 401
    assert client.post("/v1/extract", json=DOC, headers={"X-API-Key": "k1"}).status_code == 200
    assert client.post("/v1/extract", json=DOC, headers={"Authorization": "Bearer k2"}).status_code == 200
    assert client.get("/v1/jobs/x").status_code == 401
    # health, docs and the page stay open
    assert client.get("/v1/health").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_rate_limit_per_key(tmp_path):
    app = create_app(make_config(tmp_path, API_KEYS=["a", "b"], RATE_LIMIT_PER_MINUTE=3), predictor=FakePredictor())
    client = app.test_client()
    codes = [client.post("/v1/extract", json=DOC, headers={"X-API-Key": "a"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    limited = client.post("/v1/extract", json=DOC, headers={"X-API-Key": "a"})
    assert limited.get_json()["error"]["code"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1
    assert client.post("/v1/extract", json=DOC, headers={"X-API-Key": "b"}).status_code == 200


def test_rate_limit_is_shared_by_apps_on_one_file(tmp_path):
    """Two apps (as two gunicorn workers) on one bucket file share each key's budget."""
    config = make_config(tmp_path, API_KEYS=["a"], RATE_LIMIT_PER_MINUTE=3)
    first, second = (create_app(config, predictor=FakePredictor()).test_client() for _ in range(2))
    codes = [client.post("/v1/extract", json=DOC, headers={"X-API-Key": "a"}).status_code
             for client in (first, second, first, second, first)]
    assert codes == [200, 200, 200, 429, 429]
    assert b"key:a" not in (tmp_path / "ratelimit.sqlite3").read_bytes()  # keys are stored hashed


def test_rate_limit_in_memory_is_per_app(tmp_path):
    config = make_config(tmp_path, API_KEYS=["a"], RATE_LIMIT_PER_MINUTE=1, RATE_LIMIT_STORE="memory")
    first, second = (create_app(config, predictor=FakePredictor()).test_client() for _ in range(2))
    codes = [client.post("/v1/extract", json=DOC, headers={"X-API-Key": "a"}).status_code
             for client in (first, second, first)]
    assert codes == [200, 200, 429]


def _take_many(path: str, n: int) -> int:
    from service.limits import SQLiteTokenBucket

    bucket = SQLiteTokenBucket(path, per_minute=6)
    return sum(bucket.take("k") == 0 for _ in range(n))


def test_sqlite_bucket_counts_across_processes(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    path = str(tmp_path / "buckets.sqlite3")
    with ProcessPoolExecutor(max_workers=3) as pool:
        allowed = list(pool.map(_take_many, [path] * 3, [5] * 3))
    assert sum(allowed) == 6  # the capacity, once, whichever process took each token


def test_refill_waits_and_recovers():
    from service.limits import refill

    assert refill(0.5, 0.0, 0.0, rate=0.1, capacity=3) == (0.5, 5.0)  # half a token at 0.1/s: 5 s
    tokens, wait = refill(0.5, 0.0, 10.0, rate=0.1, capacity=3)
    assert wait == 0 and abs(tokens - 0.5) < 1e-9
    assert refill(0.0, 0.0, 1e6, rate=0.1, capacity=3) == (2.0, 0.0)  # never above capacity


def test_timeout_is_a_clean_503(tmp_path):
    app = create_app(make_config(tmp_path, REQUEST_TIMEOUT=0.2), predictor=SlowPredictor(1.0))
    response = app.test_client().post("/v1/extract", json=DOC)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "timeout" and response.headers["Retry-After"]


def test_overload_is_a_clean_503(tmp_path):
    app = create_app(make_config(tmp_path, MAX_INFLIGHT=1), predictor=SlowPredictor(0.5))
    codes: list[int] = []

    def call() -> None:
        codes.append(app.test_client().post("/v1/extract", json=DOC).status_code)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 503, 503]
    assert app.test_client().post("/v1/extract", json=DOC).status_code == 200  # slots come back


def test_cors(tmp_path):
    app = create_app(make_config(tmp_path, CORS_ORIGINS=["https://newsroom.example"]), predictor=FakePredictor())
    client = app.test_client()
    response = client.options("/v1/extract", headers={
        "Origin": "https://newsroom.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type, X-API-Key"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://newsroom.example"
    other = client.post("/v1/extract", json=DOC, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    plain = create_app(make_config(tmp_path), predictor=FakePredictor()).test_client()
    assert "Access-Control-Allow-Origin" not in plain.post("/v1/extract", json=DOC,
                                                             headers={"Origin": "https://newsroom.example"}).headers


def test_metrics(client):
    client.post("/v1/extract", json=DOC)
    client.post("/v1/extract", json={"text": ""})
    body = client.get("/metrics").get_data(as_text=True)
    assert 'claimscope_requests_total{endpoint="/v1/extract",method="POST",status="200"}' in body
    assert 'status="422"' in body
    assert "claimscope_request_seconds_bucket" in body
    assert "claimscope_documents_total" in body and "claimscope_claims_total" in body


def test_metrics_key(tmp_path):
    app = create_app(make_config(tmp_path, API_KEYS=["k1"], METRICS_KEY="scrape"), predictor=FakePredictor())
    client = app.test_client()
    response = client.get("/metrics")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    assert client.get("/metrics", headers={"X-API-Key": "k1"}).status_code == 401  # an API key is not enough
    assert client.get("/metrics", headers={"X-API-Key": "scrape"}).status_code == 200
    scraped = client.get("/metrics", headers={"Authorization": "Bearer scrape"})
    assert scraped.status_code == 200 and b"claimscope_requests_total" in scraped.data
    assert client.post("/v1/extract", json=DOC, headers={"X-API-Key": "scrape"}).status_code == 401


class CheckingPredictor(FakePredictor):
    """Works for up to 5 s, checking the current cancel token as the models' loops do."""

    def __init__(self) -> None:
        super().__init__()
        self.stopped = threading.Event()

    def predict(self, batch, cancel=None):
        from models import Cancelled, check_cancelled

        deadline = time.monotonic() + 5
        try:
            while time.monotonic() < deadline:
                check_cancelled()
                time.sleep(0.01)
        except Cancelled:
            self.stopped.set()
            raise
        return super().predict(batch)


def test_timeout_cancels_the_prediction(tmp_path):
    predictor = CheckingPredictor()
    app = create_app(make_config(tmp_path, REQUEST_TIMEOUT=0.2), predictor=predictor)
    started = time.monotonic()
    response = app.test_client().post("/v1/extract", json=DOC)
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "timeout"
    assert predictor.stopped.wait(1.0)  # stopped at its next check, not after its 5 s
    assert time.monotonic() - started < 2.0
