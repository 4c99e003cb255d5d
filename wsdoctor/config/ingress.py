"""Kubernetes ingress-nginx checks: Ingress manifests (and the Deployments beside them).

ingress-nginx passes the WebSocket upgrade by itself; what breaks sockets is in annotations:
the 60 s default `proxy-read-timeout`, no cookie affinity while several replicas serve
Socket.IO long-polling, and a `configuration-snippet` that hard-codes `Connection "upgrade"`.
Manifests are read with ruamel.yaml (already the playbook loader), each finding pointing at
the line of the annotation or of the Ingress.
"""

from __future__ import annotations

import re

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from wsdoctor.config.model import SOCKET_PATH, ConfigError, Finding

PREFIX = "nginx.ingress.kubernetes.io/"


def looks_like_ingress(text: str) -> bool:
    return bool(re.search(r"^\s*kind:\s*Ingress\s*$", text, re.M))


def find_ingress_blocks(text: str) -> list[tuple[int, str]]:
    """The whole text when it is a manifest with an Ingress (a paste of logs around it is not parsed)."""
    if not looks_like_ingress(text):
        return []
    start = next((i for i, ln in enumerate(text.splitlines()) if re.match(r"^(apiVersion|kind|---)\b", ln)), 0)
    return [(start + 1, "\n".join(text.splitlines()[start:]))]


def _line(node, key) -> int:
    try:
        return node.lc.key(key)[0] + 1
    except Exception:  # noqa: BLE001 - a node without position info: point at the document
        return node.lc.line + 1 if hasattr(node, "lc") else 1


def _seconds(value) -> float | None:
    m = re.fullmatch(r"\s*(\d+)\s*s?\s*", str(value))
    return float(m.group(1)) if m else None


def analyze_ingress(text: str, name: str = "ingress.yaml", *, line_offset: int = 0) -> list[Finding]:
    try:
        docs = [d for d in YAML(typ="rt").load_all(text) if isinstance(d, dict)]
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1 + line_offset}" if mark else "?"
        raise ConfigError(f"{name}:{where}: Kubernetes manifest does not parse: {getattr(exc, 'problem', exc)}") from None
    lines = text.splitlines()
    replicas = max((int(d.get("spec", {}).get("replicas", 1) or 1) for d in docs
                    if d.get("kind") in ("Deployment", "StatefulSet") and isinstance(d.get("spec"), dict)), default=None)
    out: list[Finding] = []

    def add(rule: str, playbook: str, line: int, message: str, weight: float, fix: str) -> None:
        out.append(Finding(rule=rule, playbook=playbook, source=name, line=line + line_offset,
                           text=lines[line - 1].strip() if 0 < line <= len(lines) else "", message=message,
                           weight=weight, fix=fix, component="ingress-nginx"))

    for doc in docs:
        if doc.get("kind") != "Ingress":
            continue
        meta = doc.get("metadata") or {}
        ann = meta.get("annotations") or {}
        spec = doc.get("spec") or {}
        cls = str(spec.get("ingressClassName") or ann.get("kubernetes.io/ingress.class") or "")
        if cls and "nginx" not in cls and not any(str(k).startswith(PREFIX) for k in ann):
            continue  # another controller (traefik, alb, gce): its own rules apply
        ing = f"Ingress {meta.get('name', '?')}"
        doc_line = doc.lc.line + 1
        paths = [str(p.get("path", "/")) for r in spec.get("rules") or [] for p in ((r.get("http") or {}).get("paths") or [])]
        socket_paths = [p for p in paths if SOCKET_PATH.search(p)]
        where = f"{ing} ({', '.join(socket_paths or paths[:1] or ['/'])})"
        read = ann.get(PREFIX + "proxy-read-timeout")
        secs = _seconds(read) if read is not None else None
        if read is None:
            add("ingress-default-read-timeout", "proxy-idle-timeout", doc_line,
                f"{where} keeps ingress-nginx's default proxy-read-timeout of 60 s: a socket quiet for a minute is closed.",
                0.25, f'{PREFIX}proxy-read-timeout: "3600"\n{PREFIX}proxy-send-timeout: "3600"')
        elif secs is not None and secs < 60:
            add("ingress-short-read-timeout", "proxy-idle-timeout", _line(ann, PREFIX + "proxy-read-timeout"),
                f"{where} sets proxy-read-timeout to {secs:g} s: quiet sockets are closed after that.", 0.85,
                f'{PREFIX}proxy-read-timeout: "3600"\n{PREFIX}proxy-send-timeout: "3600"')
        if ann.get(PREFIX + "affinity") != "cookie" and ann.get(PREFIX + "upstream-hash-by") is None:
            many = replicas is not None and replicas >= 2
            add("ingress-no-affinity", "missing-sticky-sessions", doc_line,
                f"{where} has no cookie affinity" + (f" while the Deployment runs {replicas} replicas" if many else "") +
                ": Socket.IO long-polling requests of one session can reach different pods.",
                0.7 if many else 0.2,
                f'{PREFIX}affinity: "cookie"\n{PREFIX}session-cookie-name: "io"\n'
                f'{PREFIX}session-cookie-max-age: "172800"')
        snippet = str(ann.get(PREFIX + "configuration-snippet") or "")
        if re.search(r"proxy_set_header\s+Connection\s+[\"']?upgrade[\"']?\s*;", snippet, re.I):
            add("ingress-snippet-forces-upgrade", "proxy-forces-connection-upgrade",
                _line(ann, PREFIX + "configuration-snippet"),
                f"{where}: the configuration-snippet hard-codes 'Connection: upgrade' for every request; ingress-nginx "
                "already passes the upgrade for real WebSocket handshakes.", 0.75,
                "# remove the proxy_set_header Connection / Upgrade lines from the snippet")
        if ann.get(PREFIX + "proxy-buffering") == "on" and any(re.search(r"stream|sse|event", p, re.I) for p in paths):
            add("ingress-buffered-stream", "proxy-buffering-delays", _line(ann, PREFIX + "proxy-buffering"),
                f"{where} turns proxy-buffering on for a streaming path: events arrive in bursts.", 0.6,
                f'{PREFIX}proxy-buffering: "off"')
    return sorted(out, key=lambda f: (f.line, f.rule))
