"""One configuration: CLAIMSCOPE_* variables are read in service/config.py only, and the models get
theirs as one models.Settings built from it, by the app, the RQ worker and the command line alike."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import models
import service
from models import FakePredictor, Settings
from service import cli, create_app, errors
from service.config import Config, config_values, precision_from_env
from service.ml import model_settings
from tests.conftest import make_config

SERVICE = Path(service.__file__).resolve().parent


def test_claimscope_variables_are_read_in_config_only():
    # os.environ.get("CLAIMSCOPE_..."), os.getenv(...), os.environ["CLAIMSCOPE_..."] but not an assignment
    # (`claimscope serve` hands its flags to gunicorn's config through the environment)
    reads = re.compile(r"environ\.get\(\s*['\"]CLAIMSCOPE_|getenv\(|environ\[['\"]CLAIMSCOPE_\w+['\"]\](?!\s*=)")
    offenders = [str(path.relative_to(SERVICE)) for path in SERVICE.rglob("*.py")
                 if path.name != "config.py" and reads.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
    # the models apply Settings.threads (and precision, device) themselves
    torch = re.compile(r"import torch|from torch|torch\.set_num_threads")
    assert [p.name for p in SERVICE.rglob("*.py") if torch.search(p.read_text(encoding="utf-8"))] == []


def test_the_readme_names_every_variable():
    readme = (SERVICE.parent / "README.md").read_text(encoding="utf-8")
    names = set(re.findall(r"CLAIMSCOPE_[A-Z_]+", (SERVICE / "config.py").read_text(encoding="utf-8")))
    assert {"CLAIMSCOPE_MODELS", "CLAIMSCOPE_PRECISION", "CLAIMSCOPE_DEVICE"} <= names
    assert sorted(n for n in names if n not in readme) == []


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "fp32"),
    ({"CLAIMSCOPE_QUANTIZE": "1"}, "int8"),
    ({"CLAIMSCOPE_QUANTIZE": "0"}, "fp32"),
    ({"CLAIMSCOPE_PRECISION": "int8"}, "int8"),
    ({"CLAIMSCOPE_PRECISION": "FP32", "CLAIMSCOPE_QUANTIZE": "1"}, "fp32"),  # the new name wins
])
def test_precision_keeps_the_older_quantize_variable(monkeypatch, env, expected):
    for name in ("CLAIMSCOPE_PRECISION", "CLAIMSCOPE_QUANTIZE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert precision_from_env() == expected


def test_defaults_give_the_models_default_settings(monkeypatch):
    for name in ("MODELS", "EXTRACTOR", "TORCH_THREADS", "PRECISION", "DEVICE", "QUANTIZE"):
        monkeypatch.delenv(f"CLAIMSCOPE_{name}", raising=False)
    source = inspect.getsource(Config)
    assert '"CLAIMSCOPE_MODELS", "full"' in source and '"CLAIMSCOPE_DEVICE", "cpu"' in source
    assert model_settings({"MODELS": "full", "EXTRACTOR": "auto", "TORCH_THREADS": 0,
                           "PRECISION": precision_from_env(), "DEVICE": "cpu"}) == Settings()
    assert set(config_values()) >= {"MODELS", "EXTRACTOR", "TORCH_THREADS", "PRECISION", "DEVICE",
                                    "REDIS_URL", "JOB_LEASE_SECONDS", "BIND", "WORKERS"}


def test_the_app_loads_the_models_with_settings_from_its_config(monkeypatch, tmp_path):
    seen: list[Settings] = []

    def load(settings=None, **overrides):
        seen.append(settings)
        return FakePredictor()

    monkeypatch.setattr(models, "load_predictor", load)
    app = create_app(make_config(tmp_path, MODELS="fast", EXTRACTOR="spacy", TORCH_THREADS=2,
                                 PRECISION="int8", DEVICE="auto"))
    assert app.test_client().get("/v1/ready").status_code == 200
    assert seen == [Settings(models="fast", extractor="spacy", threads=2, precision="int8", device="auto")]


def test_a_setting_the_models_do_not_know_is_a_503_with_the_reason(tmp_path):
    response = create_app(make_config(tmp_path, PRECISION="fp8")).test_client().get("/v1/ready")
    assert response.status_code == 503 and "fp8" in response.get_json()["error"]["details"]["reason"]


def test_the_rq_worker_takes_its_settings_from_the_config(monkeypatch):
    from service.jobs import runner

    seen: list[Settings] = []
    monkeypatch.setattr(models, "load_predictor", lambda settings=None, **_: seen.append(settings) or FakePredictor())
    monkeypatch.setattr(runner, "_worker_state", {})
    runner.preload({**config_values(), "REDIS_URL": "redis://127.0.0.1:1/0", "JOB_LEASE_SECONDS": 7,
                    "MODELS": "fast", "EXTRACTOR": "spacy"})
    assert seen[0].models == "fast" and seen[0].extractor == "spacy"
    assert runner._worker_state["lease"] == 7.0
    assert runner._worker_state["store"].redis.connection_pool.connection_kwargs["port"] == 1


def test_cli_flags_build_the_settings(monkeypatch, tmp_path, capsys):
    seen: list[Settings] = []
    monkeypatch.setattr(models, "load_predictor", lambda settings=None, **_: seen.append(settings) or FakePredictor())
    text = tmp_path / "a.txt"
    text.write_text("Ann said that it works.", encoding="utf-8")
    assert cli.main(["extract", str(text)]) == 0
    assert seen[-1] == Settings(models=Config.MODELS, extractor=Config.EXTRACTOR, threads=Config.TORCH_THREADS,
                                precision=Config.PRECISION, device=Config.DEVICE)
    assert cli.main(["extract", str(text), "--models", "fast", "--extractor", "spacy", "--threads", "3",
                     "--precision", "int8", "--device", "cuda"]) == 0
    assert seen[-1] == Settings(models="fast", extractor="spacy", threads=3, precision="int8", device="cuda")
    assert '"text": "it works"' in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["extract", str(text), "--threads", "-1"])


def test_every_error_raised_to_a_client_is_in_the_errors_tree():
    """Error classes live in service/errors.py, and its docstring's tree lists each one."""
    import importlib
    import pkgutil

    defined = []
    for info in pkgutil.walk_packages(service.__path__, "service."):
        module = importlib.import_module(info.name)
        defined += [(info.name, name) for name, obj in vars(module).items()
                    if inspect.isclass(obj) and issubclass(obj, Exception) and obj.__module__ == info.name]
    assert defined and all(module == "service.errors" for module, _ in defined), defined
    for _, name in defined:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.APIError)
        assert re.search(rf"\b{name} \({cls.status_code}\)", errors.__doc__ or ""), name
