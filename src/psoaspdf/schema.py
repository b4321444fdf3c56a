"""JSON Schema for handout, layout, booklet, manifest and program files, generated from the model the validator uses."""

from __future__ import annotations

import dataclasses
import datetime
import typing
from typing import Any, Literal

from . import model
from .validate import hints, is_model, unwrap_optional

ROOTS: dict[str, type] = {
    "handout": model.Handout,
    "layout": model.Layout,
    "booklet": model.Booklet,
    "manifest": model.Manifest,
    "program": model.Program,
}
SCHEMA_ID = "https://github.com/psoaspdf/psoaspdf/schemas/{kind}.schema.json"


def _scalar(tp: Any, meta: dict[str, Any]) -> dict[str, Any]:
    if typing.get_origin(tp) is Literal:
        return {"enum": list(typing.get_args(tp))}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int or tp is float:
        out: dict[str, Any] = {"type": "integer" if tp is int else "number"}
        if meta.get("minimum") is not None:
            out["minimum"] = meta["minimum"]
        if meta.get("maximum") is not None:
            out["maximum"] = meta["maximum"]
        return out
    if tp is datetime.date:
        return {"type": "string", "format": "date"}
    if tp is model.Url:
        return {"type": "string", "pattern": "^https?://\\S+$"}
    if tp is model.HttpsUrl:
        return {"type": "string", "pattern": "^https://\\S+$"}
    if tp is model.Color:
        return {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"}
    out = {"type": "string", "minLength": 1}
    if meta.get("pattern"):
        out["pattern"] = meta["pattern"]
    if meta.get("max_length"):
        out["maxLength"] = meta["max_length"]
    return out


def _type(tp: Any, meta: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    inner, optional = unwrap_optional(tp)
    if optional:  # an empty value (`logo:`) means "none" in our files
        return {"anyOf": [_type(inner, meta, defs), {"type": "null"}]}
    if is_model(inner):
        ref = {"$ref": f"#/$defs/{inner.__name__}"}
        _object(inner, defs)
        shorthand = getattr(inner, "__shorthand__", None)
        if shorthand:
            fields = {f.name: f for f in dataclasses.fields(inner)}
            short = _scalar(hints(inner)[shorthand], dict(fields[shorthand].metadata))
            return {"anyOf": [short, ref]}
        return ref
    if typing.get_origin(inner) is tuple:
        out: dict[str, Any] = {"type": "array", "items": _type(typing.get_args(inner)[0], {}, defs)}
        if meta.get("min_items"):
            out["minItems"] = meta["min_items"]
        if meta.get("max_items"):
            out["maxItems"] = meta["max_items"]
        return out
    return _scalar(inner, meta)


def _object(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    if cls.__name__ in defs:
        return {"$ref": f"#/$defs/{cls.__name__}"}
    defs[cls.__name__] = {}  # placeholder against recursion
    properties: dict[str, Any] = {}
    required: list[str] = []
    field_types = hints(cls)
    for f in dataclasses.fields(cls):
        meta = dict(f.metadata)
        prop = _type(field_types[f.name], meta, defs)
        prop = {"description": meta.get("doc", ""), **prop}
        if (
            f.default is not dataclasses.MISSING
            and f.default is not None
            and not dataclasses.is_dataclass(f.default)
        ):
            prop["default"] = f.default if not isinstance(f.default, tuple) else list(f.default)
        properties[f.name] = prop
        if f.default is dataclasses.MISSING:
            required.append(f.name)
    schema: dict[str, Any] = {
        "type": "object",
        "description": (cls.__doc__ or "").strip(),
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    defs[cls.__name__] = schema
    return {"$ref": f"#/$defs/{cls.__name__}"}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) for 'handout' or 'layout' files."""
    root = ROOTS[kind]
    defs: dict[str, Any] = {}
    _object(root, defs)
    top = defs.pop(root.__name__)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID.format(kind=kind),
        "title": f"psoaspdf {kind}",
        **top,
        "$defs": dict(sorted(defs.items())),
    }


def schema_defs(cls: type) -> dict[str, Any]:
    """The JSON Schemas of ``cls`` and every model it holds, by class name (for OpenAPI's
    components: their references point at ``#/components/schemas/``)."""
    import json

    defs: dict[str, Any] = {}
    _object(cls, defs)
    text = json.dumps(dict(sorted(defs.items()))).replace('"#/$defs/', '"#/components/schemas/')
    found: dict[str, Any] = json.loads(text)
    return found
