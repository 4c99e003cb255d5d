"""HAR import: a browser's Network export (DevTools "Save all as HAR") read as evidence.

Each entry becomes one line that reads like what the console and an access log would show:
`GET https://host/socket.io/?EIO=4&transport=polling 200 0{"sid":"..."}`, with the error text
Chrome records for requests that never got a response (`net::ERR_...`) and the first bytes
of small text bodies (Engine.IO errors such as `{"code":1,"message":"Session ID unknown"}`).
The line number of a line is its entry number, so evidence points back into the capture.

Patterns that only the whole capture shows become findings: several handshakes answered with
the same Engine.IO sid (a cache in between), handshake responses marked as cache hits, and
one page opening many WebSocket connections to the same endpoint.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from wsdoctor.config.model import Finding
from wsdoctor.errors import WsdoctorError
from wsdoctor.sources.http import cache_hit

BODY_CHARS = 200
_SID = re.compile(r'^\d?0\{"sid":"([^"]+)"')
CONCURRENT_WINDOW = 1.5  # seconds: sockets to one endpoint opened this close together are duplicates, not reconnects


def looks_like_har(name: str, head: str) -> bool:
    return name.lower().endswith(".har") or (head.lstrip().startswith("{") and '"log"' in head[:2000]
                                             and '"entries"' in head)


def _entries(text: str, name: str) -> list[dict]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WsdoctorError(f"{name}:{exc.lineno}:{exc.colno}: not a valid HAR file: {exc.msg}") from None
    entries = doc.get("log", {}).get("entries") if isinstance(doc, dict) and isinstance(doc.get("log"), dict) else None
    if not isinstance(entries, list):
        raise WsdoctorError(f"{name}: not a HAR file: no log.entries list (export it with DevTools > Network > Save all as HAR)")
    return [e for e in entries if isinstance(e, dict)]


def _header(headers, name: str) -> str | None:
    for h in headers or []:
        if isinstance(h, dict) and str(h.get("name", "")).lower() == name:
            return str(h.get("value", ""))
    return None


# response headers that name a component of the stack: (header, value pattern, topology key, value)
STACK_HEADERS = [
    ("x-amz-cf-id", None, "cdn", "cloudfront"),
    ("x-cache", re.compile(r"cloudfront", re.I), "cdn", "cloudfront"),
    ("cf-ray", None, "cdn", "cloudflare"),
    ("server", re.compile(r"^cloudflare$", re.I), "cdn", "cloudflare"),
    ("x-azure-ref", None, "cdn", "azure-front-door"),
    ("server", re.compile(r"^awselb", re.I), "load_balancer", "aws-alb"),
    ("server", re.compile(r"^(nginx|openresty)", re.I), "proxy", "nginx"),
    ("server", re.compile(r"^caddy", re.I), "proxy", "caddy"),
    ("server", re.compile(r"^apache", re.I), "proxy", "apache"),
    ("server", re.compile(r"^microsoft-iis", re.I), "proxy", "iis"),
    ("via", re.compile(r"varnish", re.I), "cdn", "varnish"),
    ("x-varnish", None, "cdn", "varnish"),
]


def stack_hints(entries_headers: list) -> dict[str, tuple[str, str]]:
    """Topology values the response headers reveal: key -> (value, the header that said so)."""
    hints: dict[str, tuple[str, str]] = {}
    for headers in entries_headers:
        for header, pattern, key, value in STACK_HEADERS:
            if key in hints:
                continue
            v = _header(headers, header)
            if v is not None and (pattern is None or pattern.search(v)):
                hints[key] = (value, f"{header}: {v[:60]}")
    return hints


def read_har(text: str, name: str) -> tuple[str, list[Finding], dict[str, tuple[str, str]]]:
    """The capture as log lines (one per entry), the findings only the whole capture shows, and the
    topology its response headers reveal."""
    lines: list[str] = []
    all_headers: list = []
    findings: list[Finding] = []
    handshake_sids: dict[str, list[int]] = defaultdict(list)
    sockets: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for n, e in enumerate(_entries(text, name), 1):
        req, resp = e.get("request") or {}, e.get("response") or {}
        all_headers.append(resp.get("headers"))
        url = str(req.get("url", ""))
        status = resp.get("status")
        parts = [str(req.get("method", "GET")), url]
        error = resp.get("_error") or e.get("_error")
        if status in (0, None, -1) and error:
            parts.append(f"failed: {error}")
        else:
            parts.append(f"{status} {resp.get('statusText', '')}".strip())
        content = resp.get("content") or {}
        body = content.get("text") if isinstance(content.get("text"), str) and content.get("encoding") != "base64" else ""
        if body:
            parts.append(" ".join(body[:BODY_CHARS].split()))
        for msg in (e.get("_webSocketMessages") or [])[:3]:
            if isinstance(msg, dict) and isinstance(msg.get("data"), str):
                parts.append(f"[ws {msg.get('type', '?')}] {msg['data'][:80]}")
        lines.append(" ".join(p for p in parts if p))

        split = urlsplit(url)
        query = parse_qs(split.query)
        is_socket = e.get("_resourceType") == "websocket" or split.scheme in ("ws", "wss") \
            or query.get("transport") == ["websocket"]
        if query.get("transport") == ["polling"] and "sid" not in query and body:
            m = _SID.match(body)
            if m:
                handshake_sids[m.group(1)].append(n)
                hit = cache_hit(lambda h: _header(resp.get("headers"), h))
                if hit:
                    findings.append(Finding(kind="har", rule="har-handshake-from-cache", playbook="cdn-caches-polling-handshake",
                                            source=name, line=n, text=lines[-1][:300], weight=0.9,
                                            message=f"the Engine.IO handshake response came from a cache ({hit})"))
        if is_socket:
            try:
                started = datetime.fromisoformat(str(e.get("startedDateTime"))).timestamp()
            except ValueError:
                started = None
            if started is not None:
                sockets[f"{split.netloc}{split.path}"].append((started, n))
    for sid, at in handshake_sids.items():
        if len(at) >= 2:
            findings.append(Finding(kind="har", rule="har-same-sid-many-handshakes", playbook="cdn-caches-polling-handshake",
                                    source=name, line=at[1], text=lines[at[1] - 1][:300], weight=0.95,
                                    message=f"{len(at)} separate handshakes (entries {', '.join(map(str, at[:6]))}) were "
                                            f"answered with the same sid {sid}: a cache on the path serves one session to everyone"))
    for key, opened in sockets.items():
        opened.sort()
        for i, (t0, line) in enumerate(opened):
            together = [n for t, n in opened[i:] if t - t0 <= CONCURRENT_WINDOW]
            if len(together) >= 2:
                findings.append(Finding(
                    kind="har", rule="har-concurrent-sockets", playbook="duplicate-client-connections", source=name,
                    line=line, text=lines[line - 1][:300], weight=0.6,
                    message=f"{len(together)} WebSocket connections to {key} were opened within {CONCURRENT_WINDOW:g} s "
                            f"(entries {', '.join(map(str, together[:6]))}): the client code creates the socket more than once"))
                break
    return "\n".join(lines), findings, stack_hints(all_headers)
