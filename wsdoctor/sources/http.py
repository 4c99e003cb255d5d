"""What HTTP response headers say about the path a request took (used by HAR import and the probe)."""

from __future__ import annotations

import re
from collections.abc import Callable

# headers in which caches report a hit; Age (seconds spent in a cache) is read apart
CACHE_HEADERS = ("x-cache", "cf-cache-status", "x-cache-status", "x-proxy-cache", "x-varnish")
_HIT = re.compile(r"(?<![a-z])hit\b", re.I)  # "Hit from cloudfront", "HIT", "TCP_HIT"; not "white"


def cache_hit(header: Callable[[str], str | None]) -> str | None:
    """'x-cache: Hit from cloudfront' or 'Age: 12' when a cache answered, else None.

    header(name) returns a response header's value (lowercase name) or None.
    """
    for name in CACHE_HEADERS:
        value = header(name)
        if value and _HIT.search(value):
            return f"{name}: {value}"
    age = header("age")
    if age and age.strip() not in ("", "0"):
        return f"Age: {age}"
    return None
