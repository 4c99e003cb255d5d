"""The exported runbook: CommonMark, checklists, redaction in every format, safe writing, goldens."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from ruamel.yaml import YAML

from conftest import run_cli
from eval_cases import intake_for
from wsdoctor.engine.diagnose import diagnose
from wsdoctor.export.markdown import render_runbook

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
SEEDS = sorted(p for p in (HERE / "cases").glob("seed-*.yaml"))
SECRET_LOG = """\
WebSocket connection to 'wss://chat.example.com/ws/socket.io/?EIO=4&transport=websocket&sid=Xq3mR0JbHkz1AAAB&token=tok_SECRET1' failed: Error during WebSocket handshake: Unexpected response code: 400
OSError: Socket has been upgraded already
X-Cache: Hit from cloudfront
"""
DESCRIBE = ("after a refresh the socket fails; the request sent Cookie: session=SECRET3 and "
            "Authorization: Bearer SECRET2abcdefgh, assets load from https://cdn.example.com/x?X-Amz-Signature=SECRET4&X-Amz-Date=1 "
            "and https://cdn.example.com/y?Signature=SECRET5&Key-Pair-Id=K; the app sends "
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTRUNSRVQ2In0.c2lnbmF0dXJlU0VDUkVUNg and /cable?access_token=SECRET7; "
            "the key AKIASECRET8EXAMPLE12 and redis://admin:SECRET9@redis:6379/0 are in the config")
SECRETS = ["tok_SECRET1", "SECRET2abcdefgh", "SECRET3", "SECRET4", "SECRET5", "eyJzdWIiOiJTRUNSRVQ2In0", "SECRET7",
           "AKIASECRET8EXAMPLE12", "SECRET9"]


def _case(path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_runbook_golden(lib, path):
    case = _case(path)
    lang = "zh" if path.stem.endswith("-zh") else "en"
    intake = intake_for(case, "full")
    md = render_runbook(lib, intake, diagnose(lib, intake), lang=lang, today=dt.date(2026, 1, 1))
    golden = GOLDEN / f"{path.stem}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(md, encoding="utf-8")
    assert golden.exists(), f"no golden runbook yet: UPDATE_GOLDEN=1 pytest {__file__}, then read it"
    assert md == golden.read_text(encoding="utf-8"), f"runbook changed: read the diff, then UPDATE_GOLDEN=1 pytest {__file__}"


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_runbook_is_commonmark_with_checklist_and_fences(lib, path):
    case = _case(path)
    intake = intake_for(case, "full")
    md = render_runbook(lib, intake, diagnose(lib, intake))
    tokens = MarkdownIt("commonmark").parse(md)
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) >= 5
    fences = [t for t in tokens if t.type == "fence"]
    assert fences and all(t.info.strip() for t in fences), "every snippet is language-tagged"
    inline = "".join(t.content for t in tokens if t.type == "inline")
    assert "[ ]" in inline
    assert "|" in md and case["expected"] in md


def test_secrets_are_redacted_in_every_format(tmp_path):
    log = tmp_path / "incident.log"
    log.write_text(SECRET_LOG)
    for fmt in ("text", "json", "markdown"):
        out = run_cli("diagnose", str(log), "--format", fmt, "--topology", "cdn=cloudfront", "--describe", DESCRIBE).stdout.decode()
        assert "cdn-caches-polling-handshake" in out
        if fmt != "text":
            assert "[REDACTED]" in out
        for s in SECRETS:
            assert s not in out, (fmt, s)
    target = tmp_path / "rb.md"
    assert run_cli("runbook", str(log), "--describe", DESCRIBE, "-o", str(target)).returncode == 0
    written = target.read_text()
    assert "[REDACTED]" in written and not any(s in written for s in SECRETS)


def test_no_redact_keeps_the_text(tmp_path):
    log = tmp_path / "incident.log"
    log.write_text(SECRET_LOG)
    out = run_cli("diagnose", str(log), "--format", "json", "--no-redact", "--describe", DESCRIBE).stdout.decode()
    assert "tok_SECRET1" in out and "SECRET3" in out


def test_runbook_never_overwrites_without_force(tmp_path):
    target = tmp_path / "incident.md"
    target.write_text("my notes")
    proc = run_cli("runbook", "--describe", "socket drops every 60 seconds behind nginx", "-o", str(target))
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == f"wsdoctor: error: {target}: already exists (use --force to overwrite)"
    assert target.read_text() == "my notes"
    proc = run_cli("runbook", "--describe", "socket drops every 60 seconds behind nginx", "-o", str(target), "--force")
    assert proc.returncode == 0
    assert target.read_text().startswith("# WebSocket incident runbook")
    assert [p.name for p in tmp_path.iterdir()] == ["incident.md"], "no temp file left behind"


def test_runbook_in_chinese_keeps_snippets():
    out = run_cli("diagnose", "--describe", "nginx 反向代理后 websocket 一直是轮询，升级失败 400", "--topology", "proxy=nginx",
                  "--format", "markdown", "--lang", "zh").stdout.decode()
    assert out.startswith("# WebSocket 故障处理手册")
    assert "proxy_set_header Upgrade $http_upgrade;" in out
