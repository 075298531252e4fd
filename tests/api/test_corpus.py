"""A job across its documents: published / source on documents, /summary and /claims.csv (fake predictor)."""

from __future__ import annotations

import csv
import io

import pytest

from service import create_app
from service.corpus import overall_label, speaker_key
from tests.api.test_jobs import results, wait_done
from tests.conftest import make_config

SPEAKERS = ["Anna Berg", "Boris Chen", "Carla Diaz"]
CUES = ["urged", "denied", "said"]  # favor, against, neutral with the fake predictor


@pytest.fixture
def jobs_client(predictor, tmp_path):
    app = create_app(make_config(tmp_path, JOB_WORKER=True, JOB_LEASE_SECONDS=5), predictor=predictor)
    return app.test_client()


def corpus(n: int) -> list[dict]:
    docs = []
    for i in range(n):
        a, b = SPEAKERS[i % 3], SPEAKERS[(i + 1) % 3]
        text = f"{a} {CUES[i % 3]} that the truce holds. {b} {CUES[(i // 3) % 3]} that talks resume."
        docs.append({"id": f"d{i}", "text": text, "targets": ["truce"], "source": ["Wire", "Daily"][i % 2],
                     "published": f"2024-03-{1 + i % 4:02d}" + ("T09:30:00+01:00" if i % 5 == 0 else "")})
    return docs


def expected(lines: list[dict], docs: list[dict]) -> dict:
    """Per speaker (by name): documents, claims and stance counts, from the per-document results."""
    out: dict[str, dict] = {}
    for line in lines:
        names = {s["id"]: s["name"] for s in line["speakers"]}
        for name in set(names.values()):
            out.setdefault(name, {"documents": 0, "claims": 0, "favor": 0, "against": 0, "neutral": 0,
                                  "by_date": {}})["documents"] += 1
        for claim in line["claims"]:
            entry = out[names[claim["speaker_id"]]]
            entry["claims"] += 1
            day = docs[line["index"]]["published"][:10]
            for stance in claim["stances"]:
                entry[stance["label"]] += 1
                entry["by_date"].setdefault(day, {"favor": 0, "against": 0, "neutral": 0})[stance["label"]] += 1
    return out


def test_documents_take_published_and_source(client):
    body = {"text": "Ann said that it works.", "published": "2024-03-01", "source": "Wire"}
    assert client.post("/v1/extract", json=body).status_code == 200
    for bad in ("yesterday", "2024-02-30", "01/03/2024", "2024-03-01Tnoon"):
        response = client.post("/v1/extract", json={**body, "published": bad})
        assert response.status_code == 422, bad
        error = response.get_json()["error"]
        assert error["code"] == "validation_error"
        assert "ISO 8601" in error["details"]["json"]["published"][0]
    response = client.post("/v1/extract", json={**body, "source": "x" * 201})
    assert list(response.get_json()["error"]["details"]["json"]) == ["source"]


def test_summary_counts_equal_the_per_document_results(jobs_client):
    docs = corpus(24)
    docs[7] = {"id": "bad", "text": "Ann said so.", "published": "March"}  # fails alone
    job = jobs_client.post("/v1/jobs", json={"documents": docs}).get_json()
    wait_done(jobs_client, job["id"])
    assert job["links"]["summary"] == f"/v1/jobs/{job['id']}/summary"
    lines = [line for line in results(jobs_client, job["id"]) if "error" not in line]
    assert len(lines) == 23

    response = jobs_client.get(job["links"]["summary"])
    assert response.status_code == 200
    summary = response.get_json()
    assert summary["job"]["status"] == "completed"
    assert (summary["documents"], summary["failed"]) == (23, 1)
    assert summary["claims"] == sum(len(line["claims"]) for line in lines) == 46
    assert summary["speakers_total"] == 3 and "next" not in summary["links"]
    want = expected(lines, docs)
    for speaker in summary["speakers"]:
        assert speaker["key"] == f"unknown:{speaker['name'].lower()}"
        (stance,) = speaker["stances"]
        counts = {k: stance[k] for k in ("favor", "against", "neutral")}
        w = want[speaker["name"]]
        assert (speaker["documents"], speaker["claims"]) == (w["documents"], w["claims"])
        assert counts == {k: w[k] for k in counts}
        assert stance["label"] == overall_label(*counts.values())
        assert {d["date"]: {k: d[k] for k in counts} for d in stance["by_date"]} == w["by_date"]
        for example in stance["examples"]:
            line = next(x for x in lines if x["index"] == example["index"])
            assert line["id"] == example["document_id"]
            claim = next(c for c in line["claims"] if c["id"] == example["claim_id"])
            assert claim["stances"][0]["label"] == example["label"]
    (target,) = summary["targets"]
    assert target["target"] == "truce" and target["documents"] == 23 and target["claims"] == 46
    assert [d["date"] for d in summary["dates"]] == ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"]
    assert sum(d["documents"] for d in summary["dates"]) == 23
    assert len(summary["top_claims"]) == 20 and summary["top_claims"][0]["document_id"] == "d0"


def test_summary_pages_through_speakers(jobs_client):
    job = jobs_client.post("/v1/jobs", json={"documents": corpus(6)}).get_json()
    wait_done(jobs_client, job["id"])
    first = jobs_client.get(f"/v1/jobs/{job['id']}/summary?limit=2&top=0").get_json()
    assert [first[k] for k in ("speakers_total", "offset", "limit")] == [3, 0, 2]
    assert len(first["speakers"]) == 2 and first["top_claims"] == []
    second = jobs_client.get(first["links"]["next"]).get_json()
    assert len(second["speakers"]) == 1 and "next" not in second["links"]
    assert {s["key"] for s in first["speakers"] + second["speakers"]} == {f"unknown:{n.lower()}" for n in SPEAKERS}

    response = jobs_client.get(f"/v1/jobs/{job['id']}/summary?limit=0&offset=-1&top=x")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["details"]["query"]) == {"limit", "offset", "top"}
    assert jobs_client.get("/v1/jobs/nope/summary").get_json()["error"]["code"] == "job_not_found"
    assert jobs_client.get("/v1/jobs/nope/claims.csv").status_code == 404


def test_claims_csv_has_a_row_per_claim_and_a_column_per_target(jobs_client):
    docs = corpus(5)
    docs[1]["targets"] = ["Truce", "sanctions"]
    docs[2]["text"] = "Ann Berg said that =HYPERLINK(1) is fine. " + docs[2]["text"]
    job = jobs_client.post("/v1/jobs", json={"documents": docs}).get_json()
    wait_done(jobs_client, job["id"])
    response = jobs_client.get(job["links"]["claims_csv"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    lines = results(jobs_client, job["id"])
    assert len(rows) == sum(len(line["claims"]) for line in lines) == 11
    assert list(rows[0])[-2:] == ["stance: truce", "stance: sanctions"]
    assert rows[0]["document_id"] == "d0" and rows[0]["source"] == "Wire" and rows[0]["published"] == "2024-03-01"
    assert rows[0]["speaker"] == "Anna Berg" and rows[0]["cue"] == "urged" and rows[0]["stance: truce"] == "favor"
    assert rows[2]["stance: truce"] == "against" and rows[2]["stance: sanctions"] == "against"
    assert rows[0]["stance: sanctions"] == ""
    assert rows[0]["claim"] == "the truce holds" and rows[0]["checkworthiness"] == "0.5"
    assert rows[4]["claim"] == "'=HYPERLINK(1) is fine"  # not a formula in a spreadsheet


def test_the_speakers_own_key_wins_over_the_name():
    assert speaker_key({"name": "The Kremlin", "type": "country"}) == "country:kremlin"
    assert speaker_key({"name": "Mr. Putin", "type": "person", "key": "person:vladimir putin"}) == \
        "person:vladimir putin"
    assert speaker_key({"name": "", "type": None, "key": ""}) == "unknown:"


def test_openapi_documents_the_corpus_endpoints(client):
    spec = client.get("/openapi.json").get_json()
    summary = spec["paths"]["/v1/jobs/{job_id}/summary"]["get"]
    assert {p["name"] for p in summary["parameters"]} == {"offset", "limit", "top"}
    assert {"200", "404", "422", "503"} <= set(summary["responses"])
    assert "text/csv" in spec["paths"]["/v1/jobs/{job_id}/claims.csv"]["get"]["responses"]["200"]["content"]
    extract_in = spec["components"]["schemas"]["ExtractIn"]["properties"]
    assert {"published", "source"} <= set(extract_in)
    assert "speakers" in spec["components"]["schemas"]["SummaryOut"]["properties"]


def test_cli_batch_writes_the_jobs_summary_and_csv_offline(jobs_client, tmp_path, monkeypatch):
    import json

    import models
    from service import cli

    docs = corpus(12)
    job = jobs_client.post("/v1/jobs", json={"documents": docs}).get_json()
    wait_done(jobs_client, job["id"])
    online = jobs_client.get(f"/v1/jobs/{job['id']}/summary?limit=1000").get_json()
    online_csv = jobs_client.get(f"/v1/jobs/{job['id']}/claims.csv").get_data(as_text=True)

    monkeypatch.setattr(models, "load_predictor", lambda settings=None, **_: models.FakePredictor())
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    out, summary, claims = tmp_path / "out.jsonl", tmp_path / "summary.json", tmp_path / "claims.csv"
    assert cli.main(["batch", str(source), str(out), "--summary", str(summary), "--csv", str(claims), "--quiet"]) == 0
    offline = json.loads(summary.read_text(encoding="utf-8"))
    assert offline["limit"] is None
    assert {k: v for k, v in online.items() if k not in ("job", "links", "limit")} == \
        {k: v for k, v in offline.items() if k != "limit"}
    assert claims.read_bytes().decode("utf-8") == online_csv


def test_summary_of_2000_documents_stays_under_8_mb(tmp_path):
    """The summary reads one stored result at a time: its peak of Python allocations stays under
    8 MB for 2,000 short documents (5.4 MB in `benchmarks/bench_summary.py --speakers 50 --days 30`),
    well under the 22 MB of holding their results at once; claims.csv under 2 MB (0.4 MB)."""
    import json
    import random
    import tracemalloc

    from models import DocumentInput, FakePredictor
    from service.predict import dump

    app = create_app(make_config(tmp_path), predictor=FakePredictor())
    store, predictor, rng = app.extensions["jobs"].store, FakePredictor(), random.Random(15)
    names = [f"{first} {last}" for first in ("Anna", "Boris", "Carla", "Dmitri", "Elena")
             for last in ("Berg", "Chen", "Diaz", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova", "Jensen", "Lopez")]
    docs = [{"id": f"doc-{i}", "targets": ["ceasefire", "sanctions", "aid"], "published": f"2024-03-{1 + i % 30:02d}",
             "text": " ".join(f"{rng.choice(names)} {rng.choice(CUES)} that plan {i} should go ahead."
                              for _ in range(rng.randint(2, 4)))} for i in range(2000)]
    job_id = store.create([(doc, None) for doc in docs])
    for i, doc in enumerate(docs):
        result = predictor.predict([DocumentInput(text=doc["text"], targets=tuple(doc["targets"]))])[0]
        store.finish(job_id, i, {**dump(result), "id": doc["id"]}, None)
    client = app.test_client()
    client.get(f"/v1/jobs/{job_id}/summary?limit=1")

    def peak_mb(call) -> tuple[object, float]:
        tracemalloc.start()
        try:
            return call(), tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()

    summary, summary_mb = peak_mb(lambda: client.get(f"/v1/jobs/{job_id}/summary").get_json())
    rows, csv_mb = peak_mb(lambda: sum(chunk.count(b"\n") for chunk in client.get(f"/v1/jobs/{job_id}/claims.csv").response))
    _, all_mb = peak_mb(lambda: [json.loads(line) for line in store.results(job_id)])
    assert summary["documents"] == 2000 and summary["speakers_total"] == 50 and rows == summary["claims"] + 1
    assert summary_mb < 8 and summary_mb < all_mb / 2, (summary_mb, all_mb)
    assert csv_mb < 2, csv_mb
