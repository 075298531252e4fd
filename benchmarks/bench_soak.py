"""Soak test: a real gunicorn under mixed traffic for a long time, watching memory and errors.

    python benchmarks/bench_soak.py [--minutes 60] [--workers 1] [--rate R | --load 0.6]
                                    [--probe-seconds 60] [--warmup-minutes 5] [--out FILE.json]
                                    [--env KEY=VALUE ...] [--polnear-dev DIR]

First the capacity: after a warm-up, PolNeAR dev articles (the seed article when the corpus is
missing) go to /v1/extract from 2 clients per worker for ``--probe-seconds``; capacity is the
articles per second that came back. ``--rate`` skips the probe and gives the documents per
second to send directly; otherwise the rate is ``--load`` times the capacity.

Then, for ``--minutes``, requests arrive at random (Poisson) times, open loop, so that the
documents they carry add up to that rate. Each request is one of:

    extract     one article to /v1/extract (expects 200)
    batch       4 articles to /v1/extract/batch (expects 200)
    job         3 articles to POST /v1/jobs (expects 202); a poller follows the job to
                "completed" and checks its results (every document done, none failed)
    bad_json    a body that does not parse (expects 400)
    nested      JSON nested 5,000 levels deep, to /v1/extract, /v1/extract/batch and /v1/jobs
                in turn (expects 400)
    oversize    a text of 200,001 characters (expects 422) or, one time in ten, a body over
                the 16 MB limit (expects 413)
    wrong_type  a number as the text, a string as the targets, or a list as the body (expects 422)

A 503 "overloaded" (admission control shedding a burst) is counted apart from the errors.
Every minute a line gives the RSS of each gunicorn worker, the requests and errors so far and
the last minute's extract latency. At the end: p50/p95/p99 latency per kind, responses by
status per kind, job completion times, and whether RSS stayed flat after the warm-up (the mean
of its last 10 minutes at most 5% above the mean of its first 10; a single sample swings by
100 MB or more with the request in flight) and at most 1 GB per worker, with the least-squares
slope of RSS after the warm-up and its mean per 10 minutes.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.integration.helpers import free_port, start_gunicorn  # noqa: E402

SEED = ROOT / "seeds" / "ukraine-negotiations.txt"
BATCH_DOCS, JOB_DOCS = 4, 3
# share of requests of each kind, and the documents each carries (what the rate counts)
MIX = {"extract": (0.50, 1), "batch": (0.10, BATCH_DOCS), "job": (0.10, JOB_DOCS),
       "bad_json": (0.08, 0), "nested": (0.08, 0), "oversize": (0.06, 0), "wrong_type": (0.08, 0)}
# RSS is flat when the mean of its last 10 samples (minutes) is at most this far above the mean of
# its first 10 after the warm-up: one sample swings by 100 MB or more with the request in flight,
# so a single sample is no baseline
FLAT_TOLERANCE = 0.05
WINDOW = 10
RSS_LIMIT_MB = 1024.0
NESTED = "[" * 5000 + "]" * 5000


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def load_articles(folder: Path | None) -> list[str]:
    if folder is None:
        try:
            from models.training.polnear import split_dir

            folder = split_dir("dev") / "text"
        except Exception:  # the training package or the data root is not there
            folder = None
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))] if folder else []
    return texts or [SEED.read_text(encoding="utf-8")]


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return sorted(int(x) for x in out.split())


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Stats:
    """Latencies and statuses per kind, shared by the client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.recent: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, Counter[str]] = defaultdict(Counter)
        self.unexpected: Counter[str] = Counter()
        self.shed = 0

    def record(self, kind: str, status: str, seconds: float, expected: bool, shed: bool = False) -> None:
        with self.lock:
            self.status[kind][status] += 1
            if shed:
                self.shed += 1
            elif expected:
                self.latency[kind].append(seconds)
                self.recent[kind].append(seconds)
            else:
                self.unexpected[f"{kind} {status}"] += 1

    def take_recent(self, kind: str) -> list[float]:
        with self.lock:
            values, self.recent[kind] = self.recent[kind], []
        return values

    def requests(self) -> int:
        with self.lock:
            return sum(sum(c.values()) for c in self.status.values())


class Traffic:
    """The requests of each kind, sent with one session per client thread."""

    def __init__(self, base: str, articles: list[str], stats: Stats, seed: int) -> None:
        self.base = base
        self.articles = articles
        self.stats = stats
        self.rng = random.Random(seed)
        self.rng_lock = threading.Lock()
        self.local = threading.local()
        self.jobs: dict[str, float] = {}  # job id -> submitted at (monotonic)
        self.jobs_lock = threading.Lock()
        self.big_body = json.dumps({"text": "x" * (16 * 1024 * 1024 + 1)})
        self.counter = 0

    def _session(self) -> requests.Session:
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
        return session

    def _pick(self, n: int) -> list[str]:
        with self.rng_lock:
            return [self.rng.choice(self.articles) for _ in range(n)]

    def _post(self, kind: str, path: str, expect: int, **kwargs: Any) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = self._session().post(f"{self.base}{path}", timeout=600, **kwargs)
        except requests.RequestException as exc:
            self.stats.record(kind, type(exc).__name__, time.perf_counter() - started, False)
            return None
        seconds = time.perf_counter() - started
        shed = response.status_code == 503 and _code(response) == "overloaded"
        self.stats.record(kind, str(response.status_code), seconds, response.status_code == expect, shed)
        return response

    def send(self, kind: str) -> None:
        with self.rng_lock:
            self.counter += 1
            n = self.counter
        if kind == "extract":
            self._post(kind, "/v1/extract", 200, json={"text": self._pick(1)[0]})
        elif kind == "batch":
            docs = [{"id": f"b{n}-{i}", "text": t} for i, t in enumerate(self._pick(BATCH_DOCS))]
            response = self._post(kind, "/v1/extract/batch", 200, json={"documents": docs})
            if response is not None and response.status_code == 200:
                failed = [r for r in response.json()["results"] if "error" in r]
                if failed:
                    self.stats.record("batch_document", "failed", 0.0, False)
        elif kind == "job":
            docs = [{"id": f"j{n}-{i}", "text": t} for i, t in enumerate(self._pick(JOB_DOCS))]
            submitted = time.monotonic()
            response = self._post("job_submit", "/v1/jobs", 202, json={"documents": docs})
            if response is not None and response.status_code == 202:
                with self.jobs_lock:
                    self.jobs[response.json()["id"]] = submitted
        elif kind == "bad_json":
            self._post(kind, "/v1/extract", 400, data='{"text": "unfinished',
                       headers={"Content-Type": "application/json"})
        elif kind == "nested":
            path = ("/v1/extract", "/v1/extract/batch", "/v1/jobs")[n % 3]
            self._post(kind, path, 400, data=NESTED, headers={"Content-Type": "application/json"})
        elif kind == "oversize":
            if n % 10 == 0:
                self._post(kind, "/v1/extract", 413, data=self.big_body,
                           headers={"Content-Type": "application/json"})
            else:
                self._post(kind, "/v1/extract", 422, json={"text": "y" * 200_001})
        elif kind == "wrong_type":
            body = ({"text": 12345}, {"text": "He said so.", "targets": "not a list"}, ["a", "list"])[n % 3]
            self._post(kind, "/v1/extract", 422, json=body)
        else:
            raise ValueError(kind)

    def poll_jobs(self, stop: threading.Event, completion: list[float]) -> None:
        """Follow submitted jobs to completion; check their results."""
        session = requests.Session()
        while not stop.is_set():
            with self.jobs_lock:
                waiting = list(self.jobs.items())
            for job_id, submitted in waiting:
                try:
                    info = session.get(f"{self.base}/v1/jobs/{job_id}", timeout=60).json()
                    if info.get("status") != "completed":
                        if time.monotonic() - submitted > 900:
                            self.stats.record("job", "stuck", 0.0, False)
                            with self.jobs_lock:
                                self.jobs.pop(job_id, None)
                        continue
                    lines = session.get(f"{self.base}/v1/jobs/{job_id}/results", timeout=60).text.splitlines()
                except (requests.RequestException, ValueError) as exc:
                    self.stats.record("job_poll", type(exc).__name__, 0.0, False)
                    continue
                records = [json.loads(line) for line in lines]
                ok = len(records) == JOB_DOCS and not any("error" in r for r in records)
                seconds = time.monotonic() - submitted
                self.stats.record("job", "completed" if ok else "bad_results", seconds, ok)
                if ok:
                    completion.append(seconds)
                with self.jobs_lock:
                    self.jobs.pop(job_id, None)
            stop.wait(1.0)

    def outstanding(self) -> int:
        with self.jobs_lock:
            return len(self.jobs)


def _slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs (0 with fewer than two points)."""
    if len(xs) < 2:
        return 0.0
    mx, my = statistics.mean(xs), statistics.mean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def _code(response: requests.Response) -> str | None:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


def wait_ready(server: Any, base: str) -> float:
    launched = time.perf_counter()
    while True:
        try:
            if requests.get(f"{base}/v1/ready", timeout=2).status_code == 200:
                return time.perf_counter() - launched
        except requests.ConnectionError:
            pass
        if not server.alive():
            raise SystemExit("gunicorn exited:\n" + server.output())
        time.sleep(0.2)


def probe(base: str, articles: list[str], workers: int, seconds: float) -> float:
    """Articles per second through /v1/extract with 2 clients per worker (closed loop)."""
    deadline = time.monotonic() + seconds
    done: list[int] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        session = requests.Session()
        i = k
        while time.monotonic() < deadline:
            session.post(f"{base}/v1/extract", json={"text": articles[i % len(articles)]},
                         timeout=600).raise_for_status()
            with lock:
                done.append(1)
            i += 2 * workers

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(2 * workers) as pool:
        list(pool.map(client, range(2 * workers)))
    return len(done) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rate", type=float, help="documents per second to send (skips the probe)")
    parser.add_argument("--load", type=float, default=0.6, help="share of the measured capacity (default 0.6)")
    parser.add_argument("--probe-seconds", type=float, default=60.0)
    parser.add_argument("--warmup-minutes", type=float, default=5.0,
                        help="RSS is judged against the RSS at the end of these minutes of the soak")
    parser.add_argument("--clients", type=int, default=16, help="client threads (requests in flight at most)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--polnear-dev", type=Path, help="folder of PolNeAR dev texts (default: the shared data root)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment for the server, e.g. CLAIMSCOPE_MODELS=fast")
    parser.add_argument("--log", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "claimscope-soak.log",
                        help="gunicorn's log")
    parser.add_argument("--out", type=Path, help="write the summary here as JSON")
    args = parser.parse_args()

    articles = load_articles(args.polnear_dev)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    print(f"CPU: {cpu_name()} ({os.cpu_count()} cores); commit {commit}; "
          f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC", flush=True)
    print(f"{len(articles)} articles, mean {statistics.mean(len(a) for a in articles):,.0f} characters; "
          f"{args.workers} gunicorn worker(s); {args.minutes:g} minutes", flush=True)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = args.log
    env = {"CLAIMSCOPE_JOB_DB": str(log.with_suffix(".jobs.sqlite3")),
           "CLAIMSCOPE_RATE_LIMIT_DB": str(log.with_suffix(".ratelimit.sqlite3")),
           "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2"),  # as run.sh and the image serve
           **dict(item.split("=", 1) for item in args.env)}
    for stale in (log, log.with_suffix(".jobs.sqlite3")):
        stale.unlink(missing_ok=True)
    server = start_gunicorn(port, env, log, workers=args.workers)
    summary: dict[str, Any] = {"cpu": cpu_name(), "commit": commit, "workers": args.workers,
                               "minutes": args.minutes, "env": env}
    try:
        cold = wait_ready(server, base)
        session = requests.Session()
        for text in articles[:3 * args.workers]:  # every worker loads lazily what it needs
            session.post(f"{base}/v1/extract", json={"text": text}, timeout=600).raise_for_status()
        pids = worker_pids(server.popen.pid)
        print(f"ready in {cold:.1f} s; worker pids {pids}; RSS after warm-up requests "
              f"{[round(rss_mb(p)) for p in pids]} MB", flush=True)
        if args.rate:
            rate, capacity = args.rate, None
        else:
            capacity = probe(base, articles, args.workers, args.probe_seconds)
            rate = args.load * capacity
            print(f"capacity: {capacity:.3f} articles/s over {args.probe_seconds:g} s; "
                  f"sending {rate:.3f} documents/s ({args.load:.0%})", flush=True)
        summary.update(capacity_articles_per_s=capacity, rate_documents_per_s=rate)
        summary.update(run_soak(args, base, server, articles, rate, pids))
    finally:
        server.stop()
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2) + "\n")


def run_soak(args: argparse.Namespace, base: str, server: Any, articles: list[str], rate: float,
             pids: list[int]) -> dict[str, Any]:
    stats = Stats()
    traffic = Traffic(base, articles, stats, args.seed)
    kinds = list(MIX)
    weights = [MIX[k][0] for k in kinds]
    docs_per_request = sum(MIX[k][0] * MIX[k][1] for k in kinds)
    request_rate = rate / docs_per_request
    rng = random.Random(args.seed + 1)
    stop = threading.Event()
    completion: list[float] = []
    poller = threading.Thread(target=traffic.poll_jobs, args=(stop, completion), daemon=True)
    poller.start()
    samples: list[tuple[float, dict[int, float]]] = []
    restarts: list[str] = []
    started = time.monotonic()
    end = started + args.minutes * 60
    next_line = started + 60
    warm_at = started + args.warmup_minutes * 60
    in_flight = threading.Semaphore(args.clients)
    dropped = 0
    print(f"{request_rate:.3f} requests/s ({docs_per_request:.2f} documents each on average); "
          f"mix {', '.join(f'{k} {MIX[k][0]:.0%}' for k in kinds)}", flush=True)

    def one(kind: str) -> None:
        try:
            traffic.send(kind)
        finally:
            in_flight.release()

    with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
        at = started
        while True:
            at += rng.expovariate(request_rate)
            now = time.monotonic()
            while now >= next_line or (at > next_line and next_line <= end):
                wait = next_line - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                minute = round((next_line - started) / 60)
                current = worker_pids(server.popen.pid)
                if current != pids:
                    restarts.append(f"minute {minute}: workers {pids} -> {current}")
                    print(f"worker restart: {pids} -> {current}", flush=True)
                    pids = current
                sample = {pid: rss_mb(pid) for pid in pids}
                samples.append((next_line - started, sample))
                recent = stats.take_recent("extract")
                print(f"min {minute:3d}  RSS MB {' '.join(f'{p}:{v:.0f}' for p, v in sample.items())}  "
                      f"requests {stats.requests()}  unexpected {sum(stats.unexpected.values())}  "
                      f"shed {stats.shed}  jobs waiting {traffic.outstanding()}  extract last minute "
                      f"n={len(recent)} p50 {pct(recent, 0.5):.2f} s p99 {pct(recent, 0.99):.2f} s", flush=True)
                next_line += 60
                now = time.monotonic()
            if at >= end:
                break
            if at > now:
                time.sleep(at - now)
            if not in_flight.acquire(blocking=False):
                dropped += 1  # every client is busy: the service is far behind, count it
                continue
            pool.submit(one, rng.choices(kinds, weights)[0])
    drain_deadline = time.monotonic() + 600
    while traffic.outstanding() and time.monotonic() < drain_deadline:
        time.sleep(1)
    stop.set()
    poller.join(5)
    return report(stats, samples, completion, restarts, dropped, traffic.outstanding(), warm_at - started)


def report(stats: Stats, samples: list[tuple[float, dict[int, float]]], completion: list[float],
           restarts: list[str], dropped: int, unfinished: int, warm_seconds: float) -> dict[str, Any]:
    print("\nlatency (s) of the answers that had the expected status:")
    print(f"{'kind':<12} {'n':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}")
    latency = {}
    for kind, values in sorted(stats.latency.items()):
        row = {"n": len(values), "p50": pct(values, 0.5), "p95": pct(values, 0.95), "p99": pct(values, 0.99),
               "max": max(values)}
        latency[kind] = {k: round(v, 3) for k, v in row.items()}
        print(f"{kind:<12} {row['n']:>6} {row['p50']:>7.2f} {row['p95']:>7.2f} {row['p99']:>7.2f} {row['max']:>7.2f}")
    print("\nresponses by status:")
    statuses = {kind: dict(sorted(c.items())) for kind, c in sorted(stats.status.items())}
    for kind, counts in statuses.items():
        print(f"  {kind:<12} {counts}")
    print(f"unexpected: {dict(stats.unexpected) or 'none'}; shed (503 overloaded): {stats.shed}; "
          f"not sent (every client busy): {dropped}; jobs unfinished at the end: {unfinished}")
    rss: dict[str, Any] = {}
    after = [s for t, s in samples if t > warm_seconds]
    warm = [s for t, s in samples if t <= warm_seconds]
    for pid in sorted({p for _, s in samples for p in s}):
        series = [s[pid] for s in after if pid in s]
        base = next((s[pid] for s in reversed(warm) if pid in s), series[0] if series else float("nan"))
        if not series:
            continue
        top = max(series)
        minutes = [t / 60 for t, s in samples if t > warm_seconds and pid in s]
        slope = _slope(minutes, series) * 60
        tens = [statistics.mean(v) for v in (series[i:i + 10] for i in range(0, len(series), 10))]
        first, last = statistics.mean(series[:WINDOW]), statistics.mean(series[-WINDOW:])
        rss[str(pid)] = {"after_warmup_mb": round(base, 1), "max_mb": round(top, 1), "end_mb": round(series[-1], 1),
                         "min_mb": round(min(series), 1), "slope_mb_per_hour": round(slope, 1),
                         "mean_per_10_minutes_mb": [round(m, 1) for m in tens],
                         "first_last_mean_mb": [round(first, 1), round(last, 1)],
                         "flat": last <= first * (1 + FLAT_TOLERANCE), "under_1gb": top <= RSS_LIMIT_MB}
        print(f"worker {pid}: RSS {base:.0f} MB after the warm-up, then {min(series):.0f}-{top:.0f} MB, "
              f"{series[-1]:.0f} MB at the end; mean of the first {WINDOW} minutes after the warm-up "
              f"{first:.0f} MB, of the last {WINDOW} {last:.0f} MB: "
              f"{'flat' if rss[str(pid)]['flat'] else 'GREW'} (at most +{FLAT_TOLERANCE:.0%}); "
              f"{'<=' if top <= RSS_LIMIT_MB else '>'} 1 GB; least-squares slope {slope:+.0f} MB/hour, "
              f"means per 10 minutes {' '.join(f'{m:.0f}' for m in tens)} MB")
    if restarts:
        print("worker restarts: " + "; ".join(restarts))
    return {"latency_s": latency, "status": statuses, "unexpected": dict(stats.unexpected), "shed": stats.shed,
            "not_sent": dropped, "jobs_unfinished": unfinished, "rss": rss, "restarts": restarts,
            "rss_per_minute": [{"minute": round(t / 60), **{str(p): round(v, 1) for p, v in s.items()}}
                               for t, s in samples]}


if __name__ == "__main__":
    main()
