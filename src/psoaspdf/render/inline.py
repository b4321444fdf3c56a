"""Our tiny inline syntax (**bold**, *italic*) → safe ReportLab Paragraph markup.

Everything else from YAML is text: it is escaped, so ``<img src=...>`` or ``<a href=...>``
typed into a handout print as those characters and can never embed files or links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .fonts import FontSet


def escape(text: str) -> str:
    """``text`` as Paragraph markup shows it: &, < and > escaped (xml.sax.saxutils's escape,
    which imports urllib and http on the way, about 17 ms of a cold start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


def _unfaithful(char: str) -> bool:
    """A character an embedded font would not print as itself, whatever its cmap says.

    ReportLab writes one beyond U+FFFF into the PDF's text map as a bare code (<1D7E8>), not
    UTF-16: drawn, but copied, searched or read aloud as another character. A noncharacter
    (U+FFFF is the usual one) is only ever a font's cmap sentinel, mapped to the empty .notdef.
    """
    code = ord(char)
    return code > 0xFFFF or 0xFDD0 <= code <= 0xFDEF or code in (0xFFFE, 0xFFFF)


def missing_glyphs(text: str, fonts: FontSet) -> list[str]:
    """Characters in text that no embedded font can draw, or not as themselves (whitespace aside)."""
    return sorted(c for c in set(text) if not c.isspace() and (_unfaithful(c) or fonts.font_for(c) is None))


def _with_fallback(text: str, fonts: FontSet, style: str = "") -> str:
    """Escape text; wrap runs the body font should not set in the font that has them (a script
    font the layout names, or the fallback)."""
    out: list[str] = []
    for face, run in fonts.runs(text):
        # (no character below U+FDD0 is unfaithful: most text is not looked at one by one)
        unfaithful = next((c for c in run if _unfaithful(c)), None) if run and max(run) >= "\ufdd0" else None
        if face is None or unfaithful is not None:
            raise MissingGlyph(unfaithful or run[0])
        if not face:
            out.append(escape(run))
        elif style and face != fonts.fallback:
            # <font face> resets bold and italic: say them again so a script font's bold is used
            out.append(f'<font face="{face}"><{style}>{escape(run)}</{style}></font>')
        else:
            out.append(f'<font face="{face}">{escape(run)}</font>')
    return "".join(out)


def markup(text: str, fonts: FontSet, emphasis: bool = True) -> str:
    """Paragraph markup for user text: escaped, with our emphasis and glyph fallback."""
    if not emphasis:
        return _with_fallback(text, fonts)
    parts = []
    for style, run in spans(text):
        safe = _with_fallback(run, fonts, style)
        parts.append(f"<{style}>{safe}</{style}>" if style else safe)
    return "".join(parts)
