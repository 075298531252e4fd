"""What the Docker image relies on, checked without a Docker engine (none runs here)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_dockerfile_is_multistage_non_root_with_healthcheck():
    text = (ROOT / "docker" / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM .+ AS \w+", text, flags=re.M)) == 2
    user = re.findall(r"^USER (\S+)", text, flags=re.M)
    assert user and not user[-1].startswith(("0", "root"))
    assert re.search(r"^HEALTHCHECK .*", text, flags=re.M) and "/v1/ready" in text
    assert "torch==2.13.0" in text and "HF_HUB_OFFLINE=1" in text
    assert "exec gunicorn" in text and "preload" not in text


@pytest.mark.slow
def test_wheel_carries_the_service_models_and_weights(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True)
    (wheel,) = tmp_path.glob("claimscope-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for module in ("service/__init__.py", "service/api/extract.py", "models/pipeline.py",
                   "schemas/extract.py", "models/lexicon.py"):
        assert module in names
    for weights in sorted((ROOT / "models" / "weights").glob("*/model.safetensors")):
        assert weights.relative_to(ROOT).as_posix() in names
    assert not any(n.startswith("tests/") for n in names)
