"""The shipped library: every taxonomy id, clean lint, and the meta-rules every playbook obeys."""

from __future__ import annotations

from pathlib import Path

from conftest import DATA, ROOT, run_cli

TAXONOMY = [ln.strip() for ln in (DATA / "taxonomy.txt").read_text().splitlines() if ln.strip()]


def test_every_taxonomy_id_has_a_playbook(lib):
    missing = [t for t in TAXONOMY if lib.resolve(t) is None]
    assert not missing, f"no playbook for {missing}"
    assert len(TAXONOMY) >= 33


def test_shipped_library_lints_clean():
    proc = run_cli("playbooks", "lint")
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()


def test_list_shows_every_playbook_file(lib):
    proc = run_cli("playbooks", "list")
    out = proc.stdout.decode()
    for f in (ROOT / "playbooks").glob("*.yaml"):
        assert f.stem in out


def test_every_playbook_has_positive_and_negative_examples(lib):
    for pb in lib.playbooks:
        assert pb.examples.match, pb.id
        assert pb.examples.no_match, pb.id


def test_every_playbook_speaks_chinese(lib):
    for pb in lib.playbooks:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in pb.zh.title), pb.id
        for s in pb.symptoms:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in s.zh), f"{pb.id}:{s.id}"


def test_every_playbook_has_a_generic_or_component_fix_with_steps(lib):
    for pb in lib.playbooks:
        assert all(f.steps for f in pb.fixes), pb.id
        assert pb.verify, pb.id


def test_healthy_logs_match_no_signature(lib):
    from wsdoctor.engine.matcher import SignatureMatcher
    from wsdoctor.library.lint import healthy_lines

    lines = healthy_lines()
    assert len(lines) > 50
    hits = list(SignatureMatcher.for_playbooks(lib.playbooks).scan_lines(lines))
    assert hits == [], [(h.playbook, h.signature, h.text) for h in hits]
