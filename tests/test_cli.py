"""The command line as users meet it: exit codes, streams, one-line errors, the JSON contract."""

from __future__ import annotations

import json
import os
import sys

import pytest

from conftest import ROOT, run_cli
from wsdoctor import __version__

SEED4 = 'FORCE_SSL=true\nStarted GET "/cable" for 10.0.0.5\nFailed to upgrade to WebSocket (REQUEST_METHOD: GET, HTTP_CONNECTION: close, HTTP_UPGRADE: )\n'


def test_version():
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.decode().strip() == f"wsdoctor {__version__}"


def test_help_has_examples():
    for args in (["--help"], ["diagnose", "--help"]):
        out = run_cli(*args).stdout.decode()
        assert "examples:" in out and "wsdoctor diagnose" in out


@pytest.mark.parametrize("args,needle", [
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["diagnose", "--format", "yaml"], "invalid choice: 'yaml'"),
    (["diagnose", "--topology", "proxx=nginx"], "unknown topology key 'proxx' (did you mean 'proxy'?)"),
    (["diagnose", "--topology", "nginx"], "expected KEY=VALUE"),
    (["diagnose", "--symptom", "no-such-symptom"], "unknown symptom 'no-such-symptom'"),
    (["diagnose", "no/such/file.log"], "no/such/file.log: no such file"),
    (["playbooks", "show", "proxy-idle-timout"], "did you mean 'proxy-idle-timeout'?"),
])
def test_bad_input_is_one_line_and_exit_2(args, needle):
    proc = run_cli(*args)
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert proc.stdout == b""


def test_binary_log_is_refused(tmp_path):
    f = tmp_path / "core.bin"
    f.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    proc = run_cli("diagnose", str(f))
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == f"wsdoctor: error: {f}: looks binary (NUL byte at offset 7); pass a text log file"


def test_binary_stdin_is_refused():
    proc = run_cli("diagnose", "-", stdin=b"abc\x00def")
    assert proc.returncode == 2
    assert "standard input looks binary" in proc.stderr.decode()


def test_unknown_topology_value_warns_and_runs():
    proc = run_cli("diagnose", "--topology", "proxy=lighttpd", "--describe", "socket drops every 60 seconds")
    assert proc.returncode == 0
    assert "topology proxy='lighttpd' is not a value wsdoctor knows" in proc.stderr.decode()


def test_diagnose_stdin_json_contract():
    proc = run_cli("diagnose", "-", "--describe", "messages only appear after refresh", "--topology", "proxy=pfSense HAProxy",
                   "--format", "json", stdin=SEED4)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["wsdoctor"] == __version__
    assert data["input"]["topology"] == {"proxy": "haproxy"}
    assert data["input"]["lines"] == 3
    d0 = data["diagnoses"][0]
    assert d0["id"] == "proxy-missing-upgrade-headers"
    assert 0 <= d0["confidence"] <= 1
    confs = [d["confidence"] for d in data["diagnoses"]]
    assert confs == sorted(confs, reverse=True)
    log_ev = [e for e in d0["evidence"] if e["kind"] == "log"]
    assert log_ev and log_ev[0]["line"] == 3 and log_ev[0]["signature"]
    for e in d0["evidence"]:
        assert set(e) >= {"kind", "line", "text", "signature", "similarity", "detail"}
        assert e["kind"] in {"log", "symptom", "description", "topology"}
    assert "next_question" in data
    step = data["plan"]["steps"][0]
    assert set(step) >= {"id", "cause", "title", "component", "action", "snippet", "verify"}
    assert step["component"] == "haproxy"


def test_nothing_found_gives_empty_list_and_advice():
    proc = run_cli("diagnose", "--describe", "the weather is nice today", "--format", "json")
    assert json.loads(proc.stdout)["diagnoses"] == []
    text = run_cli("diagnose", "--describe", "the weather is nice today")
    assert text.returncode == 0
    assert "What would help" in text.stdout.decode()


def test_text_output_has_no_colour_when_piped():
    proc = run_cli("diagnose", "-", stdin=SEED4)
    assert b"\x1b[" not in proc.stdout
    assert b"proxy-missing-upgrade-headers" in proc.stdout


def test_symptoms_list_and_playbooks_json():
    out = run_cli("playbooks", "symptoms").stdout.decode()
    assert "stuck-on-polling" in out
    data = json.loads(run_cli("playbooks", "list", "--format", "json").stdout)
    assert {"id", "title", "category"} <= set(data[0])


def test_show_in_chinese():
    out = run_cli("playbooks", "show", "proxy-missing-upgrade-headers", "--lang", "zh").stdout.decode()
    assert "反向代理" in out and "proxy_http_version 1.1" in out


def test_traditional_chinese_output_for_taiwan_and_hong_kong(tmp_path):
    pytest.importorskip("opencc")
    out = run_cli("playbooks", "show", "proxy-missing-upgrade-headers", "--lang", "zh-tw").stdout.decode()
    assert "轉發" in out and "转发" not in out and "proxy_http_version 1.1" in out
    # a zh_TW locale gives the same, and a traditional description is understood
    proc = run_cli("diagnose", "--describe", "連線每隔 60 秒就斷開，透過 nginx 反向代理", "--top", "1",
                   env={"LANG": "zh_TW.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})
    first = proc.stdout.decode().splitlines()[2:4]
    assert "proxy-idle-timeout" in first[0], first
    assert "關" in first[1] and "关" not in first[1], first
    plain = run_cli("playbooks", "show", "proxy-missing-upgrade-headers", "--lang", "zh").stdout.decode()
    assert "转发" in plain
    # what the user pasted is quoted as it was, in the text output and in the runbook
    log = tmp_path / "console.txt"
    log.write_text("从AI页面跳转到主站时，浏览器显示无法打开此网页\n错误代码:11\n", encoding="utf-8")
    for cmd in ("diagnose", "runbook"):
        out = run_cli(cmd, str(log), "--lang", "zh-tw", "--top", "1").stdout.decode()
        assert "错误代码:11" in out and "錯誤代碼:11" not in out, (cmd, out)
        assert "整頁跳轉" in out, (cmd, out)


def test_make_run_without_terminal_diagnoses_the_example():
    proc = run_cli("run-example-or-wizard", stdin=b"")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert "cdn-caches-polling-handshake" in out.splitlines()[2]
    assert "CachingDisabled" in out


def _run_on_a_terminal(args: list[str], answers: list[str], stdout_path, timeout: float = 60.0):
    """Run the CLI with a pseudo-terminal as its controlling terminal and its stdout in a file;
    answer its prompts. Returns the exit code and what the terminal showed."""
    import pty
    import select
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: its /dev/tty is the pty
        try:
            os.chdir(ROOT)
            out_fd = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out_fd, 1)
            os.execve(sys.executable, [sys.executable, "-m", "wsdoctor", *args], {**os.environ, "NO_COLOR": "1"})
        finally:
            os._exit(127)
    out = b""
    pending = list(answers)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if pending and out.rstrip().endswith((b":", "：".encode())):
            os.write(fd, (pending.pop(0) + "\n").encode())
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


def test_ask_puts_questions_and_uses_the_answers(tmp_path):
    stdout = tmp_path / "out.json"
    code, shown = _run_on_a_terminal(
        ["diagnose", "--ask", "--questions", "2", "--describe", "the socket keeps reconnecting behind our load balancer",
         "--format", "json"], ["?", "y"], stdout)
    assert code == 0, shown
    assert "[1/2]" in shown and "[y]es" in shown          # the questions went to the terminal ...
    report = json.loads(stdout.read_text())              # ... and stdout holds nothing but the JSON
    answered = report["input"]["symptoms"]
    assert len(answered) == 1 and list(answered.values()) == [True]   # "?" is not recorded, "y" is


def test_ask_without_a_terminal_is_a_one_line_error():
    import subprocess

    # a new session has no controlling terminal, as under cron or CI
    r = subprocess.run([sys.executable, "-m", "wsdoctor", "diagnose", "--ask", "--describe", "drops"], cwd=ROOT,
                       input=b"", capture_output=True, timeout=120, start_new_session=True, env={**os.environ, "NO_COLOR": "1"})
    assert r.returncode == 2
    assert r.stderr.decode().count("\n") == 1 and "--ask needs a terminal" in r.stderr.decode()
    assert r.stdout == b""
