"""Renderers: text (terminal), JSON, Markdown runbook. Redaction is applied on the way out."""

from __future__ import annotations


def render(fmt: str, lib, intake, report, *, lang: str = "en", redact: bool = True, color: bool = False) -> str:
    if fmt == "json":
        from wsdoctor.export.json_out import render_json

        return render_json(lib, intake, report, redact=redact)
    if fmt == "markdown":
        from wsdoctor.export.markdown import render_runbook

        return render_runbook(lib, intake, report, lang=lang, redact=redact)
    from wsdoctor.export.text import render_report

    return render_report(lib, intake, report, lang=lang, redact=redact, color=color)
