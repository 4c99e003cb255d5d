"""A remediation plan for the user's own stack from the top diagnoses.

Steps for components the user actually runs come first (the nginx snippet when proxy=nginx,
the CloudFront policies when cdn=cloudfront); application and client changes follow; a
generic step appears only when nothing specific applies. Cheap, reversible steps go before
invasive ones, and a step shared by several causes appears once.
"""

from __future__ import annotations

import re
from functools import lru_cache

from wsdoctor.engine.topology import matches as topo_matches
from wsdoctor.engine.topology import vocabulary
from wsdoctor.model.intake import Intake
from wsdoctor.model.playbook import Fix, Playbook
from wsdoctor.model.result import Diagnosis, Plan, PlanSnippet, PlanStep

EFFORT = {"check": 0, "config": 1, "code": 2, "infra": 3}
MAX_CAUSES = 3
SECONDARY_STEPS = 3
# components that are named after a topology value under another name
COMPONENT_OF = {
    "nginx-proxy-manager": {"nginx"},
    "ingress-nginx": {"ingress-nginx", "kubernetes", "k8s-ingress"},
    "kubernetes": {"kubernetes", "k8s-ingress", "ingress-nginx"},
    "aws-alb": {"aws-alb"},
    "aws-elb": {"aws-elb"},
}


@lru_cache(maxsize=1)
def _infra_components() -> frozenset[str]:
    vocab = vocabulary()
    out: set[str] = set(COMPONENT_OF)
    for key in ("cdn", "load_balancer", "proxy", "platform"):
        out |= set(vocab[key])
    return frozenset(out)


def _fix_applies(fix: Fix, intake: Intake) -> str | None:
    """'specific', 'app', 'generic' or None (not for this stack)."""
    topo = intake.topology
    if fix.when:
        ok = all(key in topo and topo_matches(values, topo[key]) for key, values in fix.when.items())
        return "specific" if ok else None
    if fix.component == "generic":
        return "generic"
    present = set(topo.values())
    names = COMPONENT_OF.get(fix.component, {fix.component})
    if names & present:
        return "specific"
    if fix.component in _infra_components():
        return None if topo else "app"
    return "app"


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    return m.group(1) if m else text


def build_plan(lib, intake: Intake, diagnoses: list[Diagnosis]) -> Plan:
    if not diagnoses:
        return Plan()
    top_conf = diagnoses[0].confidence
    causes = [d for d in diagnoses if d.confidence >= 0.25 * top_conf][:MAX_CAUSES]
    steps: list[PlanStep] = []
    seen: dict[tuple[str, str], PlanStep] = {}
    for rank, d in enumerate(causes):
        pb: Playbook = lib.get(d.id)
        chosen: list[tuple[int, int, Fix]] = []
        generic: list[Fix] = []
        for fix in pb.fixes:
            kind = _fix_applies(fix, intake)
            if kind == "specific":
                chosen.append((0, EFFORT[fix.effort], fix))
            elif kind == "app":
                chosen.append((1, EFFORT[fix.effort], fix))
            elif kind == "generic":
                generic.append(fix)
        if not any(c[0] == 0 for c in chosen):
            chosen.extend((2, EFFORT[f.effort], f) for f in generic)
        chosen.sort(key=lambda c: (c[0], c[1]))
        if rank > 0:
            chosen = chosen[:SECONDARY_STEPS]
        for _, _, fix in chosen:
            code = fix.snippet.code.strip() if fix.snippet else ""
            key = (fix.component, re.sub(r"\s+", " ", code) or fix.title.lower())
            if key in seen:
                if d.id not in seen[key].causes:
                    seen[key].causes.append(d.id)
                continue
            verify = fix.verify or (pb.verify[0].expect if pb.verify else "")
            if not fix.verify and pb.verify and pb.verify[0].command:
                verify = f"{pb.verify[0].step} `{pb.verify[0].command}` → {pb.verify[0].expect}"
            step = PlanStep(
                id=f"{d.id}:{fix.id}", cause=d.id, causes=[d.id], title=fix.title, title_zh=fix.zh, component=fix.component,
                action="\n".join(fix.steps), why=_first_sentence(pb.summary),
                snippet=PlanSnippet(lang=fix.snippet.lang, code=fix.snippet.code) if fix.snippet else None,
                verify=verify, rollback=fix.rollback, effort=fix.effort)
            seen[key] = step
            steps.append(step)
    return Plan(steps=steps)
