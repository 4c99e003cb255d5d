"""Turn pasted log lines into comparable text: variable parts become placeholders.

Timestamps, UUIDs, IP addresses and ports, Engine.IO sids, cache busters and long hex
ids differ in every incident; status codes, close codes and words do not. Both log lines
and signature patterns go through the same function, so a literal signature written with
one sid still matches a line carrying another.
"""

from __future__ import annotations

import re
import unicodedata

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_SUBS: list[tuple[re.Pattern[str], str]] = [
    # 2024-05-12T10:11:12.123Z, 2024/05/12 10:11:12, 2024-05-12 10:11:12,345 +0000
    (re.compile(r"\[?\b\d{4}[-/]\d{2}[-/]\d{2}[ t]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:z|[+-]\d{2}:?\d{2})?(?:\s+utc)?"), "<ts>"),
    # [12/May/2024:10:11:12 +0000] (nginx/apache access logs)
    (re.compile(r"\[?\d{2}/[a-z]{3}/\d{4}:\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:\s+[+-]\d{4})?\]?"), "<ts>"),
    # May 12 10:11:12 (syslog), 10:11:12.123
    (re.compile(r"\b[a-z]{3}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}\b"), "<ts>"),
    (re.compile(r"\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b"), "<ts>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b"), "<ip>"),
    (re.compile(r"\[[0-9a-f:]{6,}\](?::\d{1,5})?"), "<ip>"),
    (re.compile(r"\blocalhost:\d{2,5}\b"), "localhost:<port>"),
    (re.compile(r"(?<=[a-z0-9\]]):\d{2,5}(?=[/\s\"'),]|$)"), ":<port>"),
    (re.compile(r"\bsid=[a-z0-9_\-]{8,}"), "sid=<sid>"),
    (re.compile(r"\"sid\"\s*:\s*\"[^\"]+\""), "\"sid\":\"<sid>\""),
    (re.compile(r"\bt=[a-z0-9_\-.]{5,}"), "t=<t>"),
    (re.compile(r"\b(?:pid[:=]\s*|pid\s)\d+"), "pid <n>"),
    (re.compile(r"\b[0-9a-f]{12,}\b"), "<hex>"),
    (re.compile(r"#\d{2,}"), "#<n>"),
]
_SPACE = re.compile(r"\s+")
# session ids and tokens: mixed case letters and digits, 12-40 chars (Engine.IO sids, request ids)
_MIXED_ID = re.compile(r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Z])(?=[\w-]*[a-z])[A-Za-z0-9_-]{12,40}(?![\w-])")


def normalize_line(text: str) -> str:
    """Lowercase, NFKC-fold (full-width punctuation too) and replace variable parts."""
    text = unicodedata.normalize("NFKC", text)
    text = _ANSI.sub("", text)
    text = _MIXED_ID.sub("<id>", text).lower()
    for pattern, repl in _SUBS:
        text = pattern.sub(repl, text)
    return _SPACE.sub(" ", text).strip()


_JSON_MSG = re.compile(r'"(?:msg|message|log|error|err|event|reason)"\s*:\s*"((?:[^"\\]|\\.)*)"')


def explode_line(raw: str) -> str:
    """Pull the message out of JSON log lines so that signatures see it unescaped."""
    stripped = raw.strip()
    if stripped.startswith("{") and '"' in stripped:
        parts = _JSON_MSG.findall(stripped)
        if parts:
            inner = " ".join(p.encode("utf-8").decode("unicode_escape", errors="ignore") if "\\" in p else p for p in parts)
            return raw + " " + inner
    return raw
