"""A regression guard on real incidents: the ranking must stay well above the plain BM25 floor."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval_cases import intake_for, load_cases
from wsdoctor.engine.diagnose import diagnose

HERE = Path(__file__).resolve().parent


def _score(lib, cases):
    top1 = top3 = 0
    for case in cases:
        good = {case["expected"], *(case.get("also_acceptable") or [])}
        ranked = [d.id for d in diagnose(lib, intake_for(case, "full")).diagnoses]
        rank = next((i + 1 for i, d in enumerate(ranked) if d in good), None)
        top1 += rank == 1
        top3 += bool(rank and rank <= 3)
    return top1 / len(cases), top3 / len(cases)


@pytest.mark.parametrize("folder,min_top1,min_top3", [("cases", 0.85, 0.92), ("cases_holdout", 0.78, 0.89)])
def test_accuracy_on_real_incidents(lib, folder, min_top1, min_top3):
    cases = load_cases([HERE / folder])
    assert len(cases) >= 40
    top1, top3 = _score(lib, cases)
    assert top1 >= min_top1 and top3 >= min_top3, f"{folder}: top1={top1:.0%} top3={top3:.0%}"
