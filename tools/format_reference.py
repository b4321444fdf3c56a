"""The key-by-key format reference in docs/ and the JSON Schemas, generated from the model (a
developer tool; it writes into the repository).

Run ``python -m tools.format_reference`` from the repository to refresh the generated parts of
docs/*-format.md and the schemas in the built-in library after changing model.py; a test fails
while they are stale.
"""

from __future__ import annotations

import dataclasses
import json
import re
import typing
from pathlib import Path
from typing import Any

from psoaspdf.schema import ROOTS, json_schema
from psoaspdf.validate import describe, hints, is_model, unwrap_optional

ROOT = Path(__file__).resolve().parent.parent
DOCS = {kind: ROOT / "docs" / f"{kind}-format.md" for kind in ROOTS}
SCHEMAS = {kind: ROOT / "src" / "psoaspdf" / "library" / "schemas" / f"{kind}.schema.json" for kind in ROOTS}


def _default(f: dataclasses.Field[Any]) -> str:
    if f.default is dataclasses.MISSING:
        return "**required**"
    if f.default is None or f.default == ():
        return "optional"
    if dataclasses.is_dataclass(f.default):
        return "optional"
    value = f.default
    if isinstance(value, bool):
        value = str(value).lower()
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"default `{value}`"


def _type_name(tp: Any, meta: dict[str, Any]) -> str:
    inner, _ = unwrap_optional(tp)
    if is_model(inner):
        short = getattr(inner, "__shorthand__", None)
        name = f"[{inner.__name__}](#{inner.__name__.lower()})"
        return name + (" or text" if short else "")
    if typing.get_origin(inner) is tuple:
        item = _type_name(typing.get_args(inner)[0], {})
        limits = []
        if meta.get("min_items"):
            limits.append(f"at least {meta['min_items']}")
        if meta.get("max_items"):
            limits.append(f"at most {meta['max_items']}")
        return f"list of {item}" + (f" ({', '.join(limits)})" if limits else "")
    text = describe(inner)
    if meta.get("minimum") is not None:
        text += f", {meta['minimum']:g} to {meta['maximum']:g}"
    if meta.get("max_length"):
        text += f", up to {meta['max_length']} characters"
    return text


def _classes(root: type) -> list[type]:
    seen: list[type] = []

    def visit(cls: type) -> None:
        if cls in seen:
            return
        seen.append(cls)
        for tp in hints(cls).values():
            inner, _ = unwrap_optional(tp)
            if typing.get_origin(inner) is tuple:
                inner = typing.get_args(inner)[0]
            if is_model(inner):
                visit(inner)

    visit(root)
    return seen


def reference_markdown(kind: str) -> str:
    """Markdown tables of every key, one table per kind of mapping."""
    out: list[str] = []
    for cls in _classes(ROOTS[kind]):
        out.append(f"### {cls.__name__}\n")
        out.append((cls.__doc__ or "").strip() + "\n")
        out.append("| key | value | | what it is |")
        out.append("|---|---|---|---|")
        types_ = hints(cls)
        for f in dataclasses.fields(cls):
            meta = dict(f.metadata)
            doc = meta.get("doc", "").replace("|", "\\|")
            out.append(f"| `{f.name}` | {_type_name(types_[f.name], meta)} | {_default(f)} | {doc} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


MARK = re.compile(r"(<!-- reference:(\w+) -->\n).*?(<!-- /reference -->)", re.S)


def refreshed(text: str) -> str:
    return MARK.sub(lambda m: m.group(1) + "\n" + reference_markdown(m.group(2)) + "\n" + m.group(3), text)


def schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    for path in DOCS.values():
        path.write_text(refreshed(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"refreshed {path.relative_to(ROOT)}")
    for kind, path in SCHEMAS.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(schema_text(kind), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
