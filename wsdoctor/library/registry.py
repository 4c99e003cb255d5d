"""The playbook library: shipped playbooks plus the team's own directories."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from wsdoctor.errors import PlaybookError, Problems, WsdoctorError
from wsdoctor.library.loader import LoadedPlaybook, display_path, load_file
from wsdoctor.model.playbook import Playbook, Symptom

ENV_VAR = "WSDOCTOR_PLAYBOOKS"


def shipped_dir() -> Path:
    """Where the shipped playbooks are: inside the wheel, or beside the package in a checkout."""
    here = Path(__file__).resolve().parent.parent
    wheel = here / "_playbooks"
    if wheel.is_dir():
        return wheel
    return here.parent / "playbooks"


@dataclass
class Library:
    entries: dict[str, LoadedPlaybook] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def playbooks(self) -> list[Playbook]:
        return [e.playbook for e in self.entries.values()]

    def __len__(self) -> int:
        return len(self.entries)

    def resolve(self, ident: str) -> str | None:
        if ident in self.entries:
            return ident
        return self.aliases.get(ident)

    def get(self, ident: str) -> Playbook:
        real = self.resolve(ident)
        if real is None:
            close = difflib.get_close_matches(ident, list(self.entries) + list(self.aliases), n=1, cutoff=0.5)
            hint = f" (did you mean '{close[0]}'?)" if close else " (see `wsdoctor playbooks list`)"
            raise WsdoctorError(f"unknown playbook '{ident}'{hint}")
        return self.entries[real].playbook

    @cached_property
    def symptoms(self) -> dict[str, Symptom]:
        """Every symptom id in the library, first definition (by playbook id) wins."""
        out: dict[str, Symptom] = {}
        for pid in sorted(self.entries):
            for s in self.entries[pid].playbook.symptoms:
                out.setdefault(s.id, s)
        return out

    def check_symptom(self, ident: str) -> str:
        if ident in self.symptoms:
            return ident
        close = difflib.get_close_matches(ident, list(self.symptoms), n=1, cutoff=0.5)
        hint = f" (did you mean '{close[0]}'?)" if close else " (see `wsdoctor playbooks symptoms`)"
        raise WsdoctorError(f"unknown symptom '{ident}'{hint}")


def playbook_dirs(extra: list[str] | None = None, *, shipped: bool = True) -> list[Path]:
    dirs: list[Path] = [shipped_dir()] if shipped else []
    env = os.environ.get(ENV_VAR, "")
    for part in env.split(os.pathsep):
        if part.strip():
            dirs.append(Path(part.strip()))
    for d in extra or []:
        dirs.append(Path(d))
    return dirs


def collect_files(paths: list[Path], problems: Problems) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(q for q in p.glob("*.yaml") if not q.name.startswith("_")))
            files.extend(sorted(q for q in p.glob("*.yml") if not q.name.startswith("_")))
        elif p.is_file():
            files.append(p)
        else:
            problems.add(str(p), 1, 1, "not-found", "no such file or directory")
    return files


def build(files: list[Path], problems: Problems, *, fast: bool = False) -> Library:
    lib = Library()
    for f in files:
        loaded = load_file(f, problems, fast=fast)
        if loaded is None:
            continue
        pb = loaded.playbook
        if pb.id in lib.entries:
            other = lib.entries[pb.id].path
            line, col = loaded.position("id")
            problems.add(display_path(f), line, col, "duplicate-id", f"'{pb.id}' is already defined in {display_path(other)}")
            continue
        lib.entries[pb.id] = loaded
        for alias in pb.aliases:
            lib.aliases.setdefault(alias, pb.id)
    return lib


def load_library(extra_dirs: list[str] | None = None, *, shipped: bool = True) -> Library:
    """Load shipped + extra playbooks; any problem raises PlaybookError carrying all of them."""
    problems = Problems()
    files = collect_files(playbook_dirs(extra_dirs, shipped=shipped), problems)
    lib = build(files, problems, fast=True)
    if problems:
        raise PlaybookError(problems)
    return lib
