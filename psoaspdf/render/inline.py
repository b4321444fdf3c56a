"""Our tiny inline syntax (**bold**, *italic*) → safe ReportLab Paragraph markup.

Everything else from YAML is text: it is escaped, so ``<img src=...>`` or ``<a href=...>``
typed into a handout print as those characters and can never embed files or links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import groupby
from xml.sax.saxutils import escape

from .fonts import FontSet

_EMPHASIS = re.compile(
    r"\*\*(?=\S)(?P<bold>.+?)(?<=\S)\*\*"  # **bold**
    r"|(?<![*\w])\*(?=[^\s*])(?P<italic>[^*]+?)(?<=\S)\*(?![*\w])"  # *italic*
)


class MissingGlyph(ValueError):
    """A character that neither the body font nor the fallback font can draw."""

    def __init__(self, char: str) -> None:
        super().__init__(f"character {char!r} (U+{ord(char):04X}) has no glyph in the fonts")
        self.char = char


def spans(text: str) -> Iterator[tuple[str, str]]:
    """Split text into (style, text) runs; style is '', 'b' or 'i'."""
    pos = 0
    for match in _EMPHASIS.finditer(text):
        if match.start() > pos:
            yield "", text[pos : match.start()]
        if match.group("bold") is not None:
            yield "b", match.group("bold")
        else:
            yield "i", match.group("italic")
        pos = match.end()
    if pos < len(text):
        yield "", text[pos:]


def plain_text(text: str) -> str:
    """The text without our emphasis marks, for metadata and bookmarks."""
    return "".join(run for _, run in spans(text))


def missing_glyphs(text: str, fonts: FontSet) -> list[str]:
    """Characters in text that no embedded font can draw (whitespace aside)."""
    return sorted(
        {
            c
            for c in text
            if not c.isspace() and ord(c) not in fonts.covered and ord(c) not in fonts.fallback_covered
        }
    )


def _with_fallback(text: str, fonts: FontSet) -> str:
    """Escape text; wrap runs the body font lacks in the fallback font."""
    out: list[str] = []
    for needs, chars in groupby(text, lambda c: not c.isspace() and ord(c) not in fonts.covered):
        run = "".join(chars)
        if not needs:
            out.append(escape(run))
            continue
        for char in run:
            if ord(char) not in fonts.fallback_covered:
                raise MissingGlyph(char)
        out.append(f'<font face="{fonts.fallback}">{escape(run)}</font>')
    return "".join(out)


def markup(text: str, fonts: FontSet, emphasis: bool = True) -> str:
    """Paragraph markup for user text: escaped, with our emphasis and glyph fallback."""
    if not emphasis:
        return _with_fallback(text, fonts)
    parts = []
    for style, run in spans(text):
        safe = _with_fallback(run, fonts)
        parts.append(f"<{style}>{safe}</{style}>" if style else safe)
    return "".join(parts)
