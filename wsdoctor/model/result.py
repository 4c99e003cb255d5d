"""What wsdoctor answers: evidence, ranked diagnoses, and a remediation plan."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["log", "config", "probe", "har", "symptom", "description", "topology"]
    line: int | None = None
    text: str = ""
    signature: str | None = None
    similarity: float | None = None
    detail: str = ""
    points: float = Field(default=0.0, description="contribution to the score (negative = against)")
    source: str | None = Field(default=None, description="the log or config file the line came from")

    @property
    def where(self) -> str:
        """'file:12' for a named file, 'line 12' for standard input or a paste."""
        if self.source and self.source not in ("-", "pasted"):
            return f"{self.source}:{self.line}"
        return f"line {self.line}"


class Diagnosis(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    confidence: float
    score: float
    evidence: list[Evidence] = Field(default_factory=list)


class PlanSnippet(BaseModel):
    lang: str
    code: str


class PlanStep(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    cause: str
    causes: list[str] = Field(default_factory=list)
    title: str
    title_zh: str | None = None
    component: str
    action: str
    why: str = ""
    snippet: PlanSnippet | None = None
    verify: str = ""
    rollback: str | None = None
    effort: str = "config"


class Plan(BaseModel):
    steps: list[PlanStep] = Field(default_factory=list)
    topology: dict[str, str] = Field(default_factory=dict, description="the stack the steps were chosen for")


class Question(BaseModel):
    symptom: str
    text: str
    zh: str
    gain: float


class Report(BaseModel):
    """Everything one diagnosis run produced (the engine's answer)."""

    diagnoses: list[Diagnosis]
    next_question: Question | None = None
    plan: Plan = Field(default_factory=Plan)
    warnings: list[str] = Field(default_factory=list)
    lines_scanned: int = 0
