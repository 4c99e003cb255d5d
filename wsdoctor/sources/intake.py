"""Build an Intake from what the CLI (or the wizard) was given; bad input is a WsdoctorError."""

from __future__ import annotations

import sys
from pathlib import Path

from wsdoctor.engine.topology import normalize
from wsdoctor.errors import WsdoctorError
from wsdoctor.model.intake import Intake, LogSource

SNIFF = 8192


def check_text_file(path: Path) -> None:
    if not path.exists():
        raise WsdoctorError(f"{path}: no such file")
    if path.is_dir():
        raise WsdoctorError(f"{path}: is a directory, expected a log file")
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF)
    except OSError as exc:
        raise WsdoctorError(f"{path}: cannot read ({exc.strerror})") from None
    nul = head.find(b"\x00")
    if nul >= 0:
        raise WsdoctorError(f"{path}: looks binary (NUL byte at offset {nul}); pass a text log")


def read_stdin() -> str:
    data = sys.stdin.buffer.read()
    nul = data.find(b"\x00", 0, SNIFF)
    if nul >= 0:
        raise WsdoctorError(f"-: standard input looks binary (NUL byte at offset {nul}); pass a text log")
    return data.decode("utf-8", errors="replace")


def parse_topology(pairs: list[str]) -> tuple[dict[str, str], dict[str, str], list[str]]:
    topo: dict[str, str] = {}
    raw: dict[str, str] = {}
    warnings: list[str] = []
    for pair in pairs:
        if "=" not in pair:
            raise WsdoctorError(f"--topology {pair!r}: expected KEY=VALUE, e.g. proxy=nginx")
        key, value = pair.split("=", 1)
        n = normalize(key, value)
        raw[n.key] = value
        if n.value is None:
            topo.pop(n.key, None)
            continue
        if not n.known:
            warnings.append(f"topology {n.key}={value!r} is not a value wsdoctor knows; kept as free text")
        topo[n.key] = n.value
    return topo, raw, warnings


def build_intake(lib, *, files: list[str] | None = None, describe: str = "", topology: list[str] | None = None,
                 symptoms: list[str] | None = None, no_symptoms: list[str] | None = None,
                 pasted: str | None = None, configs: list[str] | None = None) -> tuple[Intake, list[str]]:
    topo, raw, warnings = parse_topology(topology or [])
    answers: dict[str, bool] = {}
    for s in symptoms or []:
        answers[lib.check_symptom(s)] = True
    for s in no_symptoms or []:
        sid = lib.check_symptom(s)
        if answers.get(sid) is True:
            raise WsdoctorError(f"symptom '{sid}' given with both --symptom and --no-symptom")
        answers[sid] = False
    logs: list[LogSource] = []
    stdin_used = False
    for name in files or []:
        if name == "-":
            if stdin_used:
                raise WsdoctorError("'-' (standard input) given twice")
            stdin_used = True
            logs.append(LogSource(name="-", text=read_stdin()))
            continue
        path = Path(name)
        check_text_file(path)
        logs.append(LogSource(name=name, path=str(path)))
    if pasted:
        logs.append(LogSource(name="pasted", text=pasted))
    cfgs: list[LogSource] = []
    for name in configs or []:
        path = Path(name)
        check_text_file(path)
        cfgs.append(LogSource(name=name, path=str(path)))
    intake = Intake(topology=topo, topology_raw=raw, symptoms=answers, description=describe.strip(), logs=logs,
                    configs=cfgs)
    return intake, warnings
