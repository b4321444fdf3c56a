"""Embedded fonts: the layout's (or the built-in legibility) family plus a symbol fallback."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from .. import model

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FALLBACK = FONT_DIR / "DejaVuSans.ttf"
FALLBACK_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


class BadFont(ValueError):
    """A font file ReportLab cannot use; ``field`` is the layout key that named it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class FontSet:
    """Registered ReportLab font names, and the code points each family can draw."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    fallback: str
    fallback_bold: str
    covered: frozenset[int]
    fallback_covered: frozenset[int]


def _atkinson() -> dict[str, Path]:
    import fontpkg_atkinson_hyperlegible as atkinson

    files = atkinson.ROOT / "files"
    return {
        "regular": files / "AtkinsonHyperlegible-Regular.ttf",
        "bold": files / "AtkinsonHyperlegible-Bold.ttf",
        "italic": files / "AtkinsonHyperlegible-Italic.ttf",
        "bold_italic": files / "AtkinsonHyperlegible-BoldItalic.ttf",
    }


def _register(path: Path, field: str) -> tuple[str, TTFont]:
    # The name depends on the file's content, so the same file always gets the same name and
    # two clinics' fonts with the same file name never collide.
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    name = f"{path.stem[:24]}-{digest}"
    try:
        font = pdfmetrics.getFont(name)
    except KeyError:
        try:
            font = TTFont(name, str(path))
        except (TTFError, OSError, ValueError) as exc:
            raise BadFont(field, f"{path}: not a usable TrueType font ({exc})") from None
        pdfmetrics.registerFont(font)
    assert isinstance(font, TTFont)
    return name, font


def load_fonts(fonts: model.Fonts) -> FontSet:
    """Register the layout's fonts (idempotent) and return their names and coverage."""
    if fonts.regular and fonts.bold:
        paths = {
            "regular": Path(fonts.regular),
            "bold": Path(fonts.bold),
            "italic": Path(fonts.italic or fonts.regular),
            "bold_italic": Path(fonts.bold_italic or fonts.bold),
        }
    else:
        paths = _atkinson()
    names: dict[str, str] = {}
    covered: frozenset[int] = frozenset()
    for field, path in paths.items():
        name, font = _register(path, field)
        names[field] = name
        if field == "regular":
            covered = frozenset(font.face.charToGlyph)
    for name_key in ("regular", "bold", "italic", "bold_italic"):
        bold = "bold" in name_key
        italic = "italic" in name_key
        addMapping(names["regular"], int(bold), int(italic), names[name_key])
    fallback, fb_font = _register(FALLBACK, "fallback")
    fallback_bold, _ = _register(FALLBACK_BOLD, "fallback")
    addMapping(fallback, 0, 0, fallback)
    addMapping(fallback, 1, 0, fallback_bold)
    addMapping(fallback, 0, 1, fallback)
    addMapping(fallback, 1, 1, fallback_bold)
    return FontSet(
        regular=names["regular"],
        bold=names["bold"],
        italic=names["italic"],
        bold_italic=names["bold_italic"],
        fallback=fallback,
        fallback_bold=fallback_bold,
        covered=covered,
        fallback_covered=frozenset(fb_font.face.charToGlyph),
    )
