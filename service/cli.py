"""ClaimScope's command line.

    claimscope extract FILE|-            print the JSON result for one text
    claimscope batch IN.jsonl OUT.jsonl  extract many documents, with a progress bar
        [--summary summary.json] [--csv claims.csv]   and summarise them as a job's summary does
    claimscope serve                     serve the API with gunicorn
    claimscope worker                    run an RQ worker for the Redis job backend
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from models.base import DEVICES, EXTRACTORS, MODEL_SETS, PRECISIONS, Settings

from .config import Config, config_values
from .predict import MAX_BATCH_SIZE

GUNICORN_CONF = Path(__file__).resolve().parent.parent / "docker" / "gunicorn.conf.py"


def _settings(args: argparse.Namespace) -> Settings:
    """The models' Settings from the model flags (whose defaults are Config's)."""
    return Settings(models=args.models, extractor=args.extractor, threads=args.threads,
                    precision=args.precision, device=args.device)


def _extract(args: argparse.Namespace) -> int:
    from models import DocumentInput, load_predictor
    from schemas import ExtractIn, ExtractOut

    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    errors = ExtractIn().validate({"text": text, "targets": args.target or []})
    if errors:
        print(json.dumps({"error": {"code": "validation_error", "message": "Invalid input",
                                    "details": errors}}), file=sys.stderr)
        return 2
    predictor = load_predictor(_settings(args))
    doc = DocumentInput(text=text, id=args.id or (None if args.file == "-" else Path(args.file).name),
                        targets=tuple(args.target) if args.target else None)
    result = predictor.predict([doc])[0]
    json.dump(ExtractOut().dump(result), sys.stdout, ensure_ascii=False, indent=2 if args.pretty else None)
    sys.stdout.write("\n")
    return 0


def _batch(args: argparse.Namespace) -> int:
    """Extract every document of a JSONL file into a JSONL file, in order, with a progress bar."""
    from tqdm import tqdm

    from models import load_predictor

    from .corpus import CorpusSummary
    from .jobs.store import document_fields
    from .predict import Item, read_line, run_batch

    source = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")  # noqa: SIM115
    lines = [line for line in source.read().splitlines() if line.strip()]
    predictor = load_predictor(_settings(args))
    items = [Item(index, *read_line(line, index + 1)) for index, line in enumerate(lines)]
    summary = CorpusSummary(top=args.top)
    failed = 0
    with open(args.output, "w", encoding="utf-8") as out, tqdm(total=len(lines), unit="doc",
                                                                disable=args.quiet) as bar:
        for outcome in run_batch(predictor, items, args.batch_size):
            failed += outcome.error is not None
            out.write(json.dumps(outcome.line(), ensure_ascii=False) + "\n")
            summary.add(outcome.index, document_fields(items[outcome.index].request), outcome.result)
            bar.update(1)
    print(f"{len(lines)} documents, {failed} failed -> {args.output}", file=sys.stderr)
    if args.summary:
        Path(args.summary).write_text(json.dumps(summary.to_dict(), ensure_ascii=False, indent=1) + "\n",
                                      encoding="utf-8")
        print(f"summary of {summary.documents} documents -> {args.summary}", file=sys.stderr)
    if args.csv:
        _claims_csv(args.output, args.csv, items)
    return 0 if failed == 0 else 1


def _claims_csv(results: str, path: str, items: list[Any]) -> None:
    """claims.csv from the results just written (read twice: for the targets, then the rows)."""
    from .corpus import Record, claim_csv
    from .jobs.store import document_fields

    def records() -> Iterator[Record]:
        with open(results, encoding="utf-8") as lines:
            for line in lines:
                body = json.loads(line)
                index = body["index"]
                yield (index, document_fields(items[index].request), None if "error" in body else body)

    with open(path, "w", encoding="utf-8", newline="") as out:
        out.writelines(claim_csv(records))
    print(f"claims -> {path}", file=sys.stderr)


def _worker(args: argparse.Namespace) -> int:
    """Run an RQ worker for the scale-out job backend."""
    import logging
    import time

    from rq import Queue, SimpleWorker

    from .jobs.runner import RQ_QUEUE, preload
    from .redisconn import UNREACHABLE, connect

    config: dict[str, Any] = {**config_values(), "REDIS_URL": args.redis_url, "MODELS": args.models,
                              "EXTRACTOR": args.extractor, "TORCH_THREADS": args.threads,
                              "PRECISION": args.precision, "DEVICE": args.device}
    # the models load before the first job is taken, so a dequeued job is leased within
    # milliseconds (a job taken by a worker that then dies is handed out again by the sweeper)
    preload(config)
    # RQ sets the read timeout itself (longer than its blocking dequeue); connecting is bounded here
    connection = connect(args.redis_url, float(config["REDIS_TIMEOUT"]), read_timeout=False)
    queue = Queue(RQ_QUEUE, connection=connection)
    log = logging.getLogger("claimscope.worker")
    wait = 1.0
    while True:
        started = time.monotonic()
        try:
            # SimpleWorker runs jobs in this process, so the models load once, not once per job
            worker = SimpleWorker([queue], connection=connection)
            worker.work(burst=args.burst, with_scheduler=False)
            if args.burst or worker._shutdown_requested_date is not None:
                return 0
            # RQ quits its loop on an error it does not handle (Redis going away in the middle of
            # a job among them): the documents of that job keep their leases, which run out, and
            # the API's sweeper sends them again; this process waits for Redis and works on
        except UNREACHABLE as exc:
            log.warning("Redis is unreachable (%s); the worker starts again in %.0f s", type(exc).__name__, wait)
        else:
            log.warning("the RQ worker stopped; it starts again in %.0f s", wait)
        wait = 1.0 if time.monotonic() - started > 60 else wait  # a new outage starts the backoff over
        time.sleep(wait)
        wait = min(wait * 2, 30.0)


def _serve(args: argparse.Namespace) -> int:
    os.environ["CLAIMSCOPE_BIND"] = args.bind
    os.environ["CLAIMSCOPE_WORKERS"] = str(args.workers)
    argv = ["gunicorn", "-c", str(GUNICORN_CONF), "service:create_app()"]
    os.execvp(sys.executable, [sys.executable, "-m", *argv])
    return 0  # pragma: no cover


def _model_flags() -> argparse.ArgumentParser:
    """--models, --extractor, --threads, --precision, --device: a models.Settings, by default
    the one the service's configuration (CLAIMSCOPE_*) gives."""
    flags = argparse.ArgumentParser(add_help=False)
    flags.add_argument("--models", default=Config.MODELS, choices=MODEL_SETS,
                       help="full: the 6-layer models (default); fast: the distilled students")
    flags.add_argument("--extractor", default=Config.EXTRACTOR, choices=EXTRACTORS)
    flags.add_argument("--threads", type=int, default=Config.TORCH_THREADS,
                       help="torch threads (0: torch's default)")
    flags.add_argument("--precision", default=Config.PRECISION, choices=PRECISIONS)
    flags.add_argument("--device", default=Config.DEVICE, choices=DEVICES)
    return flags


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="claimscope", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    model_flags = _model_flags()
    ext = sub.add_parser("extract", parents=[model_flags],
                         help="extract attributed claims from a text file (or - for stdin)")
    ext.add_argument("file")
    ext.add_argument("--target", action="append", help="stance target (repeatable)")
    ext.add_argument("--id")
    ext.add_argument("--pretty", action="store_true")
    ext.set_defaults(func=_extract)
    bat = sub.add_parser("batch", parents=[model_flags],
                         help="extract a JSONL file of extract requests into a JSONL file")
    bat.add_argument("input", help="JSONL input (one extract request per line) or -")
    bat.add_argument("output", help="JSONL output, one result per input line, in order")
    bat.add_argument("--batch-size", type=int, default=MAX_BATCH_SIZE)
    bat.add_argument("--quiet", action="store_true", help="no progress bar")
    bat.add_argument("--summary", metavar="SUMMARY.json",
                     help="also write the summary across the documents (as GET /v1/jobs/<id>/summary, every speaker)")
    bat.add_argument("--csv", metavar="CLAIMS.csv", help="also write one CSV row per claim (as /v1/jobs/<id>/claims.csv)")
    bat.add_argument("--top", type=int, default=20, help="most check-worthy claims in the summary (default 20)")
    bat.set_defaults(func=_batch)
    wrk = sub.add_parser("worker", parents=[model_flags],
                         help="run an RQ worker (CLAIMSCOPE_JOB_BACKEND=rq)")
    wrk.add_argument("--redis-url", default=Config.REDIS_URL)
    wrk.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    wrk.set_defaults(func=_worker)
    srv = sub.add_parser("serve", help="serve the API with gunicorn")
    srv.add_argument("--bind", default=Config.BIND)
    srv.add_argument("--workers", type=int, default=Config.WORKERS)
    srv.set_defaults(func=_serve)
    args = parser.parse_args(argv)
    if "models" in args:
        try:
            _settings(args)
        except ValueError as exc:  # --threads below 0, or a CLAIMSCOPE_* default none of the choices
            parser.error(str(exc))
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
