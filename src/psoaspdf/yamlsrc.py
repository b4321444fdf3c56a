"""Safe YAML loading that keeps every node's line and column.

Every scalar is read as text: YAML 1.1 would turn ``NO`` into False, ``12:30`` into 750 and
``1.10`` into 1.1, so typing happens later, field by field, in :mod:`psoaspdf.validate`.
Aliases, explicit tags, very deep nesting and very large files are refused before composing.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

MAX_BYTES = 1_000_000
MAX_DEPTH = 40

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


class _TextLoader(yaml.SafeLoader):
    """A SafeLoader with no implicit resolvers: every plain scalar stays a string."""

    yaml_implicit_resolvers: dict = {}  # type: ignore[type-arg]  # noqa: RUF012


class YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _problem_at(path: str, mark: Any, message: str) -> Problem:
    if mark is None:
        return Problem(path, None, None, "", message)
    return Problem(path, mark.line + 1, mark.column + 1, "", message)


def _check_events(text: str, path: str) -> None:
    """Refuse aliases, tags and deep nesting by streaming parse events (cheap, bounded)."""
    depth = 0
    for event in yaml.parse(text, Loader=_TextLoader):
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem(
                _problem_at(
                    path,
                    event.start_mark,
                    f"YAML aliases (*{event.anchor}) are not supported; write the text out in full",
                )
            )
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            tag = event.tag
            if tag not in (None, "!") and tag not in _PLAIN_TAGS:
                raise YamlProblem(
                    _problem_at(
                        path,
                        event.start_mark,
                        f"YAML tags like {tag} are not supported; write plain text",
                    )
                )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(
                    _problem_at(path, event.start_mark, f"nested more than {MAX_DEPTH} levels deep")
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_text(text: str, path: str) -> yaml.Node:
    """Compose YAML text into a node tree with marks; raise YamlProblem on any failure."""
    try:
        _check_events(text, path)
        node = yaml.compose(text, Loader=_TextLoader)
    except yaml.reader.ReaderError as exc:  # a character YAML forbids, such as NUL or DEL
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        message = f"contains a control character (U+{exc.character:04X}) that YAML does not allow; remove it"
        raise YamlProblem(Problem(path, line, col, "", message)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.problem == "but found another document":
            message = "holds more than one YAML document (a '---' line after the first); keep one per file"
            raise YamlProblem(_problem_at(path, mark, message)) from None
        hint = _hint(exc)
        if hint is not None:
            raise YamlProblem(_problem_at(path, hint[0], hint[1])) from None
        opened = _unclosed_quote(text, mark.line if mark is not None else text.count("\n"))
        if opened is not None:
            raise YamlProblem(Problem(path, opened[0], opened[1], "", UNCLOSED_QUOTE)) from None
        message = (exc.problem or exc.context or "not valid YAML").strip()
        raise YamlProblem(_problem_at(path, mark, f"YAML syntax error: {message}")) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(_problem_at(path, None, f"YAML error: {exc}")) from None
    if node is None:
        raise YamlProblem(_problem_at(path, None, "the file is empty"))
    return node


WINDOWS_PATH_HINT = (
    "a backslash (\\) inside double quotes starts a special character in YAML; write paths with"
    " / between folders (images/knee.png), or put the text in single quotes"
)


UNCLOSED_QUOTE = (
    "a quoted text starts here and is never closed; end it with the same quote mark"
    " before the end of the line (or write the text without quotes)"
)
_QUOTED_START = re.compile(r"^\s*(?:-\s+)*(?:[^\s:#'\"][^:#]*:\s+)?(['\"])")


def _unclosed_quote(text: str, last_line: int) -> tuple[int, int] | None:
    """(line, column) of the first value up to ``last_line`` (0-based) that opens a quote and does
    not close it on its line: the usual cause when YAML stumbles a line or two later."""
    for number, line in enumerate(text.splitlines()[: last_line + 1], start=1):
        match = _QUOTED_START.match(line)
        if not match:
            continue
        quote, rest = match.group(1), line[match.end() :]
        closed = (
            re.search(r'(?<!\\)"', rest) if quote == '"' else re.search(r"'(?!')", rest.replace("''", ""))
        )
        if closed is None:
            return number, match.start(1) + 1
    return None


def _hint(exc: yaml.MarkedYAMLError) -> tuple[Any, str] | None:
    """Where a mistake clinicians often make really is, and what to do: (mark, message)."""
    problem, context = exc.problem or "", exc.context or ""
    if "found character '\\t'" in problem:
        return exc.problem_mark, "a tab character; indent with spaces, not tabs (YAML does not allow tabs)"
    if context == "while scanning a double-quoted scalar" and "escape" in problem:
        return exc.problem_mark, WINDOWS_PATH_HINT
    if context.startswith("while scanning a quoted scalar") or context.endswith("quoted scalar"):
        # the quote that never closed, not the end of the file where YAML gave up
        return exc.context_mark, UNCLOSED_QUOTE
    return None


def load_file(path: Path) -> yaml.Node:
    """Read and compose one YAML file, refusing files that are too large or not UTF-8."""
    shown = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlProblem(_problem_at(shown, None, f"file is {size:,} bytes; the limit is {MAX_BYTES:,}"))
        data = path.read_bytes()
    except FileNotFoundError:
        raise YamlProblem(_problem_at(shown, None, "file not found")) from None
    except IsADirectoryError:
        raise YamlProblem(_problem_at(shown, None, "is a folder, not a YAML file")) from None
    except OSError as exc:
        raise YamlProblem(_problem_at(shown, None, f"cannot read: {exc.strerror}")) from None
    return load_text(_decode(data, shown), shown)


def _decode(data: bytes, shown: str) -> str:
    """UTF-8 (with or without a byte order mark), or UTF-16 with one (Windows Notepad's "Unicode")."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise YamlProblem(
                _problem_at(shown, None, "not valid UTF-16 text; save the file as UTF-8")
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
        line_start = data.rfind(b"\n", 0, start) + 1
        line = data.count(b"\n", 0, start) + 1
        col = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
        message = f"not UTF-8 text (bad byte 0x{data[start]:02X} at offset {start}); save the file as UTF-8"
        raise YamlProblem(Problem(shown, line, col, "", message)) from None
