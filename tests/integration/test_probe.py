"""`wsdoctor probe` against a real Socket.IO server, directly and through real broken proxies."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from integration.harness import free_port, need
from integration.test_proxies import UPGRADE, start_nginx

pytestmark = pytest.mark.integration


def probe(url: str, *args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "wsdoctor", "probe", url, "--format", "json", *args],
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=90)
    assert proc.returncode == 0, proc.stderr
    assert "wsdoctor: probe:" in proc.stderr  # progress goes to stderr, the answer to stdout
    return json.loads(proc.stdout)


def probe_evidence(report: dict) -> dict[str, list[str]]:
    return {d["id"]: [e["signature"] for e in d["evidence"] if e["kind"] == "probe"]
            for d in report["diagnoses"] if any(e["kind"] == "probe" for e in d["evidence"])}


def test_healthy_server_passes_every_step(sio_server):
    port, _ = sio_server
    report = probe(f"http://127.0.0.1:{port}")
    steps = report["probe"]["steps"]
    assert [s["step"] for s in steps] == ["polling handshake 1", "polling handshake 2", "websocket handshake", "upgrade probe"]
    assert all(s["ok"] for s in steps), steps
    assert probe_evidence(report) == {}


def test_wrong_socket_path_is_a_route_mismatch(sio_server):
    port, _ = sio_server
    report = probe(f"http://127.0.0.1:{port}", "--path", "/chat/socket.io/")
    assert report["diagnoses"][0]["id"] == "path-or-route-mismatch"
    assert "probe-polling-404" in probe_evidence(report)["path-or-route-mismatch"]


def test_nothing_listening_points_at_the_endpoint():
    report = probe(f"http://127.0.0.1:{free_port()}")
    assert report["diagnoses"][0]["id"] == "client-endpoint-misconfigured"
    assert report["probe"]["steps"][0]["ok"] is False


def test_nginx_without_upgrade_headers(tmp_path, sio_server, run_proxy):
    upstream, _ = sio_server
    port = start_nginx(tmp_path, run_proxy, upstream, "")
    report = probe(f"http://127.0.0.1:{port}", "--topology", "proxy=nginx")
    steps = {s["step"]: s for s in report["probe"]["steps"]}
    assert steps["polling handshake 1"]["ok"] and steps["websocket handshake"]["ok"] is False
    assert report["diagnoses"][0]["id"] == "proxy-missing-upgrade-headers", [d["id"] for d in report["diagnoses"][:3]]
    assert "proxy_http_version 1.1" in report["plan"]["steps"][0]["snippet"]["code"]


def test_nginx_idle_timeout_found_by_holding_a_socket(tmp_path, sio_server, run_proxy):
    upstream, _ = sio_server
    port = start_nginx(tmp_path, run_proxy, upstream, UPGRADE + "\n            proxy_read_timeout 2s;")
    report = probe(f"http://127.0.0.1:{port}", "--idle", "6")
    hold = report["probe"]["steps"][-1]
    assert hold["step"] == "idle hold" and hold["ok"] is False and "after 2." in hold["detail"], hold
    assert report["diagnoses"][0]["id"] == "proxy-idle-timeout"


def test_varnish_cache_serves_one_sid_to_everyone(tmp_path, sio_server, run_proxy):
    upstream, _ = sio_server
    binary = need("varnishd")
    port = free_port()
    vcl = tmp_path / "default.vcl"
    vcl.write_text(f'vcl 4.1;\nbackend app {{ .host = "127.0.0.1"; .port = "{upstream}"; }}\n'
                   'sub vcl_hash { hash_data(regsub(req.url, "&t=[^&]*", "")); return (lookup); }\n')
    run_proxy([binary, "-F", "-j", "none", "-a", f"127.0.0.1:{port}", "-f", str(vcl), "-n", str(tmp_path / "varnish"),
               "-s", "malloc,16m"], tmp_path / "varnish.out", f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling")
    report = probe(f"http://127.0.0.1:{port}")
    assert report["diagnoses"][0]["id"] == "cdn-caches-polling-handshake"
    assert "probe-same-sid-twice" in probe_evidence(report)["cdn-caches-polling-handshake"]


@pytest.fixture
def ws_echo(tmp_path):
    import socket
    import time
    from pathlib import Path

    port = free_port()
    log = (tmp_path / "ws.log").open("w")
    proc = subprocess.Popen([sys.executable, str(Path(__file__).parent / "ws_echo.py"), str(port)], stdout=log, stderr=log)
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(5)
        log.close()


def test_plain_websocket_directly_and_through_nginx_with_a_short_read_timeout(tmp_path, ws_echo):
    report = probe(f"ws://127.0.0.1:{ws_echo}/", "--plain", "--idle", "1")
    assert [(s["step"], s["ok"]) for s in report["probe"]["steps"]] == [("websocket handshake", True), ("idle hold", True)]
    binary = need("nginx")
    port = free_port()
    conf = tmp_path / "nginx.conf"
    from integration.test_proxies import NGINX_BASE

    conf.write_text(NGINX_BASE.format(tmp=tmp_path, port=port, upstream=ws_echo,
                                      extra=UPGRADE + "\n            proxy_read_timeout 2s;"))
    proc = subprocess.Popen([binary, "-p", str(tmp_path), "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import time
        time.sleep(0.5)
        report = probe(f"ws://127.0.0.1:{port}/", "--plain", "--idle", "5")
    finally:
        proc.terminate()
        proc.wait(5)
    hold = report["probe"]["steps"][-1]
    assert hold["step"] == "idle hold" and hold["ok"] is False, hold
    assert report["diagnoses"][0]["id"] == "proxy-idle-timeout"
