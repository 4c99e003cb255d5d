"""The live ranking of causes, shown beside every step."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widgets import Static

from wsdoctor.tui.i18n import script, t, zh


def bar(conf: float, width: int = 10) -> str:
    filled = round(conf * width)
    return "█" * filled + "░" * (width - filled)


def wrap_id(ident: str, width: int) -> str:
    """Break a long kebab-case id after a hyphen so that it stays whole and readable."""
    lines, current = [], ""
    for part in ident.split("-"):
        piece = part if not current else f"-{part}"
        if current and cell_len(current + piece) > width:
            lines.append(current + "-")
            current = "  " + part
        else:
            current += piece
    lines.append(current)
    return "\n".join(lines)


class RankingPanel(Static):
    """Top causes with confidence bars; updated by the app whenever the inputs change."""

    DEFAULT_CSS = """
    RankingPanel { width: 32; height: 1fr; border: round $accent; padding: 0 1; }
    """

    def __init__(self, lang: str = "en", **kw):
        super().__init__("", **kw)
        self.lang = lang
        self.border_title = t(lang, "ranking")

    def show(self, report, lib) -> None:
        if report is None or not report.diagnoses:
            self.update(Text(t(self.lang, "no_diagnosis"), style="dim"))
            return
        out = Text(no_wrap=True, overflow="ellipsis")
        width = max(12, self.content_size.width or 28)
        for i, d in enumerate(report.diagnoses[:5], 1):
            pb = lib.get(d.id)
            style = "bold green" if i == 1 and d.confidence >= 0.5 else ("yellow" if d.confidence >= 0.2 else "dim")
            out.append(f"{i} {bar(d.confidence)} {round(d.confidence * 100):>3d}%\n", style=style)
            if zh(self.lang):
                name = script(self.lang, pb.zh.title)
                if cell_len(name) > width:
                    name = set_cell_size(name, width - 1) + "…"
            else:
                name = wrap_id(d.id, width)
            out.append(f"{name}\n", style="bold" if i == 1 else "")
            if i < 5:
                out.append("\n")
        self.update(out)
