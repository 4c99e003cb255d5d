"""Break real proxies the way deployments break them, and check that wsdoctor names the cause
from the logs those real processes wrote (and names nothing when the path is healthy)."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest
from websockets.sync.client import connect

from integration.harness import check_config, diagnose, free_port, need

pytestmark = pytest.mark.integration

NGINX_BASE = """
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/cb; proxy_temp_path {tmp}/pt; fastcgi_temp_path {tmp}/ft;
    uwsgi_temp_path {tmp}/ut; scgi_temp_path {tmp}/st;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
{extra}
        }}
    }}
}}
"""
UPGRADE = """            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;"""


def haproxy_cfg(port: int, upstream: int, *, timeouts: str) -> str:
    return f"""global
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    {timeouts}
frontend fe
    bind 127.0.0.1:{port}
    default_backend be
backend be
    server app 127.0.0.1:{upstream}
"""


def polling_sid(port: int) -> str:
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling", timeout=5).read()
    return json.loads(body.decode()[1:])["sid"]


def try_websocket(port: int, client_log: Path, sid: str | None = None, idle: float = 0.0) -> None:
    """Open the Engine.IO websocket transport like a browser would; write what the client saw."""
    url = f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket" + (f"&sid={sid}" if sid else "")
    with client_log.open("a") as log:
        try:
            with connect(url, open_timeout=5) as ws:
                if sid:
                    ws.send("2probe")
                    log.write(f"probe answer: {ws.recv(timeout=5)}\n")
                else:
                    log.write(f"open packet: {ws.recv(timeout=5)[:40]}\n")
                if idle:
                    time.sleep(idle)
                    ws.send("3")
                    ws.recv(timeout=5)
        except Exception as exc:  # noqa: BLE001 - the failure is the evidence
            log.write(f"WebSocket connection to '{url}' failed: {type(exc).__name__}: {exc}\n")


def start_nginx(tmp: Path, run_proxy, upstream: int, extra: str) -> int:
    binary = need("nginx")
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_BASE.format(tmp=tmp, port=port, upstream=upstream, extra=extra))
    run_proxy([binary, "-p", str(tmp), "-c", str(conf)], tmp / "nginx.out",
              f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling")
    return port


def test_nginx_without_upgrade_headers(tmp_path, sio_server, run_proxy):
    upstream, server_log = sio_server
    port = start_nginx(tmp_path, run_proxy, upstream, "")
    client = tmp_path / "client.log"
    try_websocket(port, client)
    time.sleep(0.5)
    report = diagnose(client, server_log, tmp_path / "nginx-access.log", topology=["proxy=nginx", "server=python-socketio"])
    assert report["diagnoses"][0]["id"] == "proxy-missing-upgrade-headers", [d["id"] for d in report["diagnoses"][:3]]
    assert any(e["kind"] == "log" for e in report["diagnoses"][0]["evidence"])
    assert "proxy_http_version 1.1" in report["plan"]["steps"][0]["snippet"]["code"]
    # the config nginx really ran with is flagged by the static check, for the same cause
    status, findings = check_config(tmp_path / "nginx.conf")
    assert status == 1
    assert {f["playbook"] for f in findings if f["level"] == "warning"} == {"proxy-missing-upgrade-headers"}, findings


def test_nginx_idle_timeout(tmp_path, sio_server, run_proxy):
    upstream, server_log = sio_server
    port = start_nginx(tmp_path, run_proxy, upstream, UPGRADE + "\n            proxy_read_timeout 2s;")
    client = tmp_path / "client.log"
    try_websocket(port, client, idle=3.5)
    time.sleep(0.5)
    report = diagnose(client, tmp_path / "nginx-error.log", tmp_path / "nginx-access.log", server_log,
                      topology=["proxy=nginx", "server=python-socketio"])
    assert report["diagnoses"][0]["id"] == "proxy-idle-timeout", [d["id"] for d in report["diagnoses"][:3]]
    assert any(e["kind"] == "log" for e in report["diagnoses"][0]["evidence"])
    assert "proxy_read_timeout" in json.dumps(report["plan"])
    status, findings = check_config(tmp_path / "nginx.conf")
    assert status == 1 and [f["rule"] for f in findings] == ["nginx-short-read-timeout"], findings


def test_varnish_caches_the_polling_handshake(tmp_path, sio_server, run_proxy):
    upstream, server_log = sio_server
    binary = need("varnishd")
    port = free_port()
    vcl = tmp_path / "default.vcl"
    vcl.write_text(f'vcl 4.1;\nbackend app {{ .host = "127.0.0.1"; .port = "{upstream}"; }}\n')
    run_proxy([binary, "-F", "-j", "none", "-a", f"127.0.0.1:{port}", "-f", str(vcl), "-n", str(tmp_path / "varnish"),
               "-s", "malloc,16m"], tmp_path / "varnish.out", f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling")
    first, second = polling_sid(port), polling_sid(port)
    assert first == second, "the real Varnish should have served the cached handshake"
    client = tmp_path / "client.log"
    # the first browser upgrades with the cached sid; a second browser got the same sid from the cache.
    # (the default VCL does not pipe upgrades, so the sockets go to the origin, as a CDN's WebSocket path does)
    with connect(f"ws://127.0.0.1:{upstream}/socket.io/?EIO=4&transport=websocket&sid={first}", open_timeout=5) as ws:
        ws.send("2probe")
        assert ws.recv(timeout=5) == "3probe"
        ws.send("5")
        time.sleep(0.3)
        try_websocket(upstream, client, sid=first)
    time.sleep(0.5)
    report = diagnose(client, server_log, topology=["cdn=varnish", "server=python-socketio"])
    top = report["diagnoses"][0]
    assert top["id"] == "cdn-caches-polling-handshake", [d["id"] for d in report["diagnoses"][:3]]
    assert any(e["kind"] == "log" for e in top["evidence"]), "named from the real server log, not from words"


def test_haproxy_idle_timeout_without_tunnel_timeout(tmp_path, sio_server, run_proxy):
    upstream, server_log = sio_server
    binary = need("haproxy")
    port = free_port()
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(haproxy_cfg(port, upstream, timeouts="timeout client 2s\n    timeout server 2s"))

    log = tmp_path / "haproxy.log"
    run_proxy([binary, "-db", "-f", str(cfg)], log, f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling")
    client = tmp_path / "client.log"
    try_websocket(port, client, idle=3.5)
    time.sleep(0.5)
    report = diagnose(client, log, server_log, topology=["proxy=haproxy", "server=python-socketio"])
    assert report["diagnoses"][0]["id"] == "proxy-idle-timeout", [d["id"] for d in report["diagnoses"][:3]]
    assert any(e["kind"] == "log" and "cD--" in e["text"] for e in report["diagnoses"][0]["evidence"])
    assert "timeout tunnel" in json.dumps(report["plan"])
    status, findings = check_config(cfg)  # the config the real HAProxy ran with
    assert status == 1 and [f["rule"] for f in findings] == ["haproxy-no-timeout-tunnel"], findings


@pytest.mark.parametrize("proxy", ["nginx", "caddy", "haproxy"])
def test_healthy_path_is_not_diagnosed(tmp_path, sio_server, run_proxy, proxy):
    upstream, server_log = sio_server
    if proxy == "nginx":
        port = start_nginx(tmp_path, run_proxy, upstream, UPGRADE + "\n            proxy_read_timeout 3600s;")
        logs = [tmp_path / "nginx-access.log", tmp_path / "nginx-error.log"]
    elif proxy == "caddy":
        binary = need("caddy")
        port = free_port()
        (tmp_path / "Caddyfile").write_text(f"{{\n  admin off\n}}\nhttp://127.0.0.1:{port} {{\n  log\n  reverse_proxy 127.0.0.1:{upstream}\n}}\n")
        log = tmp_path / "caddy.log"
        run_proxy([binary, "run", "--config", str(tmp_path / "Caddyfile"), "--adapter", "caddyfile"], log,
                  f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling")
        logs = [log]
    else:
        binary = need("haproxy")
        port = free_port()
        (tmp_path / "haproxy.cfg").write_text(haproxy_cfg(
            port, upstream, timeouts="timeout client 30s\n    timeout server 30s\n    timeout tunnel 1h"))

        log = tmp_path / "haproxy.log"
        run_proxy([binary, "-db", "-f", str(tmp_path / "haproxy.cfg")], log, f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling")
        logs = [log]
    client = tmp_path / "client.log"
    sid = polling_sid(port)
    try_websocket(port, client, sid=sid)
    assert "probe answer: 3probe" in client.read_text()
    time.sleep(0.5)
    report = diagnose(client, server_log, *logs, topology=[f"proxy={proxy}"])
    hits = [e for d in report["diagnoses"] for e in d["evidence"] if e["kind"] == "log"]
    assert hits == [], hits
    # the config that just carried a healthy socket has no warnings (Caddy: a note on reloads)
    config = {"nginx": "nginx.conf", "haproxy": "haproxy.cfg", "caddy": "Caddyfile"}[proxy]
    status, findings = check_config(tmp_path / config)
    assert status == 0 and [f["rule"] for f in findings] == (["caddy-no-stream-close-delay"] if proxy == "caddy" else [])
