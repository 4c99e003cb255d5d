"""Messages that travel up from the panes to the app (attributes go down, messages go up)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class TopologyChanged(Message):
    """A topology value was chosen or typed (value None = none / don't know)."""

    key: str
    value: str | None


@dataclass
class SymptomAnswered(Message):
    """yes=True/False, or None to forget an answer."""

    symptom: str
    yes: bool | None


@dataclass
class DescriptionChanged(Message):
    text: str


@dataclass
class LogsChanged(Message):
    """Pasted text and/or a file path to scan."""

    pasted: str
    path: str | None


@dataclass
class GoTo(Message):
    """Switch the wizard to another step (pane id)."""

    pane: str
    focus: str | None = None


@dataclass
class ScanProgress(Message):
    lines: int
    total: int | None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScanProgress)


@dataclass
class ScanDone(Message):
    scan: object
    error: str | None = None


@dataclass
class RankingUpdated(Message):
    report: object


@dataclass
class ProbeRequested(Message):
    """Probe a live endpoint (wsdoctor probe) and add what it sees to the evidence."""

    url: str


@dataclass
class ProbeDone(Message):
    result: object
    error: str | None = None
