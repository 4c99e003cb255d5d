"""The wizard's steps. Each pane shows state it is given and posts messages when the user acts."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (Button, Checkbox, DataTable, Input, Label, Markdown, OptionList, ProgressBar, Select,
                             Static, TextArea)
from textual.widgets.option_list import Option

from wsdoctor.engine.topology import known_values
from wsdoctor.model.playbook import TOPOLOGY_KEYS
from wsdoctor.tui.i18n import key_name, script, t, zh
from wsdoctor.tui.messages import DescriptionChanged, GoTo, LogsChanged, ProbeRequested, SymptomAnswered, TopologyChanged
from wsdoctor.tui.widgets.path_suggester import PathSuggester
from wsdoctor.export.redact import redact

OTHER = "__other__"


def plain_markdown_parser():
    """CommonMark without linkify: 'Socket.IO' is a name here, not a link."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


class StartPane(Vertical):
    def __init__(self, lang: str, **kw):
        super().__init__(**kw)
        self.lang = lang

    def compose(self) -> ComposeResult:
        yield Static(t(self.lang, "welcome"), classes="help")
        yield Button(t(self.lang, "begin_logs"), id="begin-logs", variant="primary")
        yield Button(t(self.lang, "begin_describe"), id="begin-describe")
        yield Button(t(self.lang, "begin_questions"), id="begin-questions")

    def on_mount(self) -> None:
        self.query_one("#begin-logs", Button).focus()

    @on(Button.Pressed)
    def _begin(self, event: Button.Pressed) -> None:
        target = {"begin-logs": ("pane-logs", "#paste"), "begin-describe": ("pane-symptoms", "#describe"),
                  "begin-questions": ("pane-topology", None)}[event.button.id or ""]
        self.post_message(GoTo(*target))


class TopologyPane(VerticalScroll):
    def __init__(self, lang: str, **kw):
        super().__init__(**kw)
        self.lang = lang

    def compose(self) -> ComposeResult:
        yield Static(t(self.lang, "topology_help"), classes="help")
        for key in TOPOLOGY_KEYS:
            options = [(v, v) for v in known_values(key)] + [(t(self.lang, "other"), OTHER)]
            with Horizontal(classes="topo-row"):
                yield Label(key_name(self.lang, key), classes="topo-label")
                yield Select(options, prompt=t(self.lang, "none"), id=f"topo-{key}", classes="topo-select")
            yield Input(placeholder=t(self.lang, "other_placeholder", key=key_name(self.lang, key)),
                        id=f"other-{key}", classes="topo-other -hidden")

    @on(Select.Changed, ".topo-select")
    def _selected(self, event: Select.Changed) -> None:
        key = (event.select.id or "").removeprefix("topo-")
        other = self.query_one(f"#other-{key}", Input)
        if event.value == OTHER:
            other.remove_class("-hidden")
            other.focus()
            return
        other.add_class("-hidden")
        self.post_message(TopologyChanged(key, None if event.value is Select.NULL else str(event.value)))

    @on(Input.Changed, ".topo-other")
    def _typed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("other-")
        self.post_message(TopologyChanged(key, event.value.strip() or None))


class SymptomsPane(Vertical):
    BINDINGS = [
        Binding("y", "answer('yes')", "Yes", show=True),
        Binding("n", "answer('no')", "No", show=True),
        Binding("d", "answer('skip')", "Don't know", show=True),
    ]

    def __init__(self, lang: str, **kw):
        super().__init__(**kw)
        self.lang = lang
        self.question: str | None = None
        self.skipped: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Label(t(self.lang, "describe_label"))
        yield TextArea(id="describe", soft_wrap=True)
        yield Label(t(self.lang, "question"), id="question-title", classes="section")
        yield Static("", id="question")
        with Horizontal(id="answer-buttons"):
            yield Button(t(self.lang, "yes"), id="ans-yes", variant="success")
            yield Button(t(self.lang, "no"), id="ans-no", variant="error")
            yield Button(t(self.lang, "dont_know"), id="ans-skip")
        yield Label(t(self.lang, "answered"), classes="section")
        yield OptionList(id="answers")

    def on_mount(self) -> None:
        self.query_one("#describe", TextArea).placeholder = t(self.lang, "describe_placeholder")

    def show_question(self, question, skipped: set[str]) -> None:
        self.question = question.symptom if question else None
        text = (script(self.lang, question.zh) if zh(self.lang) else question.text) if question else t(self.lang, "no_question")
        self.query_one("#question", Static).update(text + ("?" if question and self.lang == "en" else ("？" if question else "")))
        for b in self.query("#answer-buttons Button"):
            b.disabled = question is None

    def show_answers(self, answers: dict[str, bool], lib) -> None:
        ol = self.query_one("#answers", OptionList)
        ol.clear_options()
        for sid, yes in answers.items():
            sym = lib.symptoms.get(sid)
            text = (script(self.lang, sym.zh) if zh(self.lang) else sym.text) if sym else sid
            mark = t(self.lang, "yes") if yes else t(self.lang, "no")
            ol.add_option(Option(f"[{mark}] {text}", id=sid))

    def action_answer(self, how: str) -> None:
        if self.question is None:
            return
        if how == "skip":
            self.skipped.add(self.question)
            self.post_message(SymptomAnswered(self.question, None))
        else:
            self.post_message(SymptomAnswered(self.question, how == "yes"))

    @on(Button.Pressed, "#answer-buttons Button")
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer((event.button.id or "").removeprefix("ans-"))

    @on(OptionList.OptionSelected, "#answers")
    def _forget(self, event: OptionList.OptionSelected) -> None:
        """Selecting an answer forgets it, so the question can be asked again."""
        if event.option.id:
            self.post_message(SymptomAnswered(event.option.id, None))

    @on(TextArea.Changed, "#describe")
    def _described(self, event: TextArea.Changed) -> None:
        self.post_message(DescriptionChanged(event.text_area.text))


class LogsPane(Vertical):
    def __init__(self, lang: str, **kw):
        super().__init__(**kw)
        self.lang = lang

    def compose(self) -> ComposeResult:
        yield Label(t(self.lang, "paste_label"))
        yield TextArea(id="paste", soft_wrap=False, show_line_numbers=True)
        with Horizontal(id="file-row"):
            yield Input(placeholder=t(self.lang, "path_placeholder"), id="log-path", suggester=PathSuggester())
            yield Button(t(self.lang, "scan"), id="scan", variant="primary")
        with Horizontal(id="probe-row"):
            yield Input(placeholder=t(self.lang, "probe_placeholder"), id="probe-url")
            yield Button(t(self.lang, "probe"), id="probe")
        yield ProgressBar(id="scan-progress", show_eta=False)
        yield Label("", id="scan-status")
        yield Label("", id="probe-status")
        yield DataTable(id="matches", zebra_stripes=True, cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#matches", DataTable)
        table.add_columns("line", "signature", "text")
        self.query_one("#scan-progress").display = False

    def _request(self) -> None:
        path = self.query_one("#log-path", Input).value.strip() or None
        self.post_message(LogsChanged(self.query_one("#paste", TextArea).text, path))

    @on(Button.Pressed, "#scan")
    @on(Input.Submitted, "#log-path")
    def _scan(self) -> None:
        self._request()

    @on(TextArea.Changed, "#paste")
    def _pasted(self) -> None:
        self._request()

    @on(Button.Pressed, "#probe")
    @on(Input.Submitted, "#probe-url")
    def _probe(self) -> None:
        url = self.query_one("#probe-url", Input).value.strip()
        if url:
            self.query_one("#probe-status", Label).update(t(self.lang, "probing", url=url))
            self.post_message(ProbeRequested(url))

    def show_probe(self, result, error: str | None = None) -> None:
        status = self.query_one("#probe-status", Label)
        if error:
            status.update(f"[b red]{error}[/]")
            return
        ok = sum(1 for s in result.steps if s.ok)
        failed = sum(1 for s in result.steps if s.ok is False)
        lines = [t(self.lang, "probe_done", ok=ok, failed=failed)]
        lines += [f"  {'✓' if s.ok else '✗' if s.ok is False else '·'} {s.name}: {redact(s.detail)[:90]}" for s in result.steps]
        status.update("\n".join(lines))

    def progress(self, lines: int, total: int | None) -> None:
        bar = self.query_one("#scan-progress", ProgressBar)
        bar.display = bool(total and total > 5000)
        bar.update(total=total, progress=lines)

    def show_hits(self, hits, lines: int, error: str | None = None) -> None:
        table = self.query_one("#matches", DataTable)
        table.clear()
        for h in hits[:500]:
            src = "" if h.source in ("pasted", "") else f"{h.source}:"
            table.add_row(f"{src}{h.line}", f"{h.playbook}[{h.signature}]", h.text.strip()[:200])
        status = self.query_one("#scan-status", Label)
        self.query_one("#scan-progress").display = False
        if error:
            status.update(f"[b red]{error}[/]")
        else:
            status.update(t(self.lang, "lines_scanned", n=lines, m=len({(h.source, h.line) for h in hits})))


class DiagnosisPane(Vertical):
    def __init__(self, lang: str, **kw):
        super().__init__(**kw)
        self.lang = lang
        self._report = None
        self._lib = None

    def compose(self) -> ComposeResult:
        yield OptionList(id="causes")
        yield Markdown("", id="explanation", parser_factory=plain_markdown_parser)

    def show(self, report, lib) -> None:
        self._report, self._lib = report, lib
        ol = self.query_one("#causes", OptionList)
        keep = ol.highlighted
        ol.clear_options()
        if not report or not report.diagnoses:
            ol.add_option(Option(t(self.lang, "no_diagnosis"), disabled=True))
            self.query_one("#explanation", Markdown).update("")
            return
        from wsdoctor.tui.widgets.ranking import bar

        for d in report.diagnoses:
            title = script(self.lang, lib.get(d.id).zh.title) if zh(self.lang) else lib.get(d.id).title
            ol.add_option(Option(f"{bar(d.confidence, 8)} {round(d.confidence * 100):>3d}%  {title}", id=d.id))
        ol.highlighted = keep if keep is not None and keep < len(report.diagnoses) else 0
        self._explain(report.diagnoses[ol.highlighted or 0].id)

    @on(OptionList.OptionHighlighted, "#causes")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self._explain(event.option.id)

    def _explain(self, pid: str) -> None:
        if not self._report or not self._lib:
            return
        from wsdoctor.export.markdown import _inline

        pb = self._lib.get(pid)
        d = next(x for x in self._report.diagnoses if x.id == pid)
        zh_ = zh(self.lang)
        lines = [f"## {pb.zh.title if zh_ else pb.title}", "", f"`{pb.id}` · {round(d.confidence * 100)}%", "",
                 " ".join((pb.zh.summary if zh_ else pb.summary).split()), "", f"### {t(self.lang, 'evidence')}", ""]
        for e in d.evidence[:10]:
            if e.kind == "log":
                lines.append(f"- {e.where}: {_inline(redact(e.text)[:160])} → `{e.signature}`")
            elif e.kind in ("config", "probe", "har"):
                lines.append(f"- {e.kind} {e.where}: {_inline(redact(e.detail))} → `{e.signature}`")
            else:
                lines.append(f"- {e.kind}: {e.detail}")
        lines += ["", "---", "", (pb.zh.cause if zh_ and pb.zh.cause else pb.cause)]
        self.query_one("#explanation", Markdown).update(script(self.lang, "\n".join(lines), "markdown"))


class PlanPane(VerticalScroll):
    def __init__(self, lang: str, **kw):
        super().__init__(**kw)
        self.lang = lang
        self._shown: tuple = ()

    def show(self, report) -> None:
        steps = report.plan.steps if report else []
        key = tuple(s.id for s in steps)
        if key == self._shown:
            return
        self._shown = key
        self.remove_children()
        if not steps:
            self.mount(Static(t(self.lang, "plan_empty"), classes="help"))
            return
        widgets = []
        for i, s in enumerate(steps, 1):
            widgets.append(Checkbox(f"{i}. {s.title}  [{s.component}]", id=f"step-{i}"))
            body = [ln for ln in s.action.splitlines()]
            md = "\n".join(f"- {ln}" for ln in body)
            if s.snippet:
                md += f"\n\n```{s.snippet.lang}\n{s.snippet.code.rstrip()}\n```"
            if s.verify:
                md += f"\n\n✔ {s.verify}"
            widgets.append(Markdown(md, classes="step-body", parser_factory=plain_markdown_parser))
        self.mount_all(widgets)


class ExportPane(Vertical):
    def __init__(self, lang: str, default_path: str, **kw):
        super().__init__(**kw)
        self.lang = lang
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        yield Label(t(self.lang, "export_path"))
        yield Input(self.default_path, id="export-path", suggester=PathSuggester())
        with Horizontal(classes="topo-row"):
            yield Label(t(self.lang, "language"), classes="topo-label")
            yield Select([("English", "en"), ("简体中文", "zh"), ("繁體中文", "zh-tw")], value=self.lang, allow_blank=False,
                         id="export-lang")
        yield Checkbox(t(self.lang, "redact"), value=True, id="export-redact")
        with Horizontal(id="export-buttons"):
            yield Button(t(self.lang, "write"), id="export-write", variant="primary")
            yield Button(t(self.lang, "copy"), id="export-copy")
        yield Label("", id="export-status")
