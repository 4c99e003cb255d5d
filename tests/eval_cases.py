#!/usr/bin/env python3
"""Accuracy of wsdoctor on the incident cases, next to a plain BM25 floor.

    python tests/eval_cases.py [--cases DIR ...] [--mode full|logs|describe] [--playbooks DIR] [--baseline] [-v]

Runs the engine in-process on every case (the same inputs ../shared/eval/run_cases.py
passes to `wsdoctor diagnose`) and prints top-1 / top-3, split by language. --baseline also
ranks each case with plain BM25 over the shared knowledge (one document per root-cause
section of failure-modes.md, query = the symptoms text + logs), the floor to beat.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import Counter
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wsdoctor.engine.diagnose import diagnose  # noqa: E402
from wsdoctor.library import load_library  # noqa: E402
from wsdoctor.model.intake import Intake, LogSource  # noqa: E402
from wsdoctor.sources.intake import parse_topology  # noqa: E402

TOPOLOGY_KEYS = ("client", "framework", "cdn", "load_balancer", "proxy", "tls_termination", "server", "nodes", "platform")


def load_cases(dirs: list[Path]) -> list[dict]:
    yaml = YAML(typ="safe")
    out = []
    for d in dirs:
        for f in sorted(d.glob("*.yaml")):
            try:
                case = yaml.load(f.read_text(encoding="utf-8"))
            except Exception as exc:  # one broken case must not hide the rest
                print(f"{f}: unreadable case: {str(exc).splitlines()[0]}", file=sys.stderr)
                continue
            case["_file"] = str(f)
            out.append(case)
    return out


def is_zh(text: str) -> bool:
    return sum("\u4e00" <= c <= "\u9fff" for c in text or "") >= 4


def intake_for(case: dict, mode: str) -> Intake:
    logs = (case.get("logs") or "").strip()
    pairs = []
    desc = ""
    if mode in ("full", "describe"):
        desc = " ".join((case.get("symptoms") or "").split())
        for k, v in (case.get("topology") or {}).items():
            if k in TOPOLOGY_KEYS and v not in (None, "", "none", "unknown"):
                pairs.append(f"{k}={v}")
    topo, raw, _ = parse_topology(pairs)
    src = [LogSource(name="case.log", text=logs)] if logs and mode in ("full", "logs") else []
    return Intake(topology=topo, topology_raw=raw, description=desc, logs=src)


# --- the BM25 floor -------------------------------------------------------------------------
def _toks(text: str) -> list[str]:
    text = text.lower()
    words = re.findall(r"[a-z0-9_]{2,}", text)
    han = "".join(re.findall(r"[\u4e00-\u9fff]", text))
    return words + [han[i:i + 2] for i in range(len(han) - 1)]


def baseline_ranker(knowledge: Path):
    text = knowledge.read_text(encoding="utf-8")
    tax = (knowledge.parent / "taxonomy.md").read_text(encoding="utf-8")
    ids = re.findall(r"^\| ([a-z0-9-]+) \|", tax, flags=re.M)
    docs: dict[str, list[str]] = {}
    for i in ids:
        if i == "id":
            continue
        m = re.search(rf"^###+ {re.escape(i)}\b.*?(?=^###? |\Z)", text, flags=re.M | re.S)
        row = re.search(rf"^\| {re.escape(i)} \|(.*)$", tax, flags=re.M)
        docs[i] = _toks((m.group(0) if m else "") + " " + (row.group(1) if row else ""))
    df = Counter(t for d in docs.values() for t in set(d))
    n = len(docs)
    avg = sum(len(d) for d in docs.values()) / n
    tfs = {i: Counter(d) for i, d in docs.items()}

    def rank(query: str) -> list[str]:
        q = _toks(query)
        scores = {}
        for i, tf in tfs.items():
            s = 0.0
            for t in set(q):
                f = tf.get(t, 0)
                if f:
                    idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                    s += idf * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * len(docs[i]) / avg))
            scores[i] = s
        return sorted(scores, key=lambda k: -scores[k])

    return rank


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", action="append", default=None, help="case directory (repeatable; default tests/cases)")
    ap.add_argument("--mode", choices=("full", "logs", "describe"), default="full")
    ap.add_argument("--baseline", action="store_true", help="also score the plain BM25 floor")
    ap.add_argument("--knowledge", default=str(ROOT.parent / "shared" / "knowledge" / "failure-modes.md"))
    ap.add_argument("--playbooks", help="rank with the playbooks in this directory instead of the shipped library")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    dirs = [Path(d) for d in (args.cases or [str(ROOT / "tests" / "cases")])]
    cases = load_cases(dirs)
    if not cases:
        print("no cases", file=sys.stderr)
        return 2
    lib = load_library([args.playbooks], shipped=False) if args.playbooks else load_library()
    base = baseline_ranker(Path(args.knowledge)) if args.baseline and Path(args.knowledge).exists() else None
    stats: dict[str, Counter] = {"all": Counter(), "en": Counter(), "zh": Counter()}
    for case in cases:
        good = {case["expected"], *(case.get("also_acceptable") or [])}
        report = diagnose(lib, intake_for(case, args.mode), top=5)
        ranked = [d.id for d in report.diagnoses]
        rank = next((i + 1 for i, d in enumerate(ranked) if d in good), None)
        lang = "zh" if is_zh(case.get("symptoms", "")) else "en"
        for key in ("all", lang):
            stats[key]["n"] += 1
            stats[key]["top1"] += rank == 1
            stats[key]["top3"] += bool(rank and rank <= 3)
        if base:
            q = " ".join([case.get("symptoms") or "", case.get("logs") or ""] if args.mode == "full" else
                         [case.get("logs") or ""] if args.mode == "logs" else [case.get("symptoms") or ""])
            b = base(q)
            brank = next((i + 1 for i, d in enumerate(b) if d in good), None)
            for key in ("all", lang):
                stats[key]["b1"] += brank == 1
                stats[key]["b3"] += bool(brank and brank <= 3)
        if args.verbose and rank != 1:
            print(f"{'top3' if rank and rank <= 3 else 'MISS'} {case['id']}: expected {case['expected']}, got {','.join(ranked[:3]) or '-'}")
    for key in ("all", "en", "zh"):
        s = stats[key]
        if not s["n"]:
            continue
        line = f"{key:>3}: top1={s['top1']}/{s['n']} ({100 * s['top1'] / s['n']:.0f}%) top3={s['top3']}/{s['n']} ({100 * s['top3'] / s['n']:.0f}%)"
        if base:
            line += f"   bm25 floor: top1={s['b1']}/{s['n']} ({100 * s['b1'] / s['n']:.0f}%) top3={s['b3']}/{s['n']} ({100 * s['b3'] / s['n']:.0f}%)"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
