"""The one place the training and evaluation data are looked for.

The corpora stay outside the repository (they are never copied in): by default in the
``shared/data`` folder beside it, else wherever ``--data-root`` points. Every script under
``models/training/`` takes that one option; the readers take the root as an argument, so nothing
here reads an environment variable.
"""

from __future__ import annotations

import argparse
from pathlib import Path

# models/training/data.py -> parents: training, models, the repository, the folder that holds it
DEFAULT_DATA_ROOT = Path(__file__).resolve().parents[3] / "shared" / "data"


def add_data_root(parser: argparse.ArgumentParser) -> None:
    """The ``--data-root`` option every training and evaluation script shares."""
    parser.add_argument(
        "--data-root",
        type=Path,
        default=DEFAULT_DATA_ROOT,
        help="folder that holds the corpora: attribution/, claims/, stance/ (default: %(default)s)",
    )
