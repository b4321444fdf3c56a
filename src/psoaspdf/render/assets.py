"""Images (PNG, JPEG, SVG): checked before layout, then scaled to fit with proportions kept."""

from __future__ import annotations

import functools
import hashlib
import io
import re
from pathlib import Path
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Flowable, Image

MAX_PIXELS = 25_000_000  # a 5000 x 5000 photo; larger ones cost gigabytes for no visible gain
MAX_SVG_POINTS = 10_000.0
_ORIENTATION = 0x0112  # the EXIF tag saying which way up a camera held the picture


class BadImage(ValueError):
    """An image file that cannot be used; the message says why."""


MAX_SVG_BYTES = 5_000_000


@functools.lru_cache(maxsize=64)
def _content_hash(path: str, mtime: float) -> str:
    """What the file holds, not where it is: copies of a layout folder give the same PDF."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _quoted(value: str, limit: int = 80) -> str:
    """A value as a message quotes it: at most ``limit`` characters (an embedded picture is
    hundreds of thousands)."""
    return repr(value if len(value) <= limit else value[: limit - 3] + "...")


def _xml_text(data: bytes) -> str:
    """An XML file's text, decoded as the file itself says: a byte-order mark, UTF-16 without
    one, or the encoding its XML declaration names; UTF-8 otherwise."""
    import codecs

    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
        (codecs.BOM_UTF8, "utf-8-sig"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, "replace")
    if data[:2] == b"<\x00":
        return data.decode("utf-16-le", "replace")
    if data[:2] == b"\x00<":
        return data.decode("utf-16-be", "replace")
    declared = re.match(rb"<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)", data)
    try:
        return data.decode(declared.group(1).decode("ascii") if declared else "utf-8", "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


_DATA_PICTURE = re.compile(r"data:image/(png|jpe?g);base64,", re.IGNORECASE)


def _check_svg_references(path: Path) -> None:
    """Refuse SVGs that declare entities or point at files outside their own folder or at the
    network; check the pictures embedded in them as data (what Inkscape writes) as picture files
    are checked. svglib would quietly skip or follow such references; a clinician should hear
    about them."""
    from lxml import etree

    if path.stat().st_size > MAX_SVG_BYTES:
        raise BadImage(f"SVG file is larger than {MAX_SVG_BYTES:,} bytes")
    data = path.read_bytes()
    if "<!ENTITY" in _xml_text(data):
        # never expanded (no file contents, no "billion laughs"), so refused rather than dropped;
        # looked for in the text in its own encoding (UTF-16 hides it from a byte search)
        raise BadImage("declares XML entities (<!ENTITY ...>); remove the DOCTYPE and write the text out")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BadImage(f"not a readable SVG file ({exc.msg})") from None
    except (OSError, ValueError) as exc:  # bytes not valid in the file's declared encoding
        raise BadImage(f"not a readable SVG file ({exc})") from None
    if root is None:
        raise BadImage("not a readable SVG file (no content)")
    dtd = root.getroottree().docinfo.internalDTD  # and in the document as parsed
    if dtd is not None and list(dtd.iterentities()):
        raise BadImage("declares XML entities (<!ENTITY ...>); remove the DOCTYPE and write the text out")
    folder = path.parent.resolve()
    for element in root.iter():
        for name, value in element.attrib.items():
            if not str(name).endswith("href") or value.startswith("#"):
                continue
            target = value.strip()
            embedded = _DATA_PICTURE.match(target)
            if embedded:
                _check_embedded_picture(target[embedded.end() :])
                continue
            inside = (
                "://" not in target
                and not target.startswith(("/", "data:", "file:"))
                and (folder / target).resolve().is_relative_to(folder)
            )
            if target.startswith("data:"):
                kind = target[5:].split(";", 1)[0].split(",", 1)[0] or "data"
                raise BadImage(
                    f"embeds {_quoted(kind, 40)} data; only PNG and JPEG pictures may be embedded in an SVG"
                )
            if not inside:
                raise BadImage(
                    f"refers to {_quoted(target)}, outside its own folder; SVGs may only use files beside them"
                )


def _check_embedded_picture(encoded: str) -> None:
    """A picture embedded in an SVG as base64 data, held to the rules of picture files."""
    import base64
    import binascii

    if len(encoded) > MAX_SVG_BYTES:
        raise BadImage(f"has an embedded picture larger than the SVG limit of {MAX_SVG_BYTES:,} bytes")
    try:
        data = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        raise BadImage("has an embedded picture whose data is damaged (not base64)") from None
    try:
        _bitmap_facts(data, "the embedded picture")
    except BadImage as exc:
        raise BadImage(f"has an embedded picture that cannot be used: {exc}") from None


@functools.lru_cache(maxsize=64)
def svg_drawing(path: str, mtime: float) -> Drawing:
    """An SVG file as a ReportLab drawing, checked (references, entities, size, drawable) and
    kept per file and modification time; BadImage says what is wrong."""
    from svglib.svglib import svg2rlg

    _check_svg_references(Path(path))
    try:
        # an SVG may only reach files in its own folder (svglib follows '../x.png' otherwise)
        drawing = svg2rlg(path, external_reference_root=str(Path(path).parent))
    except Exception as exc:  # svglib raises many types on malformed input
        raise BadImage(f"not a readable SVG file ({type(exc).__name__})") from None
    if drawing is None:
        raise BadImage("not a readable SVG file")
    if not (0 < drawing.width <= MAX_SVG_POINTS and 0 < drawing.height <= MAX_SVG_POINTS):
        raise BadImage(
            f"SVG size {drawing.width:g} x {drawing.height:g} is not sensible;"
            f" width and height must be more than 0 and at most {MAX_SVG_POINTS:,.0f}"
        )
    try:
        # drawn once now, so a shape ReportLab cannot draw (a path without a first move) is
        # reported here, with the file's line, not as a crash in the middle of a render
        renderPDF.drawToString(drawing)
    except Exception as exc:  # ReportLab asserts or raises many types on shapes it cannot draw
        raise BadImage(f"has a shape that cannot be drawn ({exc or type(exc).__name__})") from None
    return drawing


# What a file really holds, from its first bytes, to say so when it is not a PNG or JPEG
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "a GIF picture"),
    (b"BM", "a BMP picture"),
    (b"II*\x00", "a TIFF picture"),
    (b"MM\x00*", "a TIFF picture"),
    (b"%PDF", "a PDF file"),
)


def _sniff(head: bytes) -> str | None:
    """What the first bytes of a file say it is."""
    if not head:
        return "an empty file"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP picture"
    if b"<svg" in head.lower() or head.lstrip().startswith(b"<"):
        return "an SVG or other text file"
    return next((kind for magic, kind in _SIGNATURES if head.startswith(magic)), None)


_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type: grey, RGB, palette, grey+alpha, RGBA
# Adam7 interlacing: (first column, first row, column step, row step) of each of the 7 passes
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def _png_short_of_pixels(data: bytes) -> str | None:
    """Why a PNG's pixel data does not fill the picture its header promises, or None.

    Pillow draws the missing rows black without a word when the compressed data ends early but
    cleanly; a clinician should hear that the file is damaged instead."""
    import struct
    import zlib

    pos, width, height, depth, colour, interlace = 8, 0, 0, 8, 2, 0
    compressed = bytearray()
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR" and len(body) >= 13:
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body[:13])
        elif kind == b"IDAT":
            compressed += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    channels = _PNG_CHANNELS.get(colour)
    if not channels or not width or not height:
        return None  # Pillow has already judged the header

    def rows(w: int, h: int) -> int:
        return h * (1 + (w * channels * depth + 7) // 8) if w and h else 0

    if interlace:
        expected = sum(
            rows((width - x + dx - 1) // dx, (height - y + dy - 1) // dy) for x, y, dx, dy in _ADAM7
        )
    else:
        expected = rows(width, height)
    try:
        found = len(zlib.decompressobj().decompress(bytes(compressed), expected + 1))
    except zlib.error:
        return "its picture data is damaged"
    if found < expected:
        return f"its picture data stops at {100 * found // expected}% of the picture the file says it holds"
    return None


def _bitmap_facts(data: bytes, name: str) -> tuple[int, int]:
    """Check a PNG or JPEG's bytes (really one, complete, within the pixel limit) and return its
    size as it stands upright; BadImage says what is wrong."""
    import warnings

    from PIL import Image as PILImage

    kind = _sniff(data[:16])
    if kind not in ("PNG", "JPEG"):
        found = f"it is {kind}" if kind else "it is not a picture psoaspdf can read"
        raise BadImage(f"not a valid PNG or JPEG file ({found}); save it as PNG or JPEG")
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, far above our own limit: both mean "too many pixels"
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            # camera metadata is never used (and dropped from the PDF): broken metadata is no error
            warnings.filterwarnings("ignore", message="Corrupt EXIF", category=UserWarning)
            with PILImage.open(io.BytesIO(data), formats=["PNG", "JPEG"]) as im:
                width, height = im.size
                if width * height > MAX_PIXELS:
                    raise BadImage(f"{width} x {height} pixels is more than the limit of {MAX_PIXELS:,}")
                im.load()  # a truncated or disguised file fails here, not inside the PDF
                if im.format == "PNG" and (short := _png_short_of_pixels(data)):
                    raise BadImage(f"not a complete PNG file ({short}); save it again")
                if im.format == "JPEG" and im.getexif().get(_ORIENTATION) in (5, 6, 7, 8):
                    width, height = height, width  # a phone photo taken upright: see clean_jpeg
    except BadImage:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise BadImage(f"has far more pixels than the limit of {MAX_PIXELS:,}") from None
    except Exception as exc:  # Pillow raises many types on broken files
        reason = "it is cut short" if "truncated" in str(exc) else _quoted(str(exc).replace(name, ""))
        raise BadImage(f"not a valid PNG or JPEG file ({reason})") from None
    return width, height


@functools.lru_cache(maxsize=64)
def _bitmap_size(path: str, mtime: float) -> tuple[int, int]:
    """A picture file's size as it stands upright, checked (see _bitmap_facts); kept per file
    and modification time."""
    return _bitmap_facts(Path(path).read_bytes(), path)


def check_image(path: str) -> None:
    """Raise BadImage if the file cannot be placed in a PDF."""
    p = Path(path)
    mtime = p.stat().st_mtime
    if p.suffix.lower() == ".svg":
        svg_drawing(path, mtime)
    elif p.suffix.lower() in (".png", ".jpg", ".jpeg"):
        _bitmap_size(path, mtime)
    else:
        raise BadImage("use a PNG, JPEG or SVG file")


def image_flowable(path: str, max_width: float, max_height: float, font_name: str) -> Flowable:
    """The image scaled to fit the box, proportions kept."""
    p = Path(path)
    mtime = p.stat().st_mtime
    if p.suffix.lower() == ".svg":
        source = svg_drawing(path, mtime)
        scale = min(max_width / source.width, max_height / source.height)
        drawing = Drawing(source.width * scale, source.height * scale)
        # a drawing starts by selecting Helvetica, which would put an unembedded font in the PDF
        drawing.initialFontName = font_name
        group = source.asGroup()
        group.scale(scale, scale)
        drawing.add(group)
        # drawn once per PDF however often it appears (a logo is on every page)
        return FormFlowable(drawing, form_name(_content_hash(path, mtime), max_width, max_height, font_name))
    width, height = _bitmap_size(path, mtime)
    scale = min(max_width / width, max_height / height)
    picture: str | io.BytesIO = path
    with open(path, "rb") as handle:
        is_jpeg = _sniff(handle.read(16)) == "JPEG"
    if is_jpeg:
        picture = io.BytesIO(clean_jpeg(path, mtime))
    return Image(picture, width=width * scale, height=height * scale)


@functools.lru_cache(maxsize=16)
def clean_jpeg(path: str, mtime: float) -> bytes:
    """A JPEG decoded and written again with its pixels and colour profile only: data Pillow had
    to patch up, markers ReportLab cannot read, comments and camera metadata (EXIF with GPS tags,
    XMP, IPTC) never reach the PDF or the HTML twin, and a photo a phone took upright stands
    upright (ReportLab ignores the orientation tag)."""
    import warnings

    from PIL import Image as PILImage
    from PIL import ImageOps

    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Corrupt EXIF", category=UserWarning)
        with PILImage.open(path, formats=["JPEG"]) as opened:
            profile = opened.info.get("icc_profile")
            im = ImageOps.exif_transpose(opened)  # stood up the way it was taken, as viewers show it
            im = im.convert("L" if im.mode in ("L", "1") else "RGB")
            # only the pixels and the colour profile: no comment (Pillow writes im.info's back by
            # default), no EXIF, XMP, IPTC or other APPn segment
            im.info = {}
            options: dict[str, Any] = {"icc_profile": profile} if profile else {}
            im.save(out, format="JPEG", quality=92, **options)
    return out.getvalue()


def form_name(*parts: Any) -> str:
    """A stable PDF form name for what a drawing was made from."""
    digest = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]
    return f"psoasform{digest}"


class FormFlowable(Flowable):
    """A Drawing stored once per PDF as a form XObject and shown wherever it is placed.

    ``name`` must stand for the drawing's content: the same name is taken to be the same picture.
    """

    def __init__(self, drawing: Drawing, name: str) -> None:
        super().__init__()
        self.drawing = drawing
        self.name = name
        self.width = drawing.width
        self.height = drawing.height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        if not canv.hasForm(self.name):
            canv.beginForm(self.name, 0, 0, self.width, self.height)
            drawn = _FORM_CODE.get(self.name)
            if drawn is None:
                renderPDF.draw(self.drawing, canv, 0, 0)
                drawn = tuple(canv._code)
                # kept for the next PDF only when it names no resource (a font, a graphics
                # state, an image) whose name in that file could differ: lines and fills only
                if not any("/" in operation for operation in drawn):
                    if len(_FORM_CODE) >= 256:
                        _FORM_CODE.clear()
                    _FORM_CODE[self.name] = drawn
            else:  # the same picture as in an earlier PDF: its operators, not drawn again
                canv._code.extend(drawn)
            canv.endForm()
        canv.doForm(self.name)


# a form's drawing operators by its name (which stands for its content), for the next PDF that
# shows it: a batch run or the desk draws the same figures in every copy
_FORM_CODE: dict[str, tuple[str, ...]] = {}
