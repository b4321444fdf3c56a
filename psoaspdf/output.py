"""Atomic file writing: the old file stays until the new one is complete on disk."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import CannotWrite


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write data to path via a temporary file in the same folder and an atomic rename.

    ``mode`` sets the file's permissions (0o600 for a patient's copy); otherwise a replaced file
    keeps its permissions and a new one gets the usual ones (0o666 less the umask).
    """
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CannotWrite(f"{path}: is a folder; give a file name such as {path / 'handout.pdf'}")
    if path.exists() and not path.is_file():
        raise CannotWrite(f"{path}: is not a regular file (a device or a pipe); give a file name")
    if path.exists() and not os.access(path, os.W_OK):
        raise CannotWrite(f"{path}: is read-only; nothing was written")
    if not folder.is_dir():
        raise CannotWrite(f"{path}: the folder {folder} does not exist")
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp_name, mode)
        elif path.exists():
            # keep the permissions a user gave the file they are replacing
            os.chmod(tmp_name, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise CannotWrite(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def ensure_folder(path: Path) -> Path:
    """Create a folder (and its parents) for output; a file in the way is a clear error."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotWrite(f"{path}: cannot make this folder: {exc.strerror or exc}") from None
    return path


def refuse_overwriting_inputs(target: Path, inputs: list[Path]) -> None:
    """An output may never replace one of the files it is made from."""
    resolved = target.resolve()
    for source in inputs:
        if source.resolve() == resolved:
            raise CannotWrite(f"{target}: is one of the input files; choose another output name")
