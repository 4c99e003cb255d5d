from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def lib():
    from wsdoctor.library import load_library

    return load_library()


def run_cli(*args: str, stdin: str | bytes | None = None, env: dict | None = None, cwd: Path | None = None):
    """Run the real console entry point in a fresh process, as a user would."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("WSDOCTOR_PLAYBOOKS", None) if not env or "WSDOCTOR_PLAYBOOKS" not in env else None
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([sys.executable, "-m", "wsdoctor", *args], input=data, capture_output=True,
                          cwd=cwd or ROOT, env=full_env, timeout=120)
