"""Live probe: talk to the real endpoint the way a browser's Socket.IO (or plain WebSocket) client
does, and turn what comes back into evidence.

Steps for Socket.IO (Engine.IO v4 unless --eio 3): two long-polling handshakes (a cache on the
path answers both with the same sid), the WebSocket upgrade of that session with the 2probe/3probe
exchange, and optionally a quiet socket held open for --idle seconds while answering the server's
pings, as a real client does (a proxy that closes it early has an idle timeout). For a plain
WebSocket URL: the handshake and the idle hold.

HTTP goes through httpx and WebSocket through websockets (the sync client); both are well kept
and report TLS and status failures precisely. The probe never sends credentials unless given
--header, and what it records is redacted on the way out like any other evidence.
"""

from __future__ import annotations

import json
import re
import secrets
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from wsdoctor.config.model import Finding
from wsdoctor.errors import WsdoctorError
from wsdoctor.sources.http import cache_hit



@dataclass
class Step:
    name: str
    ok: bool | None  # None: skipped or informational
    detail: str


@dataclass
class ProbeResult:
    url: str
    steps: list[Step] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)  # client-style lines, scanned like a console log

    def add(self, name: str, ok: bool | None, detail: str) -> None:
        self.steps.append(Step(name, ok, detail))

    def find(self, rule: str, playbook: str, weight: float, message: str, text: str = "") -> None:
        self.findings.append(Finding(kind="probe", rule=rule, playbook=playbook, source=self.url, line=len(self.steps),
                                     text=text or message, message=message, weight=weight))


@dataclass
class Target:
    http_base: str   # https://host:port
    ws_base: str     # wss://host:port
    path: str
    socketio: bool
    origin: str


def parse_target(url: str, path: str | None = None, socketio: bool | None = None) -> Target:
    if "://" not in url:
        head = url.split("/")[0]
        if ":" in head and not re.fullmatch(r"[^:]+:\d+", head):  # mailto:x, javascript:...: not a host[:port]
            raise WsdoctorError(f"{url}: expected an http(s):// or ws(s):// URL with a host")
        url = f"https://{url}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.hostname:
        raise WsdoctorError(f"{url}: expected an http(s):// or ws(s):// URL with a host")
    secure = parts.scheme in ("https", "wss")
    netloc = parts.netloc.rsplit("@", 1)[-1]
    http_base = urlunsplit(("https" if secure else "http", netloc, "", "", ""))
    ws_base = urlunsplit(("wss" if secure else "ws", netloc, "", "", ""))
    given = parts.path if parts.path not in ("", "/") else ""
    if socketio is None:
        socketio = not given or "socket.io" in given or path is not None
    if socketio:
        p = path or given or "/socket.io/"
        p = "/" + p.strip("/") + "/"
    else:
        p = given or "/"
        if parts.query:
            p += "?" + parts.query
    return Target(http_base, ws_base, p, socketio, http_base)


def _ssl_problem(exc: BaseException) -> str | None:
    e: BaseException | None = exc
    while e is not None:
        if isinstance(e, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(e):
            return str(e)
        e = e.__cause__ or e.__context__
    return None


def _status_finding(res: ProbeResult, status: int, where: str, body: str, location: str = "") -> None:
    """What an unexpected status on the WebSocket handshake points at."""
    snippet = " ".join(body.split())[:160]
    if status in (301, 302, 303, 307, 308):
        res.find("probe-handshake-redirected", "tls-termination-scheme-mismatch", 0.7,
                 f"the {where} handshake was redirected ({status} to {location or '?'}) instead of upgraded")
    elif status == 426:
        res.find("probe-upgrade-required", "proxy-missing-upgrade-headers", 0.8,
                 f"the {where} handshake got 426 Upgrade Required: the Upgrade header did not reach the server")
    elif status == 403:
        res.find("probe-handshake-forbidden", "origin-rejected", 0.6,
                 f"the {where} handshake was refused with 403: the server's origin check (or a WAF) rejected it")
        res.find("probe-handshake-forbidden-auth", "auth-expired-on-reconnect", 0.2,
                 f"the {where} handshake was refused with 403")
    elif status == 404:
        res.find("probe-handshake-404", "path-or-route-mismatch", 0.7, f"the {where} handshake path answered 404")
    elif status == 400 and "session id unknown" in body.lower():
        res.find("probe-session-unknown", "missing-sticky-sessions", 0.6,
                 f"the {where} upgrade of a fresh session got 400 'Session ID unknown': it reached another server "
                 "than the one that created the session")
    elif status == 400 and "unsupported protocol version" in body.lower():
        res.find("probe-protocol-version", "protocol-version-mismatch", 0.9,
                 f"the server rejected the Engine.IO protocol version: {snippet}")
    elif status in (400, 200):
        res.find("probe-upgrade-lost", "proxy-missing-upgrade-headers", 0.6,
                 f"the {where} handshake got {status} instead of 101 while plain requests work: the Upgrade and "
                 "Connection headers are most likely dropped on the way")
    elif status in (502, 503, 504):
        res.find("probe-upgrade-bad-gateway", "platform-websockets-disabled", 0.35,
                 f"the {where} handshake got {status} from the proxy or platform")
        res.find("probe-upgrade-bad-gateway-proxy", "proxy-missing-upgrade-headers", 0.3,
                 f"the {where} handshake got {status} from the proxy")


def probe(url: str, *, path: str | None = None, socketio: bool | None = None, eio: int = 4, idle: float = 0.0,
          origin: str | None = None, timeout: float = 10.0, headers: dict[str, str] | None = None,
          progress=None) -> ProbeResult:
    """Run the probe; network failures are results (findings), never exceptions."""
    import httpx
    from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
    from websockets.sync.client import connect

    target = parse_target(url, path, socketio)
    res = ProbeResult(url=url)
    say = progress or (lambda _msg: None)
    hdrs = {"User-Agent": "wsdoctor-probe", **(headers or {})}
    ws_origin = origin or target.origin
    sid = None

    if target.socketio:
        client = httpx.Client(timeout=timeout, follow_redirects=False, headers=hdrs)
        sids = []
        for n in (1, 2):
            q = urlencode({"EIO": eio, "transport": "polling", "t": secrets.token_hex(4)})
            poll_url = f"{target.http_base}{target.path}?{q}"
            say(f"polling handshake {n}: GET {poll_url}")
            try:
                r = client.get(poll_url)
            except httpx.HTTPError as exc:
                problem = _ssl_problem(exc)
                if problem:
                    res.add(f"polling handshake {n}", False, f"TLS: {problem}")
                    res.transcript.append(f"GET {poll_url} failed: {problem}")
                    res.find("probe-certificate-invalid", "tls-certificate-invalid", 0.95,
                             f"the certificate does not verify: {problem}")
                elif isinstance(exc, httpx.ConnectError):
                    res.add(f"polling handshake {n}", False, f"cannot connect: {exc}")
                    res.transcript.append(f"GET {poll_url} net::ERR_CONNECTION_REFUSED ({exc})")
                    res.find("probe-connect-failed", "client-endpoint-misconfigured", 0.5,
                             f"nothing answers at {target.http_base}: {exc}")
                else:
                    res.add(f"polling handshake {n}", False, f"{type(exc).__name__}: {exc}")
                    res.transcript.append(f"GET {poll_url} failed: {type(exc).__name__}: {exc}")
                client.close()
                return res
            body = r.text[:2000]
            cached = cache_hit(r.headers.get)
            res.transcript.append(f"GET {target.path}?EIO={eio}&transport=polling {r.status_code} {' '.join(body.split())[:200]}")
            if r.status_code != 200 or not body.startswith("0{"):
                res.add(f"polling handshake {n}", False, f"HTTP {r.status_code}: {' '.join(body.split())[:120]}")
                if r.status_code in (301, 302, 307, 308):
                    res.find("probe-polling-redirected", "tls-termination-scheme-mismatch", 0.5,
                             f"the polling handshake was redirected to {r.headers.get('location', '?')}")
                elif r.status_code == 404:
                    res.find("probe-polling-404", "path-or-route-mismatch", 0.8,
                             f"{target.path} answered 404: nothing serves Socket.IO at that path")
                elif "unsupported protocol version" in body.lower() or r.status_code == 400:
                    res.find("probe-protocol-version", "protocol-version-mismatch", 0.6 if r.status_code == 400 else 0.3,
                             f"the Engine.IO v{eio} handshake was refused: {' '.join(body.split())[:120]}")
                elif r.status_code == 403:
                    res.find("probe-polling-forbidden", "origin-rejected", 0.4, "the polling handshake was refused with 403")
                break
            try:
                sid = json.loads(body[1:].split("\x1e")[0])["sid"]
            except (ValueError, KeyError, TypeError):
                res.add(f"polling handshake {n}", False, f"not an Engine.IO open packet: {body[:80]}")
                break
            sids.append(sid)
            res.add(f"polling handshake {n}", True, f"sid {sid}" + (f" (served from a cache: {cached})" if cached else ""))
            if cached:
                res.find("probe-handshake-cached", "cdn-caches-polling-handshake", 0.9,
                         f"the handshake response came from a cache ({cached})", text=f"handshake {cached}")
        client.close()
        if len(sids) == 2 and sids[0] == sids[1]:
            res.find("probe-same-sid-twice", "cdn-caches-polling-handshake", 0.95,
                     f"two separate handshakes got the same sid {sids[0]}: a cache on the path is serving it")
        if not sids:
            return res

    # the WebSocket handshake (the upgrade of the polling session for Socket.IO)
    if target.socketio:
        q = {"EIO": eio, "transport": "websocket"}
        if sid:
            q["sid"] = sid
        ws_url = f"{target.ws_base}{target.path}?{urlencode(q)}"
    else:
        ws_url = f"{target.ws_base}{target.path}"
    say(f"websocket: {ws_url}")
    started = time.monotonic()
    ssl_ctx = ssl.create_default_context() if ws_url.startswith("wss") else None
    try:
        with connect(ws_url, open_timeout=timeout, origin=ws_origin, additional_headers=hdrs, ssl=ssl_ctx,
                     close_timeout=2, user_agent_header=None) as ws:
            res.add("websocket handshake", True, f"101 Switching Protocols in {time.monotonic() - started:.2f} s")
            if target.socketio and sid:
                ws.send("2probe")
                answer = ws.recv(timeout=timeout)
                ok = answer == "3probe"
                res.add("upgrade probe", ok, f"sent 2probe, got {answer!r}")
                if not ok:
                    res.find("probe-no-3probe", "competing-upgrade-handler", 0.4,
                             f"the upgraded socket answered {answer!r} instead of 3probe: another handler may own it")
                    return res
                ws.send("5")
            if idle > 0:
                say(f"holding the socket open for {idle:g} s, answering pings like a client")
                _hold(ws, idle, res, target.socketio)
    except InvalidStatus as exc:
        resp = exc.response
        body = resp.body.decode("utf-8", "replace") if resp.body else ""
        res.add("websocket handshake", False, f"HTTP {resp.status_code} instead of 101")
        res.transcript.append(f"WebSocket connection to '{ws_url}' failed: Error during WebSocket handshake: "
                              f"Unexpected response code: {resp.status_code}")
        _status_finding(res, resp.status_code, "WebSocket", body, resp.headers.get("Location", ""))
    except (InvalidHandshake, ConnectionClosed, OSError, TimeoutError) as exc:
        problem = _ssl_problem(exc)
        if problem:
            res.add("websocket handshake", False, f"TLS: {problem}")
            res.transcript.append(f"WebSocket connection to '{ws_url}' failed: {problem}")
            res.find("probe-certificate-invalid", "tls-certificate-invalid", 0.95, f"the certificate does not verify: {problem}")
        else:
            res.add("websocket handshake", False, f"{type(exc).__name__}: {exc}")
            res.transcript.append(f"WebSocket connection to '{ws_url}' failed: {type(exc).__name__}: {exc}")
            if isinstance(exc, ConnectionRefusedError):
                res.find("probe-connect-failed", "client-endpoint-misconfigured", 0.5, f"nothing answers at {ws_url}")
            elif target.socketio and sid:
                res.find("probe-upgrade-cut", "client-network-blocks-websocket", 0.3,
                         "polling works but the WebSocket handshake was cut without an HTTP answer")
                res.find("probe-upgrade-cut-proxy", "proxy-missing-upgrade-headers", 0.3,
                         "polling works but the WebSocket handshake was cut without an HTTP answer")
    return res


def _hold(ws, idle: float, res: ProbeResult, socketio: bool) -> None:
    from websockets.exceptions import ConnectionClosed

    opened = time.monotonic()
    deadline = opened + idle
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                msg = ws.recv(timeout=left)
            except TimeoutError:
                break
            if socketio and msg == "2":  # Engine.IO v4 ping from the server: a client answers pong
                ws.send("3")
    except ConnectionClosed as exc:
        after = time.monotonic() - opened
        code = exc.rcvd.code if exc.rcvd else 1006
        res.add("idle hold", False, f"closed by the other side after {after:.1f} s (code {code})")
        res.transcript.append(f"WebSocket closed after {after:.0f} s idle with code {code}")
        res.find("probe-closed-when-idle", "proxy-idle-timeout", 0.85,
                 f"a socket that answered every ping was closed after {after:.1f} s (code {code}): a timeout on the "
                 "path is shorter than the heartbeat")
        return
    res.add("idle hold", True, f"still open after {idle:g} s")
