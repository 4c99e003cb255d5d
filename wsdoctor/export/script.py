"""Chinese output in traditional characters (zh-tw): one conversion for the CLI, the runbook and the wizard.

Only wsdoctor's own words are converted: what the user pasted is quoted as it was (Markdown code
spans, fenced blocks and > quotes; the `log FILE:LINE:` evidence lines of the text output).
"""

from __future__ import annotations

import re

_VERBATIM = re.compile(r"(`[^`\n]*`)")  # quoted log lines, descriptions and settings in Markdown


def traditional(text: str, fmt: str = "text") -> str:
    from wsdoctor.engine.text import to_traditional

    out, fenced = [], False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append(line)
        elif fenced or line.lstrip().startswith(">") or (fmt == "text" and line.lstrip().startswith("log ")):
            out.append(line)
        elif fmt == "markdown":  # split() keeps the code spans at the odd positions
            out.append("".join(p if i % 2 else to_traditional(p) for i, p in enumerate(_VERBATIM.split(line))))
        else:
            out.append(to_traditional(line))
    return "\n".join(out)


def in_script(lang: str | None, text: str, fmt: str = "text") -> str:
    """The text as a reader of `lang` expects it: converted for zh-tw, unchanged otherwise."""
    return traditional(text, fmt) if lang == "zh-tw" else text
