"""Signature matching in two stages, streaming in bounded memory.

Stage 1 is cheap: each line is lowercased and split into word tokens, and only lines that
share an anchor word with some signature go on. Stage 2 runs the exact check for those
signatures alone: a substring test on normalized text (literal), a case-insensitive
regex (regex), or rapidfuzz similarity (fuzzy). Signatures without a usable anchor word
(short or Chinese patterns) are tested on every line with a plain substring check.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz

from wsdoctor.engine.normalize import explode_line, normalize_line
from wsdoctor.model.playbook import Playbook, Signature

DEFAULT_FUZZY_MIN = 86.0
_TOKEN = re.compile(r"[a-z_][a-z0-9_]{3,}")
_REGEX_NOISE = re.compile(r"\\[a-zA-Z]|\\.|\[[^\]]*\]|\{[^}]*\}")


@dataclass(frozen=True)
class Hit:
    line: int  # 1-based within its source
    text: str
    playbook: str
    signature: str
    kind: str
    weight: float
    similarity: float  # 0..1
    source: str = ""


@dataclass
class _Compiled:
    playbook: str
    sig: Signature
    norm: str
    regex: re.Pattern[str] | None
    min_score: float
    order: int = 0
    required: frozenset = frozenset()  # words a matching line contains (cheap check before normalizing)
    need: int = 0
    plain: bool = False  # the normalized pattern has no placeholder

    def __post_init__(self) -> None:
        self.plain = "<" not in self.norm


# words so common in logs that they make poor anchors (most lines would become candidates)
COMMON = frozenset(
    "websocket socket connection connect error failed request response server client http https with from that this "
    "while during when have been will info warn warning debug transport upgrade header status code message".split()
)


def _pick(tokens: list[str]) -> str | None:
    """The best single anchor: the longest uncommon token, else the longest token."""
    if not tokens:
        return None
    rare = [t for t in tokens if t not in COMMON]
    return max(rare or tokens, key=len)


def _all_tokens(text: str) -> list[str]:
    return _TOKEN.findall(re.sub(r"<[a-z]+>", " ", normalize_line(text)))


def _interior_tokens(text: str) -> list[str]:
    """Tokens that a matching line must also contain as whole tokens (not the pattern's edges).

    Taken from the normalized pattern, so ids and timestamps (which vary) are never anchors.
    """
    low = re.sub(r"<[a-z]+>", " ", normalize_line(text))
    toks = list(_TOKEN.finditer(low))
    out = []
    for m in toks:
        left_ok = m.start() > 0 and not low[m.start() - 1].isalnum()
        right_ok = m.end() < len(low) and not low[m.end()].isalnum() and low[m.end()] != "_"
        if left_ok and right_ok:
            out.append(m.group())
    return out


def _regex_anchor(pattern: str) -> str | None:
    """A word every match of the regex must contain, or None when unsure."""
    if "|" in pattern.replace(r"\|", ""):
        # alternation at top level or in a group: only words outside every group are safe
        depth = 0
        outside = []
        for ch in pattern:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif depth == 0:
                outside.append(ch)
            else:
                outside.append(" ")
        flat = "".join(outside)
        if "|" in flat:
            return None
        pattern = flat
    flat = _REGEX_NOISE.sub(" ", pattern)
    flat = re.sub(r"\([^()]*\)[?*]?", " ", flat)
    words = []
    for m in _TOKEN.finditer(flat.lower()):
        after = flat[m.end():m.end() + 1]
        before = flat[m.start() - 1:m.start()] if m.start() else " "
        if after in "?*{" and after != "":
            continue
        if before.isalnum() or (after and (after.isalnum() or after == "_")):
            continue
        words.append(m.group())
    return max(words, key=len) if words else None


class SignatureMatcher:
    def __init__(self, compiled: list[_Compiled]):
        self._all = compiled
        self._by_anchor: dict[str, list[_Compiled]] = defaultdict(list)
        self._always: list[_Compiled] = []
        for c in compiled:
            if c.sig.kind != "regex":
                words = frozenset(_all_tokens(c.sig.pattern))
                c.required = words
                # a fuzzy signature tolerates one mangled word (typo, plural, synonym)
                c.need = len(words) if c.sig.kind == "literal" else max(1, len(words) - 1)
            anchors: list[str]
            if c.sig.kind == "regex":
                a = _regex_anchor(c.sig.pattern)
                anchors = [a] if a else []
            elif c.sig.kind == "literal":
                # interior words must appear whole; an edge word almost always does too
                best = _pick(_interior_tokens(c.sig.pattern)) or _pick(_all_tokens(c.sig.pattern))
                anchors = [best] if best else []
            else:  # fuzzy: any distinctive word (a typo elsewhere must still get through)
                toks = {t for t in _all_tokens(c.sig.pattern) if len(t) >= 5}
                rare = {t for t in toks if t not in COMMON}
                anchors = sorted(rare if len(rare) >= 2 else toks)
            if anchors:
                for a in anchors:
                    self._by_anchor[a].append(c)
            else:
                self._always.append(c)

    @classmethod
    def for_playbooks(cls, playbooks: Iterable[Playbook]) -> "SignatureMatcher":
        compiled = []
        for pb in playbooks:
            for sig in pb.signatures:
                regex = re.compile(sig.pattern, re.IGNORECASE) if sig.kind == "regex" else None
                compiled.append(_Compiled(pb.id, sig, normalize_line(sig.pattern), regex,
                                          sig.min_score or DEFAULT_FUZZY_MIN, len(compiled)))
        return cls(compiled)

    def _check(self, c: _Compiled, raw: str, norm: str) -> float:
        if c.sig.kind == "literal":
            return 1.0 if c.norm in norm else 0.0
        if c.sig.kind == "regex":
            assert c.regex is not None
            return 1.0 if (c.regex.search(raw) or c.regex.search(norm)) else 0.0
        score = fuzz.partial_ratio(c.norm, norm, score_cutoff=c.min_score)
        if score and len(norm) < len(c.norm) * 0.6:
            return 0.0  # a short line inside a long pattern is not a match
        return score / 100.0

    def scan_lines(self, lines: Iterable[str], source: str = "") -> Iterator[Hit]:
        by_anchor = self._by_anchor
        always = self._always
        for number, raw in enumerate(lines, start=1):
            if not raw or raw.isspace():
                continue
            low = raw.lower()
            candidates: list[_Compiled] = []
            toks = set(_TOKEN.findall(low))
            for tok in [t for t in toks if "_" in t]:
                toks.update(p for p in tok.split("_") if len(p) >= 4)
            for tok in toks:
                found = by_anchor.get(tok)
                if found:
                    candidates.extend(found)
            if candidates:
                candidates = [c for c in candidates if len(c.required & toks) >= c.need]
            if not candidates and not always:
                continue
            line = raw.rstrip("\n")
            text = line
            # plain ASCII lines need no normalizing for literal patterns without placeholders
            simple = line.isascii() and "  " not in line and "\t" not in line and "\x1b" not in line \
                and not line.lstrip().startswith("{")
            norm: str | None = None
            seen: set[tuple[str, str]] = set()
            if len(candidates) > 1:
                candidates.sort(key=lambda c: c.order)  # same order in every process
            for c in (*candidates, *always):
                key = (c.playbook, c.sig.id)
                if key in seen:
                    continue
                seen.add(key)
                if c.sig.kind == "literal" and simple and c.plain:
                    sim = 1.0 if c.norm in low else 0.0
                else:
                    if norm is None:
                        text = explode_line(line)
                        norm = normalize_line(text)
                    if c in always and c.sig.kind == "literal" and c.norm not in norm:
                        continue
                    sim = self._check(c, text, norm)
                if sim > 0:
                    yield Hit(number, raw.rstrip("\n"), c.playbook, c.sig.id, c.sig.kind, c.sig.weight, sim, source)
