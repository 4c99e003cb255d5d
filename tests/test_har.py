"""HAR import: a DevTools Network export read as evidence, with its structure checked as a whole."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from wsdoctor.errors import WsdoctorError
from wsdoctor.sources.har import read_har

SID = "Xq3mR0JbHkz1AAAB"


def entry(url: str, status: int, *, at: str = "2026-01-01T10:00:00.000Z", body: str = "", headers=None,
          socket: bool = False, error: str | None = None) -> dict:
    resp = {"status": status, "statusText": "", "headers": headers or [], "content": {"text": body} if body else {}}
    if error:
        resp["_error"] = error
    e = {"startedDateTime": at, "request": {"method": "GET", "url": url, "headers": [{"name": "Cookie", "value": "session=s3cr3tcookie"}]},
         "response": resp}
    if socket:
        e["_resourceType"] = "websocket"
    return e


def har(*entries) -> str:
    return json.dumps({"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": list(entries)}})


POLL = "https://chat.example.com/ws/socket.io/?EIO=4&transport=polling&t=P{}"
WS = f"wss://chat.example.com/ws/socket.io/?EIO=4&transport=websocket&sid={SID}"
HANDSHAKE = '0{"sid":"' + SID + '","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000}'


def write(tmp_path, text: str, name: str = "capture.har"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args, stdin=None):
    proc = run_cli(*args, stdin=stdin)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_a_cached_handshake_capture_is_diagnosed_with_entry_numbers_and_the_cdn_named(tmp_path):
    cdn = [{"name": "X-Cache", "value": "Hit from cloudfront"}, {"name": "Age", "value": "12"}]
    path = write(tmp_path, har(
        entry(POLL.format(1), 200, body=HANDSHAKE, headers=[{"name": "X-Cache", "value": "Miss from cloudfront"}]),
        entry(WS, 101, socket=True, at="2026-01-01T10:00:00.300Z"),
        entry(POLL.format(2), 200, body=HANDSHAKE, headers=cdn, at="2026-01-01T10:00:09.000Z"),
        entry(WS, 400, body="Socket has been upgraded already", socket=True, at="2026-01-01T10:00:09.200Z"),
    ))
    code, out, err = cli("diagnose", str(path), "--format", "json")
    assert code == 0, err
    top = json.loads(out)["diagnoses"][0]
    assert top["id"] == "cdn-caches-polling-handshake"
    har_ev = {e["signature"]: e["line"] for e in top["evidence"] if e["kind"] == "har"}
    assert har_ev == {"har-same-sid-many-handshakes": 3, "har-handshake-from-cache": 3}
    assert any(e["kind"] == "log" and e["line"] == 4 for e in top["evidence"])
    assert "topology cdn=cloudfront taken from" in err
    assert json.loads(out)["plan"]["steps"][0]["component"] == "cloudfront"
    assert "s3cr3tcookie" not in out  # request headers are never quoted


def test_what_the_user_says_wins_over_header_hints(tmp_path):
    path = write(tmp_path, har(entry(POLL.format(1), 200, body=HANDSHAKE, headers=[{"name": "cf-ray", "value": "8a1b-LHR"}])))
    code, out, err = cli("diagnose", str(path), "--topology", "cdn=cloudfront", "--format", "json")
    assert code == 0 and "taken from" not in err
    assert json.loads(out)["input"]["topology"]["cdn"] == "cloudfront"


def test_sockets_opened_together_are_duplicates_but_reconnects_are_not():
    together = har(entry(WS, 101, socket=True, at="2026-01-01T10:00:00.000Z"),
                   entry(WS, 101, socket=True, at="2026-01-01T10:00:00.400Z"))
    _, findings, _ = read_har(together, "a.har")
    assert [(f.rule, f.playbook, f.line) for f in findings] == [("har-concurrent-sockets", "duplicate-client-connections", 1)]
    apart = har(*(entry(WS, 101, socket=True, at=f"2026-01-01T10:0{i}:00.000Z") for i in range(4)))
    assert read_har(apart, "b.har")[1] == []


def test_failed_requests_keep_the_browser_error_and_secrets_in_urls_are_redacted(tmp_path):
    path = write(tmp_path, har(entry("wss://chat.example.com/cable?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc", 0,
                                     socket=True, error="net::ERR_CERT_AUTHORITY_INVALID")))
    code, out, _ = cli("diagnose", str(path))
    assert code == 0
    assert "tls-certificate-invalid" in out.split("\n\n")[1]
    assert "eyJhbGciOiJIUzI1NiJ9" not in out


def test_a_har_on_standard_input(tmp_path):
    code, out, _ = cli("diagnose", "-", "--format", "json",
                       stdin=har(entry(POLL.format(1), 200, body=HANDSHAKE), entry(POLL.format(2), 200, body=HANDSHAKE)))
    assert code == 0 and json.loads(out)["diagnoses"][0]["id"] == "cdn-caches-polling-handshake"


@pytest.mark.parametrize("text, message", [
    ('{"log": {"entries": [\n  {"request": }', "capture.har:2:15: not a valid HAR file"),
    ('{"har": []}', "capture.har: not a HAR file: no log.entries list"),
])
def test_broken_har_is_one_line_exit_2(tmp_path, text, message):
    code, out, err = cli("diagnose", str(write(tmp_path, text)))
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err


def test_read_har_raises_usage_errors_not_tracebacks():
    with pytest.raises(WsdoctorError):
        read_har("[1, 2]", "x.har")


def test_an_oversized_har_is_refused_before_it_is_read(tmp_path, monkeypatch):
    import wsdoctor.sources.intake as intake_mod

    big = tmp_path / "big.har"
    big.write_text('{"log": {"entries": []}}' + " " * 2000)
    monkeypatch.setattr(intake_mod, "HAR_MAX_BYTES", 1000)
    with pytest.raises(WsdoctorError, match=r"big\.har: HAR capture of 0 MB is more than"):
        intake_mod.open_log_file(str(big))
