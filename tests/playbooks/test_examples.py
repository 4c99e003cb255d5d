"""Each playbook's own examples, run through the real engine (one generated test per example)."""

from __future__ import annotations

import pytest

from wsdoctor.engine.diagnose import diagnose
from wsdoctor.library import load_library
from wsdoctor.model.intake import Intake, LogSource

LIB = load_library()


def _cases(kind: str):
    for pb in sorted(LIB.playbooks, key=lambda p: p.id):
        for ex in getattr(pb.examples, kind):
            marks = [pytest.mark.xfail(reason=ex.xfail, strict=True)] if ex.xfail else []
            yield pytest.param(pb.id, ex, id=f"{pb.id}::{ex.name}", marks=marks)


def _intake(ex) -> Intake:
    from wsdoctor.sources.intake import parse_topology

    topo, raw, _ = parse_topology([f"{k}={v}" for k, v in ex.topology.items()])
    logs = [LogSource(name="example", text=ex.logs)] if ex.logs else []
    return Intake(topology=topo, topology_raw=raw, description=ex.description or "", symptoms=ex.symptoms, logs=logs)


@pytest.mark.parametrize("pid,ex", list(_cases("match")))
def test_match_example_ranks_the_playbook(pid, ex):
    report = diagnose(LIB, _intake(ex), top=5)
    ranked = [d.id for d in report.diagnoses]
    assert pid in ranked[: ex.top], f"expected {pid} in the first {ex.top}, got {ranked[:3]}"


@pytest.mark.parametrize("pid,ex", list(_cases("no_match")))
def test_no_match_example_does_not_rank_the_playbook_first(pid, ex):
    report = diagnose(LIB, _intake(ex), top=5)
    ranked = [d.id for d in report.diagnoses]
    assert not ranked or ranked[0] != pid, f"{pid} ranked first on a near-miss: {ranked[:3]}"
