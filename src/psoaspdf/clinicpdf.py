"""Clinics' own PDF pages (an intake form, a map) read as untrusted input and placed into a booklet.

A clinic PDF can come from anywhere, so it is read defensively:

* **Bounded.** Files over :data:`MAX_BYTES` or with more than :data:`MAX_PAGES` pages are refused
  before any real work. While pypdf reads, its resource limits (``pypdf.Configuration``) are
  tightened for the duration of the call: one decoded stream at most :data:`MAX_STREAM_BYTES`,
  a short zlib recovery loop, small page and outline trees, no external ``jbig2dec``. On top of
  that every packed stream the kept pages use is unpacked once and let go, so a decompression
  bomb anywhere on a page is refused at load time (packing pypdf cannot unpack is refused, and
  images are held to :data:`MAX_IMAGE_PIXELS`); the whole file is held to
  :data:`MAX_DECODED_BYTES` of unpacked data, :data:`MAX_CONTENT_BYTES` of drawing
  instructions, :data:`MAX_OBJECTS` walked PDF objects and a :data:`MAX_SECONDS` deadline
  (checked between steps; every single step is itself bounded by the limits above).
  The drawing instructions are parsed once at load time, within the same limits, so that
  :func:`place_pages` cannot fail later on an accepted page.
* **Sanitised.** Only the pages are returned, rebuilt from a short list of keys (boxes,
  rotation, resources, contents) in a private document, so document-level things (open actions,
  JavaScript and embedded files in ``/Names``, forms, outlines) never come along. Page
  annotations are dropped: **links and form fields in clinic PDFs do not survive** (their printed
  appearance does, when it is part of the page's drawing). Every object the page's resources
  reach is scrubbed of actions (``/AA``, ``/A``, ``/JS``...), of references back into the
  document (catalog, other pages, annotations, file specifications) and of external stream data.
* **Placed, not appended.** :func:`place_pages` draws each clinic page scaled into an area of a
  booklet page, so its size and rotation cannot upset the booklet's own pages.

Errors are :class:`BadClinicPdf` with a message that reads after the file name
("intake.pdf: is password-protected; save an unprotected copy"); the caller adds the file name
and the booklet line.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pypdf
from pypdf.errors import (
    DependencyError,
    DeprecationError,
    FileNotDecryptedError,
    LimitReachedError,
    PyPdfError,
)
from pypdf.filters import decode_stream_data
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    Destination,
    DictionaryObject,
    NameObject,
    NumberObject,
    PdfObject,
    RectangleObject,
    StreamObject,
)

__all__ = [
    "MAX_BYTES",
    "MAX_PAGES",
    "BadClinicPdf",
    "ClinicPdf",
    "fit_matrix",
    "load_clinic_pdf",
    "place_pages",
    "strip_active_content",
]

# --- limits ------------------------------------------------------------------------------------

MAX_BYTES: Final = 20 * 1024 * 1024
"""Largest clinic PDF file read at all (a few scanned pages fit easily)."""
MAX_PAGES: Final = 40
"""Most pages one clinic PDF may bring into a booklet."""
MIN_SIDE_PT: Final = 72.0
"""Shortest page side accepted: 1 inch."""
MAX_SIDE_PT: Final = 50 * 72.0
"""Longest page side accepted: 50 inches."""
MAX_STREAM_BYTES: Final = 64 * 1024 * 1024
"""Largest decoded stream (a 300 dpi A4 RGB image is about 26 MB)."""
MAX_DECODED_BYTES: Final = 256 * 1024 * 1024
"""All decoded streams of one file together; each is decoded, checked and let go."""
MAX_CONTENT_BYTES: Final = 8 * 1024 * 1024
"""All page content streams together. pypdf parses these in Python (about 2 MB/s) when placing."""
MAX_CONTENT_TOKENS: Final = 2_000_000
"""Operands and operators in one content stream (pypdf's parsing budget)."""
MAX_IMAGE_PIXELS: Final = 50_000_000
"""Largest image, in pixels (a 600 dpi A4 scan is 35 megapixels)."""
MAX_OBJECTS: Final = 500_000
"""PDF objects and the entries inside them, walked while sanitising one file's pages."""
MAX_SECONDS: Final = 20.0
"""Deadline for reading one file, checked between steps."""
MAX_TITLE_CHARS: Final = 200
"""Longest document or bookmark title kept; longer ones are cut."""

PASSWORD_PROTECTED: Final = "is password-protected; save an unprotected copy"


def _pypdf_limits() -> contextlib.AbstractContextManager[pypdf.Configuration]:
    """pypdf's resource limits for untrusted input, for the duration of a ``with`` block.

    pypdf keeps its configuration in a context variable, so this changes nothing for other
    threads or for code outside the block.
    """
    return pypdf.apply_configuration(
        maximum_declared_stream_length=MAX_BYTES,  # no stream is longer than the file
        array_based_stream_maximum_output_length=MAX_CONTENT_BYTES,
        zlib_maximum_output_length=MAX_STREAM_BYTES,
        lzw_maximum_output_length=MAX_STREAM_BYTES,
        run_length_maximum_output_length=MAX_STREAM_BYTES,
        brotli_maximum_output_length=MAX_STREAM_BYTES,
        jbig2_maximum_output_length=MAX_STREAM_BYTES,
        image_maximum_buffer_size=MAX_STREAM_BYTES,
        stream_decoding_work_maximum_length=2 * MAX_STREAM_BYTES,
        stream_parsing_work_maximum_count=MAX_CONTENT_TOKENS,
        # pypdf retries a damaged zlib stream byte by byte in Python: keep that loop short
        zlib_maximum_recovery_input_length=1024 * 1024,
        xmp_maximum_input_length=1024 * 1024,
        xmp_maximum_element_count=10_000,
        outline_maximum_entries=5_000,
        outline_maximum_depth=32,
        page_tree_maximum_entries=10_000,
        page_tree_maximum_depth=32,
        page_tree_maximum_page_entries=100_000,
        form_fields_maximum_entries=10_000,
        form_fields_maximum_depth=32,
        named_destinations_maximum_entries=10_000,
        named_destinations_maximum_depth=32,
        jbig2dec_binary=None,  # never run an external program on untrusted bytes
        page_merge_box="cropbox",  # place_pages clips each clinic page to its visible box
    )


# pypdf reading hostile bytes can fail with almost any exception; these all mean "damaged file".
# MemoryError is deliberately not here: the limits are meant to prevent it, and hiding it would
# hide a gap in them.
_DAMAGED: Final[tuple[type[Exception], ...]] = (
    PyPdfError,
    DeprecationError,  # pypdf 7 raises it for input it no longer accepts, e.g. /Fl on a stream
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    AssertionError,
    ArithmeticError,
    RuntimeError,  # includes RecursionError and NotImplementedError
    EOFError,
    zlib.error,
)


class BadClinicPdf(ValueError):
    """A clinic PDF that cannot be used; the message says why, to follow the file's name."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, eq=False)  # eq=False: pages are dicts; compare and hash by identity
class ClinicPdf:
    """The usable, sanitised part of a clinic's PDF file."""

    pages: tuple[pypdf.PageObject, ...]
    """Sanitised pages, in a private document; draw them with :func:`place_pages`."""
    sizes: tuple[tuple[float, float], ...]
    """Each page's displayed (width, height) in points: its visible box, turned by /Rotate."""
    outline: tuple[tuple[int, str, int], ...]
    """Bookmarks as (level from 0, title, page index); ones not leading to a page are left out."""
    title: str | None
    """The document title from the file's metadata, if it has one."""


# --- reading -----------------------------------------------------------------------------------


def load_clinic_pdf(path: Path) -> ClinicPdf:
    """Read a clinic's PDF file within fixed limits; return its sanitised pages and bookmarks."""
    data = _read_bounded(path)
    budget = _Budget()
    with _pypdf_limits():
        try:
            return _load(data, budget)
        except BadClinicPdf:
            raise
        except FileNotDecryptedError:
            raise BadClinicPdf(PASSWORD_PROTECTED) from None
        except DependencyError:
            # AES needs the optional 'cryptography' package, even when no password is asked for
            raise BadClinicPdf(
                "is encrypted in a way psoaspdf cannot read here; save an unprotected copy"
            ) from None
        except LimitReachedError as exc:
            raise BadClinicPdf(f"is too large or too complex to read safely ({exc})") from None
        except RecursionError:
            raise BadClinicPdf("is nested too deeply to read safely") from None
        except _DAMAGED as exc:
            raise BadClinicPdf(f"is damaged and cannot be read ({_short(exc)})") from None


def _read_bounded(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BadClinicPdf(f"is {_mb(size)}; a clinic PDF can be at most {_mb(MAX_BYTES)}")
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)  # the file may have grown since stat()
    except IsADirectoryError:
        raise BadClinicPdf("is a folder, not a PDF file") from None
    except FileNotFoundError:
        raise BadClinicPdf("does not exist") from None
    except OSError as exc:
        raise BadClinicPdf(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise BadClinicPdf(f"is larger than {_mb(MAX_BYTES)}, the most a clinic PDF can be")
    if not data:
        raise BadClinicPdf("is empty (0 bytes)")
    if b"%PDF-" not in data[:1024]:  # readers accept a little junk before the header
        raise BadClinicPdf("is not a PDF file")
    return data


def _load(data: bytes, budget: _Budget) -> ClinicPdf:
    reader = pypdf.PdfReader(
        io.BytesIO(data),
        strict=False,  # clinic files are often slightly broken; pypdf repairs what it safely can
        root_object_recovery_limit=1_000,
        xref_stream_maximum_entries=200_000,
    )
    if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
        raise BadClinicPdf(PASSWORD_PROTECTED)
    count = len(reader.pages)
    if count == 0:
        raise BadClinicPdf("has no pages")
    if count > MAX_PAGES:
        raise BadClinicPdf(f"has {count} pages; a clinic PDF can have at most {MAX_PAGES}")

    private = pypdf.PdfWriter()  # the sanitised pages live here, apart from the clinic's file
    pages: list[pypdf.PageObject] = []
    sizes: list[tuple[float, float]] = []
    for number, source in enumerate(reader.pages, start=1):
        budget.tick()
        box, rotation, size = _geometry(source, number)
        pages.append(_sanitised_copy(source, box, rotation, private, budget, number))
        sizes.append(size)
    return ClinicPdf(tuple(pages), tuple(sizes), _outline(reader, budget), _title(reader))


def _geometry(
    page: pypdf.PageObject, number: int
) -> tuple[tuple[float, float, float, float], int, tuple[float, float]]:
    """The visible box, the rotation and the displayed size in points; refuse absurd pages."""
    media = _rect(page.mediabox)
    crop = _rect(page.cropbox)  # pypdf falls back to the media box
    # What a viewer shows is the crop box clipped to the media box.
    box = (max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2]), min(media[3], crop[3]))
    rotation = _rotation(page)
    if rotation is None:
        raise BadClinicPdf(f"page {number} has an invalid rotation; it must be a multiple of 90 degrees")
    unit = _get(page, "/UserUnit", 1)
    if not isinstance(unit, (int, float)) or not math.isfinite(unit) or unit <= 0:
        raise BadClinicPdf(f"page {number} has an invalid /UserUnit ({unit})")
    width = max(box[2] - box[0], 0.0) * float(unit)
    height = max(box[3] - box[1], 0.0) * float(unit)
    if rotation in (90, 270):
        width, height = height, width
    for side in (width, height):
        if not MIN_SIDE_PT <= side <= MAX_SIDE_PT:
            raise BadClinicPdf(
                f"page {number} is {width / 72:.1f} x {height / 72:.1f} inches; "
                f"each side must be between {MIN_SIDE_PT / 72:.0f} and {MAX_SIDE_PT / 72:.0f} inches"
            )
    return box, rotation, (width, height)


def _rotation(page: pypdf.PageObject) -> int | None:
    """/Rotate as 0, 90, 180 or 270; None when it is not a multiple of 90."""
    raw = _get(page, "/Rotate", 0)
    if not isinstance(raw, (int, float)) or not math.isfinite(raw) or raw % 90:
        return None
    return int(raw) % 360


def _rect(rect: RectangleObject) -> tuple[float, float, float, float]:
    values = [float(v) for v in rect]
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ValueError(f"page box {values} is not four finite numbers")
    x0, y0, x1, y1 = values
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _sanitised_copy(
    source: pypdf.PageObject,
    box: tuple[float, float, float, float],
    rotation: int,
    private: pypdf.PdfWriter,
    budget: _Budget,
    number: int,
) -> pypdf.PageObject:
    """A new page in ``private`` holding only the source page's box, rotation, drawing and resources."""
    try:
        contents = source.get_contents()  # decodes and joins /Contents within the limits
    except LimitReachedError:
        raise BadClinicPdf(
            f"page {number} has drawing instructions that unpack to more than psoaspdf reads "
            f"({_mb(MAX_STREAM_BYTES)} a stream, {_mb(MAX_CONTENT_BYTES)} a page); "
            "it may be a decompression bomb"
        ) from None
    data = contents.get_data() if contents is not None else b""
    budget.content(len(data))
    budget.tick()
    stream = ContentStream(None, private)
    stream.set_data(data)
    try:
        # Parse once here, within the limits, so that place_pages (which parses again to add the
        # transformation) cannot fail later on a page that was accepted.
        len(stream.operations)
    except LimitReachedError:
        raise BadClinicPdf(
            f"page {number} has more drawing instructions than psoaspdf reads "
            f"({MAX_CONTENT_TOKENS:,} at most)"
        ) from None
    checked = ContentStream(None, private)
    checked.set_data(data)  # the bytes as the clinic wrote them, not pypdf's re-serialisation

    raw_resources = _get(source, "/Resources")
    resources = DictionaryObject()
    if isinstance(raw_resources, DictionaryObject):
        for key in _RESOURCE_KINDS:  # the kinds a content stream can name; nothing else
            if key in raw_resources:
                resources[NameObject(key)] = raw_resources.raw_get(key)
    _walk(resources, _PAGE_RULES, budget, budget.seen)

    x0, y0, x1, y1 = box
    page = private.add_blank_page(x1 - x0, y1 - y0)
    page[NameObject("/MediaBox")] = RectangleObject((x0, y0, x1, y1))
    if rotation:
        page[NameObject("/Rotate")] = NumberObject(rotation)
    page[NameObject("/Resources")] = resources.clone(private)
    page.replace_contents(checked)
    return page


_RESOURCE_KINDS: Final = (
    "/ExtGState",
    "/ColorSpace",
    "/Pattern",
    "/Shading",
    "/XObject",
    "/Font",
    "/ProcSet",
    "/Properties",
)


def _outline(reader: pypdf.PdfReader, budget: _Budget) -> tuple[tuple[int, str, int], ...]:
    """Bookmarks leading to a page, flattened in reading order; best effort, as they are optional.

    A bookmark left out (no page, no title) hands its level to its children, so the levels
    always form a tree: each entry is at most one level deeper than the one before.
    """
    entries: list[tuple[int, str, int]] = []
    try:
        # pypdf gives a list of bookmarks, each optionally followed by a list of its children.
        frames: list[tuple[Iterator[object], int]] = [(iter(reader.outline), 0)]
        kept_last = False  # whether the item just before a list of children was kept
        while frames:
            items, level = frames[-1]
            item = next(items, None)
            if item is None:
                frames.pop()
                kept_last = False
                continue
            budget.tick()
            if isinstance(item, list):
                frames.append((iter(item), level + 1 if kept_last else level))
                kept_last = False
                continue
            kept_last = False
            if not isinstance(item, Destination):
                continue
            index = reader.get_destination_page_number(item)
            title = _clean_text(item.title)
            if index is not None and 0 <= index < len(reader.pages) and title:
                entries.append((level, title, index))
                kept_last = True
    except BadClinicPdf:
        raise
    except _DAMAGED:
        pass  # a broken outline does not make the pages unusable; keep what was read
    return tuple(entries)


def _title(reader: pypdf.PdfReader) -> str | None:
    try:
        metadata = reader.metadata
        title = metadata.title if metadata is not None else None
    except _DAMAGED:
        return None
    title = _clean_text(title)
    # ReportLab writes "untitled" when a program sets no title; that is no title
    return title if title and title.lower() != "untitled" else None


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]+")


def _clean_text(value: object) -> str:
    """Text from the file, fit for a bookmark: one line, no control characters, not too long."""
    if not isinstance(value, str):
        return ""
    text = " ".join(_CONTROL.sub(" ", value).split())
    if len(text) > MAX_TITLE_CHARS:
        text = text[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return text


# --- the budget --------------------------------------------------------------------------------


class _Budget:
    """Counts the work done on one file and stops it, with a plain message, past the limits."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + MAX_SECONDS
        self.objects = 0
        self.decoded = 0
        self.contents = 0
        self.seen: dict[int, PdfObject] = {}  # objects already scrubbed and checked, by id

    def tick(self, objects: int = 1) -> None:
        self.objects += objects
        if self.objects > MAX_OBJECTS:
            raise BadClinicPdf(f"is too complex to read safely (more than {MAX_OBJECTS:,} PDF objects)")
        if time.monotonic() > self.deadline:
            raise BadClinicPdf(f"took too long to read (more than {MAX_SECONDS:.0f} seconds)")

    def content(self, size: int) -> None:
        self.contents += size
        if self.contents > MAX_CONTENT_BYTES:
            raise BadClinicPdf(
                f"has more than {_mb(MAX_CONTENT_BYTES)} of drawing instructions; "
                "simplify it or save the pages as images"
            )
        self.decode(size)

    def decode(self, size: int) -> None:
        self.decoded += size
        if self.decoded > MAX_DECODED_BYTES:
            raise BadClinicPdf(
                f"unpacks to more than {_mb(MAX_DECODED_BYTES)} of data; it may be a decompression bomb"
            )

    def stream(self, stream: StreamObject) -> None:
        """Check an image's declared size and that the stream decodes within the limits."""
        if _get(stream, "/Subtype") == "/Image":
            width, height = _get(stream, "/Width", 0), _get(stream, "/Height", 0)
            if (
                not isinstance(width, (int, float))
                or not isinstance(height, (int, float))
                or not math.isfinite(width * height)
                or min(width, height) < 0
            ):
                raise BadClinicPdf("has an image with an invalid size")
            if width * height > MAX_IMAGE_PIXELS:
                raise BadClinicPdf(
                    f"has an image of {width} x {height} pixels; "
                    f"at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels are accepted"
                )
        filters = _get(stream, "/Filter")
        names = (
            [f.get_object() for f in filters]
            if isinstance(filters, ArrayObject)
            else [filters]
            if filters
            else []
        )
        if names and all(name in _DECODABLE for name in names):
            # Decoded once, without keeping the result, so that a bomb is found now. (pypdf
            # passes JPEG and JPEG 2000 data through untouched; the pixel check bounds them.)
            try:
                decoded = decode_stream_data(stream)
            except LimitReachedError:
                raise BadClinicPdf(
                    f"has a stream that unpacks to more than {_mb(MAX_STREAM_BYTES)}; "
                    "it may be a decompression bomb"
                ) from None
            self.decode(len(decoded))
            del decoded
        elif any(name in _PACKING for name in names):
            # Packed data pypdf cannot (or will not) unpack, so its size cannot be checked.
            raise BadClinicPdf(
                f"has data packed in a way psoaspdf cannot check ({' '.join(map(str, names))}); "
                "save the file again from the program that made it"
            )
        # else unfiltered (as big as in the file) or only an image codec pypdf leaves alone
        # (JBIG2): bounded by the pixel check
        self.tick()


_PACKING_FULL_NAMES: Final = frozenset(
    {"/FlateDecode", "/LZWDecode", "/RunLengthDecode", "/ASCIIHexDecode", "/ASCII85Decode"}
)
# What pypdf decodes within its limits, and cheaply: the packing filters, and image codecs it
# passes through as they are.
_DECODABLE: Final = _PACKING_FULL_NAMES | {"/DCTDecode", "/JPXDecode", "/CCITTFaxDecode"}
# Filters that can hide a bomb: the above, their abbreviations (allowed only in inline images;
# pypdf 7 refuses them in streams) and Brotli (needs a package we do not ship).
_PACKING: Final = _PACKING_FULL_NAMES | {"/Fl", "/LZW", "/RL", "/AHx", "/A85", "/BrotliDecode"}


def _get(obj: DictionaryObject, key: str, default: object = None) -> object:
    """A dictionary entry with indirect references followed (``dict.get`` does not follow them)."""
    value = obj.get(key)
    return default if value is None else value.get_object()


def _mb(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"


# --- scrubbing ---------------------------------------------------------------------------------

# Action types (the /S of an action dictionary) that run code, open or send files, or play media.
_DANGEROUS_ACTIONS: Final = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/ResetForm",
        "/GoToR",
        "/GoToE",
        "/GoToDp",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/RichMediaExecute",
        "/GoTo3DView",
        "/Hide",
        "/SetOCGState",
    }
)
_HARMLESS_ACTIONS: Final = frozenset({"/GoTo", "/URI", "/Named", "/Thread", "/Trans"})
_ANNOTATION_SUBTYPES: Final = frozenset(
    {
        "/Text",
        "/Link",
        "/FreeText",
        "/Line",
        "/Square",
        "/Circle",
        "/Polygon",
        "/PolyLine",
        "/Highlight",
        "/Underline",
        "/Squiggly",
        "/StrikeOut",
        "/Stamp",
        "/Caret",
        "/Ink",
        "/Popup",
        "/FileAttachment",
        "/Sound",
        "/Movie",
        "/Widget",
        "/Screen",
        "/PrinterMark",
        "/TrapNet",
        "/Watermark",
        "/3D",
        "/Redact",
        "/Projection",
        "/RichMedia",
    }
)
_ACTIVE_ANNOTATIONS: Final = frozenset(
    {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/3D", "/RichMedia"}
)
_FILE_TYPES: Final = frozenset({"/Filespec", "/EmbeddedFile"})
_SAFE_URI: Final = re.compile(r"^(https?:|mailto:|tel:)", re.IGNORECASE)
# External stream data (/F...) and reference XObjects (/Ref) pull in other files.
_STREAM_KEYS: Final = frozenset({"/F", "/FFilter", "/FDecodeParms", "/Ref"})


@dataclass(frozen=True)
class _Rules:
    drop: frozenset[str]
    """Keys removed from every dictionary."""
    page_resources: bool
    """Resources of a clinic page: nothing that belongs to a document or acts is allowed."""


_PAGE_RULES: Final = _Rules(
    drop=frozenset(
        {
            "/AA",
            "/A",
            "/OpenAction",
            "/JS",
            "/JavaScript",
            "/Names",
            "/EmbeddedFiles",
            "/AcroForm",
            "/Annots",
            "/Parent",
            "/Next",
            "/Dests",
            "/Outlines",
            "/OPI",
            "/URI",
            "/Launch",
        }
    ),
    page_resources=True,
)
_WRITER_RULES: Final = _Rules(
    drop=frozenset({"/AA", "/JS", "/JavaScript", "/EmbeddedFiles", "/AcroForm"}),
    page_resources=False,
)


def _forbidden(obj: PdfObject, rules: _Rules) -> bool:
    """Whether a dictionary acts, carries a file, or (for page resources) belongs to the document."""
    if not isinstance(obj, DictionaryObject):
        return False
    kind = _get(obj, "/Type")
    subtype = _get(obj, "/Subtype")
    action = _get(obj, "/S")
    if kind in _FILE_TYPES or (kind == "/Action" and rules.page_resources):
        return True
    if action in _DANGEROUS_ACTIONS:
        return True
    if action == "/URI":
        uri = _get(obj, "/URI")
        if isinstance(uri, bytes):
            uri = uri.decode("latin-1")
        if rules.page_resources or not isinstance(uri, str) or not _SAFE_URI.match(uri.strip()):
            return True
    if rules.page_resources:
        return bool(
            kind in ("/Catalog", "/Pages", "/Page", "/Annot", "/Outlines", "/Sig")
            or action in _HARMLESS_ACTIONS
            or (subtype in _ANNOTATION_SUBTYPES and "/Rect" in obj)
            or (isinstance(obj, StreamObject) and subtype == "/PS")  # PostScript pass-through
        )
    return subtype in _ACTIVE_ANNOTATIONS


def _walk(
    start: DictionaryObject, rules: _Rules, budget: _Budget | None, seen: dict[int, PdfObject] | None = None
) -> None:
    """Scrub everything reachable from ``start``, in place, without recursion (cycles are fine).

    ``seen`` (id to object, which keeps the objects alive so ids are not reused) lets the pages
    of one file share the work: a font or image used on every page is checked once.
    """
    seen = {} if seen is None else seen
    stack: list[PdfObject] = [start]
    removed: list[PdfObject] = []
    # In a writer, removed objects are emptied, and searched first, so that objects shared with
    # them are clean too. Page resources are scrubbed in the clinic's own reader and only what
    # is still reachable is copied out, so nothing removed there is ever visited.
    search_removed = not rules.page_resources
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen[id(obj)] = obj
        if isinstance(obj, DictionaryObject):
            if budget is not None:
                budget.tick(1 + len(obj))
            for key in list(obj.keys()):
                drop = key in rules.drop or (isinstance(obj, StreamObject) and key in _STREAM_KEYS)
                value = obj[key]  # resolved
                if drop or _forbidden(value, rules):
                    del obj[key]
                    if search_removed:
                        removed.append(value)
                        stack.append(value)
                elif isinstance(value, (DictionaryObject, ArrayObject)):
                    stack.append(value)
            if isinstance(obj, StreamObject) and budget is not None:
                budget.stream(obj)
        elif isinstance(obj, ArrayObject):
            if budget is not None:
                budget.tick(1 + len(obj))
            for i in range(len(obj) - 1, -1, -1):
                value = obj[i].get_object()
                if _forbidden(value, rules):
                    del obj[i]
                    if search_removed:
                        removed.append(value)
                        stack.append(value)
                elif isinstance(value, (DictionaryObject, ArrayObject)):
                    stack.append(value)
    # A removed indirect object would still be written by the writer, unreferenced: empty it.
    # Only things that are unsafe wherever they appear are removed, so emptying them is safe.
    for obj in removed:
        if isinstance(obj, (DictionaryObject, ArrayObject)):
            obj.clear()
        if isinstance(obj, StreamObject):
            StreamObject.set_data(obj, b"")
            if hasattr(obj, "decoded_self"):
                obj.decoded_self = None


# --- placing -----------------------------------------------------------------------------------


def place_pages(
    writer: pypdf.PdfWriter,
    placements: Sequence[tuple[int, pypdf.PageObject]],
    area: tuple[float, float, float, float],
    figures: Mapping[int, int] | None = None,
) -> None:
    """Draw each (target page index, clinic page) fitted and centred into ``area`` of the target.

    ``figures``: target page index → an MCID kept on that page of a tagged booklet; the placed
    page is drawn as that marked content (a Figure), its own marked content taken out.

    ``area`` is (x0, y0, x1, y1) in points on the target page. The clinic page is scaled
    uniformly (never stretched) to fit, turned as its /Rotate says, and clipped to its visible
    box. Pages should come from :func:`load_clinic_pdf`; their annotations are already gone.
    """
    x0, y0, x1, y1 = (float(v) for v in area)
    if not (x1 > x0 and y1 > y0 and all(math.isfinite(v) for v in (x0, y0, x1, y1))):
        raise ValueError(f"area {area} is not a rectangle (x0, y0, x1, y1) with x1 > x0 and y1 > y0")
    with _pypdf_limits():
        for index, source in placements:
            if not 0 <= index < len(writer.pages):
                raise ValueError(
                    f"target page index {index} is outside the writer's {len(writer.pages)} pages"
                )
            target = writer.pages[index]
            mcid = (figures or {}).get(index)
            before = len(ContentStream(target.get_contents(), writer).operations) if mcid is not None else 0
            target.merge_transformed_page(source, fit_matrix(source, (x0, y0, x1, y1)))
            if mcid is not None:
                _mark_placed(writer, target, before, mcid)
            target.compress_content_streams()


MARKED_CONTENT = {b"BDC", b"BMC", b"EMC", b"MP", b"DP"}


def _mark_placed(writer: pypdf.PdfWriter, target: pypdf.PageObject, before: int, mcid: int) -> None:
    """Make what merge_transformed_page appended (after ``q``, the ``before`` operations of the
    page, ``Q``) one marked-content sequence with ``mcid``; the placed page's own marked-content
    operators go, since its structure tree does not come with it."""
    content = ContentStream(target.get_contents(), writer)
    ops = content.operations
    start = before + 2  # q, the page as it was, Q
    if len(ops) < start or ops[0][1] != b"q" or ops[start - 1][1] != b"Q":
        raise ValueError("the merged page is not laid out as expected; cannot mark the placed page")
    placed = [op for op in ops[start:] if op[1] not in MARKED_CONTENT]
    begin = ([NameObject("/Figure"), DictionaryObject({NameObject("/MCID"): NumberObject(mcid)})], b"BDC")
    content.operations = [*ops[:start], begin, *placed, ([], b"EMC")]
    target.replace_contents(content)


def fit_matrix(
    page: pypdf.PageObject, area: tuple[float, float, float, float]
) -> tuple[float, float, float, float, float, float]:
    """The PDF matrix drawing ``page``'s visible box, turned by its /Rotate, fitted and centred in ``area``."""
    bx0, by0, bx1, by1 = _rect(page.cropbox)
    width, height = bx1 - bx0, by1 - by0
    rotation = _rotation(page)
    if rotation is None:
        raise ValueError("the page's /Rotate is not a multiple of 90")
    # Turn the box, moved to the origin, clockwise as a viewer displays it; keep it at the origin.
    # (x', y') = (a x + c y + e, b x + d y + f)
    a, b, c, d, e, f = {
        0: (1, 0, 0, 1, 0, 0),
        90: (0, -1, 1, 0, 0, width),
        180: (-1, 0, 0, -1, width, height),
        270: (0, 1, -1, 0, height, 0),
    }[rotation]
    shown_w, shown_h = (height, width) if rotation in (90, 270) else (width, height)
    x0, y0, x1, y1 = area
    scale = min((x1 - x0) / shown_w, (y1 - y0) / shown_h)
    tx = x0 + ((x1 - x0) - scale * shown_w) / 2
    ty = y0 + ((y1 - y0) - scale * shown_h) / 2
    return (
        scale * a,
        scale * b,
        scale * c,
        scale * d,
        scale * (e - a * bx0 - c * by0) + tx,
        scale * (f - b * bx0 - d * by0) + ty,
    )


# --- the final guard ---------------------------------------------------------------------------


def strip_active_content(writer: pypdf.PdfWriter) -> None:
    """Remove from a finished document everything that can act when it is opened or clicked.

    Gone: /OpenAction unless it only goes to a page, /Names /JavaScript and /EmbeddedFiles,
    /AcroForm, every /AA (document, pages, annotations), /JS, JavaScript, launch, form-submit and
    media actions, links to other files and to anything but http(s), mailto and tel, file
    attachments and media annotations. Links within the document and to web pages stay.
    """
    root = writer.root_object
    open_action = _get(root, "/OpenAction")
    if isinstance(open_action, DictionaryObject) and _get(open_action, "/S") != "/GoTo":
        del root["/OpenAction"]
        _walk(open_action, _WRITER_RULES, None)  # actions chained after it, if it stays written
        if _forbidden(open_action, _WRITER_RULES):
            open_action.clear()
    _walk(root, _WRITER_RULES, None)
    names = _get(root, "/Names")
    if isinstance(names, DictionaryObject) and not names:
        del root["/Names"]
