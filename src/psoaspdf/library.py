"""Libraries of handouts, and what a file in one may name.

A library is a folder tree a clinic keeps: ``booklets/``, ``handouts/``, ``forms/``,
``layouts/``, ``images/`` side by side, with an empty ``psoaspdf.toml`` at the top. A path written
inside a handout, layout, booklet or manifest is read relative to that file and may lead anywhere
under the library's root, never outside it. The built-in library (the handouts, layouts and
booklets that ship with psoaspdf) is one such tree inside the package, read the same way from a
wheel, an sdist or a checkout.
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import importlib.resources
import os
from pathlib import Path

from .errors import NotFound

MARKER = "psoaspdf.toml"
BUNDLED_KINDS = ("handouts", "layouts", "booklets", "programs")
BUILT_IN = "the built-in library"


def package_data(*parts: str) -> Path:
    """A file or folder shipped inside the package (labels, fonts, the built-in library)."""
    return Path(str(importlib.resources.files("psoaspdf").joinpath(*parts)))


@functools.cache
def bundled_root() -> Path:
    """The built-in library's root folder."""
    return package_data("library").resolve()


def bundled_dir(kind: str) -> Path:
    """The built-in library's folder of 'handouts', 'layouts' or 'booklets'."""
    return bundled_root() / kind


def bundled(kind: str) -> list[Path]:
    """The built-in files of one kind, sorted by id."""
    folder = bundled_dir(kind)
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


@dataclasses.dataclass(frozen=True)
class Root:
    """A library's root folder, and how it was chosen (messages say both)."""

    path: Path  # resolved
    why: str

    def __str__(self) -> str:
        return f"the library root {self.path} ({self.why})"

    def contains(self, path: Path) -> bool:
        return path.is_relative_to(self.path)


def find_root(folder: Path, given: Path | None = None) -> Root:
    """The root that bounds what a file in ``folder`` may name.

    The built-in library for its own files; else the folder given with ``--root``; else the
    nearest folder at or above the file holding a ``psoaspdf.toml``; else the current folder
    when the file is inside it (unless that is the home folder or the file system's root, which
    would put everything in reach); else the file's own folder.
    """
    folder = folder.resolve()
    if folder.is_relative_to(bundled_root()):
        return Root(bundled_root(), BUILT_IN)
    if given is not None:
        return Root(given.resolve(), "given with --root")
    for candidate in (folder, *folder.parents):
        if (candidate / MARKER).is_file():
            return Root(candidate, f"the nearest folder with a {MARKER}")
    here = Path.cwd().resolve()
    too_wide = {Path(here.anchor), home_folder()}
    if folder.is_relative_to(here) and here not in too_wide:
        return Root(here, f"the current folder, as no {MARKER} is above the file")
    return Root(folder, f"the file's own folder, as no {MARKER} is above it")


def home_folder() -> Path | None:
    """The user's home folder, resolved, if there is one."""
    try:
        return Path.home().resolve()
    except (RuntimeError, KeyError):  # no HOME and no entry in the password file (a bare container)
        return None


def outside_message(name: str, root: Root) -> str:
    """Why a name written in a file was refused: it leads outside the root, and what to do."""
    return (
        f"{name!r} leads outside {root}. psoaspdf reads nothing outside the root: move the file"
        f" under it, or mark a folder that holds both with an empty {MARKER}, or pass --root"
    )


def absolute_message(name: str, root: Root) -> str:
    return f"{name!r} is an absolute path; write it relative to this file's folder: it may lead anywhere under {root}"


def inside(root: Root, folder: Path, name: str) -> Path | None:
    """``name`` as written in a file in ``folder``, resolved; None when it leads outside the root
    (a '..' too many or a link out). A '..' out of the root is refused before anything outside is
    looked at, so a file cannot learn what exists elsewhere. OSError for a link loop."""
    home = folder.resolve()
    if not root.contains(home):
        return None
    lexical = os.path.normpath(os.path.join(os.path.relpath(home, root.path), name))
    if lexical == os.pardir or lexical.startswith(os.pardir + os.sep):
        return None
    try:
        path = (home / name).resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError on a link loop, 3.13 OSError
        raise OSError(errno.ELOOP, "a link that leads round in a circle") from None
    return path if root.contains(path) else None


def looks_like_path(name: str) -> bool:
    """A name with a folder or a file suffix is a path; a bare word may be a built-in id."""
    return Path(name).suffix.lower() in (".yaml", ".yml") or any(c in name for c in "/\\")


def resolve_in(name: str, kind: str, folder: Path, root: Root) -> Path:
    """A file named in a file in ``folder``: a path relative to it, under ``root``, or a
    built-in id. Raises NotFound with a message for the field (absolute, outside, missing)."""
    if "\0" in name:
        raise NotFound(f"{name!r} holds a NUL character; not a usable file path")
    if Path(name).is_absolute():
        raise NotFound(absolute_message(name, root))
    folder = folder.resolve()
    shown = name if len(name) <= 80 else name[:77] + "..."
    try:
        path = inside(root, folder, name)
        if path is None and looks_like_path(name):
            raise NotFound(outside_message(shown, root))
        if path is not None and (looks_like_path(name) or path.is_file()):
            if path.is_dir():
                raise NotFound(f"{shown}: is a folder; give the path of a file in it")
            if not path.is_file():
                raise NotFound(f"{shown}: file not found (looked in {folder})")
            return path
        return library_id(name, kind, root)
    except OSError as exc:  # a name too long for the file system, no permission, a link loop
        raise NotFound(f"{shown}: not a usable file path ({exc.strerror or exc})") from None


def library_id(name: str, kind: str, root: Root) -> Path:
    """The file an id names: the library's own ``<root>/<kind>/<id>.yaml``, else the built-in one."""
    own = root.path / kind / f"{name}.yaml"
    try:
        if root.why != BUILT_IN and own.is_file() and root.contains(own.resolve()):
            return own.resolve()
    except OSError:  # a name too long for the file system: not the library's either
        pass
    return bundled_id(name, kind)


def resolve_given(name: str, kind: str, root: Path | None = None) -> Path:
    """A name typed on the command line: a file path (anywhere; the operator chose it), or an id:
    of a file in the library of the current folder (``handouts/<id>.yaml`` under its root), else
    of a built-in file."""
    path = Path(name)
    if looks_like_path(name) or path.parent != Path("."):
        if path.is_file():
            return path
        if path.is_dir():
            raise NotFound(f"{name}: is a folder, not a YAML file")
        raise NotFound(f"{name}: file not found")
    if path.is_file():
        return path
    return library_id(name, kind, find_root(Path.cwd(), root))


def located(ref: str, kind: str) -> Path:
    """A validated reference (an absolute path) or a built-in id (a default, or a model made in
    code), as the file it names."""
    return Path(ref) if Path(ref).is_absolute() else bundled_id(ref, kind)


def bundled_id(name: str, kind: str) -> Path:
    """The built-in file of ``kind`` with this id."""
    candidate = bundled_dir(kind) / f"{name}.yaml"
    try:
        if candidate.is_file():
            return candidate
    except OSError:  # a name too long for the file system: no such id either
        pass
    known = ", ".join(p.stem for p in bundled(kind)) or "none"
    singular = kind.rstrip("s")
    shown = name if len(name) <= 80 else name[:77] + "..."
    raise NotFound(f"{shown}: no such file and no built-in {singular} with that id (built in: {known})")


def shown(path: Path) -> str:
    """A path as messages show it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
