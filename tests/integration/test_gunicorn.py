"""End to end: a real gunicorn on loopback serving the real pipeline, fed the seed article."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

SEED_EXPECTED = [
    ("stated", "Washington opposes", "a senior U.S. official"),
    ("emphasized", "the Security Council bears", "a senior U.S. official"),
    ("urged", "a ceasefire and negotiations", "China"),
    ("signaled", "some elements of China’s peace proposal", "Volodymyr Zelensky"),
    ("noted", "discussions focused on", "Russia"),
    ("suggested", "U.S. officials fear", "a Time columnist"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module", params=["full", "fast"])
def server(request):
    """gunicorn serving each model set: the 6-layer models and the distilled students."""
    port = _free_port()
    env = dict(os.environ, CLAIMSCOPE_BIND=f"127.0.0.1:{port}", CLAIMSCOPE_WORKERS="1",
               CLAIMSCOPE_MODELS=request.param)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "docker/gunicorn.conf.py", "service:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                r = requests.get(f"{base}/v1/ready", timeout=2)
                if r.status_code == 200:
                    break
                assert r.status_code == 503 and r.json()["error"]["code"] == "not_ready"
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("gunicorn did not become ready in 240 s")
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _known_fast_miss(request: pytest.FixtureRequest, reason: str) -> None:
    """A seed detail the 6-layer models get right and the distilled students do not (strict xfail)."""
    if request.node.callspec.params.get("server") == "fast":
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def _seed_body(base: str, seed_text: str) -> dict:
    r = requests.post(f"{base}/v1/extract", json={"text": seed_text, "id": "seed", "targets": ["ceasefire"]},
                      timeout=120)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == "seed" and body["targets"] == ["ceasefire"]
    for c in body["claims"]:
        assert seed_text[c["start"]:c["end"]] == c["text"]
        for key in ("cue", "speaker_mention"):
            if c[key]:
                assert seed_text[c[key]["start"]:c[key]["end"]] == c[key]["text"]
    return body


def test_seed_article_end_to_end(server, seed_text, request):
    _known_fast_miss(request, "the 3-layer tagger gives 'He emphasized' the content of the sentence "
                     "before ('any pause in fighting ...') instead of 'the Security Council bears ...'")
    body = _seed_body(server, seed_text)
    names = {s["id"]: s["name"] for s in body["speakers"]}
    found = [(c["cue"]["text"] if c["cue"] else None, c["text"], names.get(c["speaker_id"])) for c in body["claims"]]
    for cue, content, speaker in SEED_EXPECTED:
        assert any(f[0] == cue and f[1].startswith(content) and f[2] == speaker for f in found), (cue, content, found)
    # "In remarks to the Security Council about Ukraine, ...": the topic is not a claim of its own
    assert "about Ukraine" not in {c["text"] for c in body["claims"]}
    he = next(c for c in body["claims"] if c["cue"] and c["cue"]["text"] == "emphasized")
    assert he["speaker_mention"]["text"] == "He" and names[he["speaker_id"]] == "a senior U.S. official"


def test_seed_stances_over_http(server, seed_text):
    body = _seed_body(server, seed_text)
    names = {s["id"]: s["name"] for s in body["speakers"]}
    # who is for and who is against the ceasefire (issue 4), over HTTP
    stances = {names[s["speaker_id"]]: s["label"] for s in body["speaker_stances"] if s["target"] == "ceasefire"}
    assert stances["a senior U.S. official"] == "against"
    assert stances["China"] == "favor" and stances["Ukraine"] == "favor"
    evidence = [st["evidence"] for c in body["claims"] for st in c["stances"] if st["evidence"]]
    assert {e["text"] for e in evidence} == {"opposes", "urged"}
    assert all(seed_text[e["start"]:e["end"]] == e["text"] for e in evidence)


def test_batch_with_one_bad_document(server, seed_text):
    base = server
    docs = [{"id": "ok", "text": seed_text[:600]}, {"id": "bad", "text": ""},
            {"id": "ok2", "text": "The minister said that taxes will rise."}]
    r = requests.post(f"{base}/v1/extract/batch", json={"documents": docs}, timeout=120)
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x.get("id") for x in results] == ["ok", "bad", "ok2"]
    assert results[0]["claims"] and "error" not in results[0]
    assert results[1]["error"]["code"] == "validation_error"
    assert results[2]["claims"][0]["text"] == "taxes will rise"


def test_errors_and_docs_over_http(server):
    base = server
    assert requests.post(f"{base}/v1/extract", data="{x", headers={"Content-Type": "application/json"},
                         timeout=10).status_code == 400
    assert requests.post(f"{base}/v1/extract", data="hello", timeout=10).status_code == 415
    assert requests.get(f"{base}/nothing", timeout=10).json()["error"]["code"] == "not_found"
    assert requests.get(f"{base}/openapi.json", timeout=10).json()["openapi"].startswith("3.")
    models = requests.get(f"{base}/v1/models", timeout=10).json()
    assert models["name"] == "claimscope" and models["components"]
    layers = {c["name"]: c.get("layers") for c in models["components"]}
    fast = models["model_set"] == "fast"
    assert models["model_set"] in {"full", "fast"}
    assert layers["claimscope-attribution"] == (3 if fast else 6)
    assert layers["claimscope-checkworthiness"] == (3 if fast else 6)
    assert layers["claimscope-stance"] == (3 if fast else 6)


def test_seed_paragraphs_1_to_3_are_the_officials(server, seed_text, request):
    _known_fast_miss(request, "the 3-layer tagger finds a cue 'calls for' in paragraph 2 ('swayed by "
                     "calls for an unconditional ... halt') and leaves it without a speaker")
    base = server
    body = requests.post(f"{base}/v1/extract", json={"text": seed_text}, timeout=120).json()
    names = {s["id"]: s["name"] for s in body["speakers"]}
    end = seed_text.index("On February 24")
    first = [c for c in body["claims"] if c["start"] < end]
    cues = {c["cue"]["text"].split()[-1] for c in first if c["cue"]}
    assert {"stated", "emphasized", "asserted", "urged"} <= cues
    by_cue = {c["cue"]["text"].split()[-1]: names.get(c["speaker_id"]) for c in first if c["cue"]}
    for cue in ("stated", "emphasized", "asserted", "urged"):
        assert by_cue[cue] == "a senior U.S. official", (cue, by_cue)
    # every claim of paragraphs 1-3 is the official's, including sourceless cues ("The concern
    # is that ...", "In remarks to the Security Council ...") that continue the official's remarks
    assert {names.get(c["speaker_id"]) for c in first} == {"a senior U.S. official"}
    official = [s for s in body["speakers"] if s["name"] == "a senior U.S. official"]
    assert len(official) == 1 and official[0]["type"] == "person" and official[0]["affiliation"] == "United States"
    assert [m["text"] for m in official[0]["mentions"]] == ["a senior U.S. official", "He", "The official", "He"]
