"""Real servers on loopback for the integration tests: gunicorn, redis-server, RQ workers."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proc:
    """A child process in its own process group, stopped (or killed) with its children."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> None:
        self.log = log
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
        self.popen = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log and self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole group: a crash, not a shutdown."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(30)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def start_gunicorn(port: int, env: dict[str, str], log: Path, workers: int = 1) -> Proc:
    env = {"CLAIMSCOPE_BIND": f"127.0.0.1:{port}", "CLAIMSCOPE_WORKERS": str(workers), **env}
    return Proc([sys.executable, "-m", "gunicorn", "-c", "docker/gunicorn.conf.py", "service:create_app()"],
                env, log)


def wait_ready(proc: Proc, base: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise AssertionError("server exited:\n" + proc.output())
        try:
            if requests.get(f"{base}/v1/ready", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise AssertionError("server not ready:\n" + proc.output())


def start_redis(port: int, log: Path, data_dir: Path | None = None) -> Proc:
    """A redis-server on loopback; with ``data_dir``, persistent (append-only file, fsync at every
    write), so a server stopped and started again on the same folder keeps its data."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise AssertionError("redis-server is not installed (./run.sh test installs it with apt-get)")
    persistence = ["--appendonly", "no"]
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        persistence = ["--appendonly", "yes", "--appendfsync", "always", "--dir", str(data_dir)]
    proc = Proc([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", *persistence], log=log)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    raise AssertionError("redis-server did not start:\n" + proc.output())


@contextmanager
def served(tmp: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """A real gunicorn with the full models on a free loopback port, its job store in ``tmp``:
    yields its base URL once it is ready, and stops it afterwards."""
    port = free_port()
    server = start_gunicorn(port, {"CLAIMSCOPE_JOB_DB": str(tmp / "jobs.sqlite3"), **(env or {})}, tmp / "gunicorn.log")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(server, url)
        yield url
    finally:
        server.stop()
