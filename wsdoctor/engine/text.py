"""Free-text matching in English and Chinese: tokens, a bilingual glossary and BM25.

English is split into words with a light suffix stemmer. Chinese has no spaces, so runs of
Han characters are segmented: overlapping character bigrams by default (no dictionary, no
start-up cost), or jieba's search-mode words when WSDOCTOR_ZH_SEG=jieba; the evaluation
(`tests/eval_cases.py --zh-seg`) measures both. Glossary terms found in the text add the
English words the playbooks use, so a Chinese description reaches English signatures.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ruamel.yaml import YAML

_WORD = re.compile(r"[a-z0-9][a-z0-9_.]*[a-z0-9_]|[a-z0-9]")
_HAN = re.compile(r"[\u3400-\u9fff]+")
STOP = frozenset(
    "a an the and or but if then when while of to in on at by for from with into onto over after before "
    "is are was were be been being am do does did done have has had having it its this that these those there here "
    "i we you he she they me us my our your their them what which who whom whose how why where can could should "
    "would will shall may might must not no nor so than too very just also still even again ever all any "
    "some such own other more most few each both up down out off about above below under between through "
    "get got gets getting make made use used using try tried trying see seen saw like one two "
    "lot lots thing things stuff really actually anyone someone please thanks hello guys".split()
)
ZH_STOP = frozenset("的了是在我我们你他她它这那就都也还和与或但如果然后时候一个没有不会可以什么怎么为什么问题现象".replace("", " ").split())


def _stem(word: str) -> str:
    """Light stemming: upgrade/upgraded/upgrading -> upgrad, caches/cached/caching -> cach."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                break
            word = word[: -len(suffix)] + repl
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


@lru_cache(maxsize=1)
def _glossary_data() -> dict:
    text = resources.files("wsdoctor.data").joinpath("glossary.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text) or {}


@lru_cache(maxsize=1)
def glossary() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    data = _glossary_data()
    zh = {k: [str(v) for v in vs] for k, vs in (data.get("zh") or {}).items()}
    en = {k: [str(v) for v in vs] for k, vs in (data.get("en") or {}).items()}
    return zh, en


@lru_cache(maxsize=1)
def _collisions() -> dict[str, list[str]]:
    return {str(k): [str(v) for v in vs] for k, vs in (_glossary_data().get("collisions") or {}).items()}


def _zh_term_in(term: str, text: str) -> bool:
    """The glossary term occurs in the text other than inside an unrelated longer word."""
    n = text.count(term)
    return n > 0 and n > sum(text.count(longer) for longer in _collisions().get(term, ()))


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


@lru_cache(maxsize=1)
def _zh_variants() -> dict[str, str]:
    table = _glossary_data().get("variants") or {}
    return dict(sorted(((str(k), str(v)) for k, v in table.items()), key=lambda kv: -len(kv[0])))


@lru_cache(maxsize=2)
def _opencc(config: str):
    """An OpenCC converter, or None without the package (the conversion is a refinement)."""
    try:
        import opencc
    except ImportError:
        return None
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional Chinese (Taiwan, Hong Kong) as the simplified, mainland wording of the playbooks.

    OpenCC's tw2sp converts characters and common phrases (網路 -> 网络, 重新整理 -> 刷新);
    the glossary's `variants` table then maps the IT words it keeps (逾時 -> 超时, 負載平衡 ->
    负载均衡). Text that is already simplified (or has no Han characters) is returned as it is.
    """
    conv = _opencc("tw2sp") if has_han(text) else None
    if conv is None:
        return text
    converted = conv.convert(text)
    if converted == text:  # already simplified: mainland wording is left alone
        return text
    text = converted
    for old, new in _zh_variants().items():
        if old in text:
            text = text.replace(old, new)
    return text


def to_traditional(text: str) -> str:
    """Chinese output for readers in Taiwan and Hong Kong: traditional characters (OpenCC s2tw).
    Characters only, not Taiwan wording: s2twp's phrase table turns 重载 (reload) into 過載
    (overload). Unchanged when OpenCC is missing or the text has no Han characters."""
    conv = _opencc("s2tw") if has_han(text) else None
    return conv.convert(text) if conv is not None else text


def zh_mode() -> str:
    return os.environ.get("WSDOCTOR_ZH_SEG", "bigram")


def _han_tokens(run: str, mode: str) -> list[str]:
    if mode in ("jieba", "jieba-bigram"):
        import jieba  # deferred: loading its dictionary takes about a second

        jieba.setLogLevel(60)
        if mode == "jieba":
            return [w for w in jieba.lcut_for_search(run) if w not in ZH_STOP]
        out: list[str] = []
        for w in jieba.lcut(run):  # bigrams inside words only: no pairs across a word boundary
            if w in ZH_STOP:
                continue
            out.append(w) if len(w) <= 2 else out.extend([w] + [w[i : i + 2] for i in range(len(w) - 1)])
        return out
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokenize(text: str, *, expand: bool = True, mode: str | None = None) -> list[str]:
    """Terms of a text: stemmed English words, Chinese bigrams (or words), glossary expansions."""
    if len(text) > 2000:  # log text: seen once, not worth keeping
        return _tokenize(text, expand, mode or zh_mode())
    return list(_tokenize_short(text, expand, mode or zh_mode()))


@lru_cache(maxsize=50_000)
def _tokenize_short(text: str, expand: bool, mode: str) -> tuple[str, ...]:
    # the library's phrasings are tokenized for BM25, symptom phrases and naive Bayes alike
    return tuple(_tokenize(text, expand, mode))


def _tokenize(text: str, expand: bool, mode: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    out: list[str] = []
    zh_gloss, en_gloss = glossary()
    for run in _HAN.findall(text):
        out.extend(_han_tokens(run, mode))
    if expand:
        for term, words in zh_gloss.items():
            if _zh_term_in(term, text):
                out.extend(_stem(w) for w in words)
    for m in _WORD.finditer(text):
        w = m.group()
        if w in STOP or len(w) == 1:  # single letters and digits match everything
            continue
        out.append(_stem(w))
        if "." in w or "_" in w:
            out.extend(_stem(p) for p in re.split(r"[._]", w) if p and p not in STOP)
        if expand and w in en_gloss:
            out.extend(_stem(x) for x in en_gloss[w])
    return out


@dataclass
class BM25:
    """A small BM25 index over weighted fields (BM25F-style term frequencies)."""

    k1: float = 1.2
    b: float = 0.6
    docs: dict[str, Counter] = field(default_factory=dict)
    lengths: dict[str, float] = field(default_factory=dict)
    df: Counter = field(default_factory=Counter)

    def add(self, doc_id: str, fields: list[tuple[str, float]]) -> None:
        tf: Counter = Counter()
        for text, weight in fields:
            for t in tokenize(text):
                tf[t] += weight
        self.docs[doc_id] = tf
        self.lengths[doc_id] = sum(tf.values())
        for t in tf:
            self.df[t] += 1

    def idf(self, term: str) -> float:
        n = len(self.docs)
        df = self.df.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def top_terms(self, doc_id: str, query_terms: list[str], n: int) -> list[str]:
        """The query terms that weigh most for one document (to explain a match)."""
        tf = self.docs.get(doc_id, {})
        found = {t: self.idf(t) * min(tf[t], 3.0) for t in set(query_terms) if t in tf}
        return [t for t, _ in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]

    def score(self, query_terms: list[str]) -> dict[str, float]:
        if not self.docs:
            return {}
        avg = sum(self.lengths.values()) / len(self.lengths)
        q = Counter(query_terms)
        out: dict[str, float] = {}
        for doc_id, tf in self.docs.items():
            s = 0.0
            norm = self.k1 * (1 - self.b + self.b * self.lengths[doc_id] / avg)
            for term, qf in q.items():
                f = tf.get(term)
                if not f:
                    continue
                s += self.idf(term) * (f * (self.k1 + 1)) / (f + norm) * (1 + 0.2 * math.log(qf))
            out[doc_id] = s
        return out


def coverage(phrase_terms: list[str], query: set[str], idf) -> float:
    """How much of a phrase the query contains (0..1)."""
    uniq = set(phrase_terms)
    # a dotted word counts once: 127.0.0.1, not also 127, 0 and 1
    uniq -= {p for t in uniq if "." in t for p in re.split(r"[._]", t) if p != t}
    if not uniq:
        return 0.0
    total = sum(idf(t) for t in uniq)
    if total <= 0:
        return 0.0
    # half the IDF-weighted share, half the plain share of words: one rare word in common
    # ("safari", "127.0.0.1") must not read as the whole phrase
    weighted = sum(idf(t) for t in uniq if t in query) / total
    plain = sum(1 for t in uniq if t in query) / len(uniq)
    return 0.5 * weighted + 0.5 * plain
