"""Files generated from the model stay in step with it: schemas, docs, the default layout."""

from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import LIBRARY, REPO

from psoaspdf import model
from psoaspdf.schema import json_schema
from psoaspdf.validate import load_layout, unwrap_optional

REFRESH = "run `python -m tools.format_reference` to refresh it"


@pytest.mark.parametrize("kind", ["handout", "layout"])
def test_shipped_schema_equals_the_generated_one(kind: str) -> None:
    path = REPO / "src" / "psoaspdf" / "library" / "schemas" / f"{kind}.schema.json"
    assert path.is_file(), f"{path.relative_to(REPO)} is missing; {REFRESH}"
    shipped = json.loads(path.read_text(encoding="utf-8"))
    assert shipped == json_schema(kind), f"{path.relative_to(REPO)} is stale; {REFRESH}"


@pytest.mark.parametrize("kind", ["handout", "layout"])
def test_format_reference_in_docs_is_current(kind: str) -> None:
    from tools.format_reference import DOCS, refreshed

    path: Path = DOCS[kind]
    assert path.is_file(), f"{path} is missing"
    text = path.read_text(encoding="utf-8")
    assert f"<!-- reference:{kind} -->" in text
    assert refreshed(text) == text, f"{path.relative_to(REPO)} is stale; {REFRESH}"


def model_keys(cls: type) -> dict[str, Any]:
    """The nested key tree of a model class: {field: subtree or None}. A class that can be
    written as one value (``__shorthand__``, e.g. a script font's file) is a leaf."""
    hints = typing.get_type_hints(cls)
    tree: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        inner, _ = unwrap_optional(hints[f.name])
        nested = dataclasses.is_dataclass(inner) and not hasattr(inner, "__shorthand__")
        tree[f.name] = model_keys(inner) if nested else None
    return tree


def yaml_keys(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: yaml_keys(value) for key, value in data.items()}
    return None


def test_default_layout_file_loads_equal_to_the_built_in_layout() -> None:
    assert load_layout(LIBRARY / "layouts" / "default.yaml") == model.Layout()


def test_default_layout_file_mentions_every_key() -> None:
    data = yaml.safe_load((LIBRARY / "layouts" / "default.yaml").read_text(encoding="utf-8"))
    assert yaml_keys(data) == model_keys(model.Layout)


def test_key_tree_helper_sees_nested_keys() -> None:
    tree = model_keys(model.Layout)
    assert tree["clinic"]["contact"]["emergency_number"] is None
    assert set(tree["colors"]) >= {"primary", "text", "warning_tint"}


def test_every_bundled_file_names_the_schema_it_follows() -> None:
    for kind in ("handouts", "layouts"):
        for path in sorted((REPO / kind).glob("*.yaml")):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            schema = "handout" if kind == "handouts" else "layout"
            assert first == f"# yaml-language-server: $schema=../schemas/{schema}.schema.json", path.name
