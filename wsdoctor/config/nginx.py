"""nginx config checks for WebSocket and Socket.IO proxying.

The config is parsed with crossplane (NGINX's own Python parser) and walked with nginx's
inheritance rules: a `proxy_set_header` anywhere in a block replaces every one inherited from
the enclosing blocks (the trap behind many "the Upgrade header is set but sockets still fail"
threads), while single-value directives such as `proxy_read_timeout` come from the nearest
block that sets them.

Each check looks at the locations that carry sockets: those whose path looks like a socket
endpoint (/socket.io/, /ws, /cable, /hub, ...) or that already pass Upgrade; when none does,
the catch-all locations, since every socket then goes through them.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field

import crossplane

from wsdoctor.config.model import ConfigError, Finding

WS_PATH = re.compile(r"socket\.io|sockjs|engine\.io|websocket|cable|signalr|/hubs?\b|realtime|graphql|"
                     r"(?:^|/|\b)wss?(?:/|$|\b)", re.I)
STREAM_PATH = re.compile(r"\bsse\b|stream|event|/chat|completions|/api/generate", re.I)
UPSTREAM_AFFINITY = {"ip_hash", "hash", "sticky"}
DEFAULT_READ_TIMEOUT = 60

_BLOCK_START = re.compile(r"^\s*(http|server|location|upstream|map|stream|events|if|limit_except)\b[^;{}]*\{\s*(#.*)?$")
_DIRECTIVE = re.compile(r"^\s*[a-z_][a-z0-9_]*(\s+[^;{}]*)?\s*[;{]\s*(#.*)?$|^\s*\}\s*$")
_NGINX_WORDS = re.compile(r"^\s*(proxy_pass|proxy_set_header|server_name|listen|location|upstream|proxy_http_version|"
                          r"proxy_read_timeout|include|root|server)\b", re.M)


def looks_like_nginx(text: str) -> bool:
    """A whole text that reads as an nginx config (most lines are directives or braces)."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if len(lines) < 2 or len(_NGINX_WORDS.findall(text)) < 2:
        return False
    return sum(bool(_DIRECTIVE.match(ln)) for ln in lines) >= 0.8 * len(lines)


def _brace_delta(line: str) -> int:
    depth = 0
    quote = ""
    for ch in line:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            break
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
    return depth


def find_nginx_blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each nginx config block in a file or in a paste of logs."""
    if looks_like_nginx(text):
        return [(1, text)]
    lines = text.splitlines()
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        if not _BLOCK_START.match(lines[i]):
            i += 1
            continue
        depth, j = 0, i
        while j < len(lines):
            depth += _brace_delta(lines[j])
            if depth <= 0:
                break
            j += 1
        block = "\n".join(lines[i:j + 1])
        if depth <= 0 and len(_NGINX_WORDS.findall(block)) >= 1 and "proxy_pass" in block:
            out.append((i + 1, block))
        i = j + 1
    return out


# --- parsing ---------------------------------------------------------------------------------
@dataclass
class Block:
    """One block (http, server, location ...) with the directives written directly in it."""

    name: str
    args: list[str]
    line: int
    parent: Block | None
    directives: dict[str, list[tuple[list[str], int]]] = field(default_factory=dict)
    children: list[Block] = field(default_factory=list)

    def own(self, name: str) -> list[tuple[list[str], int]]:
        return self.directives.get(name, [])

    def nearest(self, name: str) -> tuple[list[str], int] | None:
        """A single-value directive: the innermost block that sets it wins."""
        b: Block | None = self
        while b is not None:
            if name in b.directives:
                return b.directives[name][-1]
            b = b.parent
        return None

    def inherited_array(self, name: str) -> tuple[list[tuple[list[str], int]], Block | None]:
        """An array directive (proxy_set_header): the innermost block that has any replaces the rest."""
        b: Block | None = self
        while b is not None:
            if name in b.directives:
                return b.directives[name], b
            b = b.parent
        return [], None

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    @property
    def path(self) -> str:
        return self.args[-1] if self.args else ""


def _parse(text: str, name: str) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="wsdoctor-") as tmp:
        path = os.path.join(tmp, "nginx.conf")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        payload = crossplane.parse(path, single=True, check_ctx=False, check_args=False, comments=False)
    for cfg in payload.get("config", []):
        for err in cfg.get("errors", []):
            msg = re.sub(r"\s+in\s+\S*nginx\.conf:\d+$", "", str(err.get("error", "parse error")))
            raise ConfigError(f"{name}:{err.get('line') or '?'}: nginx config does not parse: {msg}")
    return payload["config"][0]["parsed"] if payload.get("config") else []


def _build(parsed: list[dict], parent: Block, offset: int, tree: _Tree | None = None,
           seen: frozenset[int] = frozenset()) -> None:
    """Blocks and directives of `parsed`; with a `tree`, each `include` is replaced by the files it
    names, at their place, as nginx reads them (a file that includes itself is read once)."""
    for d in parsed:
        line = d["line"] + offset
        if tree is not None and d["directive"] == "include" and d.get("includes"):
            for i in d["includes"]:
                if i not in seen:
                    _build(tree.configs[i].get("parsed", []), parent, tree.bases[i], tree, seen | {i})
        elif "block" in d:
            child = Block(d["directive"], d.get("args", []), line, parent)
            parent.children.append(child)
            _build(d["block"], child, offset, tree, seen)
        else:
            parent.directives.setdefault(d["directive"], []).append((d.get("args", []), line))


@dataclass
class _Tree:
    """A config on disk and every file it includes, laid end to end in one line space so that a
    line number names both the file and the line in it."""

    configs: list[dict]
    bases: list[int]
    texts: list[list[str]]

    def locate(self, line: int) -> tuple[str, int, str]:
        for i in range(len(self.bases) - 1, -1, -1):
            if line > self.bases[i]:
                local = line - self.bases[i]
                rows = self.texts[i]
                return self.configs[i]["file"], local, rows[local - 1].strip() if local <= len(rows) else ""
        return self.configs[0]["file"], line, ""


def _parse_tree(path: str) -> _Tree:
    payload = crossplane.parse(path, check_ctx=False, check_args=False, comments=False)
    configs = payload.get("config", [])
    for cfg in configs:
        for err in cfg.get("errors", []):
            msg = re.sub(r"\s+in\s+\S+:\d+$", "", str(err.get("error", "parse error")))
            where = f"{cfg.get('file', path)}:{err.get('line') or '?'}"
            missing = re.search(r"No such file or directory: '([^']+)'", msg)
            if missing:
                raise ConfigError(f"{where}: include names a file that does not exist: {missing.group(1)}")
            raise ConfigError(f"{where}: nginx config does not parse: {msg}")
    bases, texts, total = [], [], 0
    for cfg in configs:
        with open(cfg["file"], encoding="utf-8", errors="replace") as fh:
            rows = fh.read().splitlines()
        bases.append(total)
        texts.append(rows)
        total += len(rows) + 1
    return _Tree(configs, bases, texts)


_DUMP_MARK = re.compile(r"^# configuration file (\S.*?):[ \t]*$")


def split_nginx_dump(text: str) -> list[tuple[str, list[str]]] | None:
    """The files in `nginx -T` output, as (path, lines), main config first; None for any other text."""
    files: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        m = _DUMP_MARK.match(line)
        if m:
            files.append((m.group(1), []))
        elif files:
            files[-1][1].append(line)
        elif line.strip() and not line.startswith("nginx: "):  # `nginx -T 2>&1` puts its verdict first
            return None
    return files or None


def analyze_nginx_dump(text: str, name: str = "-") -> list[Finding]:
    """Findings for `nginx -T` output, read as nginx reads it: each file where it is included, so
    that http {} settings reach the sites; findings name the original file and its line."""
    files = split_nginx_dump(text)
    if not files:
        return analyze_nginx(text, name)
    with tempfile.TemporaryDirectory(prefix="wsdoctor-") as tmp:
        root = os.path.realpath(tmp)

        def here(path: str) -> str:
            return os.path.join(root, path.lstrip("/")) if os.path.isabs(path) else os.path.join(root, "_rel", path)

        for path, lines in files:
            while lines and not lines[-1].strip():  # nginx separates the files with a blank line
                lines.pop()
            os.makedirs(os.path.dirname(here(path)), exist_ok=True)
            body = "\n".join(re.sub(r"^(\s*include\s+)(/\S+)", lambda m: m.group(1) + here(m.group(2)), ln)
                             for ln in lines)
            with open(here(path), "w", encoding="utf-8") as fh:
                fh.write(body + "\n")
        try:
            tree = _parse_tree(here(files[0][0]))
        except ConfigError as exc:
            raise ConfigError(str(exc).replace(root, "")) from None
        for cfg in tree.configs:
            cfg["file"] = cfg["file"][len(root):] if cfg["file"].startswith(root) else cfg["file"]
        return _analyze_tree(tree)


def includes_other_files(text: str) -> bool:
    """An nginx config that pulls in other files (`include sites-enabled/*;`): read alone, it misses them."""
    return looks_like_nginx(text) and bool(re.search(r"^\s*include\s+(?!mime\.types|/etc/nginx/mime\.types|\S*fastcgi_params|\S*modules-enabled)\S", text, re.M))


def analyze_nginx_file(path: str) -> list[Finding]:
    """Findings for an nginx config on disk with its includes followed; each finding names the file
    (nginx.conf or an included site) and the line in it. Raises ConfigError naming file:line."""
    try:
        tree = _parse_tree(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read an included file: {exc}") from None
    return _analyze_tree(tree)


def _analyze_tree(tree: _Tree) -> list[Finding]:
    """The checks over a main config and the files it includes, each read where it is included."""
    if not tree.configs:
        return []
    root = Block("main", [], 0, None)
    _build(tree.configs[0].get("parsed", []), root, 0, tree, frozenset({0}))
    return _analyze(root, tree.locate)


# --- checks ----------------------------------------------------------------------------------
def _header(block: Block, header: str) -> tuple[str | None, int | None, Block | None]:
    """Value and line of the proxy_set_header for `header` that applies in `block`, and where it is set."""
    values, owner = block.inherited_array("proxy_set_header")
    for args, line in values:
        if args and args[0].lower() == header.lower():
            return (args[1] if len(args) > 1 else ""), line, owner
    return None, None, owner


def _tls_listen(args: list[str]) -> bool:
    """`listen 443`, `listen [::]:443 ssl`, `listen 8443 ssl http2`: TLS ends here (not `listen 44312`)."""
    return any(a in ("ssl", "quic") for a in args[1:]) or bool(args and re.fullmatch(r"(?:\S*:)?443", args[0]))


def _seconds(value: str) -> float | None:
    m = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", value.strip())
    if not m:
        return None
    n = int(m.group(1))
    return n * {"ms": 0.001, "s": 1, None: 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def analyze_nginx(text: str, name: str = "nginx.conf", *, line_offset: int = 0) -> list[Finding]:
    """Findings for one nginx config text; raises ConfigError when it does not parse."""
    raw = text.splitlines()
    root = Block("main", [], 0, None)
    _build(_parse(text, name), root, line_offset)
    lines = [""] * line_offset + raw

    def locate(line: int) -> tuple[str, int, str]:
        return name, line, lines[line - 1].strip() if 0 < line <= len(lines) else ""

    return _analyze(root, locate)


def _analyze(root: Block, locate) -> list[Finding]:
    """The checks over a built tree; `locate` turns a tree line into (file, line, text as written)."""
    upstreams = {b.args[0]: b for b in root.walk() if b.name == "upstream" and b.args}
    proxied = [b for b in root.walk() if b.name == "location" and b.own("proxy_pass")]
    if not proxied and root.own("proxy_pass"):  # a bare snippet of location contents
        proxied = [root]
    sockets = [b for b in proxied if WS_PATH.search(b.path) or any(
        a and a[0].lower() == "upgrade" for a, _ in b.own("proxy_set_header"))]
    guessed = not sockets
    if guessed:  # no socket location: every socket goes through the catch-all one(s)
        sockets = [b for b in proxied if b.path in ("/", "") or b is root] or proxied
    confidence = 0.7 if guessed else 1.0
    found: dict[tuple[str, int], tuple[str, str, str, float]] = {}

    def add(rule: str, playbook: str, line: int, message: str, weight: float, fix: str = "") -> None:
        found.setdefault((rule, line), (playbook, message, fix, weight))  # the first reading of a line wins

    for loc in sockets:
        where = f"location {loc.path}" if loc.name == "location" else "this block"
        # 1. Upgrade / Connection / HTTP/1.1 (proxy-missing-upgrade-headers)
        up, _, owner = _header(loc, "Upgrade")
        conn, conn_line, _ = _header(loc, "Connection")
        version = loc.nearest("proxy_http_version")
        missing = []
        if version is None or version[0][:1] != ["1.1"]:
            missing.append("proxy_http_version 1.1 (nginx speaks HTTP/1.0 to backends by default)")
        if up is None or not ("$http_upgrade" in up or up.lower() == "websocket"):
            missing.append("proxy_set_header Upgrade $http_upgrade")
        if conn is None or not re.search(r"upgrade|\$connection_upgrade|\$http_connection", conn, re.I):
            missing.append("proxy_set_header Connection $connection_upgrade (or \"upgrade\")")
        if missing:
            shadow = ""
            if owner is loc and any(_header(p, "Upgrade")[0] for p in _ancestors(loc)):
                shadow = (" It sets its own proxy_set_header lines, and those replace every proxy_set_header "
                          "inherited from the enclosing blocks, including the Upgrade ones.")
            add("nginx-missing-upgrade-headers", "proxy-missing-upgrade-headers", loc.line,
                f"{where} proxies sockets without " + "; ".join(missing) + "." + shadow,
                0.9 * confidence,
                "proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection $connection_upgrade;")
        # 2. Connection "upgrade" written as a constant (proxy-forces-connection-upgrade)
        if conn is not None and conn.lower().strip("'\"") == "upgrade":
            catch_all = loc.path in ("/", "") or not WS_PATH.search(loc.path)
            add("nginx-hardcoded-connection-upgrade", "proxy-forces-connection-upgrade", conn_line or loc.line,
                f"{where} sends 'Connection: upgrade' on every request, plain HTTP and long-polling included; "
                "servers then try to upgrade requests that are not WebSocket handshakes.",
                0.75 if catch_all else 0.45,
                'map $http_upgrade $connection_upgrade {\n    default upgrade;\n    ""      close;\n}\n'
                "# in the location:\nproxy_set_header Connection $connection_upgrade;")
        # 3. read timeout (proxy-idle-timeout)
        rt = loc.nearest("proxy_read_timeout")
        seconds = _seconds(rt[0][0]) if rt and rt[0] else None
        if rt is not None and seconds is not None and seconds < DEFAULT_READ_TIMEOUT:
            add("nginx-short-read-timeout", "proxy-idle-timeout", rt[1],
                f"proxy_read_timeout {rt[0][0]} closes any socket that is quiet for {seconds:g} s, "
                "shorter than the 25 s heartbeat of many clients plus slack.", 0.85,
                "proxy_read_timeout 3600s;\nproxy_send_timeout 3600s;")
        elif rt is None:
            add("nginx-default-read-timeout", "proxy-idle-timeout", loc.line,
                f"{where} keeps the default proxy_read_timeout of 60 s: a socket with no traffic for a minute "
                "is closed unless the app pings more often.", 0.25 * confidence,
                "proxy_read_timeout 3600s;\nproxy_send_timeout 3600s;")
        # 4. a cache in front of the handshake (cdn-caches-polling-handshake)
        cache = loc.nearest("proxy_cache")
        if cache and cache[0] and cache[0][0] != "off":
            add("nginx-cache-on-socket-path", "cdn-caches-polling-handshake", cache[1],
                f"proxy_cache {cache[0][0]} applies to {where}: long-polling handshakes can be answered from the "
                "cache, so clients share one session id.", 0.85, "proxy_cache off;  # in the socket location")
        # 5. several backends without affinity (missing-sticky-sessions)
        target = loc.own("proxy_pass")[0][0][0] if loc.own("proxy_pass") and loc.own("proxy_pass")[0][0] else ""
        host = re.sub(r"^[a-z]+://", "", target).split("/")[0].split(":")[0]
        up_block = upstreams.get(host)
        if up_block is not None:
            servers = up_block.own("server")
            if len(servers) >= 2 and not any(d in up_block.directives for d in UPSTREAM_AFFINITY):
                add("nginx-upstream-without-affinity", "missing-sticky-sessions", up_block.line,
                    f"upstream {host} spreads requests over {len(servers)} servers with no ip_hash/hash: the "
                    "polling requests of one Socket.IO session reach different servers.", 0.7,
                    "upstream " + host + " {\n    ip_hash;\n    ...\n}")
        # 6. prefix stripped on the way in (path-or-route-mismatch)
        uri = re.sub(r"^[a-z]+://[^/]+", "", target)
        if loc.name == "location" and uri and loc.path.rstrip("/") and uri.rstrip("/") != loc.path.rstrip("/") \
                and re.search(r"socket\.io|sockjs|cable", loc.path) and not loc.args[0] in ("~", "~*"):
            add("nginx-socket-path-rewritten", "path-or-route-mismatch", loc.own("proxy_pass")[0][1],
                f"proxy_pass {target} replaces {loc.path} with {uri} before the request reaches the server, which "
                f"then sees a path it does not serve.", 0.6,
                f"proxy_pass {target[: len(target) - len(uri)]};  # no URI part: the path is passed unchanged")
        # 7. TLS ends here and the scheme is not passed on (tls-termination-scheme-mismatch)
        server = _enclosing(loc, "server")
        if server is not None and any(_tls_listen(a) for a, _ in server.own("listen")):
            proto, _, _ = _header(loc, "X-Forwarded-Proto")
            if proto is None:
                add("nginx-no-forwarded-proto", "tls-termination-scheme-mismatch", loc.line,
                    f"TLS ends at this server but {where} does not pass X-Forwarded-Proto: an app that builds URLs or "
                    "enforces HTTPS thinks the socket came over plain http.", 0.4 * confidence,
                    "proxy_set_header X-Forwarded-Proto $scheme;\nproxy_set_header Host $host;")
    # 8. streamed responses buffered (proxy-buffering-delays): any location that looks like a stream
    for loc in proxied:
        if loc.name == "location" and STREAM_PATH.search(loc.path):
            buf = loc.nearest("proxy_buffering")
            if buf is None or buf[0][:1] != ["off"]:
                add("nginx-buffered-stream", "proxy-buffering-delays", buf[1] if buf else loc.line,
                    f"location {loc.path} looks like a streamed endpoint but proxy_buffering is "
                    f"{'on' if buf else 'on by default'}: events are held back and arrive in bursts.", 0.6,
                    "proxy_buffering off;\nproxy_cache off;")
    out = []
    for (rule, line), (playbook, message, fix, weight) in sorted(found.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        file, local, text = locate(line)
        out.append(Finding(rule=rule, playbook=playbook, source=file, line=local, text=text, message=message,
                           weight=round(weight, 2), fix=fix, component="nginx"))
    return out


def _ancestors(b: Block):
    p = b.parent
    while p is not None:
        yield p
        p = p.parent


def _enclosing(b: Block, name: str) -> Block | None:
    return next((p for p in _ancestors(b) if p.name == name), None)
