from __future__ import annotations

from pathlib import Path

import pytest

from models import FakePredictor
from service import create_app
from service.config import TestConfig, config_values

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "ukraine-negotiations.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="also run tests that load the trained models or start gunicorn")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if "slow" in item.keywords and not item.config.getoption("--slow"):
        pytest.skip("needs --slow")


def make_config(tmp_path: Path, **overrides: object) -> dict[str, object]:
    config = config_values(TestConfig)
    config["JOB_DB"] = str(tmp_path / "jobs.sqlite3")
    config["RATE_LIMIT_DB"] = str(tmp_path / "ratelimit.sqlite3")
    config.update(overrides)
    return config


@pytest.fixture
def predictor() -> FakePredictor:
    return FakePredictor(fail_on="BOOM")


@pytest.fixture
def app(predictor: FakePredictor, tmp_path: Path):
    return create_app(make_config(tmp_path), predictor=predictor)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def real_predictor():
    """The full pipeline with every trained part in models/weights/ (auto extractor)."""
    from models import load_predictor

    return load_predictor()


@pytest.fixture(scope="session")
def rules_predictor():
    """The pipeline with the spaCy rule extractor, for the rule-based tests."""
    from models import load_predictor

    return load_predictor(extractor="spacy")
