"""Proxy configuration analysis: read a config (or a config pasted among logs) and report the
settings that break WebSockets, each tied to the playbook that explains it.

Only nginx is analysed so far (parsed with crossplane, the parser NGINX maintains). A finding
is evidence for diagnosis like a log line, and `wsdoctor check-config` prints it lint-style.
"""

from __future__ import annotations

from wsdoctor.config.model import WARNING_WEIGHT, ConfigError, Finding
from wsdoctor.config.nginx import analyze_nginx, find_nginx_blocks, looks_like_nginx

__all__ = ["WARNING_WEIGHT", "ConfigError", "Finding", "analyze_text", "analyze_nginx", "find_nginx_blocks", "looks_like_nginx"]


def analyze_text(text: str, name: str = "pasted", *, strict: bool = False) -> list[Finding]:
    """Findings for every nginx config block found in `text` (a whole file or a paste with logs).

    strict: a block that does not parse raises ConfigError (check-config); otherwise it is skipped
    (diagnose: a half-pasted config must not stop the diagnosis).
    """
    out: list[Finding] = []
    for start, block in find_nginx_blocks(text):
        try:
            out.extend(analyze_nginx(block, name, line_offset=start - 1))
        except ConfigError:
            if strict:
                raise
    return out
