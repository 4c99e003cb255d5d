"""Domain code never imports Textual: checked in a fresh interpreter, as harlequin does."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import wsdoctor


def test_no_module_outside_tui_imports_textual():
    mods = [m.name for m in pkgutil.walk_packages(wsdoctor.__path__, "wsdoctor.") if not m.name.startswith("wsdoctor.tui")]
    assert "wsdoctor.engine.diagnose" in mods and "wsdoctor.cli" in mods
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k == 'textual' or k.startswith('textual.') or k.startswith('wsdoctor.tui'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_a_diagnosis_runs_without_textual():
    code = (
        "import sys\n"
        "from wsdoctor.cli import main\n"
        "rc = main(['diagnose', '--describe', 'socket drops every 60 seconds behind nginx', '--format', 'json'])\n"
        "assert not any(k.startswith('textual') for k in sys.modules), 'textual imported'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
