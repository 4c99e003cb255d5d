"""Real proxies (nginx, HAProxy, Caddy, Varnish) on 127.0.0.1 in front of a real Socket.IO server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 15.0) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


class Proc:
    def __init__(self, argv, log: Path, cwd: Path | None = None):
        self.log = log
        self.fh = log.open("w")
        self.p = subprocess.Popen(argv, stdout=self.fh, stderr=subprocess.STDOUT, cwd=cwd)

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
        self.fh.close()


def need(binary: str) -> str:
    path = shutil.which(binary) or (f"/usr/sbin/{binary}" if Path(f"/usr/sbin/{binary}").exists() else None)
    if not path:
        pytest.skip(f"{binary} is not installed (.ci/run installs it with apt-get)")
    return path


@pytest.fixture
def sio_server(tmp_path):
    port = free_port()
    log = tmp_path / "server.log"
    proc = Proc([sys.executable, "-m", "uvicorn", "sio_app:app", "--host", "127.0.0.1", "--port", str(port),
                 "--log-level", "info"], log, cwd=HERE)
    try:
        wait_http(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling")
        yield port, log
    finally:
        proc.stop()


@pytest.fixture
def run_proxy(tmp_path):
    procs: list[Proc] = []

    def start(argv, log: Path, url: str):
        proc = Proc(argv, log)
        procs.append(proc)
        wait_http(url)
        return proc

    yield start
    for p in procs:
        p.stop()


def diagnose(*files: Path, topology: list[str], describe: str = "") -> dict:
    import json

    args = [sys.executable, "-m", "wsdoctor", "diagnose", *map(str, files), "--format", "json"]
    for t in topology:
        args += ["--topology", t]
    if describe:
        args += ["--describe", describe]
    proc = subprocess.run(args, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def check_config(path: Path) -> tuple[int, list[dict]]:
    """`wsdoctor check-config --all --format json` on a config a real proxy just ran with."""
    import json

    proc = subprocess.run([sys.executable, "-m", "wsdoctor", "check-config", str(path), "--all", "--format", "json"],
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=60)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)["findings"]
