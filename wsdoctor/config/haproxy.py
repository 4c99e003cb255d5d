"""HAProxy config checks for WebSocket and Socket.IO.

HAProxy's format is line-based: a section keyword at the start of a line (`defaults`,
`frontend`, `backend`, `listen`, ...) and indented directives under it, each proxy section
taking its defaults from the `defaults` section above it. There is no maintained Python parser
for it (crossplane is nginx-only), and the checks need no more than sections, directives and
line numbers, so a small reader is kept here.

In `mode http` HAProxy forwards the Upgrade handshake by itself; what breaks sockets is a
timeout that still applies after the upgrade (no `timeout tunnel`), rules that remove or force
the Upgrade/Connection headers, several servers without affinity, and TLS ended at a frontend
that does not say so to the backend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wsdoctor.config.model import Finding

SECTIONS = ("global", "defaults", "frontend", "backend", "listen", "resolvers", "peers", "userlist", "program",
            "http-errors", "ring", "cache", "mailers")
PROXIES = ("frontend", "backend", "listen")
_SECTION = re.compile(r"^(%s)\b(.*)$" % "|".join(SECTIONS))
UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400}
TUNNEL_OK = 3600  # seconds a quiet socket should survive


@dataclass
class Section:
    kind: str
    name: str
    line: int
    defaults: Section | None = None
    lines: list[tuple[int, list[str], str]] = field(default_factory=list)  # (line, words, raw text)

    def find(self, *prefix: str) -> list[tuple[int, list[str], str]]:
        return [d for d in self.lines if d[1][: len(prefix)] == list(prefix)]

    def timeout(self, which: str) -> tuple[float, int] | None:
        """Seconds and line of `timeout <which>`, from this section or its defaults."""
        for sec in (self, self.defaults):
            if sec is None:
                continue
            hits = sec.find("timeout", which)
            if hits and len(hits[-1][1]) > 2:
                secs = _seconds(hits[-1][1][2])
                if secs is not None:
                    return secs, hits[-1][0]
        return None


def _seconds(value: str) -> float | None:
    m = re.fullmatch(r"(\d+)(us|ms|s|m|h|d)?", value)
    if not m:
        return None
    return int(m.group(1)) * (UNITS[m.group(2)] if m.group(2) else 1e-3)  # HAProxy's default unit is ms


def looks_like_haproxy(text: str) -> bool:
    heads = re.findall(r"^(frontend|backend|listen|defaults)\b", text, flags=re.M)
    return bool(heads) and bool(re.search(r"^\s+(bind|server|default_backend|use_backend|mode|timeout)\s", text, re.M))


def find_haproxy_blocks(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each run of HAProxy sections in a file or a paste of logs."""
    if not looks_like_haproxy(text):
        return []
    lines = text.splitlines()
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        if not _SECTION.match(lines[i]):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or lines[j][:1] in " \t" or lines[j].lstrip().startswith("#")
                                  or _SECTION.match(lines[j])):
            j += 1
        block = "\n".join(lines[i:j])
        if looks_like_haproxy(block):
            out.append((i + 1, block))
        i = j
    return out


def _parse(text: str, offset: int) -> list[Section]:
    sections: list[Section] = []
    defaults: Section | None = None
    for n, raw in enumerate(text.splitlines(), offset + 1):
        code = raw.split("#", 1)[0].rstrip()
        if not code.strip():
            continue
        m = _SECTION.match(code)
        if m:
            sec = Section(m.group(1), m.group(2).strip(), n, defaults)
            if sec.kind == "defaults":
                defaults = sec
            sections.append(sec)
        elif sections:
            sections[-1].lines.append((n, code.split(), raw.strip()))
    return sections


def analyze_haproxy(text: str, name: str = "haproxy.cfg", *, line_offset: int = 0) -> list[Finding]:
    sections = _parse(text, line_offset)
    proxies = [s for s in sections if s.kind in PROXIES]
    backends = {s.name.split()[0]: s for s in proxies if s.kind in ("backend", "listen") and s.name}
    out: list[Finding] = []

    def add(rule: str, playbook: str, line: int, raw: str, message: str, weight: float, fix: str) -> None:
        out.append(Finding(rule=rule, playbook=playbook, source=name, line=line, text=raw, message=message,
                           weight=weight, fix=fix, component="haproxy"))

    def mode(sec: Section) -> str:
        for s in (sec, sec.defaults):
            found = s.find("mode") if s else []
            if found:
                words = found[-1][1]
                return words[1] if len(words) > 1 else "tcp"
        return "tcp"

    # which frontends feed which backend (for the client-side timeout)
    fed_by: dict[str, list[Section]] = {}
    for fe in (s for s in proxies if s.kind == "frontend"):
        for _, words, _ in fe.find("default_backend") + fe.find("use_backend"):
            if len(words) > 1:
                fed_by.setdefault(words[1], []).append(fe)

    for be in (s for s in proxies if s.kind in ("backend", "listen")):
        header = f"{be.kind} {be.name}".strip()
        # 1. no tunnel timeout: client/server timeouts keep applying to upgraded sockets
        if be.timeout("tunnel") is None:
            feeders = fed_by.get(be.name.split()[0], []) if be.name else []
            sides = [t for t in [be.timeout("server"), be.timeout("client"), *(fe.timeout("client") for fe in feeders)] if t]
            if sides:
                secs, line = min(sides)
                if secs < TUNNEL_OK:
                    add("haproxy-no-timeout-tunnel", "proxy-idle-timeout", line, _raw(sections, line),
                        f"{header} has no 'timeout tunnel', so 'timeout client/server' ({secs:g} s) also cuts upgraded "
                        "sockets that are quiet that long (logged as cD-- / sD--).", 0.85 if secs < 60 else 0.5,
                        "timeout tunnel 1h\ntimeout client-fin 30s")
        # 2. several servers, no affinity, while Socket.IO long-polling needs the same server per session
        servers = be.find("server")
        balance = (be.find("balance") or (be.defaults.find("balance") if be.defaults else []))
        algo = balance[-1][1][1] if balance and len(balance[-1][1]) > 1 else "roundrobin"
        sticky = be.find("cookie") or be.find("stick") or be.find("stick-table") or algo in ("source", "hdr", "url_param", "uri")
        if len(servers) >= 2 and not sticky and mode(be) == "http":
            add("haproxy-no-affinity", "missing-sticky-sessions", be.line, _raw(sections, be.line),
                f"{header} balances {len(servers)} servers with '{algo}' and no cookie or stick table: the long-polling "
                "requests of one Socket.IO session reach different servers.", 0.7,
                "cookie io prefix indirect nocache\nserver app1 10.0.0.1:3000 check cookie app1\nserver app2 10.0.0.2:3000 check cookie app2")
    for sec in proxies:
        header = f"{sec.kind} {sec.name}".strip()
        # 3. rules that take the upgrade apart
        for line, words, raw in sec.lines:
            low = [w.lower() for w in words]
            if low[:2] == ["http-request", "del-header"] and len(low) > 2 and low[2] in ("upgrade", "connection"):
                add("haproxy-removes-upgrade", "proxy-missing-upgrade-headers", line, raw,
                    f"{header} deletes the {words[2]} header, so the backend never sees the WebSocket handshake.", 0.85,
                    f"# remove: {raw}")
            elif low[:2] == ["http-request", "set-header"] and len(low) > 3 and low[2] == "connection":
                value = low[3].strip("'\"")
                conditional = " if " in f" {' '.join(low)} " or " unless " in f" {' '.join(low)} "
                if value == "close":
                    add("haproxy-connection-close", "proxy-missing-upgrade-headers", line, raw,
                        f"{header} replaces the Connection header with 'close', which drops the upgrade.", 0.8,
                        'http-request set-header Connection "Upgrade" if { hdr(Upgrade) -i websocket }')
                elif value == "upgrade" and not conditional:
                    add("haproxy-forces-connection-upgrade", "proxy-forces-connection-upgrade", line, raw,
                        f"{header} sets 'Connection: upgrade' on every request, plain HTTP and long-polling included.", 0.75,
                        'http-request set-header Connection "Upgrade" if { hdr(Upgrade) -i websocket }')
            elif low[:1] == ["option"] and len(low) > 1 and low[1] == "httpclose" and sec.kind != "defaults":
                add("haproxy-httpclose", "proxy-missing-upgrade-headers", line, raw,
                    f"{header} uses 'option httpclose', which closes connections after each request on old HAProxy "
                    "versions and can break the upgrade.", 0.35, "option http-server-close  # or remove the line")
        # 4. TLS ends here without telling the backend
        if sec.kind in ("frontend", "listen") and any("ssl" in words for _, words, _ in sec.find("bind")):
            told = any("x-forwarded-proto" in raw.lower() for _, _, raw in sec.lines)
            if not told and mode(sec) == "http":
                add("haproxy-no-forwarded-proto", "tls-termination-scheme-mismatch", sec.line, _raw(sections, sec.line),
                    f"{header} ends TLS but does not set X-Forwarded-Proto: an app that builds URLs or enforces HTTPS "
                    "thinks the socket came over plain http.", 0.45,
                    "http-request set-header X-Forwarded-Proto https if { ssl_fc }")
    return sorted(out, key=lambda f: (f.line, f.rule))


def _raw(sections: list[Section], line: int) -> str:
    for s in sections:
        if s.line == line:
            return f"{s.kind} {s.name}".strip()
        for n, _, raw in s.lines:
            if n == line:
                return raw
    return ""
