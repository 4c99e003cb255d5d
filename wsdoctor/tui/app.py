"""The wizard: `wsdoctor` with no arguments. A thin shell over the same engine as the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Footer, Header, Input, Select, TabbedContent, TabPane, TextArea, Checkbox, Label
from textual.worker import get_current_worker

from wsdoctor.engine.diagnose import Scan, diagnose, scan_logs
from wsdoctor.engine.topology import normalize
from wsdoctor.errors import WsdoctorError
from wsdoctor.model.intake import Intake, LogSource
from wsdoctor.sources.intake import FileInput, fill_topology, open_log_file, text_input
from wsdoctor.tui.i18n import LABELS, base, script, t
from wsdoctor.tui.messages import (DescriptionChanged, GoTo, LogsChanged, ProbeDone, ProbeRequested, RankingUpdated,
                                   ScanDone, ScanProgress,
                                   SymptomAnswered, TopologyChanged)
from wsdoctor.tui.panes import DiagnosisPane, ExportPane, LogsPane, PlanPane, StartPane, SymptomsPane, TopologyPane
from wsdoctor.tui.screens.confirm import Confirm
from wsdoctor.tui.widgets.ranking import RankingPanel

STEPS = ["pane-start", "pane-topology", "pane-symptoms", "pane-logs", "pane-diagnosis", "pane-plan", "pane-export"]


@dataclass
class WizardState:
    """Everything the user has told the wizard; kept while they move between steps."""

    topology_raw: dict[str, str] = field(default_factory=dict)
    answers: dict[str, bool] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    description: str = ""
    pasted: str = ""
    path: str | None = None
    scan: Scan | None = None
    inputs: list[FileInput] = field(default_factory=list)  # what the logs step holds, read once per change
    probe: FileInput | None = None  # what a live probe saw, as a transcript and findings

    def intake(self) -> Intake:
        topo: dict[str, str] = {}
        for key, raw in self.topology_raw.items():
            n = normalize(key, raw)
            if n.value is not None:
                topo[key] = n.value
        fill_topology(topo, self.inputs)
        inputs = self.inputs + ([self.probe] if self.probe else [])
        return Intake(topology=topo, topology_raw=dict(self.topology_raw), symptoms=dict(self.answers),
                      description=self.description, logs=[i.source for i in inputs],
                      findings=[f for i in inputs for f in i.findings])


class WsdoctorApp(App[None]):
    """Find out why a realtime connection fails, step by step."""

    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "wsdoctor"
    BINDINGS = [
        Binding("ctrl+n", "step(1)", "Next step", priority=True),
        Binding("ctrl+b", "step(-1)", "Back", priority=True),
        Binding("ctrl+s", "export", "Write runbook", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, lib, *, lang: str = "en", export_dir: Path | None = None):
        super().__init__()
        self.lib = lib
        self.lang = lang
        self.state = WizardState()
        self.report = None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        self.default_export = str((export_dir or Path.cwd()) / f"wsdoctor-runbook-{stamp}.md")
        self._debounce = None
        if lang != "en":  # the footer speaks the wizard's language too
            for key, found in list(self._bindings.key_to_bindings.items()):
                self._bindings.key_to_bindings[key] = [
                    replace(b, description=t(lang, f"key_{b.action}")) if f"key_{b.action}" in LABELS["en"] else b
                    for b in found]

    # ---- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        L = self.lang
        yield Header(show_clock=False, icon="⚕")
        with Horizontal(id="body"):
            steps = [StartPane(L), TopologyPane(L), SymptomsPane(L), LogsPane(L), DiagnosisPane(L), PlanPane(L),
                     ExportPane(L, self.default_export)]
            with TabbedContent(initial=STEPS[0], id="steps"):
                for pane_id, widget in zip(STEPS, steps):
                    with TabPane(t(L, pane_id.removeprefix("pane-")), id=pane_id):
                        yield widget
            yield RankingPanel(L, id="ranking")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t(self.lang, "app_title")
        self.sub_title = t(self.lang, "sub_title")
        self.refresh_ranking()

    async def idle(self) -> None:
        """Wait until scanning and ranking are done (tests and scripted sessions use this)."""
        import asyncio

        from textual.worker import WorkerCancelled

        for _ in range(4):
            try:
                await self.workers.wait_for_complete()
            except WorkerCancelled:
                pass
            await asyncio.sleep(0.02)

    # ---- navigation ---------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        tabs = self.query_one("#steps", TabbedContent)
        i = STEPS.index(tabs.active) if tabs.active in STEPS else 0
        self._switch(STEPS[max(0, min(len(STEPS) - 1, i + delta))])

    def _switch(self, pane: str, focus: str | None = None) -> None:
        """Show a step and move the focus into it: a focused widget left behind in the old step would
        pull TabbedContent back to that step."""
        self.screen.set_focus(None)
        self.query_one("#steps", TabbedContent).active = pane

        def settle() -> None:
            target = self.query_one(focus) if focus else next(
                (w for w in self.query_one(f"#{pane}").query("*") if w.focusable), None)
            if target is not None:
                target.focus()

        self.set_timer(0.05, settle)  # after the switch has settled, or TabbedContent keeps the focus on its tabs

    @on(GoTo)
    def _go(self, msg: GoTo) -> None:
        self._switch(msg.pane, msg.focus)

    # ---- inputs from the panes ----------------------------------------------------------
    @on(TopologyChanged)
    def _topology(self, msg: TopologyChanged) -> None:
        if msg.value:
            self.state.topology_raw[msg.key] = msg.value
        else:
            self.state.topology_raw.pop(msg.key, None)
        self.refresh_ranking()

    @on(SymptomAnswered)
    def _answer(self, msg: SymptomAnswered) -> None:
        if msg.yes is None:
            if msg.symptom in self.state.answers:
                self.state.answers.pop(msg.symptom)
                self.state.skipped.discard(msg.symptom)
            else:
                self.state.skipped.add(msg.symptom)
        else:
            self.state.answers[msg.symptom] = msg.yes
        self.query_one(SymptomsPane).show_answers(self.state.answers, self.lib)
        self.refresh_ranking()

    @on(DescriptionChanged)
    def _describe(self, msg: DescriptionChanged) -> None:
        self.state.description = msg.text
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.3, self.refresh_ranking)

    @on(LogsChanged)
    def _logs(self, msg: LogsChanged) -> None:
        self.state.pasted = msg.pasted
        self.state.path = msg.path
        self.scan()

    # ---- workers: scanning and ranking never block the UI -------------------------------
    @work(thread=True, exclusive=True, group="scan")
    def scan(self) -> None:
        worker = get_current_worker()
        state = self.state
        total = None
        try:
            inputs = [text_input("pasted", state.pasted)] if state.pasted.strip() else []
            if state.path:
                p = Path(state.path).expanduser()
                inputs.append(open_log_file(str(p)))
                state.path = str(p)
                with p.open("rb") as fh:
                    total = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
            total = (total or 0) + state.pasted.count("\n") + 1
            state.inputs = inputs
            intake = state.intake()
            result = scan_logs(self.lib, intake, progress=lambda n: self.post_message(ScanProgress(n, total)),
                               cancelled=lambda: worker.is_cancelled, every=5000)
        except WsdoctorError as exc:
            self.post_message(ScanDone(None, str(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(ScanDone(result))

    @on(ProbeRequested)
    @work(thread=True, exclusive=True, group="probe")
    def _probe(self, msg: ProbeRequested) -> None:
        from wsdoctor.probe import probe

        try:
            result = probe(msg.url, timeout=10.0)
        except WsdoctorError as exc:
            self.post_message(ProbeDone(None, str(exc)))
            return
        self.post_message(ProbeDone(result))

    @on(ProbeDone)
    def _probed(self, msg: ProbeDone) -> None:
        self.query_one(LogsPane).show_probe(msg.result, msg.error)
        if msg.result is not None:
            self.state.probe = FileInput(LogSource(name="probe", text="\n".join(msg.result.transcript)),
                                         list(msg.result.findings))
            self.scan()  # the transcript is scanned like any log, then the ranking refreshes

    @on(ScanProgress)
    def _progress(self, msg: ScanProgress) -> None:
        self.query_one(LogsPane).progress(msg.lines, msg.total)

    @on(ScanDone)
    def _scanned(self, msg: ScanDone) -> None:
        if msg.error:
            self.state.path = None
            self.state.scan = None
            self.state.inputs = [i for i in self.state.inputs if i.source.name == "pasted"]
            self.query_one(LogsPane).show_hits([], 0, msg.error)
            self.notify(msg.error, severity="error")
        else:
            self.state.scan = msg.scan
            self.query_one(LogsPane).show_hits(msg.scan.hits, msg.scan.lines)
        self.refresh_ranking()

    def refresh_ranking(self) -> None:
        self._rank(self.state.intake(), self.state.scan, frozenset(self.state.skipped))

    @work(thread=True, exclusive=True, group="rank")
    def _rank(self, intake: Intake, scan: Scan | None, skip: frozenset[str]) -> None:
        if intake.logs and scan is None:
            scan = Scan([], "", 0)  # the scan worker will call again when it is done
        report = diagnose(self.lib, intake, top=5, scan=scan, skip=skip)
        if not get_current_worker().is_cancelled:
            self.post_message(RankingUpdated(report))

    @on(RankingUpdated)
    def _ranked(self, msg: RankingUpdated) -> None:
        self.report = msg.report
        self.query_one(RankingPanel).show(msg.report, self.lib)
        self.query_one(DiagnosisPane).show(msg.report, self.lib)
        self.query_one(PlanPane).show(msg.report)
        self.query_one(SymptomsPane).show_question(msg.report.next_question, self.state.skipped)

    # ---- export -------------------------------------------------------------------------
    def runbook_text(self, lang: str | None = None, redact: bool = True) -> str:
        from wsdoctor.export.markdown import render_runbook

        intake = self.state.intake()
        report = diagnose(self.lib, intake, top=5, scan=self.state.scan, skip=frozenset(self.state.skipped))
        lang = lang or self.lang
        return script(lang, render_runbook(self.lib, intake, report, lang=base(lang), redact=redact), "markdown")

    def _export_options(self) -> tuple[Path, str, bool]:
        path = Path(self.query_one("#export-path", Input).value.strip() or self.default_export).expanduser()
        lang_sel = self.query_one("#export-lang", Select).value
        lang = str(lang_sel) if lang_sel is not Select.NULL else self.lang
        return path, lang, self.query_one("#export-redact", Checkbox).value

    def action_export(self) -> None:
        path, lang, redact = self._export_options()
        text = self.runbook_text(lang, redact)
        if path.exists():
            def answered(yes: bool | None) -> None:
                if yes:
                    self._write(path, text, force=True)
            self.push_screen(Confirm(t(self.lang, "overwrite", path=path), t(self.lang, "overwrite_yes"),
                                     t(self.lang, "cancel")), answered)
            return
        self._write(path, text, force=False)

    def _write(self, path: Path, text: str, *, force: bool) -> None:
        from wsdoctor.export.files import write_new

        try:
            write_new(path, text, force=force)
        except WsdoctorError as exc:
            self.notify(str(exc), severity="error")
            return
        msg = t(self.lang, "written", path=path)
        self.query_one("#export-status", Label).update(msg)
        self.notify(msg)

    @on(Button.Pressed, "#export-write")
    def _write_pressed(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#export-copy")
    def _copy_pressed(self) -> None:
        _, lang, redact = self._export_options()
        self.copy_to_clipboard(self.runbook_text(lang, redact))
        self.query_one("#export-status", Label).update(t(self.lang, "copied"))
        self.notify(t(self.lang, "copied"))


def run(*, lang: str = "en", playbook_dirs: list[str] | None = None) -> int:
    from wsdoctor.library import load_library

    lib = load_library(playbook_dirs or [])
    WsdoctorApp(lib, lang=lang).run()
    return 0
