"""A pinned wizard for snapshot tests: fixed export path, the seed 000 example loadable."""

from __future__ import annotations

from pathlib import Path

from wsdoctor.library import load_library
from wsdoctor.sources.example import example_log_path
from wsdoctor.tui.app import WsdoctorApp


class SnapshotApp(WsdoctorApp):
    def __init__(self):
        super().__init__(load_library(), export_dir=Path("/tmp"))
        self.default_export = "/tmp/wsdoctor-runbook.md"

    async def load_example(self):
        for key, value in {"framework": "chainlit", "cdn": "cloudfront", "load_balancer": "aws-alb"}.items():
            self.query_one(f"#topo-{key}").value = value
        self.query_one("#paste").insert(Path(example_log_path()).read_text())
        await self.idle()


app = SnapshotApp()

async def _screenshot(path: str) -> None:
    shot = SnapshotApp()
    async with shot.run_test(size=(100, 30)) as pilot:
        await shot.load_example()
        shot.query_one("#steps").active = "pane-diagnosis"
        await pilot.pause()
        await shot.idle()
        await pilot.pause()
        shot.save_screenshot(path)


if __name__ == "__main__":
    import asyncio
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "--screenshot":
        asyncio.run(_screenshot(sys.argv[2]))
    else:
        app.run()
