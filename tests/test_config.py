"""nginx config checks: each rule fires on the broken setting and stays quiet on the fixed one."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from conftest import run_cli

from wsdoctor.config import ConfigError, analyze_text, find_nginx_blocks
from wsdoctor.engine.diagnose import diagnose
from wsdoctor.library import load_library
from wsdoctor.sources.intake import build_intake

GOOD_LOCATION = """
        location /socket.io/ {
            proxy_pass http://127.0.0.1:8000;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 3600s;
        }"""


def conf(body: str, listen: str = "listen 80;", upstream: str = "") -> str:
    return f"""http {{
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
{upstream}
    server {{
        {listen}
{body}
    }}
}}
"""


def rules(text: str) -> dict[str, int]:
    return {f.rule: f.line for f in analyze_text(text, "t.conf", strict=True) if f.weight >= 0.4}


def test_a_correct_socket_location_has_no_warnings():
    assert rules(conf(GOOD_LOCATION)) == {}
    assert rules(conf(GOOD_LOCATION, listen="listen 443 ssl;")) == {}


def test_missing_upgrade_headers_points_at_the_location():
    text = conf("""        location /ws/ {
            proxy_pass http://127.0.0.1:8000;
        }""")
    found = rules(text)
    assert "nginx-missing-upgrade-headers" in found
    assert text.splitlines()[found["nginx-missing-upgrade-headers"] - 1].strip() == "location /ws/ {"


def test_own_proxy_set_header_shadows_the_inherited_upgrade_headers():
    # the classic trap: Upgrade is set on the server, the location adds Host and loses Upgrade
    text = conf("""        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        location /socket.io/ {
            proxy_pass http://127.0.0.1:8000;
            proxy_set_header Host $host;
        }""")
    (f,) = [f for f in analyze_text(text, "t.conf") if f.rule == "nginx-missing-upgrade-headers"]
    assert "replace every proxy_set_header inherited" in f.message
    # without its own proxy_set_header the location inherits them and is fine
    fixed = text.replace("            proxy_set_header Host $host;\n", "")
    assert "nginx-missing-upgrade-headers" not in rules(fixed)


def test_hard_coded_connection_upgrade_on_the_catch_all_location():
    text = conf("""        location / {
            proxy_pass http://127.0.0.1:8000;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
        }""")
    assert "nginx-hardcoded-connection-upgrade" in rules(text)
    assert "nginx-hardcoded-connection-upgrade" not in rules(text.replace('"upgrade"', "$connection_upgrade"))


@pytest.mark.parametrize("value, fires", [("20s", True), ("30", True), ("500ms", True), ("60s", False), ("1h", False)])
def test_short_read_timeout(value, fires):
    text = conf(GOOD_LOCATION.replace("3600s", value))
    assert ("nginx-short-read-timeout" in rules(text)) is fires


def test_default_read_timeout_is_only_a_note():
    text = conf(GOOD_LOCATION.replace("            proxy_read_timeout 3600s;\n", ""))
    notes = [f for f in analyze_text(text, "t.conf") if f.rule == "nginx-default-read-timeout"]
    assert notes and notes[0].weight < 0.4 and notes[0].playbook == "proxy-idle-timeout"


def test_cache_on_the_socket_path():
    text = conf(GOOD_LOCATION.replace("proxy_read_timeout 3600s;", "proxy_read_timeout 3600s;\n            proxy_cache sio;"))
    assert "nginx-cache-on-socket-path" in rules(text)
    assert "nginx-cache-on-socket-path" not in rules(text.replace("proxy_cache sio;", "proxy_cache off;"))


def test_upstream_without_affinity():
    up = """    upstream app {
        server 10.0.0.1:8000;
        server 10.0.0.2:8000;
    }"""
    text = conf(GOOD_LOCATION.replace("http://127.0.0.1:8000", "http://app"), upstream=up)
    assert "nginx-upstream-without-affinity" in rules(text)
    assert "nginx-upstream-without-affinity" not in rules(text.replace("    upstream app {\n", "    upstream app {\n        ip_hash;\n"))
    one = up.replace("        server 10.0.0.2:8000;\n", "")
    assert "nginx-upstream-without-affinity" not in rules(conf(GOOD_LOCATION.replace("http://127.0.0.1:8000", "http://app"), upstream=one))


def test_socket_io_prefix_rewritten_by_proxy_pass_uri():
    text = conf(GOOD_LOCATION.replace("http://127.0.0.1:8000;", "http://127.0.0.1:8000/;"))
    assert "nginx-socket-path-rewritten" in rules(text)


def test_tls_without_forwarded_proto():
    text = conf(GOOD_LOCATION.replace("            proxy_set_header X-Forwarded-Proto $scheme;\n", ""), listen="listen 443 ssl;")
    assert "nginx-no-forwarded-proto" in rules(text)
    assert "nginx-no-forwarded-proto" not in rules(text.replace("listen 443 ssl;", "listen 80;"))


def test_buffered_stream_location():
    body = """        location /api/stream {
            proxy_pass http://127.0.0.1:8000;
        }"""
    assert "nginx-buffered-stream" in rules(conf(body))
    assert "nginx-buffered-stream" not in rules(conf(body.replace("8000;", "8000;\n            proxy_buffering off;")))


def test_config_pasted_among_log_lines_is_found_with_its_real_line_numbers():
    paste = """WebSocket connection to 'wss://chat.example.com/socket.io/?EIO=4&transport=websocket' failed
my nginx config:
location /socket.io/ {
    proxy_pass http://localhost:3000;
}
2024/05/01 10:00:00 [error] 31#31: *7 upstream prematurely closed connection
"""
    assert [start for start, _ in find_nginx_blocks(paste)] == [3]
    found = {f.rule: f.line for f in analyze_text(paste, "pasted")}
    assert found["nginx-missing-upgrade-headers"] == 3


def test_plain_logs_have_no_config_blocks():
    logs = "GET /socket.io/?EIO=4&transport=polling 200\nWebSocket connection failed: Error during WebSocket handshake\n"
    assert find_nginx_blocks(logs) == []


def test_a_config_that_does_not_parse_names_file_and_line():
    with pytest.raises(ConfigError, match=r"^bad\.conf:3: nginx config does not parse"):
        analyze_text("server {\n  location / {\n    proxy_pass http://a;\n", "bad.conf", strict=True)
    assert analyze_text("server {\n  location / {\n    proxy_pass http://a;\n", "pasted") == []


def test_diagnose_uses_a_config_as_evidence(tmp_path):
    cfg = tmp_path / "site.conf"
    cfg.write_text(conf(GOOD_LOCATION.replace("3600s", "15s")))
    lib = load_library()
    intake, _ = build_intake(lib, describe="the chat disconnects now and then", configs=[str(cfg)])
    report = diagnose(lib, intake)
    top = report.diagnoses[0]
    assert top.id == "proxy-idle-timeout"
    ev = [e for e in top.evidence if e.kind == "config"]
    assert ev and ev[0].where == f"{cfg}:{ev[0].line}" and "15s" in ev[0].text


def _cli(*args):
    proc = run_cli(*args)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_check_config_cli(tmp_path):
    bad = tmp_path / "bad.conf"
    bad.write_text(conf("""        location /ws {
            proxy_pass http://127.0.0.1:8000;
        }"""))
    code, out, _ = _cli("check-config", str(bad))
    assert code == 1
    assert f"{bad}:" in out and "nginx-missing-upgrade-headers" in out and "proxy_http_version 1.1;" in out
    assert "note(s) hidden" in out
    good = tmp_path / "good.conf"
    good.write_text(conf(GOOD_LOCATION))
    code, out, _ = _cli("check-config", str(good), "--format", "json")
    assert code == 0 and json.loads(out)["findings"] == []
    code, _, err = _cli("check-config", str(tmp_path / "missing.conf"))
    assert code == 2 and err.count("\n") == 1 and "no such file" in err
    notconf = tmp_path / "app.log"
    notconf.write_text("GET / 200\n")
    code, _, err = _cli("check-config", str(notconf))
    assert code == 2 and "no nginx server/location block" in err



def _nginx_tree(root, site_body: str, main_extra: str = "") -> object:
    """A Debian-style layout: nginx.conf (no proxy_pass of its own) including sites-enabled/*."""
    (root / "sites-enabled").mkdir()
    (root / "mime.types").write_text("types { text/html html; }\n")
    (root / "sites-enabled" / "chat").write_text(site_body)
    main = root / "nginx.conf"
    main.write_text("events { worker_connections 64; }\nhttp {\n    include mime.types;\n" + main_extra
                    + "    include sites-enabled/*;\n}\n")
    return main


def test_check_config_follows_nginx_includes_and_names_the_included_file(tmp_path):
    site = "server {\n    listen 80;\n\n    location /socket.io/ {\n        proxy_pass http://127.0.0.1:3000;\n    }\n}\n"
    main = _nginx_tree(tmp_path, site, main_extra="    proxy_read_timeout 20s;\n")
    code, out, err = _cli("check-config", str(main), "--format", "json")
    assert code == 1, err
    found = {(f["rule"], f["source"], f["line"]) for f in json.loads(out)["findings"]}
    # the location lives in the included site, at its own line 4
    assert ("nginx-missing-upgrade-headers", str(tmp_path / "sites-enabled" / "chat"), 4) in found
    # the timeout set in nginx.conf's http block is inherited by the included location, and reported where it is set
    assert ("nginx-short-read-timeout", str(main), 4) in found


def test_a_fixed_included_site_is_clean_when_read_through_nginx_conf(tmp_path):
    main = _nginx_tree(tmp_path, conf(GOOD_LOCATION))
    code, out, err = _cli("check-config", str(main), "--format", "json")
    assert code == 0 and json.loads(out)["findings"] == [], err


def test_a_missing_include_is_a_one_line_error_naming_file_and_line(tmp_path):
    main = _nginx_tree(tmp_path, conf(GOOD_LOCATION))
    main.write_text(main.read_text().replace("include mime.types;", "include missing.conf;"))
    code, out, err = _cli("check-config", str(main))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"{main}:3:" in err and "missing.conf" in err


def test_diagnose_config_reads_the_included_sites(tmp_path):
    site = "server {\n    listen 80;\n    location /ws {\n        proxy_pass http://127.0.0.1:3000;\n    }\n}\n"
    main = _nginx_tree(tmp_path, site)
    lib = load_library()
    intake, _ = build_intake(lib, describe="the socket never connects", configs=[str(main)])
    top = diagnose(lib, intake).diagnoses[0]
    assert top.id == "proxy-missing-upgrade-headers"
    assert any(e.kind == "config" and e.where == f"{tmp_path / 'sites-enabled' / 'chat'}:3" for e in top.evidence)


def test_nginx_dump_on_stdin_is_read_file_by_file_with_original_names_and_lines():
    # the shape of `nginx -T` output: every file after a "# configuration file PATH:" line
    dump = ("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
            "# configuration file /etc/nginx/nginx.conf:\n"
            "events { worker_connections 64; }\nhttp {\n    proxy_read_timeout 15s;\n"
            "    include /etc/nginx/sites-enabled/*;\n}\n\n"
            "# configuration file /etc/nginx/sites-enabled/chat:\n"
            "server {\n    listen 80;\n    location /ws {\n        proxy_pass http://127.0.0.1:3000;\n    }\n}\n")
    found = {(f.rule, f.source, f.line) for f in analyze_text(dump, "-", strict=True)}
    assert ("nginx-missing-upgrade-headers", "/etc/nginx/sites-enabled/chat", 3) in found
    assert ("nginx-short-read-timeout", "/etc/nginx/nginx.conf", 3) in found  # inherited from http {}


@pytest.mark.skipif(shutil.which("nginx") is None, reason="needs the nginx binary")
def test_real_nginx_dump_piped_to_check_config(tmp_path):
    site = "server {\n    listen 127.0.0.1:18080;\n    location /socket.io/ {\n        proxy_pass http://127.0.0.1:3000;\n    }\n}\n"
    main = _nginx_tree(tmp_path, site, main_extra="    proxy_read_timeout 20s;\n")
    dump = subprocess.run(["nginx", "-T", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
                          capture_output=True, text=True)
    assert dump.returncode == 0, dump.stderr
    proc = run_cli("check-config", "-", "--format", "json", stdin=dump.stdout)
    found = {(f["rule"], f["source"], f["line"]) for f in json.loads(proc.stdout)["findings"]}
    assert ("nginx-missing-upgrade-headers", str(tmp_path / "sites-enabled" / "chat"), 3) in found
    assert ("nginx-short-read-timeout", str(main), 4) in found

HAPROXY = """global
    log stdout format raw local0
defaults
    mode http
    timeout connect 5s
    timeout client 1m
    timeout server 1m
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/ssl/site.pem
    http-request set-header X-Forwarded-Proto https if { ssl_fc }
    default_backend app
backend app
    balance roundrobin
    cookie io prefix indirect nocache
    server a 10.0.0.1:3000 check cookie a
    server b 10.0.0.2:3000 check cookie b
"""


def hrules(text: str) -> dict[str, int]:
    return {f.rule: f.line for f in analyze_text(text, "haproxy.cfg", strict=True) if f.weight >= 0.4}


def test_a_correct_haproxy_config_has_no_warnings():
    assert hrules(HAPROXY) == {}


@pytest.mark.parametrize("change, rule, line", [
    (("    timeout tunnel 1h\n", ""), "haproxy-no-timeout-tunnel", 6),
    (("    cookie io prefix indirect nocache\n", ""), "haproxy-no-affinity", 13),
    (("    http-request set-header X-Forwarded-Proto https if { ssl_fc }\n", ""), "haproxy-no-forwarded-proto", 9),
    (("    default_backend app\n", "    http-request set-header Connection upgrade\n    default_backend app\n"),
     "haproxy-forces-connection-upgrade", 12),
    (("    default_backend app\n", "    http-request del-header Upgrade\n    default_backend app\n"),
     "haproxy-removes-upgrade", 12),
])
def test_each_haproxy_rule(change, rule, line):
    found = hrules(HAPROXY.replace(*change))
    assert found.get(rule) == line, found


def test_haproxy_timeouts_without_unit_are_milliseconds():
    text = HAPROXY.replace("    timeout client 1m\n    timeout server 1m\n    timeout tunnel 1h\n",
                           "    timeout client 20000\n    timeout server 20000\n")
    (f,) = [f for f in analyze_text(text, "h.cfg") if f.rule == "haproxy-no-timeout-tunnel"]
    assert "(20 s)" in f.message and f.weight > 0.8


def test_conditional_connection_upgrade_is_the_fix_not_a_finding():
    text = HAPROXY.replace("    default_backend app\n",
                           '    http-request set-header Connection "Upgrade" if { hdr(Upgrade) -i websocket }\n    default_backend app\n')
    assert hrules(text) == {}


APACHE = """<VirtualHost *:443>
    ServerName chat.example.com
    SSLEngine on
    RequestHeader set X-Forwarded-Proto "https"
    ProxyPreserveHost On
    ProxyPass /socket.io/ http://127.0.0.1:3000/socket.io/ upgrade=websocket
    ProxyPass / http://127.0.0.1:3000/
    ProxyPassReverse / http://127.0.0.1:3000/
</VirtualHost>
"""


def arules(text: str) -> dict[str, int]:
    return {f.rule: f.line for f in analyze_text(text, "site.conf", strict=True) if f.weight >= 0.4}


def test_a_correct_apache_vhost_has_no_warnings():
    assert arules(APACHE) == {}
    legacy = APACHE.replace(" upgrade=websocket", "").replace("http://127.0.0.1:3000/socket.io/", "ws://127.0.0.1:3000/socket.io/")
    assert arules(legacy) == {}  # mod_proxy_wstunnel style


def test_apache_rules():
    assert arules(APACHE.replace(" upgrade=websocket", "")) == {"apache-no-upgrade": 6}
    swapped = APACHE.replace("    ProxyPass /socket.io/ http://127.0.0.1:3000/socket.io/ upgrade=websocket\n", "") \
        .replace("    ProxyPassReverse", "    ProxyPass /socket.io/ http://127.0.0.1:3000/socket.io/ upgrade=websocket\n    ProxyPassReverse")
    assert arules(swapped) == {"apache-catch-all-first": 7}
    assert arules(APACHE.replace("    ProxyPreserveHost On\n", "    ProxyTimeout 20\n")) == {"apache-short-timeout": 5}
    assert arules(APACHE.replace('    RequestHeader set X-Forwarded-Proto "https"\n', "    Header set X-Frame-Options DENY\n")) \
        == {"apache-no-forwarded-proto": 6}
    rewrite = APACHE.replace(" upgrade=websocket", "").replace(
        "    ProxyPreserveHost On\n", "    RewriteEngine on\n    RewriteCond %{HTTP:Upgrade} websocket [NC]\n"
        '    RewriteRule ^/?(.*) "ws://127.0.0.1:3000/$1" [P,L]\n')
    assert arules(rewrite) == {}


@pytest.mark.parametrize("paste, cause, line, proxy", [
    ("127.0.0.1:5000 [22/May/2026:10:00:00.000] fe app/a 0/0/1/2/60001 101 cD-- 1/1/0/0/0\n"
     + HAPROXY.replace("    timeout tunnel 1h\n", ""), "proxy-idle-timeout", 7, "haproxy"),
    ("WebSocket connection to 'wss://chat.example.com/socket.io/?EIO=4&transport=websocket' failed: "
     "Error during WebSocket handshake: Unexpected response code: 400\nmy vhost:\n" + APACHE.replace(" upgrade=websocket", ""),
     "proxy-missing-upgrade-headers", 8, "apache"),
])
def test_a_config_pasted_among_logs_is_evidence_and_names_the_proxy_for_the_plan(paste, cause, line, proxy):
    lib = load_library()
    intake, _ = build_intake(lib, pasted=paste)
    report = diagnose(lib, intake)
    assert report.diagnoses[0].id == cause
    assert any(e.kind == "config" and e.line == line for e in report.diagnoses[0].evidence)
    assert report.plan.topology.get("proxy") == proxy
    assert report.plan.steps[0].component == proxy


INGRESS = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: chat
spec:
  replicas: 3
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: chat
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: "3600"
    nginx.ingress.kubernetes.io/proxy-send-timeout: "3600"
    nginx.ingress.kubernetes.io/affinity: "cookie"
spec:
  ingressClassName: nginx
  rules:
    - host: chat.example.com
      http:
        paths:
          - path: /socket.io
            pathType: Prefix
            backend:
              service: {name: chat, port: {number: 3000}}
"""


def irules(text: str) -> dict[str, int]:
    return {f.rule: f.line for f in analyze_text(text, "ingress.yaml", strict=True) if f.weight >= 0.4}


def test_ingress_nginx_rules():
    assert irules(INGRESS) == {}
    assert irules(INGRESS.replace('    nginx.ingress.kubernetes.io/affinity: "cookie"\n', "")) == {"ingress-no-affinity": 8}
    assert irules(INGRESS.replace('proxy-read-timeout: "3600"', 'proxy-read-timeout: "20"')) == {"ingress-short-read-timeout": 13}
    snippet = INGRESS.replace('    nginx.ingress.kubernetes.io/affinity: "cookie"\n',
                              '    nginx.ingress.kubernetes.io/affinity: "cookie"\n'
                              '    nginx.ingress.kubernetes.io/configuration-snippet: |\n'
                              '      proxy_set_header Connection "upgrade";\n')
    assert irules(snippet) == {"ingress-snippet-forces-upgrade": 16}
    # one replica: no affinity is only a note; another controller's Ingress is not ours to judge
    single = INGRESS.replace("replicas: 3", "replicas: 1").replace('    nginx.ingress.kubernetes.io/affinity: "cookie"\n', "")
    assert irules(single) == {}
    assert analyze_text(INGRESS.replace("ingressClassName: nginx", "ingressClassName: traefik")
                        .replace("nginx.ingress.kubernetes.io/", "example.com/"), "i.yaml") == []


def test_broken_manifest_is_a_config_error():
    with pytest.raises(ConfigError, match=r"^bad\.yaml:\d+: Kubernetes manifest does not parse"):
        analyze_text("kind: Ingress\nmetadata: {name: [x\n", "bad.yaml", strict=True)


CADDY = """chat.example.com {
    handle /api/copilotkit* {
        reverse_proxy app:4000 {
            flush_interval -1
            stream_close_delay 5m
        }
    }
    reverse_proxy /socket.io/* app:3000 {
        stream_close_delay 5m
    }
}
"""


def crules(text: str) -> dict[str, int]:
    return {f.rule: f.line for f in analyze_text(text, "Caddyfile", strict=True)}


def test_caddyfile_rules():
    assert crules(CADDY) == {}
    assert crules(CADDY.replace("            flush_interval -1\n", "")) == {"caddy-stream-buffered": 3}
    assert crules(CADDY.replace("        stream_close_delay 5m\n    }\n}", "        stream_close_delay 5m\n        stream_timeout 45s\n    }\n}")) \
        == {"caddy-stream-timeout": 10}
    no_delay = analyze_text(CADDY.replace("            stream_close_delay 5m\n", "").replace("        stream_close_delay 5m\n", ""), "C")
    assert [(f.rule, f.weight < 0.4) for f in no_delay] == [("caddy-no-stream-close-delay", True)]  # one note, not one per proxy
    assert "(and 1 more reverse_proxy)" in no_delay[0].message


def test_diagnose_config_flag_through_the_cli(tmp_path):
    good = tmp_path / "site.conf"
    good.write_text(conf(GOOD_LOCATION.replace("3600s", "10s")))
    proc = run_cli("diagnose", "--config", str(good), "--describe", "sockets drop", "--format", "json")
    assert proc.returncode == 0, proc.stderr.decode()
    doc = json.loads(proc.stdout)
    assert doc["input"]["configs"] == [str(good)]
    top = doc["diagnoses"][0]
    assert top["id"] == "proxy-idle-timeout"
    assert any(e["kind"] == "config" and e["signature"] == "nginx-short-read-timeout" and e["source"] == str(good)
               for e in top["evidence"])
    assert doc["plan"]["topology"]["proxy"] == "nginx"
    broken = tmp_path / "broken.conf"
    broken.write_text("server {\n  location / {\n")
    proc = run_cli("diagnose", "--config", str(broken))
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1 and f"{broken}:" in err and "does not parse" in err


def test_check_config_redacts_credentials_unless_asked(tmp_path):
    cfg = tmp_path / "sec.conf"
    cfg.write_text("location /socket.io/ {\n    proxy_pass http://admin:hunter2secret@127.0.0.1:3000/;\n}\n")
    for fmt in ("text", "json"):
        out = run_cli("check-config", str(cfg), "--all", "--format", fmt).stdout.decode()
        assert "nginx-socket-path-rewritten" in out and "hunter2secret" not in out and "[REDACTED]" in out
    assert "hunter2secret" in run_cli("check-config", str(cfg), "--no-redact").stdout.decode()



@pytest.mark.parametrize("listen,tls", [
    ("443 ssl", True), ("[::]:443", True), ("10.0.0.1:443", True), ("8443 ssl http2", True),
    ("44312", False), ("127.0.0.1:14430", False), ("80", False),
])
def test_tls_is_read_from_the_listen_port_and_flags(listen, tls):
    conf = ("server {\n    listen %s;\n    location /socket.io/ {\n        proxy_pass http://app:3000;\n"
            "        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n"
            "        proxy_set_header Connection \"upgrade\";\n    }\n}\n" % listen)
    rules = {f.rule for f in analyze_text(conf, "t.conf")}
    assert ("nginx-no-forwarded-proto" in rules) is tls


def test_nginx_conf_given_as_a_log_file_is_read_with_its_includes(tmp_path):
    # the wizard's "open a path" and `wsdoctor diagnose FILE` hand files over as logs
    site = "server {\n    listen 80;\n    location /ws {\n        proxy_pass http://127.0.0.1:3000;\n    }\n}\n"
    main = _nginx_tree(tmp_path, site)
    lib = load_library()
    intake, _ = build_intake(lib, files=[str(main)], describe="the socket never connects")
    top = diagnose(lib, intake).diagnoses[0]
    assert top.id == "proxy-missing-upgrade-headers"
    assert any(e.kind == "config" and e.where == f"{tmp_path / 'sites-enabled' / 'chat'}:3" for e in top.evidence)
