"""What the user brings: topology, symptom answers, a description in their words, and logs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from wsdoctor.config.model import Finding


class LogSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="file name, '-' for standard input, or 'pasted'")
    text: str = Field(default="", description="the content, when it was read into memory")
    path: str | None = Field(default=None, description="a file streamed line by line instead of `text`")

    def lines(self):
        """Yield the lines one by one; files are streamed so that huge logs use bounded memory."""
        if self.path is not None:
            with open(self.path, encoding="utf-8", errors="replace") as fh:
                yield from fh
        else:
            yield from self.text.splitlines()


class Intake(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topology: dict[str, str] = Field(default_factory=dict, description="canonical topology values")
    topology_raw: dict[str, str] = Field(default_factory=dict, description="what the user typed")
    symptoms: dict[str, bool] = Field(default_factory=dict, description="symptom id -> yes/no")
    description: str = ""
    logs: list[LogSource] = Field(default_factory=list)
    configs: list[LogSource] = Field(default_factory=list, description="proxy configs given with --config")
    findings: list[Finding] = Field(default_factory=list, description="evidence an importer found across a whole input (a HAR capture)")
