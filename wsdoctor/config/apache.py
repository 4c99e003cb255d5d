"""Apache httpd (mod_proxy) config checks for WebSocket and Socket.IO.

Apache's config is line-based directives inside `<VirtualHost>` / `<Location>` containers;
there is no maintained Python parser for it, and the checks need only the proxy directives
with their line numbers, so a small reader is kept here. What breaks sockets behind Apache:

- nothing carries the upgrade: no `ProxyPass ... upgrade=websocket` (2.4.47+), no ws:// or
  wss:// ProxyPass (mod_proxy_wstunnel), and no `RewriteCond %{HTTP:Upgrade}` + `[P]` rule;
- a catch-all `ProxyPass /` listed before the socket's ProxyPass: Apache uses the first
  ProxyPass that matches, so the socket rule never applies;
- `ProxyTimeout` / `timeout=` shorter than a minute;
- TLS ended here without `RequestHeader set X-Forwarded-Proto`.
"""

from __future__ import annotations

import re

from wsdoctor.config.model import SOCKET_PATH, Finding

_PROXY_PASS = re.compile(r"^\s*ProxyPass(?:Match)?\s+(\S+)\s+(\S+)(.*)$", re.I)
_NAMES = re.compile(r"^\s*(ProxyPass|ProxyPassMatch|ProxyPassReverse|RewriteRule|RewriteCond|ProxyTimeout|"
                    r"<VirtualHost|ProxyPreserveHost|RequestHeader|LoadModule|ServerName|SSLEngine)\b", re.I | re.M)


def looks_like_apache(text: str) -> bool:
    return bool(re.search(r"^\s*ProxyPass(Match)?\s", text, re.I | re.M)) and len(_NAMES.findall(text)) >= 2


def find_apache_blocks(text: str) -> list[tuple[int, str]]:
    """(first line, text) of the Apache config in a file or a paste of logs (from the first to the last
    Apache directive)."""
    if not looks_like_apache(text):
        return []
    lines = text.splitlines()
    hits = [i for i, ln in enumerate(lines) if _NAMES.match(ln) or re.match(r"^\s*</?(VirtualHost|Location|Proxy)\b", ln, re.I)]
    first, last = hits[0], hits[-1]
    return [(first + 1, "\n".join(lines[first:last + 1]))]


def analyze_apache(text: str, name: str = "apache.conf", *, line_offset: int = 0) -> list[Finding]:
    out: list[Finding] = []
    lines = text.splitlines()

    def add(rule: str, playbook: str, n: int, message: str, weight: float, fix: str) -> None:
        out.append(Finding(rule=rule, playbook=playbook, source=name, line=n + line_offset, text=lines[n - 1].strip(),
                           message=message, weight=weight, fix=fix, component="apache"))

    passes: list[tuple[int, str, str, str]] = []  # (line, path, target, options)
    rewrite_upgrade = False
    tls = False
    forwarded_proto = False
    timeout: tuple[int, float] | None = None
    for n, raw in enumerate(lines, 1):
        code = raw.split("#", 1)[0].strip() if not raw.strip().startswith("#") else ""
        if not code:
            continue
        m = _PROXY_PASS.match(code)
        if m and not code.lower().startswith("proxypassreverse"):
            passes.append((n, m.group(1), m.group(2), m.group(3)))
            t = re.search(r"\btimeout=(\d+)", m.group(3))
            if t and (timeout is None or int(t.group(1)) < timeout[1]):
                timeout = (n, float(t.group(1)))
        low = code.lower()
        if low.startswith("rewritecond") and "%{http:upgrade}" in low:
            rewrite_upgrade = True
        if low.startswith("proxytimeout"):
            parts = code.split()
            if len(parts) > 1 and parts[1].isdigit():
                timeout = (n, float(parts[1]))
        if low.startswith("sslengine on") or re.match(r"<virtualhost\s+[^>]*:443\b", low):
            tls = True
        if low.startswith("requestheader") and "x-forwarded-proto" in low:
            forwarded_proto = True
    proxied = [p for p in passes if p[2] != "!"]
    if not proxied:
        return out

    def carries_upgrade(p) -> bool:
        return p[2].lower().startswith(("ws://", "wss://")) or "upgrade=websocket" in p[3].lower() \
            or "upgrade=" in p[3].lower()

    sockets = [p for p in proxied if SOCKET_PATH.search(p[1]) or carries_upgrade(p)]
    # 1. a catch-all listed first hides the socket rule (Apache takes the first ProxyPass that matches)
    for i, (n, path, target, opts) in enumerate(proxied):
        if path == "/":
            later = [p for p in proxied[i + 1:] if p[1] != "/" and (SOCKET_PATH.search(p[1]) or carries_upgrade(p))]
            if later and not carries_upgrade((n, path, target, opts)):
                add("apache-catch-all-first", "proxy-missing-upgrade-headers", later[0][0],
                    f"ProxyPass {later[0][1]} comes after ProxyPass / (line {n + line_offset}); Apache uses the first "
                    "ProxyPass that matches, so the socket rule never applies.", 0.85,
                    f"# move this line above ProxyPass / :\n{lines[later[0][0] - 1].strip()}")
    # 2. nothing carries the upgrade
    if not rewrite_upgrade:
        targets = sockets or [p for p in proxied if p[1] == "/"] or proxied
        for n, path, target, opts in targets:
            if not carries_upgrade((n, path, target, opts)):
                add("apache-no-upgrade", "proxy-missing-upgrade-headers", n,
                    f"ProxyPass {path} sends sockets as plain HTTP: no upgrade=websocket (Apache 2.4.47+), no ws:// "
                    "target (mod_proxy_wstunnel) and no RewriteCond %{HTTP:Upgrade} rule.",
                    0.8 if sockets else 0.55,
                    f"ProxyPass {path} {target} upgrade=websocket   # Apache 2.4.47+\n"
                    "# older: a2enmod proxy_wstunnel rewrite, then\n"
                    "RewriteEngine on\nRewriteCond %{HTTP:Upgrade} websocket [NC]\n"
                    "RewriteCond %{HTTP:Connection} upgrade [NC]\n"
                    f"RewriteRule ^/?(.*) \"ws://{re.sub(r'^[a-z]+://', '', target).split('/')[0]}/$1\" [P,L]")
    # 3. a short timeout
    if timeout is not None and timeout[1] < 60:
        add("apache-short-timeout", "proxy-idle-timeout", timeout[0],
            f"a proxy timeout of {timeout[1]:g} s closes sockets that are quiet that long.", 0.8,
            "ProxyTimeout 3600")
    # 4. TLS ends here without saying so
    if tls and not forwarded_proto:
        add("apache-no-forwarded-proto", "tls-termination-scheme-mismatch", proxied[0][0],
            "TLS ends at this Apache but no RequestHeader sets X-Forwarded-Proto: an app that builds URLs or "
            "enforces HTTPS thinks the socket came over plain http.", 0.4,
            'RequestHeader set X-Forwarded-Proto "https"')
    return sorted(out, key=lambda f: (f.line, f.rule))
