"""A corpus as a job on a real gunicorn with the real pipeline: the summary and claims.csv agree
with the per-document results, and the corpus page draws them in a real headless Chromium."""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter

import pytest
import requests

from service.corpus import LABELS, speaker_key

from .helpers import free_port, served
from .test_web_page import CHROMIUM, FLAGS, screenshot_colours

pytestmark = pytest.mark.slow
SOURCES = ["Wire", "Daily", "Herald"]
SERIES_COLORS = [(0x24, 0x56, 0xC7), (0xC6, 0x28, 0x28), (0x1B, 0x8A, 0x3A)]  # corpus.js
CELL_TINTS = {"favor": (0xDF, 0xF3, 0xE3), "against": (0xFB, 0xE0, 0xE0), "mixed": (0xFF, 0xF1, 0xC9),
              "neutral": (0xF1, 0xF2, 0xF4)}  # corpus.css


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with served(tmp_path_factory.mktemp("corpus")) as url:
        yield url


def articles(seed_text: str, n: int) -> list[dict]:
    """``n`` articles, each a paragraph of the seed article (taken in turn), dated over ten days;
    every other one asks for "ceasefire", the rest get detected targets."""
    paragraphs = [p for p in seed_text.splitlines() if len(p) > 120]
    docs = []
    for i in range(n):
        doc = {"id": f"p{i}", "title": f"Paragraph {i % len(paragraphs)}", "text": paragraphs[i % len(paragraphs)],
               "published": f"2024-02-{10 + i % 10:02d}", "source": SOURCES[i % 3]}
        if i % 2 == 0:
            doc["targets"] = ["ceasefire"]
        docs.append(doc)
    return docs


def wait_completed(base: str, job_id: str, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = requests.get(f"{base}/v1/jobs/{job_id}", timeout=10).json()
        if info["status"] == "completed":
            return info
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not complete: {info}")


def test_summary_of_50_articles_equals_their_results(base, seed_text):
    docs = articles(seed_text, 50)
    body = "".join(json.dumps(d) + "\n" for d in docs)
    response = requests.post(f"{base}/v1/jobs", data=body.encode(), timeout=30,
                             headers={"Content-Type": "application/x-ndjson"})
    assert response.status_code == 202
    job_id = response.json()["id"]
    info = wait_completed(base, job_id)
    assert (info["done"], info["failed"]) == (50, 0)
    results = [json.loads(line) for line in requests.get(f"{base}/v1/jobs/{job_id}/results", timeout=30).text.splitlines()]

    # the figures the summary should give, counted here from the per-document results
    documents, claims, stances, by_date = Counter(), Counter(), Counter(), Counter()
    targets, unattributed = Counter(), 0
    for line in results:
        keys = {s["id"]: speaker_key(s) for s in line["speakers"]}
        documents.update(set(keys.values()))
        for claim in line["claims"]:
            key = keys.get(claim["speaker_id"])
            if key is None:
                unattributed += 1
                continue
            claims[key] += 1
            for s in claim["stances"]:
                stances[key, s["target"].casefold(), s["label"]] += 1
                by_date[key, s["target"].casefold(), docs[line["index"]]["published"], s["label"]] += 1
                targets[s["target"].casefold()] += 1
    total = sum(len(line["claims"]) for line in results)
    assert total >= 100 and len(documents) >= 10 and sum(targets.values()) >= 10

    summary = requests.get(f"{base}/v1/jobs/{job_id}/summary", params={"limit": 1000}, timeout=60).json()
    assert (summary["documents"], summary["claims"], summary["unattributed_claims"]) == (50, total, unattributed)
    assert summary["speakers_total"] == len(documents)
    assert {(s["key"], s["documents"], s["claims"]) for s in summary["speakers"]} == \
        {(key, n, claims[key]) for key, n in documents.items()}
    got, got_by_date = Counter(), Counter()
    for speaker in summary["speakers"]:
        for stance in speaker["stances"]:
            target = stance["target"].casefold()
            for label in LABELS:
                got[speaker["key"], target, label] += stance[label]
            for day in stance["by_date"]:
                for label in LABELS:
                    got_by_date[speaker["key"], target, day["date"], label] += day[label]
            for example in stance["examples"]:  # each example is one of the speaker's claims with that label
                line = results[example["index"]]
                claim = next(c for c in line["claims"] if c["id"] == example["claim_id"])
                assert speaker_key(next(s for s in line["speakers"] if s["id"] == claim["speaker_id"])) == speaker["key"]
                assert example["label"] in {s["label"] for s in claim["stances"] if s["target"].casefold() == target}
    assert +got == stances and +got_by_date == by_date
    assert {t["target"].casefold(): t["claims"] for t in summary["targets"] if t["claims"]} == dict(targets)
    assert sum(d["documents"] for d in summary["dates"]) == 50 and len(summary["dates"]) == 10
    scores = sorted((c["checkworthiness"] for line in results for c in line["claims"]
                     if c["checkworthiness"] is not None), reverse=True)
    assert [c["checkworthiness"] for c in summary["top_claims"]] == scores[:20]

    rows = list(csv.DictReader(io.StringIO(requests.get(f"{base}/v1/jobs/{job_id}/claims.csv", timeout=60).text)))
    assert len(rows) == total
    assert Counter(row["source"] for row in rows) == Counter(
        docs[line["index"]]["source"] for line in results for _ in line["claims"])
    assert sum(1 for row in rows for k, v in row.items() if k.startswith("stance: ") and v) == \
        sum(len(c["stances"]) for line in results for c in line["claims"])


def test_corpus_page_draws_the_table_timeline_and_top_claims(base, seed_text, tmp_path):
    from playwright.sync_api import sync_playwright

    upload = tmp_path / "articles.jsonl"
    docs = [{k: v for k, v in d.items() if k != "targets"} for d in articles(seed_text, 12)]
    upload.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/corpus")
        page.fill("#corpus-targets", "ceasefire")
        page.set_input_files("#corpus-file", str(upload))
        page.wait_for_function("document.getElementById('corpus-status').textContent.includes('12 articles')")
        page.click("#corpus-submit")
        page.wait_for_selector("#progress-row:not([hidden])")
        page.wait_for_selector("#corpus-output:not([hidden])", timeout=300_000)
        assert page.eval_on_selector("#progress", "e => e.value") == 1
        assert "12 articles (0 failed)" in page.text_content("#corpus-counts")
        assert "#job=" in page.url
        header = page.locator("#corpus-table tr").first.text_content()
        assert "ceasefire" in header
        rows = page.locator("#corpus-table tr[data-speaker]")
        assert rows.count() >= 2
        labels = set(page.eval_on_selector_all("#corpus-table td[data-target]", "els => els.map(e => e.className)"))
        assert labels and labels <= set(CELL_TINTS)
        assert page.locator("#timeline canvas").count() == 1
        series = page.locator("#timeline .u-legend .u-series").count() - 1  # the first is the day
        assert series >= 2
        assert page.locator("#top-claims tr[data-claim]").count() == 15
        assert page.get_attribute("#csv-link", "href").endswith("/claims.csv")
        shot = tmp_path / "corpus.png"
        page.locator("#corpus-output").screenshot(path=str(shot))
        browser.close()
    assert not errors, errors
    image, colours = screenshot_colours(shot)
    assert image.width > 600 and image.height > 600
    assert set(SERIES_COLORS[:min(series, 3)]) <= colours, "the timeline's lines are not on the screenshot"
    assert {CELL_TINTS[label] for label in labels} <= colours, "the table's stance cells are not on the screenshot"


def test_the_redis_store_gives_the_same_summary_and_csv_as_sqlite(tmp_path):
    from models import DocumentInput, FakePredictor
    from service.corpus import claim_csv, summarise
    from service.jobs.store import RedisJobStore, SQLiteJobStore
    from service.predict import dump

    from .helpers import start_redis

    docs = [{"id": f"d{i}", "text": f"Ann Berg urged that the truce holds. Bo Chen denied that talks {i} resume.",
             "targets": ["truce"], "published": f"2024-03-0{1 + i % 3}", "source": "Wire"} for i in range(6)]
    entries = [(doc, None) for doc in docs] + [({"id": "bad"}, {"code": "validation_error", "message": "x"})]
    port = free_port()
    redis = start_redis(port, tmp_path / "redis.log")
    try:
        stores = [SQLiteJobStore(tmp_path / "jobs.sqlite3"), RedisJobStore(f"redis://127.0.0.1:{port}/0")]
        outputs = []
        for store in stores:
            job_id = store.create(entries)
            for i, doc in enumerate(docs):
                result = FakePredictor().predict([DocumentInput(text=doc["text"], targets=("truce",))])[0]
                store.finish(job_id, i, {**dump(result), "id": doc["id"]}, None)
            outputs.append((summarise(store.finished(job_id)).to_dict(), "".join(claim_csv(lambda s=store, j=job_id: s.finished(j)))))
    finally:
        redis.stop()
    assert outputs[0] == outputs[1]
    summary = outputs[0][0]
    assert (summary["documents"], summary["failed"], summary["claims"]) == (6, 1, 12)
