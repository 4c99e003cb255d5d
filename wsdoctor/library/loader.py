"""Read one playbook file with ruamel.yaml and validate it, reporting `file:line:col` problems.

Pydantic reports errors by location (`loc`); ruamel's round-trip nodes remember where each
key and item was, so each error is pointed at the exact place in the file. Every problem in
a file is collected before giving up.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from wsdoctor.errors import Problems
from wsdoctor.model.playbook import Playbook, regex


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class LoadedPlaybook:
    path: Path
    playbook: Playbook
    raw: CommentedMap | None  # None when loaded by the fast path (no positions kept)

    def position(self, *loc: str | int) -> tuple[int, int]:
        if self.raw is None:
            self.raw = YAML(typ="rt").load(self.path.read_text(encoding="utf-8"))
        return locate(self.raw, loc)


def _fast_load(path: Path) -> LoadedPlaybook | None:
    """The common case: a valid file, read with the C loader. Anything odd falls back to the slow path."""
    try:
        data = YAML(typ="safe", pure=False).load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            return None
        playbook = Playbook.model_validate(data)
        for sig in playbook.signatures:
            if sig.kind == "regex":
                regex(sig.pattern)
        for sym in playbook.symptoms:
            for pat in (*sym.patterns, *sym.unless):
                regex(pat)
    except Exception:  # noqa: BLE001 - any problem is reported precisely by the slow path
        return None
    return LoadedPlaybook(path=path, playbook=playbook, raw=None)


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def locate(root: Any, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
    """1-based (line, col) of `loc` in a ruamel document; falls back to the nearest ancestor."""
    node = root
    line, col = 1, 1
    if isinstance(root, (CommentedMap, CommentedSeq)) and getattr(root.lc, "line", None) is not None:
        line, col = root.lc.line + 1, root.lc.col + 1
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        try:
            if isinstance(node, CommentedMap) and part in node:
                if last and key:
                    ln, cl = node.lc.key(part)
                else:
                    ln, cl = node.lc.value(part)
                    child = node[part]
                    if isinstance(child, (CommentedMap, CommentedSeq)) and not isinstance(child, str):
                        ln, cl = node.lc.key(part)
                line, col = ln + 1, cl + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                ln, cl = node.lc.item(part)
                line, col = ln + 1, cl + 1
                node = node[part]
            else:
                break
        except (KeyError, AttributeError, TypeError, IndexError):
            break
    return line, col


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The pydantic model class found by walking `loc` down from Playbook."""
    current: Any = Playbook
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            if isinstance(part, int) or part not in current.model_fields:
                return None
            current = current.model_fields[part].annotation
        else:
            return None
        # unwrap Optional / list / dict to reach the next model
        while True:
            origin = typing.get_origin(current)
            if origin in (list, tuple):
                current = typing.get_args(current)[0]
                if isinstance(part, int):
                    break
                break
            if origin is dict:
                current = typing.get_args(current)[1]
                break
            if origin in (typing.Union, types.UnionType):
                args = [a for a in typing.get_args(current) if a is not type(None)]
                current = args[0]
                continue
            break
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _container_model(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    # strip list indexes / dict keys that sit between models
    model = None
    for cut in range(len(loc), -1, -1):
        model = _model_at(tuple(p for p in loc[:cut] if not isinstance(p, int)))
        if model is not None and cut == len(loc):
            return model
        if model is not None:
            return model
    return model


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _describe(err: dict[str, Any]) -> tuple[str, str]:
    typ = err["type"]
    msg = err["msg"]
    loc = err["loc"]
    if typ == "missing":
        return "missing-key", f"'{loc[-1]}' is required"
    if typ == "string_pattern_mismatch":
        return "invalid-value", f"'{'.'.join(map(str, loc))}' must be kebab-case (lowercase words joined by '-')"
    if typ.startswith("literal_error") or typ == "enum":
        expected = err.get("ctx", {}).get("expected", "")
        return "invalid-value", f"'{loc[-1]}': {err.get('input')!r} is not one of {expected}"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    field = ".".join(str(p) for p in loc) or "playbook"
    return ("invalid-type" if typ.endswith("_type") else "invalid-value"), f"'{field}': {msg}"


def load_file(path: Path, problems: Problems, *, fast: bool = False) -> LoadedPlaybook | None:
    """Parse and validate one playbook; append every problem to `problems`.

    With fast=True a valid file is read with the C YAML loader and positions are looked up
    only when needed; an invalid file is always re-read round-trip to locate each problem.
    """
    if fast:
        loaded = _fast_load(path)
        if loaded is not None:
            return loaded
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(shown, 1, 1, "not-text", "file is not UTF-8 text")
        return None
    except OSError as exc:
        problems.add(shown, 1, 1, "unreadable", exc.strerror or str(exc))
        return None
    yaml = YAML(typ="rt")
    try:
        raw = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = (exc.problem or exc.context or "invalid YAML").strip()
        if "found duplicate key" in str(exc):
            what = re.sub(r"\s+", " ", what)
        problems.add(shown, line, col, "yaml-syntax", what)
        return None
    except YAMLError as exc:
        problems.add(shown, 1, 1, "yaml-syntax", str(exc).splitlines()[0])
        return None
    if not isinstance(raw, CommentedMap):
        problems.add(shown, 1, 1, "invalid-type", "a playbook must be a YAML mapping")
        return None
    data = _plain(raw)
    try:
        playbook = Playbook.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            if err["type"] == "extra_forbidden":
                model = _container_model(loc[:-1])
                options = list(model.model_fields) if model else []
                line, col = locate(raw, loc, key=True)
                problems.add(shown, line, col, "unknown-key", f"'{loc[-1]}'{_suggest(str(loc[-1]), options)}")
                continue
            code, message = _describe(err)
            target = loc[:-1] if err["type"] == "missing" else loc
            line, col = locate(raw, target, key=err["type"] == "missing" and False)
            problems.add(shown, line, col, code, message)
        return None
    bad = False
    for i, sig in enumerate(playbook.signatures):
        if sig.kind == "regex":
            try:
                regex(sig.pattern)
            except re.error as exc:
                line, col = locate(raw, ("signatures", i, "pattern"))
                problems.add(shown, line, col, "bad-regex", f"signature '{sig.id}': {exc}")
                bad = True
    for i, sym in enumerate(playbook.symptoms):
        for field, label in (("patterns", "pattern"), ("unless", "unless")):
            for j, pat in enumerate(getattr(sym, field)):
                try:
                    regex(pat)
                except re.error as exc:
                    line, col = locate(raw, ("symptoms", i, field, j))
                    problems.add(shown, line, col, "bad-regex", f"symptom '{sym.id}' {label} {j + 1}: {exc}")
                    bad = True
    if bad:
        return None
    return LoadedPlaybook(path=path, playbook=playbook, raw=raw)
