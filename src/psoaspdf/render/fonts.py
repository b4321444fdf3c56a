"""Embedded fonts: the layout's (or the built-in legibility) family, fonts the layout names for
other scripts (Greek, Cyrillic...), and a symbol fallback.

A character is set in the first of these that has a glyph for it: the font named for its script,
the body font, then DejaVu Sans. One that none has is an error before layout (inline.py).
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping, tt2ps
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontFace

from .. import model
from ..library import package_data

FONT_DIR = package_data("fonts")
FALLBACK = FONT_DIR / "DejaVuSans.ttf"
FALLBACK_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

# Code point blocks of the scripts a layout can name a font for (model.ScriptFonts). Only
# left-to-right scripts that need no shaping: ReportLab sets them letter by letter.
SCRIPTS: dict[str, tuple[tuple[int, int], ...]] = {
    "greek": ((0x0370, 0x03FF), (0x1F00, 0x1FFF)),
    "cyrillic": ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)),
    "armenian": ((0x0530, 0x058F), (0xFB13, 0xFB17)),
    "georgian": ((0x10A0, 0x10FF), (0x1C90, 0x1CBF), (0x2D00, 0x2D2F)),
    # Chinese, Japanese and Korean: Hangul jamo, CJK punctuation, kana, Hangul compatibility
    # jamo, the ideographs (and extension A), Hangul syllables, compatibility ideographs, full-
    # and half-width forms, and the supplementary ideographs. No shaping is needed to set them.
    "cjk": (
        (0x1100, 0x11FF),
        (0x2E80, 0x2FDF),
        (0x3000, 0x30FF),
        (0x3130, 0x318F),
        (0x31F0, 0x31FF),
        (0x3400, 0x4DBF),
        (0x4E00, 0x9FFF),
        (0xAC00, 0xD7AF),
        (0xF900, 0xFAFF),
        (0xFF00, 0xFFEF),
        (0x20000, 0x2FA1F),
    ),
}
SCRIPT_TITLES = {
    "greek": "Greek",
    "cyrillic": "Cyrillic",
    "armenian": "Armenian",
    "georgian": "Georgian",
    "cjk": "Chinese, Japanese or Korean",
}


def script_of(char: str) -> str | None:
    """The script (a key of SCRIPTS) a character belongs to, or None (Latin, digits, symbols)."""
    code = ord(char)
    for script, blocks in SCRIPTS.items():
        if any(low <= code <= high for low, high in blocks):
            return script
    return None


@dataclass(frozen=True)
class ScriptFace:
    """A font registered for the letters of one script."""

    script: str
    name: str  # registered regular font; its bold is mapped for <b>
    covered: frozenset[int]


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
    scripts: tuple[ScriptFace, ...] = ()

    def font_for(self, char: str) -> str | None:
        """The font to set ``char`` in: '' for the body font, a registered font name for a script
        font or the fallback, or None when no embedded font has a glyph for it."""
        code = ord(char)
        script = script_of(char) if code > 0x036F else None
        if script is not None:
            for face in self.scripts:
                if face.script == script and code in face.covered:
                    return face.name
        if char.isspace() or code in self.covered:
            return ""
        if code in self.fallback_covered:
            return self.fallback
        return None

    def _all_body(self, text: str) -> bool:
        """Whether the body font sets every character (no script font claims any of them)."""
        for char in set(text):
            code = ord(char)
            if code > 0x036F and self.scripts:
                return False
            if code not in self.covered and not char.isspace():
                return False
        return True

    def runs(self, text: str) -> list[tuple[str | None, str]]:
        """Text split into runs of one font each (see font_for); a combining mark stays in the
        font of the letter before it when that font has it."""
        if self._all_body(text):  # the common case, asked once per distinct character
            return [("", text)] if text else []
        found: list[tuple[str | None, str]] = []
        for char in text:
            face = self.font_for(char)
            if found and unicodedata.combining(char) and found[-1][0] not in ("", None):
                previous = found[-1][0]
                if any(f.name == previous and ord(char) in f.covered for f in self.scripts):
                    face = previous
            if found and found[-1][0] == face:
                found[-1] = (face, found[-1][1] + char)
            else:
                found.append((face, char))
        return found


@functools.lru_cache(maxsize=64)
def _covered(font: TTFont) -> frozenset[int]:
    """The code points the font really draws: some fonts map a few (U+FFFF) to the empty glyph 0."""
    return frozenset(code for code, glyph in font.face.charToGlyph.items() if glyph)


def atkinson_files() -> dict[str, Path]:
    """The built-in Atkinson Hyperlegible TTFs (regular, bold, italic, bold_italic)."""
    import fontpkg_atkinson_hyperlegible as atkinson

    files = atkinson.ROOT / "files"
    return {
        "regular": files / "AtkinsonHyperlegible-Regular.ttf",
        "bold": files / "AtkinsonHyperlegible-Bold.ttf",
        "italic": files / "AtkinsonHyperlegible-Italic.ttf",
        "bold_italic": files / "AtkinsonHyperlegible-BoldItalic.ttf",
    }


MAX_FONT_BYTES = 50_000_000  # the largest CJK fonts are about 20 MB
KEPT_SUBSETS = 32  # per font: the subsets last written, and their compressed bytes


class _Compressed:
    """ReportLab's Flate filter for one font program it has already compressed: the bytes."""

    pdfname = "FlateDecode"

    def __init__(self, program: bytes, compressed: bytes) -> None:
        self.program, self.compressed = program, compressed

    def encode(self, text: bytes) -> bytes:
        return self.compressed if text is self.program else zlib.compress(text)


class _ReusedFace(TTFontFace):
    """A font face that keeps the subsets it last wrote, compressed: every copy of a handout
    embeds the same few subsets of the same fonts, and making one (and compressing it) is a
    tenth of a short handout's time. The bytes written are the same."""

    _kept: dict[tuple[int, ...], tuple[bytes, _Compressed]]

    def makeSubset(self, subset: list[int]) -> bytes:  # noqa: N802 (ReportLab's name)
        kept: dict[tuple[int, ...], tuple[bytes, _Compressed]] = self.__dict__.setdefault("_kept", {})
        found = kept.get(tuple(subset))
        if found is None:
            program: bytes = super().makeSubset(subset)
            if len(kept) >= KEPT_SUBSETS:
                kept.clear()
            found = kept[tuple(subset)] = (program, _Compressed(program, zlib.compress(program)))
        return found[0]

    def addSubsetObjects(self, doc: object, fontname: str, subset: list[int]) -> object:  # noqa: N802
        reference = super().addSubsetObjects(doc, fontname, subset)
        stream = doc.idToObject.get(f"fontFile:{self.filename}({fontname})")  # type: ignore[attr-defined]
        kept = self.__dict__.get("_kept", {}).get(tuple(subset))
        if stream is not None and kept is not None and stream.filters == [pdfdoc.PDFZCompress]:
            stream.filters = [kept[1]]
        return reference


def _register(path: Path, field: str, tag: str = "") -> tuple[str, TTFont]:
    """Register a font file once per process, after checking all of it: a damaged or cut-short
    file is a BadFont naming the layout key, not a crash in the middle of a render. Read again
    only when the file changes (its size or modification time), not at every render."""
    try:
        found = path.stat()
    except OSError:
        return _read_and_register(path, field, tag)  # says why it cannot be read
    return _registered(path, found.st_mtime_ns, found.st_size, field, tag)


@functools.lru_cache(maxsize=64)
def _registered(path: Path, mtime_ns: int, size: int, field: str, tag: str) -> tuple[str, TTFont]:
    return _read_and_register(path, field, tag)


def _read_and_register(path: Path, field: str, tag: str) -> tuple[str, TTFont]:
    try:
        if path.stat().st_size > MAX_FONT_BYTES:
            raise BadFont(
                field, f"{path}: is larger than {MAX_FONT_BYTES:,} bytes; use a font file of its own"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise BadFont(field, f"{path}: cannot be read ({exc.strerror or exc})") from None
    # The name depends on the file's content, so the same file always gets the same name and
    # two clinics' fonts with the same file name never collide.
    name = f"{path.stem[:24]}-{hashlib.sha256(data).hexdigest()[:10]}{tag}"
    # never getFont() to ask: for a name it does not know, ReportLab first parses every Type 1
    # metrics file it has, looking for one (about 50 ms at each cold start)
    font = pdfmetrics.getFont(name) if name in pdfmetrics.getRegisteredFontNames() else None
    if font is None:
        try:
            font = TTFont(name, str(path))
            font.face.__class__ = _ReusedFace
            if path not in _shipped():  # psoaspdf's own fonts are known to be whole
                # every glyph is written once now, as a PDF would (a cut-short file fails here)
                font.face.makeSubset(sorted(font.face.charToGlyph))
        except TTFError as exc:
            raise BadFont(field, f"{path}: not a usable TrueType font ({exc})") from None
        except Exception:  # ReportLab's reader fails with struct, index and key errors on damage
            message = f"{path}: not a usable TrueType font (the file is damaged or cut short)"
            raise BadFont(field, message) from None
        pdfmetrics.registerFont(font)
    assert isinstance(font, TTFont)
    return name, font


@functools.cache
def _shipped() -> frozenset[Path]:
    return frozenset([FALLBACK, FALLBACK_BOLD, *atkinson_files().values()])


def font_files(fonts: model.Fonts) -> dict[str, Path]:
    """The body font files (regular, bold, italic, bold_italic): the layout's own when it names
    them (a missing italic falls back to the upright), else the built-in Atkinson Hyperlegible."""
    if fonts.regular and fonts.bold:
        return {
            "regular": Path(fonts.regular),
            "bold": Path(fonts.bold),
            "italic": Path(fonts.italic or fonts.regular),
            "bold_italic": Path(fonts.bold_italic or fonts.bold),
        }
    return atkinson_files()


def load_fonts(fonts: model.Fonts) -> FontSet:
    """Register the layout's fonts (idempotent) and return their names and coverage."""
    paths = font_files(fonts)
    names: dict[str, str] = {}
    covered: frozenset[int] = frozenset()
    for field, path in paths.items():
        name, font = _register(path, field)
        names[field] = name
        if field == "regular":
            covered = _covered(font)
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
        scripts=tuple(_script_faces(fonts.scripts)),
        regular=names["regular"],
        bold=names["bold"],
        italic=names["italic"],
        bold_italic=names["bold_italic"],
        fallback=fallback,
        fallback_bold=fallback_bold,
        covered=covered,
        fallback_covered=_covered(fb_font),
    )


def _script_faces(scripts: model.ScriptFonts) -> list[ScriptFace]:
    """Register the fonts the layout names per script; each must have letters of its script."""
    faces = []
    for script in SCRIPTS:
        chosen: model.ScriptFont | None = getattr(scripts, script)
        if chosen is None:
            continue
        field = f"scripts.{script}"
        bold_name = None
        tag = ""
        if chosen.bold:
            bold_name, _ = _register(Path(chosen.bold), f"{field}.bold")
            # a regular font's <b> mapping is global: give each regular+bold pair its own name
            tag = "-" + bold_name.rsplit("-", 1)[1][:6]
        name, font = _register(Path(chosen.regular), f"{field}.regular", tag)
        covered = _covered(font)
        if not any(script_of(chr(code)) == script for code in covered):
            message = f"{chosen.regular}: has no {SCRIPT_TITLES[script]} letters; name a font that has them"
            raise BadFont(f"{field}.regular", message)
        if bold_name or not _mapped(name):
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(name, bold, italic, (bold_name or name) if bold else name)
        faces.append(ScriptFace(script, name, covered))
    return faces


def _mapped(name: str) -> bool:
    """Whether the font already has a bold mapping (it is also the body or fallback font)."""
    try:
        tt2ps(name, 1, 0)
    except ValueError:
        return False
    return True
