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


def _bar(conf: float, width: int = 12) -> str:
    filled = round(conf * width)
    return "█" * filled + "░" * (width - filled)


NOTHING_HELPS = """No cause stands out yet. What would help:
  - paste the browser console error (DevTools > Console), or save the page's requests as a HAR file
    (DevTools > Network > Save all as HAR) and pass it like a log
  - add the proxy's error log (nginx error.log, HAProxy log, Caddy JSON log) and the app server log
  - add your proxy config: --config nginx.conf (nginx, HAProxy, Apache, Caddyfile, Ingress YAML)
  - probe the live site: wsdoctor probe https://your.site (add --idle 120 for drops after a while)
  - describe what you see: when it breaks, how often, for whom (--describe "...")
  - name your stack: --topology proxy=nginx --topology cdn=cloudflare --topology nodes=3"""


NOTHING_HELPS_ZH = """还看不出明显的原因。这些信息会有帮助：
  - 粘贴浏览器控制台的报错（开发者工具 > Console），或把页面请求另存为 HAR（开发者工具 > Network >
    Save all as HAR），像日志一样传进来
  - 加上代理的错误日志（nginx error.log、HAProxy 日志、Caddy JSON 日志）和应用服务器日志
  - 加上代理配置：--config nginx.conf（支持 nginx、HAProxy、Apache、Caddyfile、Ingress YAML）
  - 直接探测线上地址：wsdoctor probe https://your.site（连上一段时间后才断的话加 --idle 120）
  - 用自己的话描述现象：什么时候断、多久断一次、哪些人受影响（--describe "..."）
  - 说明你的部署：--topology proxy=nginx --topology cdn=cloudflare --topology nodes=3"""


def render_report(lib, intake, report, *, lang: str = "en", redact: bool = True, color: bool = False,
                  plan_steps: int = 4) -> str:
    from wsdoctor.export.redact import redact as scrub

    st = Style(color)
    clean = scrub if redact else (lambda s: s)
    zh = lang == "zh"
    out: list[str] = []
    n = len(report.diagnoses)
    scanned = f"{report.lines_scanned} log line(s) scanned" if report.lines_scanned else "no logs"
    if not n:
        out.append(st(BOLD, "wsdoctor: no diagnosis") + f" ({scanned})")
        out.append("")
        out.append(NOTHING_HELPS_ZH if zh else NOTHING_HELPS)
        return "\n".join(out) + "\n"
    detailed = [d for i, d in enumerate(report.diagnoses) if i == 0 or d.confidence >= 0.01]
    k = len(detailed)
    out.append(st(BOLD, f"wsdoctor: {k} likely cause{'s' if k != 1 else ''}") + f" ({scanned})")
    out.append("")
    for i, d in enumerate(detailed, 1):
        pb = lib.get(d.id)
        title = pb.zh.title if zh else pb.title
        colour = GREEN if d.confidence >= 0.6 else YELLOW if d.confidence >= 0.3 else DIM
        out.append(f"{i}. {st(BOLD, d.id)}  {st(colour, _bar(d.confidence))} {round(d.confidence * 100):>3d}%")
        out.append(f"   {title}")
        shown = 0
        for e in sorted(d.evidence, key=lambda e: e.signature == "semantic"):  # seen or said before resembles
            if shown >= 5:
                break
            if e.points < 0 and e.kind != "topology":
                continue
            if e.kind == "log":
                out.append(f"   {st(CYAN, 'log')} {e.where}: {clean(e.text)[:110]}  {st(DIM, '[' + (e.signature or '') + ']')}")
            elif e.kind in ("probe", "har"):
                out.append(f"   {st(CYAN, e.kind)} {e.where}: {clean(e.detail)[:150]}  {st(DIM, '[' + (e.signature or '') + ']')}")
            elif e.kind == "config":
                out.append(f"   {st(CYAN, 'config')} {e.where}: {clean(e.detail)[:150]}  {st(DIM, '[' + (e.signature or '') + ']')}")
            elif e.kind == "description" and e.detail.startswith("the description shares"):
                out.append(f"   {st(CYAN, 'described')}: {st(DIM, 'shares the terms')} {e.text}")
            elif e.kind == "description" and e.signature in ("naive-bayes", "semantic"):
                out.append(f"   {st(CYAN, 'described')}: {st(DIM, e.detail)}")
            elif e.kind == "description" and e.signature == "timing":
                out.append(f"   {st(CYAN, 'interval')}: {e.text}  {st(DIM, '(' + e.detail + ')')}")
            elif e.kind == "description":
                what = f"matches '{e.signature}'" if e.signature else e.detail
                out.append(f"   {st(CYAN, 'described')}: {clean(e.text)[:100]}  {st(DIM, '(' + what + ')')}")
            elif e.kind == "symptom":
                out.append(f"   {st(CYAN, 'answer')}: {e.detail}")
            else:
                out.append(f"   {st(CYAN, 'topology')}: {e.detail}")
            shown += 1
        out.append("")
    rest = report.diagnoses[len(detailed):]
    if rest:
        out.append("Also considered: " + ", ".join(f"{d.id} ({round(d.confidence * 100)}%)" for d in rest))
        out.append("")
    q = report.next_question
    if q:
        out.append(st(BOLD, "Next question") + f": {q.zh if zh else q.text}?")
        out.append(f"   answer with --symptom {q.symptom}  or  --no-symptom {q.symptom}")
        out.append("")
    steps = report.plan.steps
    if steps:
        topo = ", ".join(f"{k}={v}" for k, v in (report.plan.topology or intake.topology).items()) or "no topology given: add --topology for steps specific to your stack"
        out.append(st(BOLD, "Plan") + f" ({topo})")
        for i, s in enumerate(steps[:plan_steps], 1):
            out.append(f" {i}. [{s.component}] {s.title}  {st(DIM, '(' + ', '.join(s.causes) + ')')}")
            for line in s.action.splitlines():
                out.append(textwrap.fill(line, width=96, initial_indent="    - ", subsequent_indent="      "))
            if s.snippet:
                out.append(st(DIM, f"    --- {s.snippet.lang} ---"))
                out.extend("    " + ln for ln in s.snippet.code.rstrip().splitlines())
                out.append(st(DIM, "    ---"))
            if s.verify:
                out.append(textwrap.fill("verify: " + s.verify, width=96, initial_indent="    ", subsequent_indent="      "))
        if len(steps) > plan_steps:
            out.append(f" ... {len(steps) - plan_steps} more step(s): wsdoctor runbook (same arguments) -o incident.md")
    return "\n".join(out).rstrip() + "\n"
