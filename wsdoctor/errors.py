"""One error family for everything a user can cause; the CLI turns it into one line and exit 2."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2


class WsdoctorError(Exception):
    """A problem with the user's input (file, flag, playbook): printed as one line, exit 2."""


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a file: printed as `path:line:col: code: message`."""

    path: str
    line: int
    col: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code}: {self.message}"


@dataclass
class Problems:
    """Collects problems so that a whole file (or library) is reported at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, col: int, code: str, message: str) -> None:
        self.items.append(Problem(str(path), line, col, code, message))

    def extend(self, other: "Problems") -> None:
        self.items.extend(other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self):
        return iter(sorted(set(self.items)))

    def __len__(self) -> int:
        return len(set(self.items))


class PlaybookError(WsdoctorError):
    """The playbook library cannot be used; carries every problem found."""

    def __init__(self, problems: Problems):
        self.problems = problems
        first = next(iter(problems), None)
        super().__init__(str(first) if first else "playbook library is unusable")
