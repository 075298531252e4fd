"""One /v1/extract/batch call of N articles against N /v1/extract calls of the same articles,
one after the other, on a real gunicorn (one worker) with the real models.

    python benchmarks/bench_batch.py [--articles 16] [--repeats 3] [--env CLAIMSCOPE_MODELS=fast ...]

Each repeat times both ways over the same PolNeAR dev articles (the order of the two alternates
between repeats) and checks that both return the same claims. Prints the seconds of each way per
round, their medians, the ratio and the CPU. The batch is faster when the pipeline takes the
documents' tagger windows, claims and stance pairs through shared forward passes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.integration.helpers import free_port, start_gunicorn, wait_ready  # noqa: E402

POLNEAR_DEV = ROOT.parent / "shared" / "data" / "attribution" / "polnear" / "data" / "dev" / "text"


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def claims_of(result: dict) -> list[tuple[int, int, str | None]]:
    return [(c["start"], c["end"], c["speaker_id"]) for c in result["claims"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--env", nargs="*", default=[], help="extra server environment, NAME=VALUE")
    parser.add_argument("--log", type=Path, default=Path("var/bench_batch.log"))
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(POLNEAR_DEV.glob("*.txt"))][:args.articles]
    if len(texts) < args.articles:
        raise SystemExit(f"only {len(texts)} PolNeAR dev texts in {POLNEAR_DEV}")
    extra = dict(kv.split("=", 1) for kv in args.env)
    args.log.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"CLAIMSCOPE_JOB_DB": str(args.log.with_suffix(".sqlite3")), "CLAIMSCOPE_JOB_WORKER": "false",
           "CLAIMSCOPE_REQUEST_TIMEOUT": "600", "CLAIMSCOPE_MAX_INFLIGHT": "64",
           "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2"), **extra}
    server = start_gunicorn(port, env, args.log, workers=1)
    session = requests.Session()
    try:
        wait_ready(server, base, timeout=600)
        body = {"documents": [{"id": str(i), "text": t} for i, t in enumerate(texts)]}
        session.post(f"{base}/v1/extract/batch", json=body, timeout=600).raise_for_status()  # warm-up
        singles_s, batch_s = [], []
        for r in range(args.repeats):
            for way in (("single", "batch") if r % 2 == 0 else ("batch", "single")):
                started = time.perf_counter()
                if way == "single":
                    singles = []
                    for t in texts:
                        resp = session.post(f"{base}/v1/extract", json={"text": t}, timeout=600)
                        resp.raise_for_status()
                        singles.append(resp.json())
                    singles_s.append(time.perf_counter() - started)
                else:
                    resp = session.post(f"{base}/v1/extract/batch", json=body, timeout=600)
                    resp.raise_for_status()
                    batched = resp.json()["results"]
                    batch_s.append(time.perf_counter() - started)
            same = sum(claims_of(a) == claims_of(b) for a, b in zip(singles, batched, strict=True))
            print(f"repeat {r + 1}: {args.articles} single calls {singles_s[-1]:.2f} s, one batch "
                  f"{batch_s[-1]:.2f} s; same claims in {same} of {args.articles} articles")
    finally:
        server.stop()
    single, batch = statistics.median(singles_s), statistics.median(batch_s)
    summary = {"cpu": cpu_name(), "cores": os.cpu_count(), "articles": args.articles, "env": extra,
               "single_calls_s": round(single, 2), "one_batch_s": round(batch, 2),
               "batch_time_ratio": round(batch / single, 3)}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
