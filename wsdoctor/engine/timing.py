"""Durations in what the user says or pastes, and the product defaults they point at.

"It drops every 100 seconds" names Cloudflare as surely as a topology flag would: the idle
timeouts products ship with are distinct enough (Cloudflare ~100 s, Heroku 55 s, GCP 30 s)
that a drop tied to one of them is evidence for the idle-timeout cause *and* for which
component's fix belongs in the plan. The table is data: wsdoctor/data/timeouts.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ruamel.yaml import YAML

WORDS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "five": 5, "ten": 10, "thirty": 30, "sixty": 60,
         "hundred": 100, "一": 1, "两": 2, "二": 2, "三": 3, "五": 5, "十": 10, "三十": 30, "六十": 60, "一百": 100}
_NUM = r"(\d+(?:\.\d+)?|one|a|an|two|three|five|ten|thirty|sixty|hundred|一百|六十|三十|[一两二三五十])"
_DURATION = re.compile(_NUM + r"\s*(ms|s|secs?|seconds?|mins?|minutes?|秒钟?|分钟)(?![a-z])", re.I)
TOLERANCE = 0.05  # "98 seconds" still reads as 100 s; 60 s must not read as Heroku's 55 s


@dataclass(frozen=True)
class Default:
    seconds: float
    key: str
    value: str
    why: str
    playbook: str
    symptom: str


@lru_cache(maxsize=1)
def defaults() -> tuple[Default, ...]:
    text = resources.files("wsdoctor.data").joinpath("timeouts.yaml").read_text(encoding="utf-8")
    return tuple(Default(float(d["seconds"]), d["key"], d["value"], d["why"], d["playbook"], d["symptom"]) for d in YAML(typ="safe").load(text))


def durations(text: str) -> list[float]:
    """Every duration written in the text, in seconds."""
    out = []
    for m in _DURATION.finditer(text):
        raw, unit = m.group(1).lower(), m.group(2).lower()
        n = WORDS.get(raw) if raw in WORDS else float(raw)
        if unit == "ms":
            n /= 1000
        elif unit.startswith("m") or unit == "分钟":
            n *= 60
        out.append(n)
    return out


def named_by_interval(text: str) -> list[Default]:
    """The product defaults that a duration in the text matches."""
    found: list[Default] = []
    for secs in durations(text):
        for d in defaults():
            if abs(secs - d.seconds) <= max(2.0, TOLERANCE * d.seconds) and d not in found:
                found.append(d)
    return found
