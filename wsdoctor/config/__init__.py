"""Proxy configuration analysis: read a config (or a config pasted among logs) and report the
settings that break WebSockets, each tied to the playbook that explains it.

nginx is parsed with crossplane (the parser NGINX maintains); HAProxy and Apache, which have no
maintained Python parser, with small line readers, as is a Caddyfile (reading it with `caddy
adapt` would need the caddy binary); Kubernetes ingress-nginx manifests with ruamel.yaml. A finding is evidence for diagnosis like a log line,
and `wsdoctor check-config` prints it lint-style.
"""

from __future__ import annotations

from wsdoctor.config.apache import analyze_apache, find_apache_blocks
from wsdoctor.config.caddy import analyze_caddy, find_caddy_blocks
from wsdoctor.config.haproxy import analyze_haproxy, find_haproxy_blocks
from wsdoctor.config.ingress import analyze_ingress, find_ingress_blocks
from wsdoctor.config.model import WARNING_WEIGHT, ConfigError, Finding
from wsdoctor.config.nginx import analyze_nginx, analyze_nginx_dump, analyze_nginx_file, split_nginx_dump, find_nginx_blocks, includes_other_files, looks_like_nginx

__all__ = ["WARNING_WEIGHT", "ConfigError", "Finding", "analyze_text", "analyze_file", "find_config_blocks", "analyze_nginx",
           "analyze_haproxy", "find_nginx_blocks", "looks_like_nginx", "includes_other_files", "split_nginx_dump"]

ANALYZERS = {"nginx": analyze_nginx, "haproxy": analyze_haproxy, "apache": analyze_apache, "ingress": analyze_ingress,
             "caddy": analyze_caddy}


def find_config_blocks(text: str) -> list[tuple[str, int, str]]:
    """(kind, first line, text) of every proxy config block in a file or a paste of logs."""
    return ([("nginx", start, block) for start, block in find_nginx_blocks(text)]
            + [("haproxy", start, block) for start, block in find_haproxy_blocks(text)]
            + [("apache", start, block) for start, block in find_apache_blocks(text)]
            + [("ingress", start, block) for start, block in find_ingress_blocks(text)]
            + [("caddy", start, block) for start, block in find_caddy_blocks(text)])


def analyze_text(text: str, name: str = "pasted", *, strict: bool = False, path: str | None = None) -> list[Finding]:
    """Findings for every nginx, HAProxy or Apache config block found in `text` (a whole file or a paste with logs).

    strict: a block that does not parse raises ConfigError (check-config); otherwise it is skipped
    (diagnose: a half-pasted config must not stop the diagnosis).
    path: where `text` was read from; an nginx config there that includes other files
    (nginx.conf with `include sites-enabled/*;`) is read with its includes followed, as nginx does.
    `nginx -T` output is read the same way, file by file.
    """
    whole = None
    if path is not None and includes_other_files(text):
        whole = lambda: analyze_nginx_file(path)  # noqa: E731
    elif split_nginx_dump(text):
        whole = lambda: analyze_nginx_dump(text, name)  # noqa: E731
    if whole is not None:
        try:
            return whole()
        except ConfigError:
            if strict:
                raise
            return []
    out: list[Finding] = []
    for kind, start, block in find_config_blocks(text):
        try:
            out.extend(ANALYZERS[kind](block, name, line_offset=start - 1))
        except ConfigError:
            if strict:
                raise
    return out


def analyze_file(path: str, name: str | None = None, text: str | None = None) -> list[Finding]:
    """Findings for a config file on disk (check-config, --config); raises ConfigError when it does not parse."""
    if text is None:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    return analyze_text(text, name or path, strict=True, path=path)
