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

if __name__ == "__main__":
    app.run()
