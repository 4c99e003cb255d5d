"""Signature matching in two stages, streaming in bounded memory.

Stage 1 is cheap: each line is lowercased and split into word tokens, and only lines that
share an anchor word with some signature go on. Stage 2 runs the exact check for those
signatures alone: a substring test on normalized text (literal), a case-insensitive
regex (regex), or rapidfuzz similarity (fuzzy). Signatures without a usable anchor word
(short or Chinese patterns) are tested on every line with a plain substring check.
"""

from __future__ import annotations

import re
from re import _constants as _C, _parser  # the stdlib regex parser, to find literal text a match needs
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz

from wsdoctor.engine.normalize import explode_line, normalize_line
from wsdoctor.model.playbook import Playbook, Signature
from wsdoctor.model.playbook import regex as playbook_regex

DEFAULT_FUZZY_MIN = 86.0
_TOKEN = re.compile(r"[a-z_][a-z0-9_]{3,}")


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
    is_always: bool = False  # no anchor word: tested on every line
    literals: tuple[str, ...] | None = None  # regex: one of these is in every match (lowercase)

    def __post_init__(self) -> None:
        self.plain = "<" not in self.norm
        if self.sig.kind == "regex":
            self.literals = _required_literals(self.sig.pattern)


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


def _pattern_text(text: str) -> str:
    """The normalized pattern without placeholders: ids and timestamps vary, so they never anchor."""
    return re.sub(r"<[a-z]+>", " ", normalize_line(text))


def _all_tokens(text: str) -> list[str]:
    return _TOKEN.findall(_pattern_text(text))


def _interior_tokens(text: str) -> list[str]:
    """Tokens that a matching line must also contain as whole tokens (not the pattern's edges).

    Taken from the normalized pattern, so ids and timestamps (which vary) are never anchors.
    """
    low = _pattern_text(text)
    toks = list(_TOKEN.finditer(low))
    out = []
    for m in toks:
        left_ok = m.start() > 0 and not low[m.start() - 1].isalnum()
        right_ok = m.end() < len(low) and not low[m.end()].isalnum() and low[m.end()] != "_"
        if left_ok and right_ok:
            out.append(m.group())
    return out


def _regex_anchor(pattern: str) -> str | None:
    """A word every match of the regex must contain as a whole token, or None when unsure."""
    pattern = pattern.replace("\\(", "\x01").replace("\\)", "\x02").replace("\\|", "\x03")
    if "|" in pattern:
        # alternation inside a group: only words outside every group are safe
        depth, outside = 0, []
        for ch in pattern:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            outside.append(ch if depth == 0 and ch != ")" else "§")
        flat = "".join(outside)
        if "|" in flat:
            return None
        pattern = flat
    flat = re.sub(r"\\[bsB]([+*?])?", " ", pattern)          # boundaries and spaces
    flat = re.sub(r"\\([^a-zA-Z0-9])", r"\1", flat)             # escaped punctuation is itself
    flat = re.sub(r"\\[a-zA-Z]|\[[^\]]*\]|\{[^}]*\}", "§", flat)  # classes: the word may go on
    flat = re.sub(r"\([^()]*\)[?*]?", "§", flat)
    flat = flat.replace("\x01", "(").replace("\x02", ")").replace("\x03", "|")  # literal again
    words = []
    low = flat.lower()
    for m in _TOKEN.finditer(low):
        before = low[m.start() - 1] if m.start() else " "
        after = low[m.end()] if m.end() < len(low) else " "
        if after in "?*{+" or before == "§" or after == "§" or before.isalnum() or after.isalnum() \
                or after == "_" or m.group().endswith("_"):
            continue
        words.append(m.group())
    return _pick(words)


def _split_top(pattern: str) -> list[str]:
    """Split a regex at its top-level '|' (outside groups and classes)."""
    parts, depth, cls, cur, i = [], 0, False, [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            cur.append(pattern[i : i + 2])
            i += 2
            continue
        if cls:
            cls = ch != "]"
        elif ch == "[":
            cls = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


def _regex_anchors(pattern: str, depth: int = 0) -> list[str] | None:
    """One anchor word per alternative of the regex (None when some alternative has none)."""
    branches = _split_top(pattern)
    if len(branches) == 1:
        single = _regex_anchor(pattern)
        if single:
            return [single]
        # a pattern that is one group of alternatives, such as \b(a b|c d)\b
        m = re.fullmatch(r"(?:\\b)?\((?:\?:)?(.*)\)(?:\\b)?", pattern)
        if m and depth < 3 and len(_split_top(m.group(1))) > 1:
            return _regex_anchors(m.group(1), depth + 1)
        return None
    out = []
    for b in branches:
        a = _regex_anchors(b, depth + 1)
        if not a:
            return None
        out.extend(a)
    return sorted(set(out))


def _literal_run(seq) -> str:
    """The longest literal text (lowercased) that every match of this parsed sequence contains."""
    best, cur = "", ""
    for op, av in seq:
        if op is _C.LITERAL:
            cur += chr(av).lower()
            continue
        best, cur = max(best, cur, key=len), ""
        inner = av[-1] if op is _C.SUBPATTERN else av[2] if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1 else None
        if inner is not None:
            alts = _literal_alternatives(inner)
            if alts and len(alts) == 1:
                best = max(best, alts[0], key=len)
    return max(best, cur, key=len)


def _literal_alternatives(seq) -> list[str] | None:
    data = list(seq)
    if len(data) == 1 and data[0][0] is _C.BRANCH:
        out: list[str] = []
        for branch in data[0][1][1]:
            alts = _literal_alternatives(branch)
            if not alts:
                return None
            out.extend(alts)
        return out
    run = _literal_run(data)
    return [run] if len(run) >= 3 else None


def _required_literals(pattern: str) -> tuple[str, ...] | None:
    """Strings one of which every match of the (case-insensitive) regex contains, or None when unsure."""
    try:
        alts = _literal_alternatives(_parser.parse(pattern, re.IGNORECASE))
    except Exception:  # noqa: BLE001 - an unusual pattern just goes without a prefilter
        return None
    return tuple(sorted(set(alts))) if alts else None


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
                anchors = _regex_anchors(c.sig.pattern) or []
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
                c.is_always = True
                self._always.append(c)
        self._always_literals = [c for c in self._always if c.sig.kind != "regex"]
        # anchorless regexes: most still need some literal text (one of a few strings) that a plain
        # substring test finds far faster than the regex engine; the rest share one combined gate
        self._always_regex: list[tuple[_Compiled, tuple[str, ...] | None]] = [
            (c, c.literals) for c in self._always if c.sig.kind == "regex"]
        ungated = [c.sig.pattern for c, need in self._always_regex if need is None]
        self._always_gate: re.Pattern[str] | None = None
        if ungated:
            try:
                self._always_gate = re.compile("|".join(f"(?:{p})" for p in ungated), re.IGNORECASE)
            except re.error:  # a pattern with back-references cannot be combined: test them one by one
                self._always_gate = None

    @classmethod
    def for_playbooks(cls, playbooks: Iterable[Playbook]) -> "SignatureMatcher":
        compiled = []
        for pb in playbooks:
            for sig in pb.signatures:
                regex = playbook_regex(sig.pattern) if sig.kind == "regex" else None
                norm = normalize_line(sig.pattern)
                if sig.kind == "literal":
                    # quoted log lines often lose their final full stop: "Unsupported upgrade request"
                    norm = norm.rstrip(".!;, ") or norm
                compiled.append(_Compiled(pb.id, sig, norm, regex, sig.min_score or DEFAULT_FUZZY_MIN, len(compiled)))
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
            line_always = always
            if always and raw.isascii():  # (NFKC can turn other text into ASCII the literals would miss)
                gate_open = self._always_gate is None or bool(self._always_gate.search(raw))
                line_always = self._always_literals + [
                    c for c, need in self._always_regex
                    if (need is None and gate_open) or (need is not None and any(n in low for n in need))]
            if not candidates and not line_always:
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
            for c in (*candidates, *line_always):
                key = (c.playbook, c.sig.id)
                if key in seen:
                    continue
                seen.add(key)
                if c.sig.kind == "literal" and simple and c.plain:
                    sim = 1.0 if c.norm in low else 0.0
                elif c.sig.kind == "regex" and simple:
                    # regexes are written against raw text (and ignore case): a plain line needs no normalizing,
                    # and a line without any of the literal texts a match needs is skipped without the regex
                    if c.literals is not None and not any(n in low for n in c.literals):
                        continue
                    sim = 1.0 if c.regex.search(line) else 0.0
                else:
                    if norm is None:
                        text = explode_line(line)
                        norm = normalize_line(text)
                    if c.is_always and c.sig.kind == "literal" and c.norm not in norm:
                        continue
                    sim = self._check(c, text, norm)
                if sim > 0:
                    yield Hit(number, raw.rstrip("\n"), c.playbook, c.sig.id, c.sig.kind, c.sig.weight, sim, source)
