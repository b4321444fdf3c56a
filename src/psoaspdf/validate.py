"""Marked YAML nodes → frozen model, collecting every problem in one pass.

The rules come from the dataclasses in :mod:`psoaspdf.model` (types, docs and limits), so the
validator, the JSON Schema and the format reference can never disagree.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypeGuard, TypeVar

import yaml

from . import model
from .errors import InvalidInput, NotFound, Problem
from .library import Root, absolute_message, find_root, inside, outside_message, resolve_in
from .yamlsrc import WINDOWS_PATH_HINT, YamlProblem, load_file

T = TypeVar("T")

_INT = re.compile(r"^[+]?[0-9]{1,9}$")
_NUMBER = re.compile(r"^[+]?([0-9]{1,6})(\.[0-9]{1,3})?$")
# only where a field's minimum is below zero (joint angles), so '-3' sets keeps its old message
_SIGNED_INT = re.compile(r"^[+-]?[0-9]{1,9}$")
_SIGNED_NUMBER = re.compile(r"^[+-]?([0-9]{1,6})(\.[0-9]{1,3})?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
MAX_QR_BYTES = 2000  # a web address printed as a QR code (videos), in UTF-8 bytes
_TRUE = {"true", "yes"}
_FALSE = {"false", "no"}


class _Invalid:
    """Marks a value that failed; the problem is already recorded."""


INVALID: Any = _Invalid()


def field_path(parent: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{parent}[{name + 1}]"
    return f"{parent}.{name}" if parent else name


@dataclasses.dataclass
class Context:
    """What a conversion needs: the file's name, folder and library root, and where problems go."""

    path: str
    folder: Path
    problems: list[Problem]
    root: Root

    def add(self, node: yaml.Node | None, field: str, message: str) -> Any:
        if node is None:
            self.problems.append(Problem(self.path, None, None, field, message))
        else:
            mark = node.start_mark
            self.problems.append(Problem(self.path, mark.line + 1, mark.column + 1, field, message))
        return INVALID


def is_model(tp: Any) -> TypeGuard[type]:
    """Whether tp is one of the model's dataclasses (a class, not an instance)."""
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def unwrap_optional(tp: Any) -> tuple[Any, bool]:
    """(inner type, whether None is allowed)."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def describe(tp: Any) -> str:
    """A plain-words name for a type, used in 'expected ...' messages."""
    tp, _ = unwrap_optional(tp)
    if is_model(tp):
        return "a mapping of keys" + (" or a line of text" if _shorthand(tp) else "")
    if typing.get_origin(tp) is tuple:
        return "a list"
    names = {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        datetime.date: "a date written YYYY-MM-DD",
        model.Url: "a web address starting with https:// or http://",
        model.HttpsUrl: "a web address starting with https://",
        model.FilePath: "a file path",
        model.Ref: "a file path or an id",
        model.Color: "a colour written #RRGGBB",
    }
    if typing.get_origin(tp) is Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(tp))
    return names.get(tp, str(tp))


def _shorthand(cls: type) -> str | None:
    return getattr(cls, "__shorthand__", None)


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "text"


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def convert(node: yaml.Node, tp: Any, where: str, ctx: Context, meta: dict[str, Any]) -> Any:
    """Convert one node to the type ``tp``; record problems and return INVALID on failure."""
    inner, optional = unwrap_optional(tp)
    if isinstance(node, yaml.ScalarNode) and node.style is None and node.value in ("", "~", "null"):
        if optional:
            return None
        return ctx.add(node, where, f"is empty; expected {describe(inner)}")
    if is_model(inner):
        return convert_object(node, inner, where, ctx)
    if typing.get_origin(inner) is tuple:
        return _convert_list(node, typing.get_args(inner)[0], where, ctx, meta)
    if not isinstance(node, yaml.ScalarNode):
        return ctx.add(node, where, f"expected {describe(inner)}, got {_kind(node)}{_colon_hint(node)}")
    return _convert_scalar(node, inner, where, ctx, meta)


def _colon_hint(node: yaml.Node) -> str:
    """For text written with a colon and a space ("- Note: rest first"), which YAML reads as a
    key and its value: say to put it in quotes."""
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
        key = node.value[0][0]
        if isinstance(key, yaml.ScalarNode) and key.style is None:
            word = key.value if len(key.value) <= 30 else key.value[:27] + "..."
            return (
                f" ('{word}:' followed by a space starts a key in YAML); if this is text, put all of it"
                f' in quotes: "{word}: ..."'
            )
    return ""


def _convert_list(node: yaml.Node, item_tp: Any, where: str, ctx: Context, meta: dict[str, Any]) -> Any:
    if not isinstance(node, yaml.SequenceNode):
        return ctx.add(node, where, f"expected a list (lines starting with '- '), got {_kind(node)}")
    items = [convert(child, item_tp, field_path(where, i), ctx, meta) for i, child in enumerate(node.value)]
    low, high = meta.get("min_items", 0), meta.get("max_items")
    if len(items) < low:
        ctx.add(node, where, f"needs at least {low} item{'s' if low > 1 else ''}, has {len(items)}")
    if high is not None and len(items) > high:
        ctx.add(node, where, f"has {len(items)} items; at most {high} fit well on paper")
    if any(item is INVALID for item in items):
        return INVALID
    return tuple(items)


def _convert_scalar(node: yaml.ScalarNode, tp: Any, where: str, ctx: Context, meta: dict[str, Any]) -> Any:
    raw: str = node.value
    text = raw.strip()
    if typing.get_origin(tp) is Literal:
        allowed = [str(a) for a in typing.get_args(tp)]
        # 'A4' and 'Letter' mean what they say: match without regard to case
        matches = [a for a in allowed if a.lower() == text.lower()]
        if matches:
            return matches[0]
        return ctx.add(node, where, f"{_shown(text)} is not allowed; use one of: {', '.join(allowed)}")
    if tp is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        return ctx.add(node, where, f"expected true or false, got {_shown(text)}")
    if tp is int or tp is float:
        low, high = meta.get("minimum"), meta.get("maximum")
        signed = low is not None and low < 0
        pattern = {int: (_INT, _SIGNED_INT), float: (_NUMBER, _SIGNED_NUMBER)}[tp][signed]
        if not pattern.match(text):
            return ctx.add(node, where, f"expected {describe(tp)}, got {_shown(text)}")
        number: int | float = int(text, 10) if tp is int else float(text)
        if (low is not None and number < low) or (high is not None and number > high):
            return ctx.add(node, where, f"{text} is out of range; use {low:g} to {high:g}")
        return number
    if tp is datetime.date:
        try:
            if not _DATE.match(text):
                raise ValueError
            return datetime.date.fromisoformat(text)
        except ValueError:
            return ctx.add(node, where, f"expected a date written YYYY-MM-DD, got {_shown(text)}")
    if tp is model.Url or tp is model.HttpsUrl:
        schemes = ("https://",) if tp is model.HttpsUrl else ("https://", "http://")
        spaced = any(c.isspace() for c in text)
        if not text.lower().startswith(schemes) or len(text) <= len("https://") or spaced:
            return ctx.add(node, where, f"expected {describe(tp)}, got {_shown(text)}")
        hidden = _hidden_character(text)
        if hidden:
            return ctx.add(node, where, hidden)
        size = len(text.encode("utf-8"))
        if tp is model.HttpsUrl and size > MAX_QR_BYTES:
            # printed as a QR code, which holds only so much (ReportLab raises past ~2,200 bytes)
            return ctx.add(node, where, f"is {size:,} bytes long; a QR code holds at most {MAX_QR_BYTES:,}")
        return tp(text)
    if tp is model.Color:
        if not _COLOR.match(text):
            return ctx.add(node, where, f"expected a colour written #RRGGBB, got {_shown(text)}")
        return model.Color(text.upper())
    if tp is model.FilePath:
        return _file_path(node, text, where, ctx)
    if tp is model.Ref:
        return _reference(node, text, where, ctx, meta["ref"])
    if tp is str:
        return _text(node, text, where, ctx, meta)
    raise TypeError(f"no converter for {tp!r}")  # a bug in model.py, not user input


def _text(node: yaml.ScalarNode, text: str, where: str, ctx: Context, meta: dict[str, Any]) -> Any:
    text = " ".join(text.split())  # YAML folding aside, prose is one line: we reflow it
    if not text:
        return ctx.add(node, where, "is empty; expected text")
    hidden = _hidden_character(text)
    if hidden:
        return ctx.add(node, where, hidden)
    pattern = meta.get("pattern")
    if pattern and not re.match(pattern, text):
        return ctx.add(node, where, f"{_shown(text)} is not {meta.get('pattern_hint') or 'allowed here'}")
    limit = meta.get("max_length")
    if limit and len(text) > limit:
        return ctx.add(node, where, f"is {len(text)} characters; keep it to {limit} or fewer")
    return text


# Characters that change the order text is shown in (U+202E makes "take 1 tablet" read backwards
# in a viewer that honours it, or when copied) while printing nothing themselves.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _hidden_character(text: str) -> str | None:
    """What is wrong with a control or text-direction character in text, if there is one."""
    for c in text:
        if ord(c) < 32 or 0x7F <= ord(c) < 0xA0:
            return f"contains a control character (U+{ord(c):04X})"
        if c in _BIDI_CONTROLS:
            return f"contains an invisible text-direction character (U+{ord(c):04X}); remove it"
    return None


def _file_path(node: yaml.ScalarNode, text: str, where: str, ctx: Context) -> Any:
    """A file relative to the YAML file's folder, anywhere under the library root.

    Absolute paths, a '..' out of the root and links leading out are refused before the file
    system is asked about the target, so the message is the same whether or not it exists.
    """
    if "://" in text:
        return ctx.add(node, where, f"expected a local file path, got a web address {_shown(text)}")
    hidden = _hidden_character(text)
    if hidden:
        if node.style == '"':  # "images\new.png": YAML read \n as a line break
            return ctx.add(node, where, f"{hidden}; {WINDOWS_PATH_HINT}")
        return ctx.add(node, where, hidden)
    if Path(text).is_absolute():
        return ctx.add(node, where, absolute_message(text, ctx.root))
    try:
        path = inside(ctx.root, ctx.folder, text)
        if path is None:
            return ctx.add(node, where, outside_message(text, ctx.root))
        is_dir, found, special = path.is_dir(), path.is_file(), path.exists() and not path.is_file()
    except (OSError, ValueError) as exc:  # a name too long, no permission
        reason = getattr(exc, "strerror", None) or str(exc)
        return ctx.add(node, where, f"not a usable file path: {_shown(text)} ({reason})")
    if is_dir:
        return ctx.add(node, where, f"{_shown(text)} is a folder; give the path of a file in it")
    if special:
        what = "a named pipe" if path.is_fifo() else "a device or socket"
        return ctx.add(node, where, f"{_shown(text)} is {what}, not a file; give the path of a file")
    if not found:
        slash = "; write / between folders, not \\" if "\\" in text else ""
        return ctx.add(node, where, f"file not found: {text} (looked in {ctx.folder}){slash}")
    return model.FilePath(str(path))


def _reference(node: yaml.ScalarNode, text: str, where: str, ctx: Context, kind: str) -> Any:
    """Another YAML file (a path under the library root) or a built-in id, resolved."""
    hidden = _hidden_character(text)
    if hidden:
        return ctx.add(node, where, hidden)
    try:
        return model.Ref(str(resolve_in(text, kind, ctx.folder, ctx.root)))
    except NotFound as exc:
        return ctx.add(node, where, str(exc))


def convert_object(node: yaml.Node, cls: type[T], where: str, ctx: Context) -> T:
    """Convert a mapping (or a shorthand scalar) to the dataclass ``cls``."""
    shorthand = _shorthand(cls)
    if isinstance(node, yaml.ScalarNode) and shorthand:
        field_types = hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        value = convert(
            node, field_types[shorthand], field_path(where, shorthand), ctx, dict(fields[shorthand].metadata)
        )
        return INVALID if value is INVALID else cls(**{shorthand: value})
    if not isinstance(node, yaml.MappingNode):
        return ctx.add(node, where, f"expected {describe(cls)}, got {_kind(node)}")  # type: ignore[no-any-return]
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    field_types = hints(cls)
    values: dict[str, Any] = {}
    seen: dict[str, yaml.Node] = {}
    failed = False
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key is None:
            ctx.add(key_node, where, "keys must be plain words")
            failed = True
            continue
        if key in seen:
            first = seen[key].start_mark.line + 1
            ctx.add(key_node, field_path(where, key), f"appears twice (first on line {first}); keep one")
            failed = True
            continue
        seen[key] = key_node
        if key not in fields:
            hint = _colon_hint(node) if _shorthand(cls) and len(node.value) == 1 else ""
            ctx.add(key_node, field_path(where, key), _unknown_key(key, list(fields)) + hint)
            failed = True
            continue
        value = convert(value_node, field_types[key], field_path(where, key), ctx, dict(fields[key].metadata))
        if value is INVALID:
            failed = True
        else:
            values[key] = value
    for name, f in fields.items():
        if name not in seen and f.default is dataclasses.MISSING:
            ctx.add(node, field_path(where, name), f"is required: {f.metadata.get('doc', '')}".rstrip(": "))
            failed = True
    if failed:
        return INVALID  # type: ignore[no-any-return]
    obj = cls(**values)
    for field_name, message in semantic_checks(obj):
        target = seen.get(field_name.split(".")[0].split("[")[0], node)
        ctx.add(target, field_path(where, field_name), message)
        failed = True
    return INVALID if failed else obj


def _unknown_key(key: str, allowed: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"unknown key.{hint} Allowed here: {', '.join(allowed)}"


# --- rules that involve more than one field ---------------------------------------------------


def _sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s])


def semantic_checks(obj: Any) -> Iterator[tuple[str, str]]:
    """Rules across fields, as (field, message) pairs."""
    if isinstance(obj, model.Handout):
        if obj.review_due <= obj.reviewed:
            yield "review_due", f"{obj.review_due} is not after the review date {obj.reviewed}"
        if _sentences(obj.key_message) > 2:
            yield "key_message", "keep the key message to one or two sentences"
    if isinstance(obj, model.BookletItem):
        given = [name for name in ("handout", "program", "pdf", "divider") if getattr(obj, name) is not None]
        if len(given) != 1:
            yield "handout", f"give exactly one of handout, program, pdf or divider (found {len(given)})"
    if isinstance(obj, model.Dose) and not any((obj.sets, obj.reps, obj.hold_seconds, obj.minutes)):
        yield "sets", "give at least one of sets, reps, hold_seconds or minutes"
    if isinstance(obj, model.Fonts):
        if (obj.regular is None) != (obj.bold is None):
            yield "regular", "give both 'regular' and 'bold', or neither"
        elif obj.regular is None and (obj.italic or obj.bold_italic):
            yield "italic", "italic fonts need 'regular' and 'bold' too"
    if isinstance(obj, model.Colors):
        yield from _contrast_checks(obj)
    if isinstance(obj, model.Illustration):
        if obj.image is None and obj.pose is None:
            yield "image", "give either 'image' (a picture file) or 'pose' (a figure drawn for you)"
        elif obj.image is not None and obj.pose is not None:
            yield "pose", "give either 'image' or 'pose', not both"
    if isinstance(obj, model.Pose):
        yield from _pose_checks(obj)


def _pose_checks(pose: model.Pose) -> Iterator[tuple[str, str]]:
    for name in ("props", "highlight"):
        values: tuple[str, ...] = getattr(pose, name)
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            yield name, f"lists {', '.join(repr(v) for v in twice)} more than once"
    from .pose import BASES, FRONT_VIEW_PROPS, joint_angles

    refused: list[str] = []
    if BASES[pose.base].view == "front":
        refused = [p for p in dict.fromkeys(pose.props) if p not in FRONT_VIEW_PROPS]
        if refused:
            allowed = ", ".join(sorted(FRONT_VIEW_PROPS))
            yield "props", f"{', '.join(refused)} cannot be shown with {pose.base}; use {allowed}"
    if pose.start is not None and joint_angles(pose) == joint_angles(pose, start=True):
        yield "start", "is the same as the main position; give at least one joint that differs"
    if not refused:
        from .pose import solve

        drawn = {shape.prop for shape in solve(pose).props}
        hidden = [p for p in dict.fromkeys(pose.props) if p not in drawn]
        if hidden:  # e.g. a towel under the knees when no knee is down: the picture would lie
            yield (
                "props",
                (
                    f"{', '.join(hidden)} cannot be drawn in this position of {pose.base}; leave it out,"
                    " or change the joints so the figure rests on it"
                ),
            )


def _luminance(color: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio between two #RRGGBB colours."""
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


MIN_CONTRAST = 4.5


def contrast_pairs(colors: model.Colors) -> list[tuple[str, str, str]]:
    """Every text colour with every background it is printed on: (colour key, background, name)."""
    return [
        ("text", "#FFFFFF", "white paper"),
        ("text", colors.tint, "the key message tint"),
        ("text", colors.card_tint, "the card tint"),
        ("text", colors.warning_tint, "the warning tint"),
        ("primary", "#FFFFFF", "white paper"),
        ("primary", colors.card_tint, "the card tint"),
        ("warning", "#FFFFFF", "white paper"),
        ("warning", colors.warning_tint, "the warning tint"),
    ]


def _contrast_checks(colors: model.Colors) -> Iterator[tuple[str, str]]:
    failures: dict[str, list[str]] = {}
    for name, bg, bg_name in contrast_pairs(colors):
        ratio = contrast(getattr(colors, name), bg)
        if ratio < MIN_CONTRAST:
            failures.setdefault(name, []).append(f"{ratio:.1f}:1 on {bg_name} ({bg})")
    for name, found in failures.items():
        yield (
            name,
            f"{getattr(colors, name)} is too light to read: {'; '.join(found)}. "
            f"Readers need at least {MIN_CONTRAST}:1; choose a darker colour (or lighter tints)",
        )


# --- entry points -----------------------------------------------------------------------------


def from_node(node: yaml.Node, cls: type[T], path: str, folder: Path, root: Root | None = None) -> T:
    """Validate a composed YAML document as ``cls``; raise InvalidInput listing every problem.

    Files it names are read relative to ``folder`` and must be under ``root`` (by default, the
    root found from the folder: see library.find_root)."""
    ctx = Context(path, folder.resolve(), [], root or find_root(folder))
    obj = convert_object(node, cls, "", ctx)
    if ctx.problems or obj is INVALID:
        # document order; a missing key is reported after the keys of its mapping
        raise InvalidInput(ctx.problems or [Problem(path, None, None, "", "invalid")])
    return obj


Positions = dict[str, tuple[int, int]]
_PARENT = re.compile(r"(\.[^.\[]+|\[\d+\])$|^[^.\[]+$")


@dataclasses.dataclass(frozen=True)
class Where:
    """A file as messages name it, and the line and column of each value in it."""

    file: str
    positions: Positions = dataclasses.field(default_factory=dict)

    def problem(self, field: str, message: str) -> Problem:
        """A problem at ``field``, placed at the nearest value the file has a position for."""
        probe = field
        while probe and probe not in self.positions:
            probe = _PARENT.sub("", probe)
        line, col = self.positions.get(probe, (None, None))
        return Problem(self.file, line, col, field, message)

    def problems_of(self, error: Exception, field: str) -> list[Problem]:
        """An error met while reading what ``field`` names, as located problems: a file's own
        problems stay as they are; anything else is placed at the field."""
        if isinstance(error, InvalidInput):
            return list(error.problems)
        return [self.problem(field, str(error))]


BUILT_IN = Where("built-in layout")
COMMAND_LINE = Where("command line")


def node_positions(node: yaml.Node, where: str = "") -> Positions:
    """Line and column (1-based) of every value in a document, by field path."""
    found: Positions = {}
    children: list[tuple[str | int, yaml.Node]] = []
    if isinstance(node, yaml.MappingNode):
        children = [(k.value, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    elif isinstance(node, yaml.SequenceNode):
        children = list(enumerate(node.value))
    for name, child in children:
        path = field_path(where, name)
        found[path] = (child.start_mark.line + 1, child.start_mark.column + 1)
        found.update(node_positions(child, path))
    return found


def load(path: Path, cls: type[T], root: Path | None = None) -> T:
    """Read one YAML file and validate it as ``cls`` (Handout, Layout, Booklet, Manifest)."""
    return load_with_positions(path, cls, root)[0]


def library_root(path: Path, given: Path | None = None) -> Root:
    """The root bounding what the file at ``path`` may name; InvalidInput when the file itself is
    outside the root given with --root."""
    root = find_root(path.resolve().parent, given)
    if not root.contains(path.resolve()):
        message = f"is outside {root}; give a file under that folder, or another --root"
        raise InvalidInput([Problem(str(path), None, None, "", message)])
    return root


def load_with_positions(path: Path, cls: type[T], root: Path | None = None) -> tuple[T, Positions]:
    """Like load(), and where each value stands, for problems found after validation."""
    library = library_root(path, root)
    try:
        node = load_file(path)
    except YamlProblem as exc:
        raise InvalidInput([exc.problem]) from None
    return from_node(node, cls, str(path), path.resolve().parent, library), node_positions(node)


def load_located(path: Path, cls: type[T], root: Path | None = None) -> tuple[T, Where]:
    """Like load(), with the file as messages name it and the position of every value."""
    obj, positions = load_with_positions(path, cls, root)
    return obj, Where(str(path), positions)


def load_handout(path: Path, root: Path | None = None) -> model.Handout:
    return load(path, model.Handout, root)


def load_layout(path: Path, root: Path | None = None) -> model.Layout:
    return load(path, model.Layout, root)
