"""Print imposition: a finished PDF's pages placed two to a landscape sheet side.

Two modes:

``saddle-stitch``
    A booklet. The pages are padded with blank pages *at the end* to a multiple of four and
    placed in signature order, so that the stack of sheets, printed double-sided (flip on the
    short edge), folded in the middle and stapled on the fold, reads 1, 2, 3, … Sheet ``s`` of a
    booklet of ``P`` padded pages carries pages ``P-1-2s | 2s`` on its front and
    ``2s+1 | P-2-2s`` on its back (0-based). No creep correction: handouts are a few sheets thick.
``2-up``
    Two pages side by side in reading order (1|2, 3|4, …), the last side padded with a blank,
    for printing two copies' worth on one sheet and cutting it in half.

Every sheet side is twice the first page's width and as tall as it. A page of another size is
centred in its slot, scaled down (proportions kept) when it is larger, never scaled up.
"""

from __future__ import annotations

import hashlib
import io
import typing

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import EmptyFileError
from pypdf.generic import ArrayObject, ByteStringObject, ContentStream, DictionaryObject, NameObject

from .compact import compact
from .model import Imposition as Mode

MODES: tuple[Mode, ...] = typing.get_args(Mode)

#: Which input pages (0-based) go left and right on one sheet side; ``None`` is a blank slot.
Side = tuple[int | None, int | None]

# a PDF transformation matrix (a b c d e f): x' = a·x + c·y + e, y' = b·x + d·y + f
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

# marks: light grey hairlines, short enough to stay clear of a handout's margins' content
MARK_GREY = 0.6
MARK_WIDTH = 0.25  # pt
MARK_LENGTH = 12.0  # pt, each arm of a corner mark and each fold tick
FOLD_DASH = (3.0, 3.0)  # pt on, pt off

# the slot is the first page's size; other pages within this of it are not scaled
SIZE_TOLERANCE = 0.01  # pt


def impose(pdf: bytes, mode: Mode, *, marks: bool = False) -> bytes:
    """Return ``pdf`` imposed two pages to a landscape sheet side, one output page per side.

    ``mode`` is ``"saddle-stitch"`` (a booklet: sheet 1 front, sheet 1 back, sheet 2 front, …)
    or ``"2-up"`` (pages in reading order); see the module docstring for the page order and
    padding. ``marks`` draws, in light grey hairlines over the pages, corner marks at every page
    slot's corners and a dashed fold (or, for 2-up, cut) line with ticks at the sheet's centre.
    The marks use no fonts.

    The output keeps the input's document information (``/Title``, ``/Author`` …), its ``/Lang``
    and its viewer preferences; a booklet also asks print dialogs for short-edge duplex. It has
    no outline and no page labels: both would name pages, and the output's pages are sheet sides.
    Links are dropped (their targets no longer exist, and paper cannot follow them); other
    annotations keep their place but lose their actions. The same input gives the same bytes.

    Raises ``ValueError`` for an unknown mode or a PDF without pages.
    """
    if mode not in MODES:
        raise ValueError(f"unknown imposition mode {mode!r}; choose one of: {', '.join(MODES)}")
    try:
        reader = PdfReader(io.BytesIO(pdf))
    except EmptyFileError:
        raise ValueError("cannot impose an empty PDF: the file has no content") from None
    pages = list(reader.pages)
    if not pages:
        raise ValueError("cannot impose a PDF with no pages: there is nothing to put on a sheet")

    placements = [_upright(page) for page in pages]
    _, slot_width, slot_height = placements[0]
    sheet_width = 2 * slot_width

    writer = PdfWriter()
    writer.pdf_header = reader.pdf_header
    overlay = _marks_page(slot_width, slot_height) if marks else None
    for side in side_order(len(pages), mode):
        sheet = writer.add_blank_page(sheet_width, slot_height)
        for slot, index in enumerate(side):
            if index is None:
                continue  # padding: a blank slot
            page = pages[index]
            _keep_printable_annotations(page)
            upright, width, height = placements[index]
            fitted = _fit(upright, width, height, slot_width, slot_height, slot * slot_width)
            sheet.merge_transformed_page(page, Transformation(fitted))
        if overlay is not None:
            sheet.merge_page(overlay)
        sheet.compress_content_streams()

    _copy_document_properties(reader, writer, mode)
    # pypdf writes no /ID unless asked, and its own are random: derive one from what we were given
    digest = hashlib.md5(b"%s\0%d\0" % (mode.encode(), marks) + pdf, usedforsecurity=False).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])  # no public setter

    out = io.BytesIO()
    writer.write(out)
    return compact(out.getvalue())


def side_order(page_count: int, mode: Mode) -> tuple[Side, ...]:
    """The input pages (0-based, ``None`` for blank padding) on each sheet side, in output order."""
    if mode == "saddle-stitch":
        padded = -(-page_count // 4) * 4
        sides: list[tuple[int, int]] = []
        for sheet in range(padded // 4):
            sides.append((padded - 1 - 2 * sheet, 2 * sheet))  # front
            sides.append((2 * sheet + 1, padded - 2 - 2 * sheet))  # back
    elif mode == "2-up":
        padded = -(-page_count // 2) * 2
        sides = [(first, first + 1) for first in range(0, padded, 2)]
    else:
        raise ValueError(f"unknown imposition mode {mode!r}; choose one of: {', '.join(MODES)}")

    def present(index: int) -> int | None:
        return index if index < page_count else None

    return tuple((present(left), present(right)) for left, right in sides)


def _upright(page: PageObject) -> tuple[Matrix, float, float]:
    """The matrix that puts the page's visible box, as a viewer shows it, at the origin; its size.

    The visible box is the crop box; a ``/Rotate`` is applied here, because pypdf merges content
    only, and its own ``transfer_rotation_to_content`` cannot change a page it read.
    """
    box = page.cropbox
    left, bottom = float(box.left), float(box.bottom)
    width, height = float(box.width), float(box.height)
    to_origin: Matrix = (1.0, 0.0, 0.0, 1.0, -left, -bottom)
    # clockwise, as /Rotate turns the page on screen; written out so 90° gives exact zeros
    rotation = page.rotation % 360
    if rotation == 90:
        turn: Matrix = (0.0, -1.0, 1.0, 0.0, 0.0, width)
        width, height = height, width
    elif rotation == 180:
        turn = (-1.0, 0.0, 0.0, -1.0, width, height)
    elif rotation == 270:
        turn = (0.0, 1.0, -1.0, 0.0, height, 0.0)
        width, height = height, width
    else:
        turn = IDENTITY
    return _then(to_origin, turn), width, height


def _fit(
    upright: Matrix, width: float, height: float, slot_width: float, slot_height: float, x0: float
) -> Matrix:
    """``upright`` followed by shrinking to fit the slot at ``x0`` if need be, and centring."""
    scale = 1.0
    if width > slot_width + SIZE_TOLERANCE or height > slot_height + SIZE_TOLERANCE:
        scale = min(slot_width / width, slot_height / height)
    dx = x0 + (slot_width - width * scale) / 2
    dy = (slot_height - height * scale) / 2
    # rounding keeps the content stream tidy; a millionth of a point is far below any printer
    # (+ 0.0 turns -0.0 into 0.0)
    a, b, c, d, e, f = (round(value, 6) + 0.0 for value in _then(upright, (scale, 0.0, 0.0, scale, dx, dy)))
    return (a, b, c, d, e, f)


def _then(first: Matrix, second: Matrix) -> Matrix:
    """The matrix that applies ``first`` and then ``second``."""
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = second
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _keep_printable_annotations(page: PageObject) -> None:
    """Drop the page's links and strip actions from its other annotations, before merging.

    pypdf copies a merged page's annotations; a link's destination would drag the old page
    object along and point at a page the output does not have.
    """
    annots = page.get("/Annots")
    if annots is None:
        return
    kept = ArrayObject()
    for ref in annots.get_object():
        annotation = ref.get_object()
        if not isinstance(annotation, DictionaryObject) or annotation.get("/Subtype") == "/Link":
            continue
        for action in ("/A", "/AA"):
            annotation.pop(action, None)
        kept.append(ref)
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page["/Annots"]


def _marks_page(slot_width: float, slot_height: float) -> PageObject:
    """A sheet-sized page holding only the marks: drawn by ReportLab, stripped of any font.

    ReportLab starts every page with ``BT /F1 12 Tf … ET`` and lists Helvetica in its
    resources even when nothing is written; merged as it is, every sheet would carry an
    unembedded font. Only the drawing operators are kept, on a page without resources.
    """
    from reportlab.pdfgen.canvas import Canvas

    sheet_width = 2 * slot_width
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(sheet_width, slot_height), invariant=1)
    canvas.setStrokeGray(MARK_GREY)
    canvas.setLineWidth(MARK_WIDTH)
    canvas.setLineCap(0)
    inset = MARK_WIDTH / 2  # a line on the sheet's edge would be half cut off
    for x0 in (0.0, slot_width):
        for x, dx in ((x0 + inset, 1), (x0 + slot_width - inset, -1)):
            for y, dy in ((inset, 1), (slot_height - inset, -1)):
                canvas.line(x, y, x + dx * MARK_LENGTH, y)
                canvas.line(x, y, x, y + dy * MARK_LENGTH)
    # the fold: solid ticks at the top and bottom edges, dashed between them
    canvas.line(slot_width, 0, slot_width, MARK_LENGTH)
    canvas.line(slot_width, slot_height - MARK_LENGTH, slot_width, slot_height)
    canvas.setDash(*FOLD_DASH)
    canvas.line(slot_width, MARK_LENGTH, slot_width, slot_height - MARK_LENGTH)
    canvas.showPage()
    canvas.save()

    drawn = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].get_contents()
    assert drawn is not None
    operations = []
    in_text = False
    for operands, operator in drawn.operations:
        if operator == b"BT":
            in_text = True
        if not in_text:
            operations.append((operands, operator))
        if operator == b"ET":
            in_text = False
    content = ContentStream(None, None)
    content.operations = operations
    page = PageObject.create_blank_page(None, sheet_width, slot_height)
    page.replace_contents(content)
    return page


def _copy_document_properties(reader: PdfReader, writer: PdfWriter, mode: Mode) -> None:
    """Document information, language and viewer preferences; nothing that names pages."""
    if reader.metadata is not None:
        writer.add_metadata(reader.metadata)
    root = reader.root_object
    language = root.get("/Lang")
    if language is not None:
        writer.root_object[NameObject("/Lang")] = language.get_object().clone(writer)
    preferences = DictionaryObject()
    given = root.get("/ViewerPreferences")
    given = given.get_object() if given is not None else None
    if isinstance(given, DictionaryObject):
        preferences.update(given.clone(writer))
    # page ranges and duplex settings were chosen for the input's pages, not for sheets
    for key in ("/PrintPageRange", "/Duplex"):
        preferences.pop(key, None)
    if mode == "saddle-stitch":
        preferences[NameObject("/Duplex")] = NameObject("/DuplexFlipShortEdge")
    if preferences:
        writer.root_object[NameObject("/ViewerPreferences")] = preferences
