"""The JSON contract of `wsdoctor diagnose --format json`."""

from __future__ import annotations

import json

from wsdoctor import __version__
from wsdoctor.export.redact import redact


def report_dict(intake, report, *, redact_secrets: bool = True) -> dict:
    clean = redact if redact_secrets else (lambda s: s)
    return {
        "wsdoctor": __version__,
        "input": {
            "files": [s.name for s in intake.logs],
            "configs": [s.name for s in intake.configs],
            "lines": report.lines_scanned,
            "description": clean(intake.description),
            "topology": intake.topology,
            "symptoms": intake.symptoms,
        },
        "diagnoses": [
            {
                "id": d.id,
                "title": d.title,
                "confidence": d.confidence,
                "score": d.score,
                "evidence": [
                    {"kind": e.kind, "line": e.line, "text": clean(e.text), "signature": e.signature,
                     "similarity": e.similarity, "detail": e.detail, "points": e.points, "source": e.source}
                    for e in d.evidence
                ],
            }
            for d in report.diagnoses
        ],
        "next_question": report.next_question.model_dump() if report.next_question else None,
        "plan": {"topology": report.plan.topology, "steps": [
            {"id": s.id, "cause": s.cause, "causes": s.causes, "title": s.title, "title_zh": s.title_zh, "component": s.component,
             "action": s.action, "why": s.why,
             "snippet": {"lang": s.snippet.lang, "code": s.snippet.code} if s.snippet else None,
             "verify": s.verify, "rollback": s.rollback, "effort": s.effort}
            for s in report.plan.steps
        ]},
    }


def render_json(lib, intake, report, *, redact: bool = True) -> str:
    return json.dumps(report_dict(intake, report, redact_secrets=redact), ensure_ascii=False, indent=2) + "\n"
