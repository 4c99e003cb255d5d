"""Rank root causes for an Intake: logs, described symptoms, answers and topology, all explained."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from wsdoctor.config import Finding, analyze_file, analyze_text
from wsdoctor.engine import scoring as W
from wsdoctor.engine.bayes import NaiveBayes
from wsdoctor.engine.semantic import Semantic
from wsdoctor.engine.semantic import enabled as semantic_enabled
from wsdoctor.engine.matcher import Hit, SignatureMatcher
from wsdoctor.engine.text import BM25, coverage, to_simplified, tokenize
from wsdoctor.engine.timing import named_by_interval
from wsdoctor.engine.topology import (INTERMEDIARY_KEYS, direct_loopback, mentions_tls, said_schemes,
                                      shows_intermediary, socket_schemes, vocabulary)
from wsdoctor.engine.topology import matches as topo_matches
from wsdoctor.model.intake import Intake
from wsdoctor.model.playbook import Playbook, regex
from wsdoctor.model.result import Diagnosis, Evidence, Question, Report

BM25_LOG_LINES = 3000  # log words beyond this many lines add nothing new to the ranking
CONFIG_SNIFF_BYTES = 2_000_000  # larger inputs are logs, not a pasted config: not searched for config blocks
MAX_EVIDENCE_LINES = 4


@dataclass
class Index:
    """Everything derived from the library once: matcher, BM25 index, symptom phrases."""

    playbooks: dict[str, Playbook]
    matcher: SignatureMatcher
    bm25: BM25
    symptom_phrases: dict[str, list[list[str]]]
    members: dict[str, dict[str, float]]  # symptom id -> {playbook id: weight}
    symptom_patterns: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    symptom_unless: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    bayes: NaiveBayes | None = None

    @cached_property
    def semantic(self) -> Semantic | None:
        """Built on the first description (loading the encoder costs about a second)."""
        return Semantic(self.playbooks.values()) if semantic_enabled() else None


_CACHE: dict[int, Index] = {}


def build_index(lib) -> Index:
    key = id(lib)
    if key in _CACHE:
        return _CACHE[key]
    pbs = {p.id: p for p in lib.playbooks}
    bm25 = BM25()
    phrases: dict[str, list[list[str]]] = defaultdict(list)
    members: dict[str, dict[str, float]] = defaultdict(dict)
    for pb in pbs.values():
        fields: list[tuple[str, float]] = [
            (pb.title, 2.0), (pb.zh.title, 2.0), (pb.summary, 1.0), (pb.zh.summary, 1.0),
            (" ".join(pb.keywords), 2.5), (" ".join(pb.technologies), 0.5),
            # the cause's prose is left out on purpose: its explanatory words matched unrelated
            # descriptions (measured: -3 top-1 on the held-out cases with it)
        ]
        for s in pb.symptoms:
            if s.weight > 0:
                fields += [(s.text, 2.0), (s.zh, 2.0)] + [(p, 1.5) for p in s.phrasings]
            members[s.id][pb.id] = s.weight
        for sig in pb.signatures:
            fields.append((sig.pattern, 1.0 if sig.kind != "regex" else 0.5))
        bm25.add(pb.id, fields)
    tech = _technology_terms()
    for sid, sym in lib.symptoms.items():
        texts = [sym.text, sym.zh]
        for pb in pbs.values():
            for s in pb.symptoms:
                if s.id == sid:
                    texts.extend(s.phrasings)
        for t in dict.fromkeys(texts):
            # a phrasing is its own words: their glossary synonyms (两次 -> twice, duplicate; certificate
            # -> cert) would let one shared word cover most of it. The query is expanded instead.
            terms = tokenize(t, expand=False)
            # a symptom is an observation: product names in its phrasings would let a report that
            # only names its stack ("gunicorn with eventlet") read like "works with one worker"
            kept = [w for w in terms if w not in tech]
            # what is left of "websocket doesn't work on vercel" is "work": too little to read as the symptom
            if len(set(kept)) >= (3 if len(kept) < len(terms) else 2):
                phrases[sid].append(kept)
    patterns: dict[str, list[re.Pattern[str]]] = defaultdict(list)
    unless: dict[str, list[re.Pattern[str]]] = defaultdict(list)
    for pb in pbs.values():
        for s in pb.symptoms:
            patterns[s.id].extend(regex(p) for p in s.patterns)
            unless[s.id].extend(regex(p) for p in s.unless)
    idx = Index(pbs, SignatureMatcher.for_playbooks(pbs.values()), bm25, dict(phrases), dict(members), dict(patterns),
                dict(unless), NaiveBayes(pbs.values()))
    _CACHE[key] = idx
    return idx


def _technology_terms() -> frozenset[str]:
    """Words that name a product (nginx, gunicorn, cloudfront), not something a user saw."""
    names: set[str] = set()
    for key, values in vocabulary().items():
        if key in ("framework", "server", "proxy", "cdn", "platform", "load_balancer"):
            names.update(values)
    # words inside product names that users also write about what they see ("one worker", "the cache")
    generic = set(tokenize("worker workers server proxy socket websocket web http node load balancer app application "
                           "cloud engine front door end run fast open manager panel gateway ingress controller several "
                           "multiple single instance replica network transport upstream cache cdn ws lb channel channels "
                           "code home window windows service bare metal docker python", expand=False))
    out: set[str] = set()
    for n in names:
        out.update(t for t in tokenize(n, expand=False) if t not in generic)
    return frozenset(out)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1].rstrip() + "\u2026"


@dataclass
class _Acc:
    score: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    strength: float = 0.0  # non-topology evidence


@dataclass
class Scan:
    """The result of scanning the logs once; the ranking can be recomputed from it cheaply."""

    hits: list[Hit]
    text: str
    lines: int
    findings: list[Finding] = field(default_factory=list)

    @cached_property
    def terms(self) -> list[str]:
        """The log text's BM25 terms, tokenized once however often the ranking is recomputed."""
        return tokenize(self.text, expand=False)


def scan_logs(lib, intake: Intake, *, progress=None, cancelled=None, every: int = 20000) -> Scan:
    """Match every log line against every signature (streaming; progress(lines) is called now and then).

    Each input is read once: while it streams past the matcher, a small one (a paste, a config
    among logs) is also kept whole for the config checks."""
    idx = build_index(lib)
    hits: list[Hit] = []
    log_text: list[str] = []
    findings: list[Finding] = list(intake.findings)
    for src in intake.configs:  # given as configs: they must parse
        findings.extend(analyze_file(src.path, src.name))
    n = 0
    for src in intake.logs:
        kept: list[str] | None = []
        size = 0

        def counted(lines):
            nonlocal n, kept, size
            for line in lines:
                n += 1
                bare = line.rstrip("\n")
                if len(log_text) < BM25_LOG_LINES:
                    log_text.append(bare)
                if kept is not None:
                    kept.append(bare)
                    size += len(bare) + 1
                    if size > CONFIG_SNIFF_BYTES:  # a log this large is not a pasted config
                        kept = None
                if progress is not None and n % every == 0:
                    progress(n)
                if cancelled is not None and n % 1000 == 0 and cancelled():
                    return
                yield line
        hits.extend(idx.matcher.scan_lines(counted(src.lines()), source=src.name))
        if kept:  # config blocks pasted among logs: best effort, a half-pasted block is skipped
            findings.extend(analyze_text("\n".join(kept), src.name, path=src.path))
    if progress is not None:
        progress(n)
    return Scan(hits, "\n".join(log_text), n, findings)


def _description_hits(idx: Index, intake: Intake) -> list[Hit]:
    """Error strings pasted into the description count like log lines."""
    if not intake.description:
        return []
    parts = [p for p in intake.description.replace("。", "\n").replace("；", "\n").splitlines() if p.strip()]
    return list(idx.matcher.scan_lines(parts, source="description"))


def _relative(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    top = max(scores.values())
    if top <= 0:
        return {k: 0.0 for k in scores}
    damp = min(1.0, top / W.BM25_DAMP)  # a weak best match should not count as much as a strong one
    return {k: v / top * damp for k, v in scores.items()}


_INNER_DOT = re.compile(r"(?<=\S)\.(?=[^\s.])")


def diagnose(lib, intake: Intake, *, top: int = 5, scan: Scan | None = None,
             findings: list[Finding] | None = None, skip: frozenset[str] | set[str] = frozenset()) -> Report:
    """Rank the causes; `findings` adds evidence found outside the logs (a live probe), `skip`
    names symptoms the user could not answer, so the next question is never one of them."""
    idx = build_index(lib)
    if intake.description:  # traditional Chinese is read as the simplified wording of the playbooks
        described = to_simplified(intake.description)
        if described != intake.description:
            intake = intake.model_copy(update={"description": described})
    acc: dict[str, _Acc] = {pid: _Acc() for pid in idx.playbooks}
    scan = scan or scan_logs(lib, intake)
    if findings:
        scan = Scan(scan.hits, scan.text, scan.lines, scan.findings + list(findings))
    hits = scan.hits + _description_hits(idx, intake)

    # 1. log (and pasted-in-description) signatures
    best: dict[tuple[str, str], list[Hit]] = defaultdict(list)
    for h in hits:
        best[(h.playbook, h.signature)].append(h)
    per_pb: dict[str, list[float]] = defaultdict(list)
    for (pid, _sig), hs in best.items():
        strongest = max(hs, key=lambda h: h.weight * h.similarity)
        per_pb[pid].append(strongest.weight * strongest.similarity)
        for h in hs[:MAX_EVIDENCE_LINES]:
            kind = "description" if h.source == "description" else "log"
            acc[pid].evidence.append(Evidence(
                kind=kind, line=None if kind == "description" else h.line, text=h.text.strip()[:400],
                signature=h.signature, similarity=round(h.similarity, 3), source=h.source,
                detail=f"matches signature '{h.signature}' ({h.kind})",
                points=round(W.W_LOG * h.weight * h.similarity, 3) if h is strongest else 0.0))
    for pid, ws in per_pb.items():
        s = W.W_LOG * W.noisy_or(ws)
        acc[pid].score += s
        acc[pid].strength += s

    # 1b. proxy config findings
    per_cfg: dict[str, list[float]] = defaultdict(list)
    for f in scan.findings:
        if f.playbook not in acc:
            continue
        per_cfg[f.playbook].append(f.weight)
        acc[f.playbook].evidence.append(Evidence(
            kind=f.kind, line=f.line, text=f.text, signature=f.rule, source=f.source, similarity=1.0,
            detail=f.message, points=round(W.W_CONFIG * f.weight, 3)))
    for pid, ws in per_cfg.items():
        s = W.W_CONFIG * W.noisy_or(ws)
        acc[pid].score += s
        acc[pid].strength += s

    # 2. free-text description: BM25 and recognised symptoms
    if intake.description:
        q = tokenize(intake.description)
        for pid, s in _relative(idx.bm25.score(q)).items():
            acc[pid].score += W.W_BM25_DESC * s
            acc[pid].strength += W.W_BM25_DESC * s
            if s >= 0.3:
                terms = idx.bm25.top_terms(pid, q, 6)
                acc[pid].evidence.append(Evidence(kind="description", text=", ".join(terms),
                                                  detail=f"the description shares terms with this cause: {', '.join(terms)}",
                                                  points=round(W.W_BM25_DESC * s, 3)))
        for pid, p in idx.bayes.posterior(q).items():
            pts = W.W_BAYES * p
            acc[pid].score += pts
            acc[pid].strength += pts
            if p >= 0.15:
                acc[pid].evidence.append(Evidence(kind="description", text="the whole description", signature="naive-bayes",
                                                  detail=f"closest to this cause's own words as a whole: naive Bayes "
                                                         f"p={p:.2f}", points=round(pts, 3)))
        if idx.semantic is not None:
            for pid, c in idx.semantic.closest(intake.description).items():
                pts = W.W_SEMANTIC * c.share
                if pid not in acc or pts <= 0:
                    continue
                acc[pid].score += pts
                acc[pid].strength += pts
                if c.share >= 0.15:
                    acc[pid].evidence.append(Evidence(
                        kind="description", text=c.sentence, signature="semantic",
                        detail=f"closest in meaning: '{_clip(c.sentence, 100)}' (similarity {c.cosine:.2f})", points=round(pts, 3)))
        qset = set(q)
        # patterns keep to one sentence with [^.;!?]; the dots inside socket.io, an address or
        # a file name are not sentence ends, so the text is also read with those dots masked
        masked = _INNER_DOT.sub("\u00b7", intake.description)
        texts = (intake.description, masked) if masked != intake.description else (intake.description,)
        for sid in sorted(idx.symptom_phrases.keys() | idx.symptom_patterns.keys()):
            if sid in intake.symptoms:
                continue
            # the description says the opposite ("safari is fine" against "only Safari fails")
            if any(p.search(t) for p in idx.symptom_unless.get(sid, ()) for t in texts):
                continue
            pattern = any(p.search(t) for p in idx.symptom_patterns.get(sid, ()) for t in texts)
            if pattern:
                cov = 1.0
            else:
                cov = max((coverage(p, qset, idx.bm25.idf) for p in idx.symptom_phrases.get(sid, ())), default=0.0)
            if cov < W.SYMPTOM_COVERAGE:
                continue
            sym = lib.symptoms[sid]
            for pid, weight in idx.members.get(sid, {}).items():
                pts = (W.W_DESC_PATTERN if pattern else W.W_DESC_SYMPTOM) * weight * cov
                acc[pid].score += pts
                if pts > 0:
                    acc[pid].strength += pts
                acc[pid].evidence.append(Evidence(kind="description", text=sym.text, signature=sid, similarity=round(cov, 3),
                                                  detail=f"the description reads like symptom '{sid}'", points=round(pts, 3)))
    if scan.text.strip():
        for pid, s in _relative(idx.bm25.score(scan.terms)).items():
            acc[pid].score += W.W_BM25_LOGS * s
            acc[pid].strength += W.W_BM25_LOGS * s

    # 2b. a drop after a product's default idle timeout names that product (Cloudflare ~100 s, Heroku 55 s)
    named: dict[str, str] = {}
    said_and_seen = f"{intake.description}\n{scan.text}"  # read for intervals and socket URLs below
    if intake.description or hits:
        # the drop itself must be plain: the symptom recognised in full (a pattern), or a log line of the cause
        plain = {e.signature for a in acc.values() for e in a.evidence
                 if e.kind == "description" and e.similarity is not None and e.similarity >= 0.999}
        for d in named_by_interval(said_and_seen):
            if d.playbook not in acc or d.key in intake.topology:
                continue
            if d.symptom not in plain and not any(h.playbook == d.playbook for h in hits):
                continue
            named.setdefault(d.key, d.value)
            acc[d.playbook].score += W.W_TIMING
            acc[d.playbook].strength += W.W_TIMING
            acc[d.playbook].evidence.append(Evidence(kind="description", text=d.why, signature="timing",
                                                     detail=f"the interval matches this default, so {d.key}={d.value} "
                                                            "is assumed for the plan", points=W.W_TIMING))

    # 3. explicit symptom answers
    for sid, yes in intake.symptoms.items():
        sym = lib.symptoms.get(sid)
        text = sym.text if sym else sid
        owners = idx.members.get(sid, {})
        for pid in idx.playbooks:
            weight = owners.get(pid)
            if weight is None:
                pts = -W.W_ANSWER_OTHER if yes else 0.0
                if pts:
                    acc[pid].score += pts
                continue
            pts = W.W_ANSWER * weight * (1 if yes else -1)
            if not yes and weight < 0:
                pts = 0.3 * W.W_ANSWER * -weight
            acc[pid].score += pts
            if pts > 0:
                acc[pid].strength += pts
            acc[pid].evidence.append(Evidence(kind="symptom", text=text, signature=sid,
                                              detail=f"you answered {'yes' if yes else 'no'}: {text}", points=round(pts, 3)))

    # 4. topology raises or lowers causes; a value that many causes list says little (IDF-style)
    n_pb = len(idx.playbooks)
    share = {key: sum(1 for pb in idx.playbooks.values()
                      if key in pb.applies_when and topo_matches(pb.applies_when[key], value))
             for key, value in intake.topology.items()}
    for pid, pb in idx.playbooks.items():
        for key, cond in pb.applies_when.items():
            value = intake.topology.get(key)
            if value is not None and topo_matches(cond, value):
                specificity = math.log(n_pb / share[key]) / math.log(n_pb) if n_pb > 1 else 1.0
                pts = round((W.W_TOPO if value in cond else W.W_TOPO_ANY) * specificity, 3)
                if pts <= 0.01:
                    continue
                acc[pid].score += pts
                acc[pid].evidence.append(Evidence(kind="topology", text=f"{key}={value}",
                                                  detail=f"{key}={value} makes this cause possible", points=pts))
        for key, cond in pb.excludes_when.items():
            value = intake.topology.get(key)
            if key in intake.topology and topo_matches(cond, value):
                acc[pid].score += W.W_EXCLUDE
                acc[pid].evidence.append(Evidence(kind="topology", text=f"{key}={value}",
                                                  detail=f"{key}={value} makes this cause unlikely", points=W.W_EXCLUDE))

    def lower(which, points: float, text: str, detail: str) -> None:
        """Every cause `which(playbook)` picks loses `points`, with the reason as topology evidence."""
        for pid, pb in idx.playbooks.items():
            if which(pb):
                acc[pid].score += points
                acc[pid].evidence.append(Evidence(kind="topology", text=text, points=points, detail=detail))

    # 4b. the socket goes straight to an app port on this machine: no proxy, CDN or balancer in between
    middle = ("proxy", "cdn", "load-balancer")
    if not scan.findings and not any(k in intake.topology for k in INTERMEDIARY_KEYS):  # a config or probe knows better
        direct = direct_loopback(said_and_seen)
        if not direct and not shows_intermediary(said_and_seen):
            # nothing in between is named or seen at all: causes that live only there drop a little
            lower(lambda pb: pb.needs_intermediary, W.W_UNSEEN, "no proxy, CDN or load balancer",
                  "no proxy, CDN or load balancer is named or seen, and this cause lives in one")
        if direct:
            no_tls = not direct.startswith(("wss", "https"))  # and no TLS: tls_termination=none
            lower(lambda pb: pb.category.value in middle or (
                      no_tls and "tls_termination" not in intake.topology
                      and topo_matches(pb.excludes_when.get("tls_termination", []), None)),
                  W.W_DIRECT, direct,
                  f"the socket goes straight to {direct}: no proxy, CDN or load balancer sits in between")

    # 4c. a report that never mentions TLS in any form: mixed content and certificates need it
    if "tls_termination" not in intake.topology and not mentions_tls(said_and_seen):
        lower(lambda pb: pb.needs_tls, W.W_NO_TLS, "no https, wss or TLS",
              "nothing in the report mentions HTTPS, wss, TLS or a certificate, and this cause needs them")

    # 4d. the socket URL's scheme: a wss:// socket is never mixed content, a ws:// one has no certificate
    schemes = socket_schemes(said_and_seen)
    why = "every socket URL given is {}://, which this cause cannot produce"
    if not schemes:  # no URL at all: a report that speaks of wss only uses it
        schemes = said_schemes(said_and_seen)
        why = "the report speaks of {} only, never of plain ws, and this cause needs a ws:// socket"
    if len(schemes) == 1:
        scheme = schemes.pop()
        lower(lambda pb: scheme in pb.excludes_schemes, W.W_SCHEME, f"{scheme}://", why.format(scheme))

    candidates = {pid: a.score for pid, a in acc.items() if a.strength >= W.MIN_EVIDENCE and a.score > 0}
    conf = W.softmax_confidence(candidates)
    ranked = sorted(candidates, key=lambda p: (-candidates[p], p))
    diagnoses = []
    for pid in ranked:
        a = acc[pid]
        ev = sorted(a.evidence, key=lambda e: (-e.points, e.line or 0, e.signature or '', e.text))
        diagnoses.append(Diagnosis(id=pid, title=idx.playbooks[pid].title, confidence=round(conf[pid], 3),
                                   score=round(a.score, 3), evidence=ev))
    question = next_question(lib, idx, {pid: a.score for pid, a in acc.items()}, intake, skip=skip)
    from wsdoctor.engine.plan import build_plan

    shown = diagnoses[:top]
    plan_intake = intake
    inferred = dict(named)  # components the intervals above named (never one the user gave)
    proxy = next((f.component for f in scan.findings if f.kind == "config" and f.component), None)
    if proxy and "proxy" not in intake.topology:  # a pasted config says which proxy the steps are for
        inferred["proxy"] = proxy
    if inferred:
        plan_intake = intake.model_copy(update={"topology": {**intake.topology, **inferred}})
    plan = build_plan(lib, plan_intake, shown)
    plan.topology = dict(plan_intake.topology)
    return Report(diagnoses=shown, next_question=question, plan=plan,
                  lines_scanned=scan.lines)


def next_question(lib, idx: Index, scores: dict[str, float], intake: Intake, *, limit: int = 8,
                  skip: frozenset[str] | set[str] = frozenset()) -> Question | None:
    """The unanswered symptom whose answer best separates the causes still in the running
    (`skip`: symptoms the user could not answer, not to be asked again).

    The prior is a softmax over every cause's current score, so this works from the very
    first question (topology only) to the last.
    """
    if len(scores) < 2:
        return None
    ranked = sorted(scores, key=lambda p: (-scores[p], p))[:limit]
    top = scores[ranked[0]]
    weights = {p: math.exp((scores[p] - top) / W.TEMPERATURE) for p in ranked}
    total = sum(weights.values())
    prior = {p: w / total for p, w in weights.items()}
    if max(prior.values()) > 0.9:
        return None
    h0 = W.entropy(list(prior.values()))
    best: tuple[float, str] | None = None
    candidates = {s.id for p in prior for s in idx.playbooks[p].symptoms}
    for sid in sorted(candidates):
        if sid in intake.symptoms or sid in skip:
            continue
        owners = idx.members.get(sid, {})
        like = {}
        for pid in prior:
            w = owners.get(pid)
            like[pid] = 0.1 if w is None else (0.15 + 0.8 * w if w > 0 else 0.05)
        p_yes = sum(prior[p] * like[p] for p in prior)
        if p_yes <= 0 or p_yes >= 1:
            continue
        post_yes = [prior[p] * like[p] / p_yes for p in prior]
        post_no = [prior[p] * (1 - like[p]) / (1 - p_yes) for p in prior]
        gain = h0 - (p_yes * W.entropy(post_yes) + (1 - p_yes) * W.entropy(post_no))
        if best is None or gain > best[0] + 1e-9:
            best = (gain, sid)
    if best is None or best[0] < 0.05:
        return None
    sym = lib.symptoms[best[1]]
    return Question(symptom=sym.id, text=sym.text, zh=sym.zh, gain=round(best[0], 3))
