"""Failure tests: schemathesis against /openapi.json, hypothesis fuzz of the pipeline, bounded load."""

from __future__ import annotations

import concurrent.futures
import statistics
import time
from collections import Counter

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from models import DocumentInput
from service import create_app
from tests.conftest import make_config

from .helpers import free_port, start_gunicorn, wait_ready

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_no_5xx_anywhere_in_the_api(real_predictor, tmp_path, mode):
    """Schemathesis generates valid and invalid requests for every operation of /openapi.json."""
    from schemathesis import GenerationMode

    app = create_app(make_config(tmp_path), predictor=real_predictor)
    api = schemathesis.openapi.from_wsgi("/openapi.json", app)
    seen: Counter[tuple[str, str, int]] = Counter()
    for result in api.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=GenerationMode(mode)))
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
        def call(case) -> None:
            response = case.call()
            seen[(case.method, case.path, response.status_code)] += 1
            assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
            if response.status_code >= 400:
                body = response.json()
                assert set(body) == {"error"} and body["error"]["code"]

        try:
            call()
        except Unsatisfiable:
            # a GET or DELETE whose only input is a free string (or nothing) has no invalid request to make
            assert mode == "negative" and operation.method in {"get", "delete"}
    print(dict(seen))
    covered = {(m, p) for m, p, _ in seen}
    assert len(covered) == (12 if mode == "positive" else 4)


def check(text: str, result) -> None:
    speakers = {s.id for s in result.speakers}
    for claim in result.claims:
        assert 0 <= claim.start <= claim.end <= len(text)
        assert text[claim.start:claim.end] == claim.text
        assert claim.speaker_id is None or claim.speaker_id in speakers
        for span in (claim.cue, claim.speaker_mention, *claim.segments):
            if span is not None:
                assert text[span.start:span.end] == span.text
    for speaker in result.speakers:
        for m in speaker.mentions:
            assert text[m.start:m.end] == m.text


QUOTES = "\"“”‘’«»'"
PIECES = st.sampled_from([
    "The minister said that ", "“We will win,” she said. ", "According to officials, ", "He urged ",
    "the ceasefire failed. ", "\n", "\n\n", "  ", "\t", "\u200f", "שלום עולם ", "مرحبا بالعالم ", "😀👍🏽 ",
    "\x00", "\x07", "\r\n", "\u2028", "“", "”", "\"", "«", "...", "Kyiv stated ", "It noted that ",
])
TEXTS = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.lists(st.one_of(PIECES, st.text(alphabet=QUOTES + "abc .,\n", max_size=20)), max_size=40).map("".join),
)


@given(text=TEXTS)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_pipeline_fuzz_offsets_hold(real_predictor, text):
    (result,) = real_predictor.predict([DocumentInput(text=text, targets=("ceasefire",))])
    check(text, result)


@pytest.mark.parametrize("text", [
    "", " ", "\n" * 50, "\x00\x01\x02 said that \x7f", "“unbalanced quote said the man.", "\"a\" \"b\" \"",
    "He said that 😀 is the answer — قال الرجل — אמר.", "\u202eThe official said that RTL override works.",
])
def test_pipeline_edge_cases(real_predictor, text):
    (result,) = real_predictor.predict([DocumentInput(text=text)])
    check(text, result)


def test_pipeline_on_200k_characters(real_predictor, seed_text):
    text = (seed_text + "\n") * (200_000 // (len(seed_text) + 1))
    text = text[:200_000]
    started = time.perf_counter()
    (result,) = real_predictor.predict([DocumentInput(text=text)])
    check(text, result)
    assert len(result.claims) > 100
    print(f"200k characters: {len(result.claims)} claims in {time.perf_counter() - started:.1f} s")


def test_bounded_load_at_twice_capacity(tmp_path, seed_text):
    """30 s of open-loop load at twice the measured rate: every request answered, no 5xx but 503/429."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, {"CLAIMSCOPE_JOB_DB": str(tmp_path / "jobs.sqlite3"),
                                   "CLAIMSCOPE_REQUEST_TIMEOUT": "10"}, tmp_path / "gunicorn.log")
    paragraphs = [p for p in seed_text.split("\n") if len(p) > 200]
    try:
        wait_ready(server, base)
        session = requests.Session()
        times = []
        for i in range(8):  # capacity: sequential warm requests
            started = time.perf_counter()
            r = session.post(f"{base}/v1/extract", json={"text": paragraphs[i % len(paragraphs)]}, timeout=60)
            assert r.status_code == 200
            times.append(time.perf_counter() - started)
        capacity = 1.0 / statistics.median(times)
        rate = 2 * capacity
        duration = 30.0
        n = int(rate * duration)

        def fire(i: int) -> int | str:
            try:
                return requests.post(f"{base}/v1/extract", json={"text": paragraphs[i % len(paragraphs)]},
                                     timeout=60).status_code
            except requests.RequestException as exc:
                return type(exc).__name__

        start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
            futures = []
            for i in range(n):
                delay = start + i / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(fire, i))
            outcomes = Counter(f.result() for f in futures)
        print(f"capacity {capacity:.1f} req/s, sent {n} at {rate:.1f} req/s: {dict(outcomes)}")
        assert sum(outcomes.values()) == n  # every request got an answer
        assert set(outcomes) <= {200, 429, 503}, outcomes
        assert outcomes[200] >= n * 0.3
        assert server.alive()
    finally:
        server.stop()
