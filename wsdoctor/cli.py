"""Command line: parse, call the engine, print. Data on stdout, diagnostics on stderr."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import NoReturn

from wsdoctor import __version__
from wsdoctor.errors import ExitCode, PlaybookError, Problems, WsdoctorError

LANGS = ["en", "zh", "zh-tw"]  # zh-tw: the Chinese output in traditional characters

EPILOG_MAIN = """\
examples:
  wsdoctor                                   open the interactive wizard
  wsdoctor diagnose console.log --topology cdn=cloudfront --topology load_balancer=alb
  pbpaste | wsdoctor diagnose - --describe "messages only appear after refresh"
  wsdoctor diagnose - --describe "刷新页面后 websocket 连不上" --format json < logs.txt
  wsdoctor runbook error.log --topology proxy=nginx -o incident.md
  wsdoctor playbooks list
  wsdoctor playbooks show proxy-idle-timeout
  wsdoctor playbooks lint my-playbooks/
  wsdoctor check-config /etc/nginx/conf.d/app.conf

Topology keys: client framework cdn load_balancer proxy tls_termination server nodes platform
Custom playbooks: --playbooks DIR (repeatable) or WSDOCTOR_PLAYBOOKS=dir1:dir2
"""

EPILOG_DIAGNOSE = """\
examples:
  wsdoctor diagnose nginx-error.log browser-console.txt --topology proxy=nginx
  cat seed.log | wsdoctor diagnose - --describe "Socket has been upgraded already after refresh" \\
      --topology cdn=cloudfront --topology load_balancer="AWS ALB"
  wsdoctor diagnose --describe "断开重连, every 60 seconds" --symptom drops-at-fixed-interval
  wsdoctor diagnose app.log --format json | jq '.diagnoses[0]'
  kubectl logs deploy/chat | wsdoctor diagnose - --ask        # answer 3 yes/no questions first
  wsdoctor diagnose error.log --config /etc/nginx/sites-enabled/chat.conf

Config blocks pasted among the logs (server { ... }, location ... { ... }) are checked too.

Exit status: 0 when it ran (even with no diagnosis), 2 on bad input.
"""


EPILOG_CHECK = """\
examples:
  wsdoctor check-config /etc/nginx/sites-enabled/chat.conf
  wsdoctor check-config /etc/nginx/nginx.conf          # its include lines are followed
  nginx -T 2>/dev/null | wsdoctor check-config -
  wsdoctor check-config /etc/haproxy/haproxy.cfg
  wsdoctor check-config /etc/apache2/sites-enabled/chat.conf
  kubectl get ingress chat -o yaml | wsdoctor check-config -
  wsdoctor check-config app.conf --format json | jq '.findings[].rule'

Each finding names the root cause it belongs to (wsdoctor playbooks show ID explains it).
Exit status: 0 no warnings, 1 warnings found, 2 unusable input (a file that does not parse).
"""


EPILOG_PROBE = """\
examples:
  wsdoctor probe https://chat.example.com                     Socket.IO at /socket.io/
  wsdoctor probe https://chat.example.com --path /ws/socket.io/ --topology cdn=cloudfront
  wsdoctor probe wss://api.example.com/ws --plain --idle 120   catch an idle timeout
  wsdoctor probe https://chat.example.com --format json | jq '.probe.steps'

Steps: two polling handshakes (a cache answers both with one sid), the WebSocket upgrade with
the 2probe/3probe exchange, and with --idle a quiet socket that answers pings. What it sees
is evidence for the same ranking as `diagnose` (logs, --describe and --topology add to it).
Exit status: 0 when it ran (whatever it found), 2 on bad input.
"""


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(ExitCode.USAGE)


def _add_playbook_dirs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--playbooks", action="append", default=[], metavar="DIR",
                   help="add a directory of team playbooks (repeatable; also WSDOCTOR_PLAYBOOKS)")


def _add_intake_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", metavar="FILE", help="log file(s): browser console, server, proxy, a HAR capture (.har); - for stdin")
    p.add_argument("--describe", "-d", default="", metavar="TEXT", help="what you see, in your words (English or Chinese)")
    p.add_argument("--topology", "-t", action="append", default=[], metavar="KEY=VALUE",
                   help="a part of your stack, e.g. proxy=nginx cdn=cloudfront nodes=3 (repeatable); free text is fine: "
                        "\"server=uvicorn --workers 4\" also says nodes=multiple")
    p.add_argument("--config", "-c", action="append", default=[], metavar="FILE",
                   help="your proxy config (nginx, HAProxy, Apache, Caddyfile, Ingress), checked for settings that break sockets (repeatable)")
    p.add_argument("--symptom", action="append", default=[], metavar="ID", help="a symptom you see (ids: wsdoctor playbooks symptoms)")
    p.add_argument("--no-symptom", action="append", default=[], metavar="ID", help="a symptom you do NOT see")
    p.add_argument("--top", type=int, default=5, metavar="N", help="how many causes to show (default 5)")
    p.add_argument("--ask", action="store_true",
                   help="ask yes/no questions on the terminal first, re-ranking after each answer "
                        "(the logs may still come from a pipe)")
    p.add_argument("--questions", type=int, default=3, metavar="N", help="with --ask: at most N questions (default 3)")
    p.add_argument("--lang", choices=LANGS, default=None,
                   help="language of titles and summaries; zh-tw: traditional characters (default: from the locale)")
    p.add_argument("--no-redact", action="store_true", help="keep tokens, cookies and signatures in quoted evidence")
    _add_playbook_dirs(p)


def build_parser() -> Parser:
    parser = Parser(prog="wsdoctor", description="Find out why WebSocket / Socket.IO connections fail, and get the fix for your stack.",
                    epilog=EPILOG_MAIN, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"wsdoctor {__version__}")
    parser.add_argument("--lang", choices=LANGS, default=None,
                        help="wizard language (default: from the locale); zh-tw: traditional characters")
    parser.add_argument("--playbooks", dest="playbooks_global", action="append", default=[], metavar="DIR",
                        help="add a directory of team playbooks (repeatable; also WSDOCTOR_PLAYBOOKS)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    d = sub.add_parser("diagnose", help="rank the likely causes from logs, a description and your topology",
                       epilog=EPILOG_DIAGNOSE, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_intake_args(d)
    d.add_argument("--format", "-f", choices=["text", "json", "markdown"], default="text", help="output format (default text)")

    r = sub.add_parser("runbook", help="write a Markdown incident runbook (same inputs as diagnose)",
                       epilog="example:\n  wsdoctor runbook haproxy.log --topology proxy=haproxy -o incident.md\n",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_intake_args(r)
    r.add_argument("-o", "--output", metavar="FILE.md", help="where to write (default: standard output)")
    r.add_argument("--force", action="store_true", help="overwrite FILE.md if it exists")

    cc = sub.add_parser("check-config", help="check an nginx, HAProxy, Apache, Caddy or ingress-nginx config for settings that break WebSockets",
                        epilog=EPILOG_CHECK, formatter_class=argparse.RawDescriptionHelpFormatter)
    cc.add_argument("files", nargs="+", metavar="FILE", help="nginx, HAProxy, Apache, Caddyfile or Kubernetes Ingress manifest(s), or - for standard input")
    cc.add_argument("--format", "-f", choices=["text", "json"], default="text", help="output format (default text)")
    cc.add_argument("--all", action="store_true", help="also show notes (defaults worth knowing, such as the 60 s read timeout)")
    cc.add_argument("--no-redact", action="store_true", help="keep tokens and passwords in quoted config lines")

    pr = sub.add_parser("probe", help="connect to a live endpoint like a browser would and diagnose what happens",
                        epilog=EPILOG_PROBE, formatter_class=argparse.RawDescriptionHelpFormatter)
    pr.add_argument("url", metavar="URL", help="the site (https://chat.example.com) or a WebSocket URL (wss://host/ws)")
    pr.add_argument("--path", metavar="PATH", help="Socket.IO path (default /socket.io/)")
    pr.add_argument("--plain", action="store_true", help="a plain WebSocket endpoint, not Socket.IO")
    pr.add_argument("--eio", type=int, choices=[3, 4], default=4, help="Engine.IO protocol version (default 4)")
    pr.add_argument("--idle", type=float, default=0.0, metavar="SECONDS",
                    help="hold the socket open this long, answering pings, to catch idle timeouts (e.g. 120)")
    pr.add_argument("--origin", metavar="ORIGIN", help="Origin header to send (default: the site's own origin)")
    pr.add_argument("--header", "-H", action="append", default=[], metavar="'NAME: VALUE'",
                    help="extra request header, e.g. a cookie or token (repeatable; redacted in the output)")
    pr.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="per-request timeout (default 10)")
    _add_intake_args(pr)
    pr.add_argument("--format", "-f", choices=["text", "json", "markdown"], default="text", help="output format (default text)")

    pb = sub.add_parser("playbooks", help="list, show and lint the playbook library")
    pbs = pb.add_subparsers(dest="pb_command", metavar="ACTION", parser_class=Parser)
    pl = pbs.add_parser("list", help="id, title and category of every playbook")
    pl.add_argument("--format", choices=["text", "json"], default="text")
    _add_playbook_dirs(pl)
    ps = pbs.add_parser("show", help="one playbook, human-readable")
    ps.add_argument("id")
    ps.add_argument("--lang", choices=LANGS, default=None)
    _add_playbook_dirs(ps)
    pli = pbs.add_parser("lint", help="check playbooks: schema, ids, regexes, weak signatures, examples",
                         epilog="exit status: 0 clean, 1 findings, 2 unusable input",
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    pli.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: the shipped library + --playbooks)")
    _add_playbook_dirs(pli)
    psy = pbs.add_parser("symptoms", help="the symptom ids that --symptom accepts")
    psy.add_argument("--format", choices=["text", "json"], default="text")
    _add_playbook_dirs(psy)

    sub.add_parser("run-example-or-wizard")  # what `make run` calls; hidden from --help
    sub._choices_actions = [a for a in sub._choices_actions if a.dest != "run-example-or-wizard"]
    return parser


def _library(args: argparse.Namespace):
    from wsdoctor.library import load_library

    return load_library(_dirs(args))


def _dirs(args: argparse.Namespace) -> list[str]:
    return list(getattr(args, "playbooks_global", []) or []) + list(getattr(args, "playbooks", []) or [])


def _locale() -> str:
    return (os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or "").lower()


def _lang(args: argparse.Namespace) -> str:
    """en or zh: the language the playbooks are written in."""
    if getattr(args, "lang", None):
        return "zh" if args.lang.startswith("zh") else "en"
    return "zh" if _locale().startswith("zh") else "en"


def _traditional_wanted(args: argparse.Namespace) -> bool:
    lang = getattr(args, "lang", None)
    return lang == "zh-tw" or (lang is None and bool(re.match(r"zh[_-](tw|hk|mo|hant)", _locale())))


def _script(args: argparse.Namespace, text: str, fmt: str = "text") -> str:
    """Chinese output in traditional characters for --lang zh-tw or a zh_TW / zh_HK / zh_Hant locale
    (wsdoctor's own words only; JSON is left alone)."""
    if fmt == "json" or not _traditional_wanted(args):
        return text
    from wsdoctor.export.script import traditional

    return traditional(text, fmt)


def cmd_playbooks(args: argparse.Namespace) -> int:
    from wsdoctor.export import text as text_out

    if args.pb_command == "lint":
        return cmd_lint(args)
    lib = _library(args)
    if args.pb_command == "list":
        rows = sorted(lib.playbooks, key=lambda p: p.id)
        if args.format == "json":
            json.dump([{"id": p.id, "title": p.title, "category": p.category.value, "severity": p.severity.value}
                       for p in rows], sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            width = max(len(p.id) for p in rows)
            for p in rows:
                print(f"{p.id:<{width}}  {p.category.value:<13}  {p.title}")
        return ExitCode.OK
    if args.pb_command == "show":
        print(_script(args, text_out.render_playbook(lib.get(args.id), lang=_lang(args))))
        return ExitCode.OK
    if args.pb_command == "symptoms":
        items = sorted(lib.symptoms.values(), key=lambda s: s.id)
        if args.format == "json":
            json.dump([{"id": s.id, "text": s.text, "zh": s.zh} for s in items], sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            width = max(len(s.id) for s in items)
            for s in items:
                print(f"{s.id:<{width}}  {s.text}")
        return ExitCode.OK
    raise WsdoctorError("missing action: wsdoctor playbooks list|show|lint|symptoms")


def cmd_lint(args: argparse.Namespace) -> int:
    from wsdoctor.library.lint import lint_library
    from wsdoctor.library.registry import build, collect_files, playbook_dirs

    problems = Problems()
    if args.paths:
        paths = [Path(p) for p in args.paths]
        missing = [p for p in paths if not p.exists()]
        if missing:
            raise WsdoctorError(f"{missing[0]}: no such file or directory")
        # lint the given files against the shipped library so that related ids resolve
        files = collect_files(paths, problems)
        if not files:
            raise WsdoctorError(f"{paths[0]}: no playbook files (*.yaml) found")
        lib = build(files, problems)
        ctx_problems = Problems()
        context = build(collect_files(playbook_dirs(_dirs(args)), ctx_problems), ctx_problems, fast=True)
        known = set(context.entries) | set(context.aliases)
        checked = len(files)
    else:
        files = collect_files(playbook_dirs(_dirs(args)), problems)
        lib = build(files, problems)
        checked = len(files)
        known = set()
    lint_library(lib, problems, known_ids=known)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) in {checked} playbook file(s)", file=sys.stderr)
        return ExitCode.FINDINGS
    print(f"{checked} playbook(s) clean", file=sys.stderr)
    return ExitCode.OK


def cmd_diagnose(args: argparse.Namespace, *, runbook: bool = False) -> int:
    from wsdoctor.engine.diagnose import diagnose
    from wsdoctor.export import render
    from wsdoctor.sources.intake import build_intake

    lib = _library(args)
    intake, warnings = build_intake(lib, files=args.files, describe=args.describe, topology=args.topology,
                                    symptoms=args.symptom, no_symptoms=args.no_symptom, configs=args.config)
    for w in warnings:
        print(f"wsdoctor: warning: {w}", file=sys.stderr)
    if args.top < 1:
        raise WsdoctorError("--top must be at least 1")
    lang = _lang(args)
    if args.ask:
        intake, report = _ask(lib, intake, args.questions, top=args.top, lang=lang, say=lambda text: _script(args, text))
    else:
        report = diagnose(lib, intake, top=args.top)
    fmt = "markdown" if runbook else args.format
    out = _script(args, render(fmt, lib, intake, report, lang=lang, redact=not args.no_redact,
                               color=sys.stdout.isatty() and not os.environ.get("NO_COLOR")), fmt)
    if runbook and args.output:
        from wsdoctor.export.files import write_new

        write_new(Path(args.output), out, force=args.force)
        print(f"wrote {args.output}", file=sys.stderr)
        return ExitCode.OK
    sys.stdout.write(out)
    return ExitCode.OK


YES = {"y", "yes", "是", "是的", "对", "對", "有"}
NO = {"n", "no", "否", "不", "不是", "没有", "沒有"}


def _ask(lib, intake, limit: int, *, top: int, lang: str, say=lambda text: text):
    """Ask the next question on the terminal up to `limit` times, re-ranking after each answer.
    Questions go to /dev/tty, so standard input can carry the logs and standard output stays clean."""
    from wsdoctor.engine.diagnose import diagnose, scan_logs

    if limit < 1:
        raise WsdoctorError("--questions must be at least 1")
    try:
        tty_in, tty = open("/dev/tty", encoding="utf-8"), open("/dev/tty", "w", encoding="utf-8")
    except OSError:
        raise WsdoctorError("--ask needs a terminal to ask its questions on (/dev/tty could not be opened)") from None
    scan = scan_logs(lib, intake)
    report = diagnose(lib, intake, top=top, scan=scan)
    skipped: set[str] = set()
    zh = lang == "zh"
    with tty_in, tty:
        for n in range(1, limit + 1):
            q = report.next_question
            if q is None:
                break
            tty.write(say(f"\n[{n}/{limit}] {q.zh if zh else q.text}\n"
                          + ("  [y] 是  [n] 否  [?] 不知道  [q] 结束: " if zh else "  [y]es  [n]o  [?] don't know  [q]uit: ")))
            tty.flush()
            line = tty_in.readline()
            answer = line.strip().lower()
            if not line or answer in ("q", "quit", "结束", "結束"):
                break
            if answer in YES or answer in NO:
                intake = intake.model_copy(update={"symptoms": {**intake.symptoms, q.symptom: answer in YES}})
            else:
                skipped.add(q.symptom)
            report = diagnose(lib, intake, top=top, scan=scan, skip=skipped)
            if report.diagnoses:
                d = report.diagnoses[0]
                tty.write(f"  -> {d.id} {round(d.confidence * 100)}%\n")
        tty.write("\n")
    return intake, report


def cmd_check_config(args: argparse.Namespace) -> int:
    from wsdoctor.config import WARNING_WEIGHT, analyze_text, find_config_blocks, includes_other_files, split_nginx_dump
    from wsdoctor.export.config import render_findings
    from wsdoctor.sources.intake import check_text_file, read_stdin

    findings = []
    for name in args.files:
        path = None
        if name == "-":
            text = read_stdin()
        else:
            check_text_file(Path(name), "config")
            text = Path(name).read_text(encoding="utf-8", errors="replace")
            path = name
        whole = split_nginx_dump(text) or (path is not None and includes_other_files(text))
        if not whole and not find_config_blocks(text):
            raise WsdoctorError(f"{name}: no nginx server/location block with proxy_pass, no HAProxy "
                                "frontend/backend/listen section, no Apache ProxyPass, no Caddyfile reverse_proxy and no Kubernetes Ingress found")
        findings.extend(analyze_text(text, name, strict=True, path=path))
    shown = findings if args.all else [f for f in findings if f.weight >= WARNING_WEIGHT]
    sys.stdout.write(render_findings(shown, args.format, hidden=len(findings) - len(shown),
                                     color=sys.stdout.isatty() and not os.environ.get("NO_COLOR"),
                                     redact_secrets=not args.no_redact))
    return ExitCode.FINDINGS if any(f.weight >= WARNING_WEIGHT for f in findings) else ExitCode.OK


def cmd_probe(args: argparse.Namespace) -> int:
    from wsdoctor.engine.diagnose import diagnose
    from wsdoctor.export import render
    from wsdoctor.export.redact import redact
    from wsdoctor.model.intake import LogSource
    from wsdoctor.probe import parse_target, probe
    from wsdoctor.sources.intake import build_intake

    headers = {}
    for h in args.header:
        name, sep, value = h.partition(":")
        if not sep or not name.strip():
            raise WsdoctorError(f"--header {h!r}: expected 'Name: value'")
        headers[name.strip()] = value.strip()
    if args.idle < 0 or args.timeout <= 0:
        raise WsdoctorError("--idle must be >= 0 and --timeout > 0")
    parse_target(args.url, args.path, False if args.plain else None)  # a bad URL is a usage error before any I/O
    lib = _library(args)
    intake, warnings = build_intake(lib, files=args.files, describe=args.describe, topology=args.topology,
                                    symptoms=args.symptom, no_symptoms=args.no_symptom, configs=args.config)
    for w in warnings:
        print(f"wsdoctor: warning: {w}", file=sys.stderr)
    clean = (lambda s: s) if args.no_redact else redact
    result = probe(args.url, path=args.path, socketio=False if args.plain else None, eio=args.eio, idle=args.idle,
                   origin=args.origin, timeout=args.timeout, headers=headers,
                   progress=lambda m: print(f"wsdoctor: probe: {clean(m)}", file=sys.stderr))
    intake = intake.model_copy(update={"logs": [*intake.logs, LogSource(name="probe", text="\n".join(result.transcript))]})
    report = diagnose(lib, intake, top=args.top, findings=result.findings)
    steps = [{"step": s.name, "ok": s.ok, "detail": clean(s.detail)} for s in result.steps]
    if args.format == "json":
        doc = json.loads(render("json", lib, intake, report, lang=_lang(args), redact=not args.no_redact))
        doc["probe"] = {"url": clean(args.url), "steps": steps}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return ExitCode.OK
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    if args.format == "text":
        mark = {True: "ok  ", False: "FAIL", None: "--  "}
        lines = [f"probe {clean(args.url)}"] + [f"  [{mark[s['ok']]}] {s['step']}: {s['detail']}" for s in steps]
        sys.stdout.write("\n".join(lines) + "\n\n")
    sys.stdout.write(_script(args, render(args.format, lib, intake, report, lang=_lang(args), redact=not args.no_redact,
                                          color=color), args.format))
    return ExitCode.OK


def cmd_example_or_wizard(args: argparse.Namespace) -> int:
    if sys.stdin.isatty() and sys.stdout.isatty():
        return run_tui(args)
    from wsdoctor.sources.example import example_args

    print("No terminal: diagnosing the bundled example incident (seed 000, Chainlit behind CloudFront + ALB).\n",
          file=sys.stderr)
    ns = build_parser().parse_args(["diagnose", *example_args()])
    return cmd_diagnose(ns)


def run_tui(args: argparse.Namespace) -> int:
    from wsdoctor.tui.app import run

    lang = _lang(args)
    return run(lang="zh-tw" if lang == "zh" and _traditional_wanted(args) else lang, playbook_dirs=_dirs(args))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            if not sys.stdin.isatty() or not sys.stdout.isatty():
                parser.print_help()
                return ExitCode.OK
            return run_tui(args)
        if args.command == "diagnose":
            return cmd_diagnose(args)
        if args.command == "runbook":
            return cmd_diagnose(args, runbook=True)
        if args.command == "probe":
            return cmd_probe(args)
        if args.command == "check-config":
            return cmd_check_config(args)
        if args.command == "playbooks":
            if args.pb_command is None:
                raise WsdoctorError("missing action: wsdoctor playbooks list|show|lint|symptoms")
            return cmd_playbooks(args)
        if args.command == "run-example-or-wizard":
            return cmd_example_or_wizard(args)
    except PlaybookError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        if getattr(args, "pb_command", None) == "lint":
            return ExitCode.FINDINGS
        return ExitCode.USAGE
    except WsdoctorError as exc:
        print(f"wsdoctor: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("wsdoctor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return ExitCode.OK
    parser.print_help()
    return ExitCode.USAGE


if __name__ == "__main__":
    raise SystemExit(main())
