"""ClaimScope's command line.

    claimscope extract FILE|-            print the JSON result for one text
    claimscope batch IN.jsonl OUT.jsonl  extract many documents, with a progress bar
    claimscope serve                     serve the API with gunicorn
    claimscope worker                    run an RQ worker for the Redis job backend
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

GUNICORN_CONF = Path(__file__).resolve().parent.parent / "docker" / "gunicorn.conf.py"


def _extract(args: argparse.Namespace) -> int:
    from models import DocumentInput, load_predictor
    from schemas import ExtractIn, ExtractOut

    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    errors = ExtractIn().validate({"text": text, "targets": args.target or []})
    if errors:
        print(json.dumps({"error": {"code": "validation_error", "message": "Invalid input",
                                    "details": errors}}), file=sys.stderr)
        return 2
    predictor = load_predictor(extractor=args.extractor, models=args.models)
    doc = DocumentInput(text=text, id=args.id or (None if args.file == "-" else Path(args.file).name),
                        targets=tuple(args.target) if args.target else None)
    result = predictor.predict([doc])[0]
    json.dump(ExtractOut().dump(result), sys.stdout, ensure_ascii=False, indent=2 if args.pretty else None)
    sys.stdout.write("\n")
    return 0


def _batch(args: argparse.Namespace) -> int:
    """Extract every document of a JSONL file into a JSONL file, in order, with a progress bar."""
    from marshmallow import ValidationError
    from tqdm import tqdm

    from models import load_predictor
    from schemas import ExtractIn

    from .predict import FAILED, dump, minibatch, predict_each, to_input

    schema = ExtractIn()
    source = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")  # noqa: SIM115
    lines = [line for line in source.read().splitlines() if line.strip()]
    predictor = load_predictor(extractor=args.extractor, models=args.models)
    failed = 0
    with open(args.output, "w", encoding="utf-8") as out, tqdm(total=len(lines), unit="doc",
                                                                disable=args.quiet) as bar:
        for chunk in minibatch(list(enumerate(lines)), args.batch_size):
            entries: list[tuple[int, dict | None, dict | None]] = []
            for index, line in chunk:
                raw = None
                try:
                    raw = json.loads(line)
                    if not isinstance(raw, dict):
                        raise ValidationError({"_schema": ["Expected a JSON object."]})
                    entries.append((index, schema.load(raw), None))
                except (ValueError, RecursionError):  # not JSON, or nested too deeply to decode
                    entries.append((index, None, {"code": "bad_json", "message": f"Line {index + 1} is not valid JSON."}))
                except ValidationError as err:
                    doc_id = raw.get("id") if isinstance(raw, dict) else None
                    entries.append((index, {"id": doc_id}, {"code": "validation_error", "message": "Validation error",
                                                            "details": {"json": err.normalized_messages()}}))
            valid = [(i, req) for i, req, err in entries if err is None and req is not None]
            outcomes = dict(zip([i for i, _ in valid],
                                predict_each(predictor, [to_input(req) for _, req in valid]), strict=True))
            for index, req, err in entries:
                result = outcomes.get(index)
                if err is None and result is not None:
                    record = {"index": index, **dump(result)}
                else:
                    failed += 1
                    record = {"id": (req or {}).get("id"), "index": index, "error": err or FAILED}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                bar.update(1)
    print(f"{len(lines)} documents, {failed} failed -> {args.output}", file=sys.stderr)
    return 0 if failed == 0 else 1


def _worker(args: argparse.Namespace) -> int:
    """Run an RQ worker for the scale-out job backend."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    from .jobs.runner import RQ_QUEUE, preload

    os.environ["CLAIMSCOPE_REDIS_URL"] = args.redis_url
    # the models load before the first job is taken, so a dequeued job is leased within
    # milliseconds (a job taken by a worker that then dies is handed out again by the sweeper)
    preload()
    connection = Redis.from_url(args.redis_url)
    # SimpleWorker runs jobs in this process, so the models load once, not once per job
    worker = SimpleWorker([Queue(RQ_QUEUE, connection=connection)], connection=connection)
    worker.work(burst=args.burst, with_scheduler=False)
    return 0


def _serve(args: argparse.Namespace) -> int:
    os.environ["CLAIMSCOPE_BIND"] = args.bind
    os.environ["CLAIMSCOPE_WORKERS"] = str(args.workers)
    argv = ["gunicorn", "-c", str(GUNICORN_CONF), "service:create_app()"]
    os.execvp(sys.executable, [sys.executable, "-m", *argv])
    return 0  # pragma: no cover


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="claimscope", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ext = sub.add_parser("extract", help="extract attributed claims from a text file (or - for stdin)")
    ext.add_argument("file")
    ext.add_argument("--target", action="append", help="stance target (repeatable)")
    ext.add_argument("--id")
    ext.add_argument("--extractor", default=os.environ.get("CLAIMSCOPE_EXTRACTOR", "auto"),
                     choices=["auto", "hybrid", "transformer", "spacy"])
    ext.add_argument("--models", default=os.environ.get("CLAIMSCOPE_MODELS", "full"), choices=["full", "fast"],
                     help="full: the 6-layer models (default); fast: the distilled students")
    ext.add_argument("--pretty", action="store_true")
    ext.set_defaults(func=_extract)
    bat = sub.add_parser("batch", help="extract a JSONL file of extract requests into a JSONL file")
    bat.add_argument("input", help="JSONL input (one extract request per line) or -")
    bat.add_argument("output", help="JSONL output, one result per input line, in order")
    bat.add_argument("--batch-size", type=int, default=8)
    bat.add_argument("--extractor", default=os.environ.get("CLAIMSCOPE_EXTRACTOR", "auto"),
                     choices=["auto", "hybrid", "transformer", "spacy"])
    bat.add_argument("--models", default=os.environ.get("CLAIMSCOPE_MODELS", "full"), choices=["full", "fast"],
                     help="full: the 6-layer models (default); fast: the distilled students")
    bat.add_argument("--quiet", action="store_true", help="no progress bar")
    bat.set_defaults(func=_batch)
    wrk = sub.add_parser("worker", help="run an RQ worker (CLAIMSCOPE_JOB_BACKEND=rq)")
    wrk.add_argument("--redis-url", default=os.environ.get("CLAIMSCOPE_REDIS_URL", "redis://127.0.0.1:6379/0"))
    wrk.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    wrk.set_defaults(func=_worker)
    srv = sub.add_parser("serve", help="serve the API with gunicorn")
    srv.add_argument("--bind", default=os.environ.get("CLAIMSCOPE_BIND", "127.0.0.1:8000"))
    srv.add_argument("--workers", type=int, default=int(os.environ.get("CLAIMSCOPE_WORKERS", "1")))
    srv.set_defaults(func=_serve)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
