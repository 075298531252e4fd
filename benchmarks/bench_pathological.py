"""Cost of the whole pipeline on pathological texts, by kind and length (in process, CPU, warm).

    python benchmarks/bench_pathological.py [--sizes 1000,10000,100000,200000] [--kinds ...]
                                            [--limit 120] [--models full|fast] [--threads 2]

Kinds (each text cut to the size in characters):

    no_punct    "He said that the cat and the cat and ..." with no sentence end at all
    quotes      quote marks everywhere: '"yes" "no" ...' (10,000 quote marks at ~35k characters)
    said        short attributed sentences: "Smith said no. Jones said yes. ..."
    names       the same with distinct people: "Anna Abbott said no. Boris Abbott said no. ..."
                (5,400 first name and surname pairs: about 5,000 distinct speakers at 110,000 characters)
    newlines    one newline every 11 characters (20,000 newlines at ~220k characters)
    paragraph   the seed article's sentences as one huge paragraph (no line breaks)

Each kind runs in its own process, sizes in increasing order; a size that takes longer than
``--limit`` seconds is reported as ">N" with the larger sizes after it, and the process is
killed. Prints a table (seconds per size) with the CPU's name, and, with --steps, the seconds of
the spaCy parse and of each pipeline step for each run.
"""

from __future__ import annotations

import argparse
import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "ukraine-negotiations.txt"
KINDS = ("no_punct", "quotes", "said", "names", "newlines", "paragraph")
NAMES = ("Smith", "Jones", "Lee", "Brown", "Garcia", "Miller", "Davis", "Wilson")
FIRST = ("Anna Boris Carla David Elena Frank Grace Henry Irene James Karen Louis Maria Nathan Olga Peter "
         "Quinn Rosa Samuel Tanya Ursula Victor Wendy Xavier Yvonne Zachary Alice Brian Chloe Daniel Emma "
         "Felix Gloria Hugo Ingrid Jonas Klara Leon Mona Nils Oscar Paula Ralph Sofia Thomas Uma Vera "
         "Walter Yusuf Zoe").split()
LAST = ("Abbott Baker Carter Dawson Ellis Fischer Garner Hughes Ingram Jensen Keller Lambert Morgan Nolan "
        "Owens Parker Quincy Reed Sutton Turner Underwood Vaughn Walsh Young Zimmerman Adler Bishop Coleman "
        "Dixon Emerson Foster Gibson Harper Irving Jordan Kramer Lawson Mercer Norris Olsen Porter Ramsey "
        "Sawyer Thornton Upton Vance Webster Yates Ziegler Ashford Barton Chandler Dalton Everett Fleming "
        "Griffin Hayes Ivers Jarvis Kendall Lowell Malone Newman Osborne Pearson Reeves Shelton Tucker "
        "Vernon Whitaker Arnold Bradley Crawford Donovan Eaton Fletcher Graham Holland Jennings Knight "
        "Lindsey Mathews Nash Oliver Palmer Rhodes Stanton Townsend Wallace Wheeler Ayers Blake Conway "
        "Doyle Elliott Frost Gordon Hale Kirby Lyons Marsh Pratt Rowe Sharp Tate Wade Bauer Cross").split()


def build(kind: str, size: int) -> str:
    """A text of ``kind`` and ``size`` characters."""
    if kind == "no_punct":
        text = "He said that the cat" + " and the cat" * (size // 12 + 1)
    elif kind == "quotes":
        text = '"yes" "no" ' * (size // 11 + 1)
    elif kind == "said":
        text = "".join(f"{NAMES[i % len(NAMES)]} said no. " for i in range(size // 14 + 1))
    elif kind == "names":
        people = [f"{first} {last}" for last in LAST for first in FIRST]
        text = "".join(f"{people[i % len(people)]} said no. " for i in range(size // 20 + 1))
    elif kind == "newlines":
        text = "He said it\n" * (size // 11 + 1)
    elif kind == "paragraph":
        seed = " ".join(SEED.read_text(encoding="utf-8").split())
        text = (seed + " ") * (size // (len(seed) + 1) + 1)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return text[:size]


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def worker(kind: str, sizes: list[int], models: str, threads: int) -> None:
    """Run one kind at each size and print one JSON line per size (in the child process)."""
    sys.path.insert(0, str(ROOT))
    import torch

    torch.set_num_threads(threads)
    from models import DocumentInput, load_predictor
    from models.nlp import load_spacy
    from models.steps import DocState

    pipeline = load_predictor(models=models)
    nlp = load_spacy()
    pipeline.predict([DocumentInput(SEED.read_text(encoding="utf-8"))])  # warm-up
    for size in sizes:
        item = DocumentInput(build(kind, size))
        t0 = time.perf_counter()
        doc = next(iter(nlp.pipe([item.text])))
        steps = {"parse": time.perf_counter() - t0}
        states = [DocState.start(item, doc)]
        for step in pipeline.steps():
            t = time.perf_counter()
            step(states)
            steps[step.name] = time.perf_counter() - t
        total = time.perf_counter() - t0
        print(json.dumps({"size": size, "seconds": round(total, 2), "claims": len(states[0].claims),
                          "steps": {k: round(v, 2) for k, v in steps.items()}}), flush=True)


def run_kind(kind: str, sizes: list[int], limit: float, models: str, threads: int) -> list[dict]:
    """The kind's rows, from a child process killed when one size passes ``limit`` seconds."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--worker", kind, "--sizes", ",".join(map(str, sizes)),
         "--models", models, "--threads", str(threads)],
        stdout=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout or []], daemon=True).start()
    rows: list[dict] = []
    deadline = time.monotonic() + limit + 240  # loading the models and the warm-up come first
    while len(rows) < len(sizes):
        try:
            rows.append(json.loads(lines.get(timeout=max(0.1, deadline - time.monotonic()))))
            deadline = time.monotonic() + limit
        except queue.Empty:
            if proc.poll() is not None and lines.empty() or time.monotonic() >= deadline:
                break
    proc.kill()
    proc.wait()
    for size in sizes[len(rows):]:
        rows.append({"size": size, "seconds": f">{limit:g}", "steps": {}})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000,200000")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--limit", type=float, default=120)
    parser.add_argument("--models", choices=["fast", "full"], default="full")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", action="store_true", help="print each run's seconds per step")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.worker:
        worker(args.worker, sizes, args.models, args.threads)
        return
    print(f"CPU: {cpu_name()}; models {args.models}, {args.threads} threads; seconds per text")
    print(f"{'kind':<10} " + " ".join(f"{s:>9,}" for s in sizes))
    for kind in args.kinds.split(","):
        rows = run_kind(kind, sizes, args.limit, args.models, args.threads)
        print(f"{kind:<10} " + " ".join(f"{r['seconds']:>9}" for r in rows), flush=True)
        if args.steps:
            for r in rows:
                print(f"    {r['size']:>9,}: {r['steps']}", flush=True)


if __name__ == "__main__":
    main()
