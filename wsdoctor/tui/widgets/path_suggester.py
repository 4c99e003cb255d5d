"""Complete file-system paths in an Input (Tab or → accepts the suggestion)."""

from __future__ import annotations

import os
from pathlib import Path

from textual.suggester import Suggester


class PathSuggester(Suggester):
    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        expanded = os.path.expanduser(value)
        folder, prefix = os.path.split(expanded)
        base = Path(folder or ".")
        try:
            names = sorted(os.listdir(base))
        except OSError:
            return None
        for name in names:
            if name.startswith(prefix) and name != prefix and not (name.startswith(".") and not prefix.startswith(".")):
                full = os.path.join(folder, name) if folder else name
                if (base / name).is_dir():
                    full += os.sep
                if value.startswith("~"):
                    full = "~" + full[len(os.path.expanduser("~")):]
                return full
        return None
