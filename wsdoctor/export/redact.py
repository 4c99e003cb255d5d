"""Remove secrets from quoted evidence before anything is written or printed."""

from __future__ import annotations

import re

MASK = "[REDACTED]"
_RULES: list[tuple[re.Pattern[str], str]] = [
    # headers: Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, ...
    (re.compile(r"(?im)\b((?:proxy-)?authorization|cookie|set-cookie|x-api-key|x-auth-token|x-amz-security-token)(\s*[:=]\s*)([^\r\n]+)"),
     rf"\1\2{MASK}"),
    # HTTP_AUTHORIZATION: ..., HTTP_COOKIE: ... (Rails/Rack env dumps)
    (re.compile(r"(?i)\b(HTTP_AUTHORIZATION|HTTP_COOKIE)(\s*[:=]\s*)([^,)\r\n]+)"), rf"\1\2{MASK}"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[a-z0-9._~+/=-]{8,}"), rf"\1 {MASK}"),
    (re.compile(r"\beyJ[a-zA-Z0-9_-]{5,}\.[a-zA-Z0-9_-]{5,}\.[a-zA-Z0-9_-]*"), MASK),
    (re.compile(r"(?i)([?&;\s\"']|^)((?:access_|refresh_|id_|auth_|api_|session_)?token|x-amz-signature|x-amz-credential|signature|sig|key-pair-id|policy|api_?key|apikey|secret|password|passwd|pwd)=([^&\s\"'#]+)"),
     rf"\1\2={MASK}"),
    # OAuth authorization codes, only as URL query values (log fields such as Heroku's code=H15 stay)
    (re.compile(r"([?&])(code)=([^&\s\"'#]+)"), rf"\1\2={MASK}"),
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), MASK),
    (re.compile(r"(?i)(aws_secret_access_key|aws_session_token)(\s*[:=]\s*)\S+"), rf"\1\2{MASK}"),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/\s:@]+):([^/\s@]+)@"), rf"\1\2:{MASK}@"),
    (re.compile(r"(?i)(\"(?:token|access_token|password|secret|authorization|cookie)\"\s*:\s*\")[^\"]+(\")"), rf"\1{MASK}\2"),
]


def redact(text: str) -> str:
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return text
