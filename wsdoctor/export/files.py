"""Write output files safely: never overwrite without --force, and never leave half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from wsdoctor.errors import WsdoctorError


def write_new(path: Path, text: str, *, force: bool = False) -> None:
    if path.is_dir():
        raise WsdoctorError(f"{path}: is a directory")
    if path.exists() and not force:
        raise WsdoctorError(f"{path}: already exists (use --force to overwrite)")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise WsdoctorError(f"{parent}: no such directory")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
