"""Build an Intake from what the CLI (or the wizard) was given; bad input is a WsdoctorError."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from wsdoctor.config.model import Finding

from wsdoctor.engine.topology import known_values, named_inside, normalize
from wsdoctor.errors import WsdoctorError
from wsdoctor.model.intake import Intake, LogSource
from wsdoctor.sources.har import looks_like_har, read_har

SNIFF = 8192
HAR_MAX_BYTES = 300_000_000  # a HAR is one JSON document: it is read whole, unlike logs


def check_text_file(path: Path, what: str = "log") -> None:
    if not path.exists():
        raise WsdoctorError(f"{path}: no such file")
    if path.is_dir():
        raise WsdoctorError(f"{path}: is a directory, expected a {what} file")
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF)
    except OSError as exc:
        raise WsdoctorError(f"{path}: cannot read ({exc.strerror})") from None
    nul = head.find(b"\x00")
    if nul >= 0:
        raise WsdoctorError(f"{path}: looks binary (NUL byte at offset {nul}); pass a text {what} file")


def read_stdin() -> str:
    data = sys.stdin.buffer.read()
    nul = data.find(b"\x00", 0, SNIFF)
    if nul >= 0:
        raise WsdoctorError(f"-: standard input looks binary (NUL byte at offset {nul}); pass a text log")
    return data.decode("utf-8", errors="replace")


@dataclass
class FileInput:
    """One input as the engine takes it: the lines to scan, plus what an importer saw across it."""

    source: LogSource
    findings: list[Finding] = field(default_factory=list)
    hints: dict[str, tuple[str, str]] = field(default_factory=dict)  # topology key -> (value, why)


def open_log_file(name: str) -> FileInput:
    """A log file (streamed later, in bounded memory) or a HAR capture (read and converted now)."""
    path = Path(name).expanduser()
    check_text_file(path)
    with path.open(encoding="utf-8", errors="replace") as fh:
        head = fh.read(SNIFF)
    if looks_like_har(name, head):
        size = path.stat().st_size
        if size > HAR_MAX_BYTES:
            raise WsdoctorError(f"{name}: HAR capture of {size / 1e6:.0f} MB is more than the {HAR_MAX_BYTES / 1e6:.0f} MB "
                                "wsdoctor reads into memory; export only the failing page's requests (filter: socket.io)")
        text, found, hints = read_har(path.read_text(encoding="utf-8", errors="replace"), name)
        return FileInput(LogSource(name=name, text=text), found, hints)
    return FileInput(LogSource(name=name, path=str(path)))


def fill_topology(topo: dict[str, str], inputs: list[FileInput]) -> list[tuple[str, str, str, str]]:
    """Add the components an input's headers name (a HAR's CloudFront, nginx ...) where the user named
    none; what the user said wins. Returns (source, key, value, why) for each value added."""
    added = []
    for i in inputs:
        for key, (value, why) in i.hints.items():
            if key not in topo:
                topo[key] = value
                added.append((i.source.name, key, value, why))
    return added


def text_input(name: str, text: str) -> FileInput:
    """Text from standard input or a paste; a HAR capture is recognised by its content."""
    if looks_like_har(name, text[:SNIFF]):
        lines, found, hints = read_har(text, name)
        return FileInput(LogSource(name=name, text=lines), found, hints)
    return FileInput(LogSource(name=name, text=text))


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
    given = set(raw)
    for key, value in list(raw.items()):  # "server=IIS on Windows Server" also says platform=windows-iis
        for other, canonical in named_inside(value).items():
            if other not in given and other != key and other not in topo and canonical not in topo.values():
                topo[other] = canonical
                warnings.append(f"topology {key}={value!r} also names {other}={canonical}; assumed (--topology {other}=... overrides)")
    if topo.get("nodes") == "multiple" and "proxy" in topo and "load_balancer" not in topo \
            and topo["proxy"] in known_values("load_balancer"):
        # a proxy in front of several server processes is the one balancing them
        topo["load_balancer"] = topo["proxy"]
        warnings.append(f"topology: proxy={topo['proxy']} in front of several nodes is their load balancer; assumed")
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
    inputs: list[FileInput] = []
    stdin_used = False
    for name in files or []:
        if name == "-":
            if stdin_used:
                raise WsdoctorError("'-' (standard input) given twice")
            stdin_used = True
            inputs.append(text_input("-", read_stdin()))
        else:
            inputs.append(open_log_file(name))
    if pasted:
        inputs.append(text_input("pasted", pasted))
    logs = [i.source for i in inputs]
    findings = [f for i in inputs for f in i.findings]
    for source, key, value, why in fill_topology(topo, inputs):
        raw[key] = value
        warnings.append(f"topology {key}={value} taken from {source} ({why}); pass --topology {key}=... to override")
    cfgs: list[LogSource] = []
    for name in configs or []:
        path = Path(name)
        check_text_file(path, "config")
        cfgs.append(LogSource(name=name, path=str(path)))
    intake = Intake(topology=topo, topology_raw=raw, symptoms=answers, description=describe.strip(), logs=logs,
                    configs=cfgs, findings=findings)
    return intake, warnings
