"""Plain terminal output (colour only when asked): playbook pages and diagnosis reports."""

from __future__ import annotations

import textwrap

from wsdoctor.model.playbook import Playbook

BOLD, DIM, GREEN, YELLOW, RED, CYAN, RESET = "\033[1m", "\033[2m", "\033[32m", "\033[33m", "\033[31m", "\033[36m", "\033[0m"


class Style:
    def __init__(self, color: bool):
        self.color = color

    def __call__(self, code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if self.color else text


def _wrap(text: str, indent: str = "  ") -> str:
    out = []
    for para in text.strip().split("\n\n"):
        out.append(textwrap.fill(" ".join(para.split()), width=92, initial_indent=indent, subsequent_indent=indent))
    return "\n\n".join(out)


def render_playbook(pb: Playbook, *, lang: str = "en") -> str:
    zh = lang == "zh"
    lines = [f"{pb.id}  [{pb.category.value}, severity {pb.severity.value}]",
             pb.zh.title if zh else pb.title, "", _wrap(pb.zh.summary if zh else pb.summary), ""]
    lines.append("Symptoms:" if not zh else "症状：")
    for s in pb.symptoms:
        lines.append(f"  - {s.zh if zh else s.text}  ({s.id})")
    if pb.signatures:
        lines += ["", "Log signatures:" if not zh else "日志特征："]
        for sig in pb.signatures:
            lines.append(f"  - [{sig.source}, {sig.kind}] {sig.pattern}")
    lines += ["", "Cause:" if not zh else "原因：", _wrap((pb.zh.cause if zh and pb.zh.cause else pb.cause)), ""]
    lines.append("Fixes:" if not zh else "修复：")
    for fix in pb.fixes:
        when = ", ".join(f"{k}={'/'.join(v)}" for k, v in fix.when.items())
        lines.append(f"  * {(fix.zh if zh and fix.zh else fix.title)}  [{fix.component}{'; ' + when if when else ''}]")
        for step in fix.steps:
            lines.append(textwrap.fill(step, width=92, initial_indent="      - ", subsequent_indent="        "))
        if fix.snippet:
            lines.append(f"      ({fix.snippet.lang})")
            lines.extend("        " + ln for ln in fix.snippet.code.rstrip().splitlines())
    lines += ["", "Verify:" if not zh else "验证："]
    for v in pb.verify:
        lines.append(f"  - {v.step}")
        if v.command:
            lines.append(f"      $ {v.command}")
        lines.append(f"      expect: {v.expect}")
    lines += ["", "References:" if not zh else "参考："]
    lines.extend(f"  - {r.title}: {r.url}" for r in pb.references)
    if pb.related:
        lines += ["", ("Related: " if not zh else "相关：") + ", ".join(pb.related)]
    return "\n".join(lines)
