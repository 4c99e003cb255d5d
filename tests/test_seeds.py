"""The five seed incidents (English and Chinese): right cause first, documented fix in the plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from eval_cases import intake_for
from wsdoctor.engine.diagnose import diagnose

CASES = Path(__file__).resolve().parent / "cases"
FIXES = YAML(typ="safe").load((Path(__file__).resolve().parent / "data" / "seed_fixes.yaml").read_text())
SEEDS = sorted(CASES.glob("seed-*.yaml"))


def _load(path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
@pytest.mark.parametrize("mode", ["full", "describe"])
def test_seed_cause_ranks_first(lib, path, mode):
    case = _load(path)
    report = diagnose(lib, intake_for(case, mode))
    ok = {case["expected"], *(case.get("also_acceptable") or [])}
    assert report.diagnoses, "no diagnosis at all"
    assert report.diagnoses[0].id in ok, [d.id for d in report.diagnoses[:3]]


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed_plan_starts_with_the_documented_fix(lib, path):
    case = _load(path)
    spec = FIXES[case.get("variant_of") or case["id"]]
    report = diagnose(lib, intake_for(case, "full"))
    assert report.diagnoses[0].id == case["expected"]
    first = report.plan.steps[: spec["steps"]]
    blob = "\n".join(f"{s.title}\n{s.action}\n{s.snippet.code if s.snippet else ''}" for s in first)
    for needle in spec["must"]:
        assert needle.lower() in blob.lower(), f"{needle!r} not in the first {spec['steps']} plan steps: {[s.id for s in first]}"
