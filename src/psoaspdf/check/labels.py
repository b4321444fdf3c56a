"""The label catalogs: every printed word around the handout's text, in its language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..library import package_data
from ..validate import Where
from .report import Finding, finding
from .text import base_language

LABELS = package_data("labels")  # the label catalogs, as wording.labels reads them


def label_keys(data: Any, prefix: str = "") -> dict[str, Any]:
    """Every key path (dose.sets) of a label catalog with its value."""
    if isinstance(data, dict):
        found: dict[str, Any] = {}
        for key, value in data.items():
            found.update(label_keys(value, f"{prefix}{key}."))
        return found
    return {prefix.rstrip("."): data}


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(package_data().parent))
    except ValueError:
        return str(path)


def label_findings(language: str, where: Where, folder: Path | None = None) -> list[Finding]:
    """An error for each label the English catalog has and the handout's language lacks, or for a
    language with no catalog at all (render would print English words, or fail).

    Catalogs are looked up as ``wording.labels`` does: ``<folder>/<base language>.yaml``.
    """
    folder = folder or LABELS
    english = folder / "en.yaml"
    base = base_language(language)
    own = folder / f"{base}.yaml"
    if not own.is_file():
        message = (
            f"no label catalog for '{language}' ({_shown_path(own)} does not exist): headings, doses"
            f" and page numbers would print in English; add the catalog, translated from {_shown_path(english)}"
        )
        return [finding("error", "labels", where, "language", message)]
    if base == "en":
        return []
    try:
        reference = label_keys(yaml.safe_load(english.read_text(encoding="utf-8")))
        translated = label_keys(yaml.safe_load(own.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [finding("error", "labels", where, "language", f"{_shown_path(own)} cannot be read: {exc}")]
    findings = []
    for key, value in reference.items():
        if key not in translated:
            message = (
                f"label '{key}' is missing from {_shown_path(own)} (English: {value!r});"
                f" add its '{base}' translation"
            )
            findings.append(finding("error", "labels", where, "language", message))
    return findings
