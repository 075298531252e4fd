"""Memory and time of a job's summary and claims.csv over many short documents.

    python benchmarks/bench_summary.py --documents 2000 [--speakers 300] [--days 60]

Builds a job of short articles ("<Name> urged|denied|said that ...", three targets, published over
``--days`` days, speakers drawn from a pool of ``--speakers`` names) in an SQLite job store, with
the fake predictor's results stored as a worker stores them, then asks the Flask app for
GET /v1/jobs/<id>/summary and /claims.csv. Prints, for each: the peak of Python allocations while
the request runs (tracemalloc), the process's peak RSS growth and the wall time; and, to compare,
the peak of holding every result at once (what the summary does not do).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import DocumentInput, FakePredictor  # noqa: E402
from service import create_app  # noqa: E402
from service.config import TestConfig, config_values  # noqa: E402
from service.predict import dump  # noqa: E402

FIRST = ["Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kofi", "Lena",
         "Marta", "Nikos", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tariq"]
LAST = ["Berg", "Chen", "Diaz", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova", "Jensen", "Kowalski",
        "Lopez", "Moreau", "Novak", "Okafor", "Petrov", "Quispe", "Rossi", "Sato", "Tanaka", "Ueda"]
CUES = ["urged", "denied", "said"]
TARGETS = ["ceasefire", "sanctions", "aid"]


def articles(n: int, speakers: int, days: int, seed: int = 15) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    names = [f"{f} {last}" for last in LAST for f in FIRST][:speakers]
    docs = []
    for i in range(n):
        sentences = [f"{rng.choice(names)} {rng.choice(CUES)} that the {rng.choice(TARGETS)} plan number {i} "
                     f"should go ahead." for _ in range(rng.randint(2, 4))]
        docs.append({"id": f"doc-{i}", "title": f"Article {i}", "text": " ".join(sentences), "targets": TARGETS,
                     "source": rng.choice(["Wire", "Daily", "Herald"]),
                     "published": f"2024-{1 + (i % days) // 28:02d}-{1 + (i % days) % 28:02d}"})
    return docs


def make_job(app: Any, docs: list[dict[str, Any]]) -> tuple[str, int]:
    """A completed job of ``docs``, stored as the worker stores results; and the results' bytes."""
    store = app.extensions["jobs"].store
    job_id = store.create([(doc, None) for doc in docs])
    predictor = FakePredictor()
    stored = 0
    for index, doc in enumerate(docs):
        result = dump(predictor.predict([DocumentInput(text=doc["text"], id=doc["id"],
                                                       targets=tuple(doc["targets"]))])[0])
        stored += len(json.dumps(result, ensure_ascii=False))
        store.finish(job_id, index, result, None)
    return job_id, stored


def measure(call: Any) -> tuple[Any, float, float, float]:
    """``call()`` with (its value, peak Python allocations in MB, peak RSS growth in MB, seconds)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    value = call()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss
    return value, peak / 2**20, grown / 1024, seconds


def run(documents: int, speakers: int, days: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        config = {**config_values(TestConfig), "JOB_DB": str(Path(tmp) / "jobs.sqlite3"),
                  "RATE_LIMIT_DB": str(Path(tmp) / "ratelimit.sqlite3")}
        app = create_app(config, predictor=FakePredictor())
        client = app.test_client()
        job_id, stored = make_job(app, articles(documents, speakers, days))
        client.get(f"/v1/jobs/{job_id}/summary?limit=1")  # warm: imports, the first connection
        summary, summary_mb, summary_rss, summary_s = measure(
            lambda: client.get(f"/v1/jobs/{job_id}/summary?limit=100").get_json())
        csv, csv_mb, csv_rss, csv_s = measure(
            lambda: sum(len(chunk) for chunk in client.get(f"/v1/jobs/{job_id}/claims.csv").response))
        store = app.extensions["jobs"].store
        _, all_mb, _, all_s = measure(lambda: [json.loads(line) for line in store.results(job_id)])
    return {"documents": documents, "claims": summary["claims"], "speakers": summary["speakers_total"],
            "dates": len(summary["dates"]), "stored_results_mb": round(stored / 2**20, 2),
            "summary_peak_mb": round(summary_mb, 2), "summary_rss_growth_mb": round(summary_rss, 1),
            "summary_s": round(summary_s, 3), "summary_response_kb": round(len(json.dumps(summary)) / 1024, 1),
            "csv_peak_mb": round(csv_mb, 2), "csv_rss_growth_mb": round(csv_rss, 1), "csv_s": round(csv_s, 3),
            "csv_mb": round(csv / 2**20, 2), "all_results_at_once_peak_mb": round(all_mb, 2),
            "all_results_at_once_s": round(all_s, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, nargs="+", default=[2000])
    parser.add_argument("--speakers", type=int, default=300)
    parser.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    for n in args.documents:
        print(json.dumps(run(n, args.speakers, args.days)), flush=True)


if __name__ == "__main__":
    main()
