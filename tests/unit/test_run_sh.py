"""./run.sh test on a machine without redis-server or chromium, where it may not install them:
it stops before anything runs (no virtual environment made) with the one command to run."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_run_sh_test_stops_with_the_apt_get_command_when_it_may_not_install(tmp_path):
    bin_dir = tmp_path / "bin"  # a PATH with neither redis-server nor chromium (nor apt-get)
    bin_dir.mkdir()
    for tool in ("dirname", "id"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    venv = tmp_path / "venv"
    env = {"PATH": str(bin_dir), "CLAIMSCOPE_VENV": str(venv), "HOME": str(tmp_path)}
    done = subprocess.run(["/bin/bash", str(ROOT / "run.sh"), "test"], env=env, capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "apt-get install -y redis-server chromium" in lines[0]
    assert not venv.exists()


def test_run_sh_test_may_be_told_not_to_install(tmp_path):
    if shutil.which("redis-server") and shutil.which("chromium"):
        bin_dir = tmp_path / "bin"  # hide them, keep everything else (apt-get included)
        bin_dir.mkdir()
        for d in os.environ.get("PATH", "").split(os.pathsep):
            for f in Path(d).glob("*") if Path(d).is_dir() else []:
                if f.name not in {"redis-server", "chromium"} and not (bin_dir / f.name).exists():
                    (bin_dir / f.name).symlink_to(f)
        path = str(bin_dir)
    else:
        path = os.environ["PATH"]
    venv = tmp_path / "venv"
    env = {"PATH": path, "CLAIMSCOPE_VENV": str(venv), "CLAIMSCOPE_APT": "0", "HOME": str(tmp_path)}
    done = subprocess.run(["/bin/bash", str(ROOT / "run.sh"), "test"], env=env, capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1, done.stderr
    assert "apt-get install -y" in done.stderr
    assert not venv.exists()
