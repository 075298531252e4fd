"""Each pathological kind of text at 200,000 characters completes or stops cleanly within a stated
bound: the real pipeline with a deadline of DEADLINE seconds must return a result or raise
Cancelled no later than GRACE seconds after it (the kinds are benchmarks/bench_pathological.py's)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from models.base import Cancelled, CancelToken, DocumentInput

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.bench_pathological import KINDS, build  # noqa: E402

pytestmark = pytest.mark.slow

SIZE = 200_000
DEADLINE = 10.0  # seconds the pipeline may run
GRACE = 3.0  # how long after the deadline it may take to stop


@pytest.mark.parametrize("kind", KINDS)
def test_pathological_text_completes_or_stops_within_the_bound(real_predictor, kind):
    text = build(kind, SIZE)
    assert len(text) == SIZE
    started = time.perf_counter()
    try:
        (result,) = real_predictor.predict([DocumentInput(text=text)], cancel=CancelToken(DEADLINE))
    except Cancelled:
        outcome = "stopped"
    else:
        outcome = "completed"
        for claim in result.claims:
            assert text[claim.start:claim.end] == claim.text
    elapsed = time.perf_counter() - started
    print(f"{kind}: {outcome} in {elapsed:.1f} s")
    assert elapsed <= DEADLINE + GRACE, (kind, outcome, elapsed)
