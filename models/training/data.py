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


REPOSITORY = Path(__file__).resolve().parents[2]


def recorded_settings(args: argparse.Namespace) -> dict:
    """A script's options as its metrics.json records them: paths inside the repository relative
    to it, paths under the data root as ``<data-root>/...``, other paths by their name only, so
    that no machine's folders end up in committed files."""

    def show(value: object) -> object:
        if not isinstance(value, Path):
            return value
        path = value.resolve()
        for base, label in ((REPOSITORY, ""), (Path(args.data_root).resolve(), "<data-root>")):
            if path == base or base in path.parents:
                rel = path.relative_to(base).as_posix()
                return f"{label}/{rel}".strip("/.") if label else rel
        return path.name

    return {k: show(v) for k, v in vars(args).items()}
