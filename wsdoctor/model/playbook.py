"""The playbook schema: one root cause per file, validated strictly (extra keys are errors)."""

from __future__ import annotations

import functools
import re
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TOPOLOGY_KEYS: tuple[str, ...] = (
    "client",
    "framework",
    "cdn",
    "load_balancer",
    "proxy",
    "tls_termination",
    "server",
    "nodes",
    "platform",
)
TopologyKey = Literal[
    "client", "framework", "cdn", "load_balancer", "proxy", "tls_termination", "server", "nodes", "platform"
]

KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Severity(str, Enum):
    """How badly the cause breaks realtime traffic; ordered from worst to mildest."""

    blocker = "blocker"
    high = "high"
    medium = "medium"
    low = "low"

    @property
    def rank(self) -> int:
        return ["blocker", "high", "medium", "low"].index(self.value)


class Category(str, Enum):
    cdn = "cdn"
    proxy = "proxy"
    tls = "tls"
    load_balancer = "load-balancer"
    platform = "platform"
    client = "client"
    app = "app"
    server = "server"
    protocol = "protocol"
    network = "network"


class Localized(Strict):
    """Chinese text for the playbook's title and summary (and optionally its cause)."""

    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    cause: str | None = None


class Symptom(Strict):
    """Something a user observes. Ids are global: the same id in two playbooks is the same symptom."""

    id: str = Field(pattern=KEBAB, description="kebab-case id accepted by --symptom")
    text: str = Field(min_length=3, description="English, phrased as an observation")
    zh: str = Field(min_length=2, description="the same observation in Chinese")
    weight: float = Field(default=0.5, ge=-1.0, le=1.0, description="support (+) or evidence against (-)")
    phrasings: list[str] = Field(default_factory=list, description="other ways people say it, any language")
    patterns: list[str] = Field(default_factory=list, description=(
        "regexes (case-insensitive) that recognise the observation in a description whatever the words around "
        "it, e.g. a duration with 'every'; a match counts as the symptom described in full"))
    unless: list[str] = Field(default_factory=list, description=(
        "regexes (case-insensitive) that recognise the opposite observation, e.g. 'safari is fine' for "
        "'only Safari fails'; when one matches, the description is not read as this symptom"))


class Signature(Strict):
    """A string that products print when this cause is at work."""

    id: str = Field(pattern=KEBAB)
    source: Literal["browser", "server", "proxy", "cdn", "load-balancer", "client", "platform", "config", "any"]
    kind: Literal["literal", "regex", "fuzzy"]
    pattern: str = Field(min_length=3)
    weight: float = Field(default=0.5, gt=0.0, le=1.0)
    min_score: float | None = Field(default=None, ge=50, le=100, description="fuzzy only: similarity 0-100")
    note: str | None = None

    @model_validator(mode="after")
    def _min_score_only_for_fuzzy(self) -> "Signature":
        if self.min_score is not None and self.kind != "fuzzy":
            raise ValueError("min_score applies to kind: fuzzy only")
        return self


class Snippet(Strict):
    lang: str = Field(min_length=1, description="fence language: nginx, caddyfile, haproxy, apache, yaml, js, python, shell, ...")
    code: str = Field(min_length=1)
    path: str | None = Field(default=None, description="where the snippet goes, e.g. the file or the console page")


class Fix(Strict):
    """A remedy for one component; `when` selects it for a topology."""

    id: str = Field(pattern=KEBAB)
    component: str = Field(min_length=2, description="nginx, caddy, haproxy, apache, traefik, cloudfront, aws-alb, cloudflare, k8s-ingress, app, client, ...")
    when: dict[TopologyKey, list[str]] = Field(default_factory=dict)
    title: str = Field(min_length=3)
    zh: str | None = Field(default=None, description="the title in Chinese")
    effort: Literal["check", "config", "code", "infra"] = "config"
    steps: list[str] = Field(min_length=1)
    snippet: Snippet | None = None
    verify: str | None = None
    rollback: str | None = None


class Verify(Strict):
    step: str = Field(min_length=3)
    expect: str = Field(min_length=3)
    command: str | None = None


class Reference(Strict):
    title: str = Field(min_length=3)
    url: str

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError("references must use https://")
        return value


class Example(Strict):
    """An incident fragment the playbook must (match) or must not (no_match) rank first on."""

    name: str = Field(pattern=KEBAB)
    topology: dict[TopologyKey, str] = Field(default_factory=dict)
    description: str | None = None
    logs: str | None = None
    symptoms: dict[str, bool] = Field(default_factory=dict)
    top: int = Field(default=1, ge=1, le=5, description="match: must rank within the first `top`")
    xfail: str | None = Field(default=None, description="a known gap, with the reason")

    @model_validator(mode="after")
    def _has_input(self) -> "Example":
        if not (self.description or self.logs or self.symptoms):
            raise ValueError("an example needs a description, logs or symptoms")
        return self


class Examples(Strict):
    match: list[Example] = Field(default_factory=list)
    no_match: list[Example] = Field(default_factory=list)


class Playbook(Strict):
    """One root cause of a broken realtime connection, with how to recognise and fix it."""

    id: str = Field(pattern=KEBAB)
    aliases: list[str] = Field(default_factory=list)
    title: str = Field(min_length=5)
    summary: str = Field(min_length=10)
    zh: Localized
    severity: Severity
    category: Category
    technologies: list[str] = Field(default_factory=list)
    applies_when: dict[TopologyKey, list[str]] = Field(
        default_factory=dict, description="topology values that make this cause more likely ('any' = present)"
    )
    excludes_when: dict[TopologyKey, list[str]] = Field(
        default_factory=dict, description="topology values that make this cause impossible or very unlikely"
    )
    excludes_schemes: list[Literal["ws", "wss"]] = Field(
        default_factory=list, description="socket URL schemes this cause cannot occur over (wss:// is never mixed content)")
    needs_intermediary: bool = Field(
        default=False, description="the cause lives in a proxy, CDN or balancer: less likely when none is named or seen")
    needs_tls: bool = Field(
        default=False, description="the cause needs an HTTPS page or a wss:// socket: less likely when the report never "
                                   "mentions HTTPS, wss, TLS or a certificate in any form")
    symptoms: list[Symptom] = Field(min_length=1)
    signatures: list[Signature] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list, description="terms (any language) that point at this cause")
    cause: str = Field(min_length=20)
    fixes: list[Fix] = Field(min_length=1)
    verify: list[Verify] = Field(min_length=1)
    references: list[Reference] = Field(min_length=1)
    related: list[str] = Field(default_factory=list)
    examples: Examples = Field(default_factory=Examples)

    def fix_for(self, component: str) -> list[Fix]:
        return [f for f in self.fixes if f.component == component]


@functools.lru_cache(maxsize=None)
def regex(pattern: str) -> re.Pattern[str]:
    """A playbook regex (signature or symptom pattern), compiled case-insensitively once per process:
    the loader checks it and the engine uses it, and ~1000 of them overflow `re`'s own cache."""
    return re.compile(pattern, re.IGNORECASE)
