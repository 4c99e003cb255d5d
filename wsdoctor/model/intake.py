"""What the user brings: topology, symptom answers, a description in their words, and logs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LogSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="file name, '-' for standard input, or 'pasted'")
    text: str


class Intake(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topology: dict[str, str] = Field(default_factory=dict, description="canonical topology values")
    topology_raw: dict[str, str] = Field(default_factory=dict, description="what the user typed")
    symptoms: dict[str, bool] = Field(default_factory=dict, description="symptom id -> yes/no")
    description: str = ""
    logs: list[LogSource] = Field(default_factory=list)
