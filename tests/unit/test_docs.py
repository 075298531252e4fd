"""The README, model cards and benchmarks date their figures by commit and date, never by a work
counter ("session 9", "session-10 code", "stop 7"), and what the README points to exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK_COUNTER = re.compile(r"\b(?:sessions?|stops?|rounds?)[ _-]?\d+", re.IGNORECASE)


def test_figures_are_dated_by_commit_not_by_work_counter():
    files = [ROOT / "README.md", *sorted((ROOT / "models" / "cards").glob("*.md")),
             *sorted(p for p in (ROOT / "benchmarks").iterdir() if p.suffix in {".md", ".json", ".py"})]
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files
             for m in WORK_COUNTER.finditer(p.read_text(encoding="utf-8"))]
    assert not found, found


def test_readme_points_to_files_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in ("docs/page.png", "docs/screenshot.py", "benchmarks/HISTORY.md", "benchmarks/results.json"):
        assert path in readme or Path(path).name in readme, path
        assert (ROOT / path).is_file(), path
    assert (ROOT / "docs" / "page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
