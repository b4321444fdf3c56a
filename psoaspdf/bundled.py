"""Where the handouts, layouts and labels that ship with psoaspdf live, and name lookup."""

from __future__ import annotations

import functools
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


def resolve(name: str, kind: str, folder: Path | None = None) -> Path:
    """A path to an existing file (relative to ``folder`` when given), or the id of a bundled
    handout or layout."""
    if folder is not None and (folder / name).is_file():
        return folder / name
    path = Path(name)
    if path.suffix.lower() in (".yaml", ".yml") or path.parent != Path("."):
        if path.is_file():
            return path
        raise NotFound(f"{name}: file not found")
    if path.is_file():
        return path
    candidate = bundled_dir(kind) / f"{name}.yaml"
    if candidate.is_file():
        return candidate
    known = ", ".join(p.stem for p in bundled(kind)) or "none"
    singular = kind.rstrip("s")
    raise NotFound(f"{name}: no such file and no bundled {singular} with that id (bundled: {known})")


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
