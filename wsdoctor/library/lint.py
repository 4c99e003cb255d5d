"""Checks beyond the schema: what makes a playbook trustworthy, not just well-formed."""

from __future__ import annotations

import re
from pathlib import Path

from wsdoctor.errors import Problems
from wsdoctor.library.loader import display_path
from wsdoctor.library.registry import Library, shipped_dir
from wsdoctor.engine.normalize import normalize_line
from wsdoctor.engine.topology import vocabulary

GENERIC = {
    "error", "errors", "failed", "fail", "failure", "timeout", "timed out", "closed", "close", "websocket",
    "socket", "connection", "disconnect", "disconnected", "exception", "warning", "warn", "400", "404",
    "500", "502", "refused", "reset", "denied", "invalid", "unknown", "bad request", "not found",
}


def healthy_dir() -> Path:
    return shipped_dir().parent / "tests" / "data" / "healthy"


def healthy_lines(directory: Path | None = None) -> list[str]:
    directory = directory or healthy_dir()
    lines: list[str] = []
    if directory.is_dir():
        for f in sorted(directory.glob("*.log")):
            lines.extend(f.read_text(encoding="utf-8").splitlines())
    return lines


def _topology_problems(lib: Library, problems: Problems) -> None:
    vocab = vocabulary()
    for pid, entry in lib.entries.items():
        pb = entry.playbook

        def check(loc: tuple, key: str, values: list[str]) -> None:
            allowed = set(vocab.get(key, {})) | {"any", "none"}
            for i, v in enumerate(values):
                if v not in allowed:
                    line, col = entry.position(*loc, key, i)
                    problems.add(display_path(entry.path), line, col, "unknown-topology-value",
                                 f"'{v}' is not a known {key} value (see wsdoctor/data/topology.yaml)")

        for key, values in pb.applies_when.items():
            check(("applies_when",), key, values)
        for key, values in pb.excludes_when.items():
            check(("excludes_when",), key, values)
        for i, fix in enumerate(pb.fixes):
            for key, values in fix.when.items():
                check(("fixes", i, "when"), key, values)


def lint_library(lib: Library, problems: Problems, healthy: list[str] | None = None,
                 known_ids: set[str] | None = None) -> None:
    """Append every lint finding for the loaded library to `problems`.

    known_ids: playbook ids outside `lib` that `related` may name (the rest of the library
    when only some files are linted).
    """
    known_ids = known_ids or set()
    from wsdoctor.engine.matcher import SignatureMatcher

    healthy = healthy_lines() if healthy is None else healthy
    alias_owner: dict[str, str] = {}
    for pid, entry in sorted(lib.entries.items()):
        pb = entry.playbook
        path = display_path(entry.path)
        if pb.id != entry.path.stem:
            line, col = entry.position("id")
            problems.add(path, line, col, "id-mismatch-filename", f"id '{pb.id}' differs from the file name '{entry.path.stem}'")
        for i, alias in enumerate(pb.aliases):
            if alias in lib.entries or alias in alias_owner:
                line, col = entry.position("aliases", i)
                other = alias if alias in lib.entries else alias_owner[alias]
                problems.add(path, line, col, "duplicate-id", f"alias '{alias}' is already used by '{other}'")
            alias_owner.setdefault(alias, pid)
        seen: set[str] = set()
        for i, sig in enumerate(pb.signatures):
            line, col = entry.position("signatures", i, "pattern")
            if sig.id in seen:
                problems.add(path, *entry.position("signatures", i, "id"), "duplicate-id", f"signature id '{sig.id}' repeats")
            seen.add(sig.id)
            core = re.sub(r"[^\w\s']", " ", sig.pattern.lower()).strip()
            if sig.kind != "regex" and (core in GENERIC or len(normalize_line(sig.pattern).strip()) < 6):
                problems.add(path, line, col, "weak-signature", f"signature '{sig.id}' is a lone generic term: {sig.pattern!r}")
        if healthy:
            matcher = SignatureMatcher.for_playbooks([pb])
            for hit in matcher.scan_lines(healthy):
                i = next(k for k, s in enumerate(pb.signatures) if s.id == hit.signature)
                line, col = entry.position("signatures", i, "pattern")
                problems.add(path, line, col, "weak-signature",
                             f"signature '{hit.signature}' also matches a healthy log line: {hit.text.strip()[:80]!r}")
        sym_seen: set[str] = set()
        for i, s in enumerate(pb.symptoms):
            if s.id in sym_seen:
                problems.add(path, *entry.position("symptoms", i, "id"), "duplicate-id", f"symptom id '{s.id}' repeats")
            sym_seen.add(s.id)
        if not pb.examples.match:
            problems.add(path, *entry.position("examples"), "missing-match-example", "add at least one examples.match case")
        if not pb.examples.no_match:
            problems.add(path, *entry.position("examples"), "missing-no-match-example",
                         "add at least one examples.no_match case (a near-miss from a sibling cause)")
        for i, rel in enumerate(pb.related):
            if lib.resolve(rel) is None and rel not in known_ids:
                problems.add(path, *entry.position("related", i), "unknown-related", f"related id '{rel}' is not a playbook")
        for kind in ("match", "no_match"):
            for i, ex in enumerate(getattr(pb.examples, kind)):
                for sid in ex.symptoms:
                    if sid not in lib.symptoms:
                        problems.add(path, *entry.position("examples", kind, i, "symptoms"), "unknown-symptom",
                                     f"example '{ex.name}' answers unknown symptom '{sid}'")
    _topology_problems(lib, problems)
