"""Benchmark the service over HTTP on loopback: a real gunicorn with the real models.

Prints, for the seed article and for a batch of 200 articles built from PolNeAR dev texts:
warm p50/p95 latency per article, articles/s with 1 and 2 gunicorn workers, peak RSS per worker,
and cold start time (gunicorn launch to /v1/ready = 200).

    python benchmarks/bench_service.py [--articles 200] [--workers 1 2] [--out FILE.json]
                                       [--env CLAIMSCOPE_PRECISION=int8 ...]

Targets (issue 5): seed p50 <= 300 ms, >= 5 articles/s on 2 cores, <= 1 GB RSS per worker.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from models.training.polnear import split_dir  # noqa: E402
from tests.integration.helpers import free_port, start_gunicorn  # noqa: E402

POLNEAR_DEV = split_dir("dev") / "text"  # under the shared data root beside the repository


def articles(n: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(POLNEAR_DEV.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no PolNeAR dev texts in {POLNEAR_DEV}")
    return [texts[i % len(texts)] for i in range(n)]


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(workers: int, docs: list[str], seed: str, log: Path, extra_env: dict[str, str]) -> dict[str, float]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"CLAIMSCOPE_JOB_DB": str(log.with_suffix(".sqlite3")), "CLAIMSCOPE_JOB_WORKER": "false",
           "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2"),  # as run.sh and the image serve
           "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1"),
           "CLAIMSCOPE_REQUEST_TIMEOUT": "300", "CLAIMSCOPE_MAX_INFLIGHT": "64", **extra_env}
    launched = time.perf_counter()
    server = start_gunicorn(port, env, log, workers=workers)
    try:
        while True:
            try:
                if requests.get(f"{base}/v1/ready", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if not server.alive():
                raise SystemExit(server.output())
            time.sleep(0.1)
        cold = time.perf_counter() - launched
        # with several workers, /v1/ready may have come from one; warm every worker up
        session = requests.Session()
        for _ in range(3 * workers):
            session.post(f"{base}/v1/extract", json={"text": seed, "targets": ["ceasefire"]}, timeout=300)
        latencies = []
        for _ in range(20):
            started = time.perf_counter()
            r = session.post(f"{base}/v1/extract", json={"text": seed, "targets": ["ceasefire"]}, timeout=300)
            r.raise_for_status()
            latencies.append(time.perf_counter() - started)

        def post(text: str) -> float:
            started = time.perf_counter()
            requests.post(f"{base}/v1/extract", json={"text": text}, timeout=300).raise_for_status()
            return time.perf_counter() - started

        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=2 * workers) as pool:
            per_article = list(pool.map(post, docs))
        elapsed = time.perf_counter() - started
        rss = [peak_rss_mb(pid) for pid in worker_pids(server.popen.pid)]
        return {
            "workers": workers,
            "cold_start_s": round(cold, 2),
            "seed_p50_ms": round(statistics.median(latencies) * 1000, 1),
            "seed_p95_ms": round(pct(latencies, 0.95) * 1000, 1),
            "batch_articles": len(docs),
            "batch_p50_ms": round(statistics.median(per_article) * 1000, 1),
            "batch_p95_ms": round(pct(per_article, 0.95) * 1000, 1),
            "articles_per_s": round(len(docs) / elapsed, 2),
            "peak_rss_mb_per_worker": round(max(rss), 1) if rss else float("nan"),
        }
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment for the server, e.g. CLAIMSCOPE_PRECISION=int8")
    args = parser.parse_args()
    seed = (ROOT / "seeds" / "ukraine-negotiations.txt").read_text(encoding="utf-8")
    docs = articles(args.articles)
    chars = sum(len(d) for d in docs) / len(docs)
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}; "
          f"{len(docs)} PolNeAR dev articles, mean {chars:.0f} characters; seed {len(seed)} characters")
    rows = []
    log_dir = Path(os.environ.get("TMPDIR", "/tmp"))
    for workers in args.workers:
        extra = dict(item.split("=", 1) for item in args.env)
        row = run(workers, docs, seed, log_dir / f"claimscope-bench-{workers}.log", extra)
        if extra:
            row["env"] = extra
        rows.append(row)
        print(json.dumps(row))
    if args.out:
        args.out.write_text(json.dumps({"rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
