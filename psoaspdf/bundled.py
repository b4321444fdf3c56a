"""Where the handouts, layouts and labels that ship with psoaspdf live, and name lookup."""

from __future__ import annotations

import errno
import functools
import os
from pathlib import Path
from typing import Any

from .errors import NotFound

PACKAGE = Path(__file__).resolve().parent


def bundled_dir(kind: str) -> Path:
    """The folder of bundled 'handouts' or 'layouts'.

    A wheel carries them inside the package (``_bundled/``); a source checkout or an editable
    install reads the top-level folders of the repository directly.
    """
    inside = PACKAGE / "_bundled" / kind
    if inside.is_dir():
        return inside
    return PACKAGE.parent / kind


def bundled(kind: str) -> list[Path]:
    folder = bundled_dir(kind)
    return sorted(p for p in folder.glob("*.yaml")) if folder.is_dir() else []


OUTSIDE = "is outside the folder of {file}; use a file in that folder or a folder inside it"


def inside_folder(folder: Path, name: str) -> Path | None:
    """``name`` resolved in ``folder``, or None when it leads outside it (an absolute path, '..'
    or a link out), decided before the target is looked at: a file naming another must not tell
    what exists elsewhere. Files psoaspdf ships may use each other (the example booklet uses a
    PDF kept with the layouts). OSError for a link loop."""
    if "\0" in name or Path(name).is_absolute():
        return None
    home = folder.resolve()
    shipped = [bundled_dir(kind).resolve() for kind in ("handouts", "layouts")]
    climbs = os.path.normpath(name).split(os.sep)[0] == os.pardir
    if climbs and not any(home.is_relative_to(root) for root in shipped):
        return None  # '..' out of the folder: refused without looking at anything outside
    try:
        path = (home / name).resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError on a link loop, 3.13 OSError
        raise OSError(errno.ELOOP, "a link that leads round in a circle") from None
    if path.is_relative_to(home):
        return path
    if any(home.is_relative_to(root) for root in shipped) and any(path.is_relative_to(r) for r in shipped):
        return path
    return None


def resolve(name: str, kind: str, folder: Path | None = None, confined: str | None = None) -> Path:
    """A path to an existing file (relative to ``folder`` when given), or the id of a bundled
    handout or layout. With ``confined`` (the name of the file naming it), a path must lead to a
    file inside ``folder``."""
    if confined is not None and folder is not None:
        return _resolve_inside(name, kind, folder, confined)
    if folder is not None and (folder / name).is_file():
        return folder / name
    path = Path(name)
    if path.suffix.lower() in (".yaml", ".yml") or path.parent != Path("."):
        if path.is_file():
            return path
        if path.is_dir():
            raise NotFound(f"{name}: is a folder, not a YAML file")
        raise NotFound(f"{name}: file not found")
    if path.is_file():
        return path
    return _bundled_id(name, kind)


def _bundled_id(name: str, kind: str) -> Path:
    candidate = bundled_dir(kind) / f"{name}.yaml"
    if candidate.is_file():
        return candidate
    known = ", ".join(p.stem for p in bundled(kind)) or "none"
    singular = kind.rstrip("s")
    raise NotFound(f"{name}: no such file and no bundled {singular} with that id (bundled: {known})")


def _resolve_inside(name: str, kind: str, folder: Path, file: str) -> Path:
    try:
        path = inside_folder(folder, name)
    except OSError as exc:
        raise NotFound(f"{name}: not a usable file path ({exc.strerror})") from None
    looks_like_path = Path(name).suffix.lower() in (".yaml", ".yml") or any(c in name for c in "/\\")
    if path is None and (looks_like_path or "\0" in name):
        raise NotFound(f"{name}: {OUTSIDE.format(file=file)}")
    if path is not None and (looks_like_path or path.exists()):
        if path.is_dir():
            raise NotFound(f"{name}: is a folder; give the path of a file in it")
        if not path.is_file():
            raise NotFound(f"{name}: file not found (looked in {folder})")
        return path
    return _bundled_id(name, kind)


@functools.cache
def labels(language: str) -> dict[str, Any]:
    """The printed words around the handout text, for a language (English when missing)."""
    import yaml

    base = language.split("-")[0]
    path = PACKAGE / "labels" / f"{base}.yaml"
    if not path.is_file():
        path = PACKAGE / "labels" / "en.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data
