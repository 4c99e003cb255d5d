"""Caddyfile checks for WebSocket and streamed responses.

Caddy's `reverse_proxy` passes WebSocket upgrades by itself, so what breaks realtime traffic
behind it is in the proxy's own options:
- `stream_timeout`: upgraded connections are closed after that long, busy or not;
- no `stream_close_delay`: every config reload closes all WebSockets at once;
- a streaming route without `flush_interval -1`: responses that are not text/event-stream (or
  have a length) are buffered, and the backend request is cancelled as soon as the client goes.

A Caddyfile is nested blocks of directives; `caddy adapt` would need the caddy binary on the
user's machine, so a small brace reader with line numbers is used instead.
"""

from __future__ import annotations

import re
import shlex

from wsdoctor.config.model import Finding

STREAM_PATH = re.compile(r"stream|sse|event|copilotkit|/chat|completions|/api/generate", re.I)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$")
UNITS = {"ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1e-9}  # a bare number is nanoseconds


def looks_like_caddyfile(text: str) -> bool:
    return bool(re.search(r"^\s*reverse_proxy\b", text, re.M)) and "{" in text and ";" not in text


def find_caddy_blocks(text: str) -> list[tuple[int, str]]:
    return [(1, text)] if looks_like_caddyfile(text) and not re.search(r"^\s*(location|server_name|proxy_pass)\b", text, re.M) else []


def _seconds(value: str) -> float | None:
    m = _DURATION.match(value)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def analyze_caddy(text: str, name: str = "Caddyfile", *, line_offset: int = 0) -> list[Finding]:
    lines = text.splitlines()
    out: list[Finding] = []

    def add(rule: str, playbook: str, n: int, message: str, weight: float, fix: str) -> None:
        out.append(Finding(rule=rule, playbook=playbook, source=name, line=n + line_offset, text=lines[n - 1].strip(),
                           message=message, weight=weight, fix=fix, component="caddy"))

    # each reverse_proxy with its options, and the matcher/route it sits in
    stack: list[str] = []  # the path of each open block (handle /api/* {, route /x {, site address)
    proxies: list[dict] = []
    current: dict | None = None
    depth_at_proxy = -1
    for n, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip() if not raw.strip().startswith("#") else ""
        if not line:
            continue
        try:
            words = shlex.split(line.rstrip("{").strip())
        except ValueError:
            words = line.rstrip("{").split()
        opens, closes = line.endswith("{"), line == "}"
        if closes:
            if current is not None and len(stack) == depth_at_proxy:
                current = None
            if stack:
                stack.pop()
            continue
        if words and words[0] == "reverse_proxy":
            path = next((w for w in words[1:] if w.startswith("/")), None) or next(
                (p for p in reversed(stack) if p.startswith("/")), "/")
            current = {"line": n, "path": path, "opts": {}}
            proxies.append(current)
            if opens:
                stack.append(path)
                depth_at_proxy = len(stack)
            else:
                current = None
            continue
        if current is not None and words:
            current["opts"][words[0]] = (words[1:], n)
        if opens:
            stack.append(next((w for w in words[1:] if w.startswith("/")), words[0] if words else ""))
    for p in proxies:
        opts = p["opts"]
        where = f"reverse_proxy {p['path']}"
        if "stream_timeout" in opts:
            args, n = opts["stream_timeout"]
            secs = _seconds(args[0]) if args else None
            if secs is not None and secs < 3600:
                add("caddy-stream-timeout", "proxy-idle-timeout", n,
                    f"{where} closes every WebSocket after {args[0]}, busy or not.", 0.8,
                    "stream_timeout 24h  # or remove it")
        if "stream_close_delay" not in opts and not any(f.rule == "caddy-no-stream-close-delay" for f in out):
            others = sum(1 for q in proxies if "stream_close_delay" not in q["opts"]) - 1
            add("caddy-no-stream-close-delay", "proxy-reload-drops-connections", p["line"],
                f"{where}{f' (and {others} more reverse_proxy)' if others else ''} has no stream_close_delay: each "
                "config reload closes every WebSocket at once.", 0.25,
                "reverse_proxy ... {\n    stream_close_delay 5m\n}")
        if STREAM_PATH.search(p["path"]):
            flush = opts.get("flush_interval")
            if not flush or flush[0][:1] != ["-1"]:
                add("caddy-stream-buffered", "proxy-buffering-delays", flush[1] if flush else p["line"],
                    f"{where} looks like a streaming route without flush_interval -1: responses that are not "
                    "text/event-stream are buffered, and the backend request is cancelled when the client leaves.", 0.45,
                    "reverse_proxy ... {\n    flush_interval -1\n}")
    return sorted(out, key=lambda f: (f.line, f.rule))
