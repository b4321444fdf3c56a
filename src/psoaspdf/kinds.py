"""What kind of file a YAML file is: a handout, layout, booklet, manifest, pose or program."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

import yaml

from . import model
from .yamlsrc import YamlProblem, load_file

Kind = Literal["handout", "layout", "booklet", "manifest", "pose", "program"]
KINDS: dict[Kind, type] = {
    "handout": model.Handout,
    "layout": model.Layout,
    "booklet": model.Booklet,
    "manifest": model.Manifest,
    "pose": model.Pose,
    "program": model.Program,
}
# keys only one kind of file has, for files whose keys fit several kinds
TELLING_KEYS: dict[str, Kind] = {
    "items": "booklet",
    "clinics": "manifest",
    "patients": "manifest",
    "base": "pose",
    "key_message": "handout",
}


def yaml_files(paths: list[Path]) -> list[Path]:
    """Files as given, and the .yaml/.yml files inside folders (sorted, recursive)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.suffix.lower() in (".yaml", ".yml") and p.is_file()
            )
        else:
            found.append(path)
    return found


def top_keys(node: yaml.Node) -> set[str]:
    if not isinstance(node, yaml.MappingNode):
        return set()
    return {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def detect_kind(path: Path, node: yaml.Node) -> Kind:
    """What a YAML file is, from its folder and its top-level keys (misspellings allowed)."""
    if path.parent.name == "layouts":
        return "layout"
    keys = top_keys(node)
    if path.parent.name == "programs" or ("exercises" in keys and _names_exercises(node)):
        return "program"
    for key, kind in TELLING_KEYS.items():
        if key in keys:
            return kind
    fields = {kind: {f.name for f in dataclasses.fields(cls)} for kind, cls in KINDS.items()}
    fitting = [kind for kind, names in fields.items() if keys and keys <= names]
    if len(fitting) == 1:
        return fitting[0]
    if "layout" in fitting and "title" not in keys:
        return "layout"
    # unknown keys: the kind sharing most keys, a handout when in doubt
    best = max(fields, key=lambda kind: (len(keys & fields[kind]), kind == "handout"))
    return best if keys & fields[best] else "handout"


def _names_exercises(node: yaml.Node) -> bool:
    """Whether a file's exercises are ids (a program), not written out (a handout)."""
    assert isinstance(node, yaml.MappingNode)
    for key, value in node.value:
        if (
            isinstance(key, yaml.ScalarNode)
            and key.value == "exercises"
            and isinstance(value, yaml.SequenceNode)
        ):
            items = value.value
            return bool(items) and all(
                isinstance(i, yaml.ScalarNode)
                or (isinstance(i, yaml.MappingNode) and "exercise" in top_keys(i))
                for i in items
            )
    return False


def is_booklet_file(path: Path) -> bool:
    """A YAML file that is a booklet rather than a handout."""
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        node = load_file(path)
    except YamlProblem:
        return False
    return detect_kind(path, node) == "booklet"


def kind_of_file(path: Path) -> Kind | None:
    """The kind of a YAML file, or None when it is not one psoaspdf can read."""
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return None
    try:
        return detect_kind(path, load_file(path))
    except YamlProblem:
        return None
