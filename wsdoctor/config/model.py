"""What a config check finds."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from wsdoctor.errors import WsdoctorError


# a location / route that carries sockets, by its path (Apache ProxyPass, Ingress paths)
SOCKET_PATH = re.compile(r"socket\.io|sockjs|websocket|cable|signalr|/hubs?\b|/wss?\b|realtime", re.I)
WARNING_WEIGHT = 0.4  # findings below this weight are notes: defaults worth knowing, not likely faults


class ConfigError(WsdoctorError):
    """A config that cannot be parsed; the message names the file and line."""


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["config", "probe", "har"] = Field(default="config", description="a config check, or a live probe of the endpoint")
    rule: str = Field(description="the check that fired, e.g. nginx-missing-upgrade-headers")
    playbook: str = Field(description="the root cause it points at")
    source: str = Field(description="the config file, or the probed URL")
    line: int = Field(description="1-based line of the directive or block at fault (the step, for a probe)")
    text: str = Field(description="the config line at fault as written, or what the probe saw")
    message: str = Field(description="what is wrong, in one sentence")
    weight: float = Field(ge=0, le=1, description="how strongly this points at the cause")
    fix: str = Field(default="", description="the directive(s) to add or change")
    component: str | None = Field(default=None, description="the proxy the config belongs to (nginx, haproxy)")
