"""The API's JSON output for the seed and every PolNeAR dev article, to show that a change to the
pipeline's code leaves its results byte for byte as they were.

    python benchmarks/output_snapshot.py --write before.jsonl          # on the old code
    python benchmarks/output_snapshot.py --compare before.jsonl        # on the new code
    python benchmarks/output_snapshot.py --compare before.jsonl --batch 16

Three runs over the 85 documents: the full model set with default options; the full set with
the targets "Donald Trump" and "Hillary Clinton", unattributed claims and stance toward every
claim; the fast set with a confidence filter. Each document goes through the request path
(``service.predict.to_input`` -> predictor -> ``service.predict.dump``), one document per call,
or ``--batch N`` documents per call. ``--compare`` prints each document whose JSON differs (and
the first differing field) and exits 1 when any does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from models.training.polnear import split_dir  # noqa: E402

RUNS: dict[str, tuple[str, dict[str, Any]]] = {
    "full-default": ("full", {}),
    "full-people": ("full", {"targets": ["Donald Trump", "Hillary Clinton"],
                             "options": {"include_unattributed": True, "stance_scope": "all"}}),
    "fast-filtered": ("fast", {"options": {"min_confidence": 0.6}}),
}


def documents(polnear_dev: Path) -> list[tuple[str, str]]:
    docs = [("seed", (ROOT / "seeds" / "ukraine-negotiations.txt").read_text(encoding="utf-8"))]
    for path in sorted(polnear_dev.glob("*.txt")):
        docs.append((path.stem, path.read_text(encoding="utf-8")))
    return docs


def snapshot(docs: list[tuple[str, str]], batch: int) -> list[dict[str, Any]]:
    from models import load_predictor
    from service.predict import dump, to_input

    rows = []
    for run, (model_set, extra) in RUNS.items():
        predictor = load_predictor(models=model_set)
        started = time.perf_counter()
        for i in range(0, len(docs), batch):
            chunk = docs[i:i + batch]
            inputs = [to_input({"text": text, "id": name, **extra}) for name, text in chunk]
            for (name, _), result in zip(chunk, predictor.predict(inputs), strict=True):
                body = json.dumps(dump(result), ensure_ascii=False, sort_keys=True)
                rows.append({"run": run, "id": name, "sha256": hashlib.sha256(body.encode()).hexdigest(),
                             "json": body})
        print(f"{run}: {len(docs)} documents in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return rows


def first_difference(a: Any, b: Any, path: str = "") -> str:
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), f"{path}.{key}")
    elif isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {a!r} != {b!r}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    todo = parser.add_mutually_exclusive_group(required=True)
    todo.add_argument("--write", type=Path, help="write the snapshot (JSON lines) here")
    todo.add_argument("--compare", type=Path, help="compare with a snapshot written earlier")
    parser.add_argument("--batch", type=int, default=1, help="documents per predict call (default 1)")
    parser.add_argument("--polnear-dev", type=Path, default=split_dir("dev") / "text",
                        help="folder of PolNeAR dev article texts (default: ../shared beside the repository)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(2)
    rows = snapshot(documents(args.polnear_dev), max(1, args.batch))
    if args.write:
        args.write.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"wrote {len(rows)} outputs to {args.write}")
        return 0
    before = {(r["run"], r["id"]): r for r in map(json.loads, args.compare.read_text(encoding="utf-8").splitlines())}
    differ = 0
    for row in rows:
        old = before.get((row["run"], row["id"]))
        if old is None or old["sha256"] != row["sha256"]:
            differ += 1
            where = "missing before" if old is None else first_difference(json.loads(old["json"]), json.loads(row["json"]))
            print(f"DIFFERS {row['run']} {row['id']}: {where}")
    print(f"{len(rows) - differ} of {len(rows)} outputs byte-identical "
          f"({len(before)} in {args.compare.name}, batch {args.batch})")
    return 1 if differ or len(before) != len(rows) else 0


if __name__ == "__main__":
    sys.exit(main())
