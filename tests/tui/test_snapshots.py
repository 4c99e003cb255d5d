"""A few snapshots of the main screens at 80x24 (the smallest size the wizard promises)."""

from __future__ import annotations

from pathlib import Path

APP = Path(__file__).resolve().parent / "snapshot_app.py"


def test_start_screen(snap_compare):
    assert snap_compare(str(APP), terminal_size=(80, 24))


def test_diagnosis_screen(snap_compare):
    async def run_before(pilot):
        await pilot.app.load_example()
        await pilot.pause()
        pilot.app.query_one("#steps").active = "pane-diagnosis"
        await pilot.pause()
        await pilot.app.idle()
        await pilot.pause()

    assert snap_compare(str(APP), terminal_size=(100, 30), run_before=run_before)


def test_plan_screen(snap_compare):
    async def run_before(pilot):
        await pilot.app.load_example()
        pilot.app.query_one("#steps").active = "pane-plan"
        await pilot.pause()
        await pilot.app.idle()
        await pilot.pause()

    assert snap_compare(str(APP), terminal_size=(100, 30), run_before=run_before)
