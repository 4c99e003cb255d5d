"""The probe's target parsing and its usage errors (the network side is in tests/integration/test_probe.py)."""

from __future__ import annotations

import pytest
from conftest import run_cli

from wsdoctor.errors import WsdoctorError
from wsdoctor.probe import parse_target


@pytest.mark.parametrize("url, path, plain, expect", [
    ("https://chat.example.com", None, None, ("https://chat.example.com", "wss://chat.example.com", "/socket.io/", True)),
    ("chat.example.com:8443", None, None, ("https://chat.example.com:8443", "wss://chat.example.com:8443", "/socket.io/", True)),
    ("http://h/ws/socket.io", None, None, ("http://h", "ws://h", "/ws/socket.io/", True)),
    ("https://h", "ws/socket.io", None, ("https://h", "wss://h", "/ws/socket.io/", True)),
    ("wss://h/cable?x=1", None, False, ("https://h", "wss://h", "/cable?x=1", False)),
    ("ws://user:pw@h:81/ws", None, False, ("http://h:81", "ws://h:81", "/ws", False)),
])
def test_parse_target(url, path, plain, expect):
    t = parse_target(url, path, plain)
    assert (t.http_base, t.ws_base, t.path, t.socketio) == expect


@pytest.mark.parametrize("url", ["ftp://h", "https://", "mailto:x@y"])
def test_bad_urls_are_usage_errors(url):
    with pytest.raises(WsdoctorError):
        parse_target(url)


@pytest.mark.parametrize("args, message", [
    (["probe", "ftp://h"], "expected an http(s):// or ws(s):// URL"),
    (["probe", "https://h", "-H", "no-colon"], "expected 'Name: value'"),
    (["probe", "https://h", "--idle", "-1"], "--idle must be"),
    (["probe"], "the following arguments are required: URL"),
])
def test_probe_usage_errors_are_one_line_exit_2(args, message):
    proc = run_cli(*args)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and message in err and err.count("\n") == 1, err
