"""Training stays out of the runtime: ``models/training/`` holds the loop, distillation and the data
readers; no runtime module imports it, its modules import each other without a cycle, it reads no
environment variable, and every script takes the one ``--data-root`` option."""

from __future__ import annotations

import ast
import graphlib
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRAINING = ROOT / "models" / "training"
# every script under models/training/, with the arguments that reach its data options
SCRIPTS = {
    "train_attribution": [],
    "eval_attribution": [],
    "train_checkworthiness": [],
    "eval_checkworthiness": [],
    "train_stance": [],
    "eval_stance": [],
    "news_stance": [],
    "stance_priors": [],
    "news_items": ["build"],
    "issue_items": ["build"],
    "eval_concepts": [],
    "speaker_items": ["build"],
    "eval_speakers": [],
    "speaker_sides": [],
}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)  # from models.training import x
    return out


def test_runtime_modules_do_not_import_training() -> None:
    files = [*ROOT.glob("models/*.py"), *ROOT.glob("service/**/*.py"), *ROOT.glob("schemas/**/*.py")]
    found = [f"{p.relative_to(ROOT)}: {m}" for p in files for m in _imports(p) if m.startswith("models.training")]
    assert not found, found


def test_training_modules_import_each_other_without_a_cycle() -> None:
    deps = {p.stem: _imports(p) for p in TRAINING.glob("*.py") if p.stem != "__init__"}
    graph = {m: {d for d in deps if d != m and f"models.training.{d}" in imports} for m, imports in deps.items()}
    assert "train_stance" not in graph["eval_stance"]
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        pytest.fail(f"import cycle: {err.args[1]}")
    assert order.index("data") < order.index("polnear") < order.index("train_attribution")


def test_models_read_no_environment_variable() -> None:
    """The service's Config (or a script's options) passes every setting in: nothing under
    models/, runtime or training, reads the environment."""
    env = {"environ", "environb", "getenv", "getenvb"}
    found = [
        f"{p.relative_to(TRAINING.parent)}:{node.lineno}"
        for p in TRAINING.parent.rglob("*.py")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if (isinstance(node, ast.Attribute) and node.attr in env) or (isinstance(node, ast.Name) and node.id in env)
        or (isinstance(node, ast.alias) and node.name in env)
    ]
    assert not found, found


def test_every_script_takes_the_data_root(capsys: pytest.CaptureFixture[str]) -> None:
    with_main = {p.stem for p in TRAINING.glob("*.py") if "\ndef main(" in p.read_text(encoding="utf-8")}
    assert with_main == set(SCRIPTS)
    for name, argv in SCRIPTS.items():
        module = importlib.import_module(f"models.training.{name}")
        with pytest.raises(SystemExit) as done:
            module.main([*argv, "--help"])
        assert done.value.code == 0
        assert "--data-root" in capsys.readouterr().out, name
