"""Readers of the check-worthiness data: CLEF CheckThat! 2024 task 1 English and ClaimBuster.

Both are read from ``<data root>/claims`` (``--data-root``), never copied into the repository:
``ct24-t1-en/CT24_checkworthy_english_<split>.tsv`` and ``claimbuster/data/two_class/*.json``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from models.training.data import DEFAULT_DATA_ROOT

CLAIMBUSTER_FILES = ("kfold_25ncs.json", "train.json", "test.json")  # 2.5xNCS: sentence ids repeat


def ct24_dir(root: Path | str = DEFAULT_DATA_ROOT) -> Path:
    return Path(root) / "claims" / "ct24-t1-en"


def claimbuster_dir(root: Path | str = DEFAULT_DATA_ROOT) -> Path:
    return Path(root) / "claims" / "claimbuster" / "data" / "two_class"


def read_ct24(split: str, root: Path | str = DEFAULT_DATA_ROOT) -> list[tuple[str, str, int]]:
    """(sentence_id, text, label) rows of CT24 English task 1 ``train`` or ``dev``."""
    path = ct24_dir(root) / f"CT24_checkworthy_english_{split}.tsv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [
        (r["Sentence_id"].strip(), r["Text"].strip(), int(r["class_label"].strip() == "Yes")) for r in rows
    ]


def read_claimbuster(root: Path | str = DEFAULT_DATA_ROOT) -> list[dict]:
    """Every row of the ClaimBuster files (``sentence_id``, ``text``, ``label``), in file order."""
    rows: list[dict] = []
    for fname in CLAIMBUSTER_FILES:
        rows.extend(json.loads((claimbuster_dir(root) / fname).read_text(encoding="utf-8")))
    return rows


def norm(text: str) -> str:
    """Lower-cased text with runs of whitespace as one space: what de-duplication compares."""
    return " ".join(text.lower().split())
