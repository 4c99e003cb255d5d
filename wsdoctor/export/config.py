"""check-config output: lint-style lines for people, a JSON document for scripts."""

from __future__ import annotations

import json

from wsdoctor import __version__
from wsdoctor.config import WARNING_WEIGHT, Finding
from wsdoctor.export.redact import redact
from wsdoctor.export.text import BOLD, CYAN, DIM, YELLOW, Style


def render_findings(findings: list[Finding], fmt: str = "text", *, hidden: int = 0, color: bool = False,
                    redact_secrets: bool = True) -> str:
    if redact_secrets:  # a config line can carry a token (proxy_set_header Authorization ...)
        findings = [f.model_copy(update={"text": redact(f.text), "message": redact(f.message), "fix": redact(f.fix)})
                    for f in findings]
    if fmt == "json":
        doc = {"wsdoctor": __version__, "findings": [
            {**f.model_dump(), "level": "warning" if f.weight >= WARNING_WEIGHT else "note"} for f in findings]}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    st = Style(color)
    out: list[str] = []
    for f in findings:
        level = st(YELLOW, "warning") if f.weight >= WARNING_WEIGHT else st(DIM, "note")
        out.append(f"{st(BOLD, f'{f.source}:{f.line}')}: {level}: {f.message} [{f.rule}]")
        if f.text:
            out.append(f"    {st(DIM, f.text)}")
        out.append(f"    cause: {st(CYAN, f.playbook)} (wsdoctor playbooks show {f.playbook})")
        if f.fix:
            out.append("    fix:")
            out.extend(f"      {ln}" for ln in f.fix.splitlines())
        out.append("")
    warnings = sum(f.weight >= WARNING_WEIGHT for f in findings)
    summary = f"{warnings} warning(s), {len(findings) - warnings} note(s)"
    if hidden:
        summary += f"; {hidden} note(s) hidden (--all shows them)"
    if not findings and not hidden:
        summary = "no settings that break WebSockets found"
    out.append(summary)
    return "\n".join(out) + "\n"
