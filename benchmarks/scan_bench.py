#!/usr/bin/env python3
"""Scanning benchmark: wsdoctor's matcher against grep (and ripgrep) on the same corpus, in one run.

    python benchmarks/scan_bench.py [--lines 200000] [--seed 1]

Builds the deterministic corpus of ../shared/bench/make_corpus.py (log lines with 0.1 %
"needles" carrying a real failure signature, some mutated: case, ids, wording, typo),
then scans it for the signatures in ../shared/bench/signatures.txt with:
  - grep -F -i -f   (exact substrings, case-insensitive)
  - rg -F -i -f     (when ripgrep is installed)
  - wsdoctor literal (normalized substring; the two-stage matcher)
  - wsdoctor fuzzy   (rapidfuzz on prefiltered candidate lines, min score 85)
and prints time as a ratio to grep, recall and precision against the corpus's ground
truth, and peak memory. Times are for comparison within one run only.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"


def run_tool(argv: list[str]) -> tuple[float, set[int]]:
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, errors="replace")
    dt = time.perf_counter() - t0
    lines = {int(ln.split(":", 1)[0]) for ln in proc.stdout.splitlines() if ln[:1].isdigit()}
    return dt, lines


def run_wsdoctor(corpus: Path, sigs: Path, kind: str) -> tuple[float, set[int], int]:
    code = f"""
import sys, time, resource
sys.path.insert(0, {str(ROOT)!r})
from wsdoctor.engine.matcher import SignatureMatcher
from wsdoctor.model.playbook import Signature
class P: pass
pb = P(); pb.id = "bench"
pats = [l.strip() for l in open({str(sigs)!r}, encoding="utf-8") if l.strip()]
kw = {{"min_score": 85}} if {kind!r} == "fuzzy" else {{}}
pb.signatures = [Signature(id=f"s{{i}}", source="any", kind={kind!r}, pattern=p, weight=0.5, **kw) for i, p in enumerate(pats)]
m = SignatureMatcher.for_playbooks([pb])
t0 = time.perf_counter()
with open({str(corpus)!r}, encoding="utf-8", errors="replace") as fh:
    hits = sorted({{h.line for h in m.scan_lines(fh)}})
dt = time.perf_counter() - t0
print(dt); print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(",".join(map(str, hits)))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    return float(out[0]), {int(x) for x in out[2].split(",") if x}, int(out[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shared", default=str(SHARED), help="folder with make_corpus.py and signatures.txt")
    args = ap.parse_args()
    shared = Path(args.shared)
    if not (shared / "make_corpus.py").exists():
        print(f"benchmark: {shared}/make_corpus.py not found", file=sys.stderr)
        return 2
    sigs = shared / "signatures.txt"
    with tempfile.TemporaryDirectory() as tmp:
        corpus, truth_f = Path(tmp) / "corpus.log", Path(tmp) / "truth.tsv"
        print(f"building a {args.lines:,}-line corpus (seed {args.seed}) ...", file=sys.stderr)
        subprocess.run([sys.executable, str(shared / "make_corpus.py"), "--lines", str(args.lines), "--seed", str(args.seed),
                        "--out", str(corpus), "--truth", str(truth_f)], check=True)
        truth = {int(r.split("\t")[0]) for r in truth_f.read_text().splitlines()[1:] if r.strip()}
        size = corpus.stat().st_size
        rows = []
        grep_t, grep_hits = run_tool(["grep", "-n", "-F", "-i", "-f", str(sigs), str(corpus)])
        rows.append(("grep -F -i -f", grep_t, grep_hits, None))
        if shutil.which("rg"):
            rg_t, rg_hits = run_tool(["rg", "-n", "--no-heading", "-F", "-i", "-f", str(sigs), str(corpus)])
            rows.append(("rg -F -i -f", rg_t, rg_hits, None))
        for kind in ("literal", "fuzzy"):
            print(f"scanning with wsdoctor ({kind}) ...", file=sys.stderr)
            t, hits, rss = run_wsdoctor(corpus, sigs, kind)
            rows.append((f"wsdoctor {kind}", t, hits, rss))
        # the whole product on the same file: every shipped signature, then the ranking
        sys.path.insert(0, str(ROOT))
        from wsdoctor.library import load_library

        n_sigs = sum(len(pb.signatures) for pb in load_library().playbooks)
        print(f"running wsdoctor diagnose with the whole library ({n_sigs} signatures) ...", file=sys.stderr)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "wsdoctor", "diagnose", str(corpus), "--format", "json"],
                       capture_output=True, check=True, cwd=ROOT)
        full_t = time.perf_counter() - t0
    print(f"\ncorpus: {args.lines:,} lines, {size / 1e6:.1f} MB, {len(truth)} needles (seed {args.seed})\n")
    print("| scanner | time (s) | x grep | MB/s | recall | precision | peak RSS (MB) |")
    print("|---|---|---|---|---|---|---|")
    for name, t, hits, rss in rows:
        tp = len(hits & truth)
        recall = tp / len(truth) if truth else 0.0
        precision = tp / len(hits) if hits else 0.0
        mem = f"{rss / 1024:.0f}" if rss else "-"
        print(f"| {name} | {t:.2f} | {t / grep_t:.1f} | {size / 1e6 / t:.0f} | {recall:.1%} | {precision:.1%} | {mem} |")
    print(f"| wsdoctor diagnose, whole library ({n_sigs} signatures, start-up included) | {full_t:.2f} | "
          f"{full_t / grep_t:.1f} | {size / 1e6 / full_t:.0f} | - | - | - |")
    print(f"\nwsdoctor diagnose: {args.lines / full_t:,.0f} lines/s with the whole library")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
