"""The bundled example incident that `make run` diagnoses when there is no terminal."""

from __future__ import annotations

from importlib import resources


def example_log_path() -> str:
    return str(resources.files("wsdoctor.data").joinpath("example-seed-000.log"))


def example_args() -> list[str]:
    return [
        example_log_path(),
        "--describe",
        "After refreshing the page or clicking New chat the socket cannot connect; about 109 requests carry the same sid, "
        "the first is upgraded (101) and the rest fail.",
        "--topology", "framework=chainlit", "--topology", "cdn=cloudfront",
        "--topology", "load_balancer=AWS ALB", "--topology", "platform=ECS Fargate",
        "--topology", "server=python-socketio",
    ]
