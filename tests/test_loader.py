"""Broken playbooks get one precise `file:line:col: code: message` line per problem."""

from __future__ import annotations

import pytest

from conftest import DATA, run_cli

EXPECTED = {
    "misspelt-key.yaml": ["tests/data/invalid/misspelt-key.yaml:57:1: unknown-key: 'sigantures' (did you mean 'signatures'?)"],
    "wrong-type.yaml": [
        "tests/data/invalid/wrong-type.yaml:15:11: invalid-value: 'severity': 'catastrophic' is not one of 'blocker', 'high', 'medium' or 'low'",
        "tests/data/invalid/wrong-type.yaml:24:13: invalid-value: 'symptoms.0.weight': Input should be a valid number, unable to parse string as a number",
    ],
    "bad-regex.yaml": [
        "tests/data/invalid/bad-regex.yaml:32:9: bad-regex: symptom 'realtime-only-after-refresh' pattern 1: missing ), unterminated subpattern at position 11",
        "tests/data/invalid/bad-regex.yaml:34:9: bad-regex: symptom 'realtime-only-after-refresh' unless 1: missing ), unterminated subpattern at position 5",
        "tests/data/invalid/bad-regex.yaml:112:14: bad-regex: signature 'upgrade-required-426': missing ), unterminated subpattern at position 4",
    ],
    "yaml-syntax.yaml": ["tests/data/invalid/yaml-syntax.yaml:3:8: yaml-syntax: expected ',' or ']', but got ':'"],
    "http-reference.yaml": ["tests/data/invalid/http-reference.yaml:226:10: invalid-value: 'references.0.url': references must use https://"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lint_reports_exact_location(name):
    proc = run_cli("playbooks", "lint", f"tests/data/invalid/{name}")
    assert proc.returncode == 1
    lines = [ln for ln in proc.stdout.decode().splitlines() if "unknown-related" not in ln]
    assert lines == EXPECTED[name]
    assert "Traceback" not in proc.stderr.decode()


def test_every_invalid_fixture_has_an_expectation():
    assert sorted(p.name for p in (DATA / "invalid").glob("*.yaml")) == sorted(EXPECTED)


def test_all_problems_of_a_directory_are_collected():
    proc = run_cli("playbooks", "lint", "tests/data/invalid")
    out = proc.stdout.decode()
    for name in EXPECTED:
        assert f"tests/data/invalid/{name}:" in out
    assert proc.returncode == 1


def test_duplicate_id_names_both_files():
    proc = run_cli("--playbooks", "tests/data/dupe", "playbooks", "list")
    assert proc.returncode == 2
    err = proc.stderr.decode().strip().splitlines()
    assert err == ["tests/data/dupe/proxy-missing-upgrade-headers.yaml:2:5: duplicate-id: "
                   "'proxy-missing-upgrade-headers' is already defined in playbooks/proxy-missing-upgrade-headers.yaml"]


def test_env_var_adds_directories(tmp_path):
    src = (DATA.parent.parent / "playbooks" / "proxy-missing-upgrade-headers.yaml").read_text()
    (tmp_path / "team-cause.yaml").write_text(src.replace("id: proxy-missing-upgrade-headers", "id: team-cause", 1))
    proc = run_cli("playbooks", "list", "--format", "json", env={"WSDOCTOR_PLAYBOOKS": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert "team-cause" in proc.stdout.decode()


def test_lint_missing_path_is_usage_error():
    proc = run_cli("playbooks", "lint", "no/such/dir")
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == "wsdoctor: error: no/such/dir: no such file or directory"
