"""Command line: `claimscope extract FILE|-` prints the JSON result; `claimscope serve` runs gunicorn."""

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
    predictor = load_predictor(extractor=args.extractor)
    doc = DocumentInput(text=text, id=args.id or (None if args.file == "-" else Path(args.file).name),
                        targets=tuple(args.target) if args.target else None)
    result = predictor.predict([doc])[0]
    json.dump(ExtractOut().dump(result), sys.stdout, ensure_ascii=False, indent=2 if args.pretty else None)
    sys.stdout.write("\n")
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
                     choices=["auto", "transformer", "spacy"])
    ext.add_argument("--pretty", action="store_true")
    ext.set_defaults(func=_extract)
    srv = sub.add_parser("serve", help="serve the API with gunicorn")
    srv.add_argument("--bind", default=os.environ.get("CLAIMSCOPE_BIND", "127.0.0.1:8000"))
    srv.add_argument("--workers", type=int, default=int(os.environ.get("CLAIMSCOPE_WORKERS", "1")))
    srv.set_defaults(func=_serve)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
