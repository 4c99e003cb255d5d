"""Lenient topology values: 'Nginx Proxy Manager' -> nginx, 'AWS ALB' -> aws-alb, '3' nodes -> multiple."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process
from ruamel.yaml import YAML

from wsdoctor.engine.text import to_simplified
from wsdoctor.errors import WsdoctorError
from wsdoctor.model.playbook import TOPOLOGY_KEYS

EMPTY = {"none", "no", "n/a", "na", "-", "unknown", "don't know", "dont know", "?", "无", "没有", "不知道", ""}
ANY = "any"


@dataclass(frozen=True)
class Normalized:
    key: str
    value: str | None  # canonical value, or None for none/unknown
    raw: str
    known: bool


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, dict[str, list[str]]]:
    text = resources.files("wsdoctor.data").joinpath("topology.yaml").read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    return {k: {str(v): [str(a) for a in (al or [])] for v, al in vals.items()} for k, vals in data.items()}


def _clean(text: str) -> str:
    text = text.strip().lower()
    text = re.sub(r"\b(v?\d+(\.\d+)*(\.x)?)\b", " ", text)  # versions: "socket.io 4.x"
    text = re.sub(r"\s+", " ", text).strip()
    return text


@lru_cache(maxsize=None)
def _choices(key: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical, aliases in vocabulary()[key].items():
        out[canonical.lower()] = canonical
        for a in aliases:
            out.setdefault(a.lower(), canonical)
    return out


def check_key(key: str) -> str:
    k = key.strip().lower().replace("-", "_")
    if k not in TOPOLOGY_KEYS:
        close = process.extractOne(k, TOPOLOGY_KEYS, scorer=fuzz.ratio)
        hint = f" (did you mean '{close[0]}'?)" if close and close[1] >= 60 else ""
        raise WsdoctorError(f"unknown topology key '{key}'{hint}; keys: {', '.join(TOPOLOGY_KEYS)}")
    return k


_WORD_COUNTS = {"一": 1, "单": 1, "两": 2, "二": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "八": 8, "十": 10, "多": 2,
                "几": 2, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "several": 2, "multiple": 2,
                "many": 2}
_UNIT = (r"(?:nodes?|instances?|replicas?|workers?|pods?|servers?|process(?:es)?|containers?|machines?|hosts?|dynos?"
         r"|tasks?|个|台|实例|节点|副本|进程|容器|服务器|机器)")
_COUNTED = re.compile(rf"(\d+|[一单两二俩三四五六八十多几]|\b(?:{'|'.join(w for w in _WORD_COUNTS if w.isascii())})\b)"
                      rf"\s*(?:x\s*)?(?:个|台)?\s*(?:\w+\s)?{_UNIT}(?![a-z])", re.I)
_PER_CORE = re.compile(r"\bper[\s-]?(?:cpu|core|vcpu)s?\b|\bfor each (?:cpu|core)\b|每个?\s*(?:cpu|核)|(?:^|\s)-i\s*(?:max|0)\b", re.I)
_FLAG = re.compile(r"(?:--|\b)(?:workers|replicas|instances|processes|num[_-]?workers|scale)[= ]+(\d+)|(?:^|\s)-w\s*(\d+)",
                   re.I)


def node_count(text: str, *, bare: bool = False) -> int | None:
    """How many server processes a phrase names: '2 个实例' 2, '3 replicas' 3, '--workers=4' 4,
    '两台' 2; with bare=True a lone number counts too (the value of the nodes key)."""
    low = text.strip().lower()
    if bare:
        m = re.match(r"\s*(\d+)\b", low)
        if m:
            return int(m.group(1))
        if low in _WORD_COUNTS:
            return _WORD_COUNTS[low]
    m = _FLAG.search(low)
    if m:
        return int(m.group(1) or m.group(2))
    m = _COUNTED.search(low)
    if m:
        n = m.group(1)
        return int(n) if n.isdigit() else _WORD_COUNTS[n]
    return None


def normalize(key: str, raw: str) -> Normalized:
    key = check_key(key)
    text = to_simplified(raw.strip())  # 寶塔面板 is 宝塔面板
    low = text.lower()
    if low in EMPTY:
        return Normalized(key, None, raw, True)
    if key == "nodes":
        if _PER_CORE.search(low):  # "one worker per CPU" is as many workers as cores
            return Normalized(key, "multiple", raw, True)
        count = node_count(low, bare=True)
        if count is not None:
            return Normalized(key, "1" if count <= 1 else "multiple", raw, True)
    choices = _choices(key)
    if low in choices:
        return Normalized(key, choices[low], raw, True)
    cleaned = _clean(low)
    if cleaned in choices:
        return Normalized(key, choices[cleaned], raw, True)
    # a known name inside a longer phrase: "node socket.io 4.x", "AWS ALB (internal)"
    for name in sorted(choices, key=len, reverse=True):
        if len(name) >= 3 and re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", cleaned):
            return Normalized(key, choices[name], raw, True)
    best = process.extractOne(cleaned, list(choices), scorer=fuzz.ratio)
    if best and best[1] >= 85:
        return Normalized(key, choices[best[0]], raw, True)
    return Normalized(key, cleaned or low, raw, False)


def known_values(key: str) -> list[str]:
    return list(vocabulary()[check_key(key)])


def matches(condition: list[str], value: str | None) -> bool:
    """Does a topology value satisfy a playbook condition list ('any' = present, 'none' = absent)?"""
    if value is None:
        return "none" in condition
    return ANY in condition or value in condition


# A socket URL: ws(s)://..., or an http(s) URL on an Engine.IO path.
_SOCKET_URL = re.compile(r"\b(wss?|https?)://(\[[0-9a-f:]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?(/[^\s'\"<>]*)?", re.I)
_LOOPBACK = {"localhost", "127.0.0.1", "0.0.0.0", "[::1]"}
INTERMEDIARY_KEYS = ("proxy", "cdn", "load_balancer")
# Words and log shapes that show (or say) something sits between client and app.
_INTERMEDIARY = re.compile(
    r"\bupstream\b|\[(?:error|warn|crit|alert)\] \d+#\d+|haproxy|varnish|x-cache|\bvia:|cf-ray|cloudflare|cloudfront"
    r"|\b(?:aws|amazon)?[- ]?[an]?lb\b|\belb\b|load ?balancer|nginx|caddy|apache|httpd|traefik|envoy|ingress|\biis\b"
    r"|reverse[- ]proxy|\bproxy\b|\bcdn\b|代理|负载均衡|反代", re.I)


def shows_intermediary(text: str) -> bool:
    """Does the text name or show a proxy, CDN or balancer (a word, a header, a log shape)?"""
    return bool(_INTERMEDIARY.search(text))


def direct_loopback(text: str) -> str | None:
    """The loopback address the failing socket talks to, when every socket URL in the text is one
    with an app port (ws://localhost:8000/ws): nothing sits between browser and server then.
    None when there is no socket URL, any other host, a bare :80/:443 (a local proxy may
    listen there), or when the text names or shows a proxy, CDN or balancer at all."""
    if shows_intermediary(text):
        return None
    seen = None
    for m in _SOCKET_URL.finditer(text):
        scheme, host, port, path = m.group(1).lower(), m.group(2).lower(), m.group(3), m.group(4) or ""
        if scheme.startswith("http") and "socket.io" not in path and "/ws" not in path and "cable" not in path:
            continue  # a page or a docs link, not the socket
        if host not in _LOOPBACK or not port or port in ("80", "443"):
            return None
        seen = seen or f"{scheme}://{host}:{port}"
    return seen


# Keys whose products users often name inside another key's value ("IIS on Windows Server" as
# the server, "Flask-SocketIO on Heroku", "Django behind nginx"): the infrastructure on the path.
CROSS_KEYS = ("proxy", "cdn", "load_balancer", "platform")


def named_inside(raw: str) -> dict[str, str]:
    """Infrastructure products (and a count of server processes) named anywhere in a free-text
    value: {key: canonical}. "uvicorn --workers 4" also says nodes=multiple."""
    cleaned = _clean(raw.lower())
    out: dict[str, str] = {}
    count = node_count(raw)
    if count is not None:
        out["nodes"] = "1" if count <= 1 else "multiple"
    for key in CROSS_KEYS:
        choices = _choices(key)
        for name in sorted(choices, key=len, reverse=True):
            if len(name) >= 3 and name not in EMPTY and name != ANY and \
                    re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", cleaned):
                out[key] = choices[name]
                break
    return out


_WSS_WORD = re.compile(r"(?<![a-z])wss(?![a-z])", re.I)
_WS_WORD = re.compile(r"(?<![a-z])ws(?![a-z])", re.I)


def said_schemes(text: str) -> set[str]:
    """{'wss'} when a report without socket URLs speaks of wss and never of plain ws ("wss 连不上",
    "switched the server to wss"): the client already uses TLS."""
    return {"wss"} if _WSS_WORD.search(text) and not _WS_WORD.search(text) else set()


_TLS_WORD = re.compile(r"https|wss|\bssl\b|\btls\b|secure|mixed.content|certificat|\bcerts?\b|证书|加密|\b443\b"
                       r"|let.?s.?encrypt|certbot", re.I)


def mentions_tls(text: str) -> bool:
    """Does the report mention HTTPS, wss, SSL/TLS, a secure or mixed-content page, or a certificate?"""
    return bool(_TLS_WORD.search(text))


def socket_schemes(text: str) -> set[str]:
    """The schemes of the WebSocket URLs in a text: {'ws'}, {'wss'}, both, or none."""
    return {m.group(1).lower() for m in _SOCKET_URL.finditer(text) if m.group(1).lower() in ("ws", "wss")}
