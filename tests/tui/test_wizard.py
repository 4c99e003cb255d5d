"""The wizard driven with Textual's Pilot, as a user would: each seed from start to exported runbook."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from wsdoctor.library import load_library
from wsdoctor.tui.app import WsdoctorApp

CASES = Path(__file__).resolve().parent.parent / "cases"
SEEDS = sorted(p for p in CASES.glob("seed-*.yaml"))
LIB = load_library()
MAX_QUESTIONS = 5


async def settle(app, pilot):
    # the scan, rank and probe steps run in thread workers, and one may start the next: wait for
    # each to finish (under load a few pauses are not enough), then for the messages they post
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await app.idle()
    await pilot.pause()


async def answer_truthfully(app, pilot, expected: str) -> int:
    """Answer the wizard's questions as the seed's reporter would; return how many were needed."""
    truth = {s.id: s.weight > 0 for s in LIB.get(expected).symptoms}
    asked = 0
    while app.report is None or not app.report.diagnoses or app.report.diagnoses[0].id != expected:
        pane = app.query_one("SymptomsPane")
        if pane.question is None or asked >= MAX_QUESTIONS:
            break
        await pilot.press("y" if truth.get(pane.question, False) else "n")
        asked += 1
        await settle(app, pilot)
    return asked


def _case(path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed_session_puts_the_cause_first_and_exports(path, tmp_path):
    case = _case(path)

    async def scenario():
        app = WsdoctorApp(LIB, lang="zh" if path.stem.endswith("-zh") else "en", export_dir=tmp_path)
        async with app.run_test(size=(110, 36)) as pilot:
            await pilot.click("#begin-questions")
            for key, value in (case.get("topology") or {}).items():
                sel = app.query_one(f"#topo-{key}")
                values = [v for _, v in sel._options if isinstance(v, str)]
                from wsdoctor.engine.topology import normalize
                canonical = normalize(key, str(value)).value
                if canonical in values:
                    sel.value = canonical
                else:
                    sel.value = "__other__"
                    await pilot.pause()
                    app.query_one(f"#other-{key}").value = str(value)
            await settle(app, pilot)
            await pilot.press("ctrl+n")  # symptoms
            await settle(app, pilot)
            await pilot.press("ctrl+n")  # logs
            app.query_one("#paste").insert(case.get("logs") or "")
            await settle(app, pilot)
            await pilot.press("ctrl+b")  # back to the questions: answers and logs are kept
            await settle(app, pilot)
            asked = await answer_truthfully(app, pilot, case["expected"])
            ranked = [d.id for d in app.report.diagnoses]
            assert ranked and ranked[0] == case["expected"], ranked[:3]
            assert asked <= MAX_QUESTIONS
            assert app.query_one("#paste").text.strip() == (case.get("logs") or "").strip()
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            written = list(tmp_path.glob("wsdoctor-runbook-*.md"))
            assert len(written) == 1
            assert case["expected"] in written[0].read_text()

    asyncio.run(scenario())


def test_pasted_log_raises_upgrade_cause_before_any_answer():
    async def scenario():
        app = WsdoctorApp(LIB)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.click("#begin-logs")
            await settle(app, pilot)
            assert app.query_one("#steps").active == "pane-logs"
            app.query_one("#paste").insert('Started GET "/cable" for 10.0.0.5\n'
                                           "Failed to upgrade to WebSocket (REQUEST_METHOD: GET, HTTP_CONNECTION: close, HTTP_UPGRADE: )\n")
            await settle(app, pilot)
            assert app.report.diagnoses[0].id == "proxy-missing-upgrade-headers"
            assert app.query_one("#matches").row_count >= 1
            shown = str(app.query_one("#ranking").render()).replace("-\n  ", "-")
            assert "proxy-missing-upgrade-headers" in shown

    asyncio.run(scenario())


def test_export_asks_before_overwriting(tmp_path):
    async def scenario():
        app = WsdoctorApp(LIB, export_dir=tmp_path)
        async with app.run_test(size=(100, 32)) as pilot:
            target = Path(app.default_export)
            target.write_text("keep me")
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.screen.__class__.__name__ == "Confirm"
            await pilot.click("#confirm-no")
            await settle(app, pilot)
            assert target.read_text() == "keep me"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            await pilot.click("#confirm-yes")
            await settle(app, pilot)
            assert target.read_text().startswith("# WebSocket incident runbook")

    asyncio.run(scenario())


def test_log_file_with_completion_and_bad_file(tmp_path):
    log = tmp_path / "nginx-error.log"
    log.write_text("2024/05/12 10:00:00 [error] 31#31: *9 upstream timed out (110: Connection timed out) while proxying upgraded connection\n" * 20000)
    (tmp_path / "core.bin").write_bytes(b"\x00\x01\x02")

    async def scenario():
        app = WsdoctorApp(LIB)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.click("#begin-logs")
            inp = app.query_one("#log-path")
            inp.focus()
            await pilot.press(*str(tmp_path / "ngi"))
            await pilot.pause(0.3)
            await pilot.press("right")  # accept the suggestion
            assert inp.value == str(log)
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.state.scan.lines == 20000
            assert app.report.diagnoses[0].id == "proxy-idle-timeout"
            inp.value = str(tmp_path / "core.bin")
            await pilot.press("enter")
            await settle(app, pilot)
            assert "looks binary" in str(app.query_one("#scan-status").render())

    asyncio.run(scenario())


def test_chinese_interface():
    async def scenario():
        app = WsdoctorApp(LIB, lang="zh")
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.click("#begin-describe")
            app.query_one("#describe").insert("经过 nginx 反向代理之后 websocket 每隔 60 秒就断开")
            await settle(app, pilot)
            q = app.query_one("#question").render()
            assert any("\u4e00" <= ch <= "\u9fff" for ch in str(q))
            assert app.report.diagnoses[0].id == "proxy-idle-timeout"
            footer = {k: b.binding.description for k, b in app.active_bindings.items()}
            assert footer["ctrl+n"] == "下一步" and footer["ctrl+q"] == "退出"

    asyncio.run(scenario())


def test_traditional_chinese_interface_and_runbook(tmp_path):
    """zh-tw (a zh_TW / zh_HK locale or --lang zh-tw): labels, causes and the runbook in traditional
    characters; what the user typed is quoted as it was."""
    async def scenario():
        app = WsdoctorApp(LIB, lang="zh-tw", export_dir=tmp_path)
        async with app.run_test(size=(100, 32)) as pilot:
            footer = {k: b.binding.description for k, b in app.active_bindings.items()}
            assert footer["ctrl+q"] == "退出" and footer["ctrl+n"] == "下一步"
            await pilot.click("#begin-describe")
            app.query_one("#describe").insert("经过 nginx 反向代理之后 websocket 每隔 60 秒就断开")
            await settle(app, pilot)
            top = app.report.diagnoses[0]
            assert top.id == "proxy-idle-timeout"
            ranking = str(app.query_one("#ranking").render())
            simplified = LIB.get(top.id).zh.title
            from wsdoctor.engine.text import to_traditional
            assert to_traditional(simplified) != simplified  # the check below can tell the scripts apart
            assert to_traditional(simplified)[:4] in ranking and simplified[:4] not in ranking
            text = app.runbook_text()
            assert to_traditional(simplified) in text and simplified not in text
            assert "经过 nginx 反向代理之后" in text or "`" in text  # the description is quoted, not converted

    asyncio.run(scenario())


def test_a_har_capture_opened_in_the_logs_step(tmp_path):
    import json

    sid = "Xq3mR0JbHkz1AAAB"
    body = '0{"sid":"' + sid + '","upgrades":["websocket"]}'
    poll = {"request": {"method": "GET", "url": "https://chat.example.com/socket.io/?EIO=4&transport=polling&t=a"},
            "response": {"status": 200, "headers": [{"name": "X-Cache", "value": "Hit from cloudfront"}], "content": {"text": body}},
            "startedDateTime": "2026-01-01T10:00:00Z"}
    capture = tmp_path / "session.har"
    capture.write_text(json.dumps({"log": {"entries": [poll, {**poll, "startedDateTime": "2026-01-01T10:00:30Z"}]}}))

    async def scenario():
        app = WsdoctorApp(LIB)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.click("#begin-logs")
            inp = app.query_one("#log-path")
            inp.value = str(capture)
            inp.focus()
            await pilot.press("enter")
            await settle(app, pilot)
            top = app.report.diagnoses[0]
            assert top.id == "cdn-caches-polling-handshake"
            assert {e.signature for e in top.evidence if e.kind == "har"} >= {"har-same-sid-many-handshakes"}
            assert app.report.plan.steps[0].component == "cloudfront"  # the CDN the headers name

    asyncio.run(scenario())


def test_probe_a_live_endpoint_from_the_logs_step():
    """A real python-socketio server on a wrong path: the wizard's probe finds the route mismatch."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    here = Path(__file__).resolve().parent.parent / "integration"
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "sio_app:app", "--host", "127.0.0.1", "--port", str(port),
                               "--log-level", "warning"], cwd=here, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):  # a loaded machine (tests run in parallel) can take a while to start uvicorn
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the Socket.IO test server did not start within 30 s")

        async def scenario():
            app = WsdoctorApp(LIB)
            async with app.run_test(size=(100, 40)) as pilot:
                await pilot.click("#begin-logs")
                inp = app.query_one("#probe-url")
                inp.value = f"http://127.0.0.1:{port}/chat/socket.io/"
                inp.focus()
                await pilot.press("enter")
                for _ in range(200):  # stops as soon as the probe's diagnosis is in
                    await settle(app, pilot)
                    if app.report and app.report.diagnoses:
                        break
                    await asyncio.sleep(0.1)
                assert app.report.diagnoses[0].id == "path-or-route-mismatch"
                assert "1 failed" in str(app.query_one("#probe-status").render())

        asyncio.run(scenario())
    finally:
        server.terminate()
        server.wait(5)


def test_ctrl_n_and_ctrl_b_walk_the_steps_from_any_focus():
    async def scenario():
        app = WsdoctorApp(LIB)
        async with app.run_test(size=(100, 32)) as pilot:
            seen = [app.query_one("#steps").active]
            for _ in range(6):
                await pilot.press("ctrl+n")
                await pilot.pause(0.15)
                seen.append(app.query_one("#steps").active)
            assert seen == ["pane-start", "pane-topology", "pane-symptoms", "pane-logs", "pane-diagnosis",
                            "pane-plan", "pane-export"]
            await pilot.press("ctrl+b")
            await pilot.pause(0.15)
            assert app.query_one("#steps").active == "pane-plan"
            # the focus moved into the step shown, so typing goes there
            assert app.focused is not None and app.focused in app.query_one("#pane-plan").query("*")

    asyncio.run(scenario())
