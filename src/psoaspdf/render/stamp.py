"""Personal details stamped onto a handout laid out once without them: the fast path for batch
runs, where thousands of copies differ only in a name, a clinician and a date.

Details that fit their blank lines are written on them. Details that a full layout would lay out
otherwise (an ISO date or a long name takes room from its neighbours) have the whole patient block
drawn again, laid out by the same code as a full layout, in place of the blank one; only a block
that would change size (a name that needs two lines) sends the copy to a full layout."""

from __future__ import annotations

import functools
import io
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from .. import model
from ..compact import compact
from .fonts import load_fonts
from .styles import LINE_SPACING, PAPER


@functools.lru_cache(maxsize=8)
def _parsed(base: bytes) -> Any:
    """The laid-out copy, parsed once per worker; each patient's copy is cloned from it."""
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(base))  # objects are parsed on first use and kept


def lift(size: float) -> float:
    """How far above the write-in line the laid-out text's baseline sits: a one-line body
    paragraph, bottom-aligned in its cell, has its baseline one leading less one size up."""
    return size * LINE_SPACING - size


def stamp_personal(
    base: bytes,
    fields: dict[str, Any],
    personal: model.Personal,
    layout: model.Layout,
) -> bytes | None:
    """The base PDF with the patient's details written on its blank lines; None when they do
    not fit or need a glyph the body font lacks (the caller then lays the copy out in full)."""
    from pypdf import PdfReader, PdfWriter

    fonts = load_fonts(layout.fonts)
    size = layout.fonts.size
    values = {"patient": personal.patient, "date": personal.date, "clinician": personal.clinician}
    wanted = {k: v for k, v in values.items() if v}
    for key, text in wanted.items():
        if key not in fields or any(ord(c) not in fonts.covered for c in text if not c.isspace()):
            return None
    if any(stringWidth(text, fonts.regular, size) > fields[key][3] for key, text in wanted.items()):
        return _redrawn(base, fields, personal, layout)
    overlay = io.BytesIO()
    canvas = Canvas(overlay, pagesize=PAPER[layout.page.paper], invariant=1, initialFontName=fonts.regular)
    canvas.setFillColor(layout.colors.text)
    canvas.setFont(fonts.regular, size)
    pages = {fields[k][0] for k in wanted}
    if pages != {1}:
        return None  # the patient line is always on the first page; anything else: lay out in full
    writer = PdfWriter(clone_from=_parsed(base))
    # in a tagged copy each value is marked content of its own, joined to the element the blank
    # line holds in the structure tree; in an untagged one, written as it is
    joins = _joins(writer, fields, list(wanted))
    for key, text in wanted.items():
        _, x, y, _ = fields[key]
        if key in joins:
            canvas.addLiteral(f"/P <</MCID {joins[key][0]}>> BDC")
        canvas.drawString(x, y + lift(size), text)
        if key in joins:
            canvas.addLiteral("EMC")
    canvas.showPage()
    canvas.save()
    writer.pages[0].merge_page(PdfReader(io.BytesIO(overlay.getvalue())).pages[0])
    writer.pages[0].compress_content_streams()  # merging left the page's drawing uncompressed
    out = io.BytesIO()
    writer.write(out)
    return compact(out.getvalue())


@functools.lru_cache(maxsize=8)
def _renderer(layout: model.Layout, language: str) -> Any:
    """The set-up a full layout of this layout and language uses: its styles and words."""
    from .document import _Renderer

    return _Renderer(layout, language, model.Personal())


def _story(layout: model.Layout, language: str) -> Any:
    """A story builder of its own (a copy's is changed as it is used; threads may share a worker)."""
    from .story import Story

    renderer = _renderer(layout, language)
    return Story(renderer.styles, renderer.labels, renderer.layout)


def _redrawn(
    base: bytes, fields: dict[str, Any], personal: model.Personal, layout: model.Layout
) -> bytes | None:
    """The base with its blank patient block cut from page 1's content and the block with the
    details drawn in its place, each label and value under the marked-content id its element
    already has; None when the block with the details is not the blank's size."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ContentStream

    from .story import BLOCK_BEGIN, BLOCK_END, BLOCK_KEY, BLOCK_MCIDS
    from .tags import TAGGING, Tags, begin_page, end_page

    block, ids = fields.get(BLOCK_KEY), fields.get(BLOCK_MCIDS, ())
    if block is None or block[0] != 1:
        return None
    _, x, y, height = block
    writer = PdfWriter(clone_from=_parsed(base))
    page = writer.pages[0]
    language = str(writer._root_object.get("/Lang") or "en")
    story = _story(layout, language)
    # laid out as for stamping, so a line left blank keeps its element (where it is: not wanted)
    story.tags, story.stamping = (Tags(language) if ids else None), True
    table, nodes = story.patient_table(personal)
    if abs(table.wrap(story.s.frame_width, height + 1000)[1] - height) > 0.01:
        return None  # the page below the block would move: lay the copy out in full
    if ids:
        if len(ids) != len(nodes) or None in nodes:
            return None
        for node, mcid in zip(nodes, ids, strict=True):
            node.mcid = int(mcid)
    content: Any = page["/Contents"].get_object()  # ReportLab writes one stream a page
    data: bytes = content.get_data()
    start = data.find(BLOCK_BEGIN)
    end = data.find(BLOCK_END, start)
    if start < 0 or end < 0 or data.find(BLOCK_BEGIN, start + 1) >= 0:
        return None
    fresh = ContentStream(None, writer)
    fresh.set_data(data[:start] + data[end + len(BLOCK_END) :])
    page.replace_contents(fresh)
    overlay = io.BytesIO()
    fonts = story.s.fonts
    canvas = Canvas(overlay, pagesize=PAPER[layout.page.paper], invariant=1, initialFontName=fonts.regular)
    if ids:
        canvas.__dict__[TAGGING] = True
        begin_page(canvas)
    table.drawOn(canvas, x, y)
    if ids:
        end_page(canvas)
    canvas.showPage()
    canvas.save()
    page.merge_page(PdfReader(io.BytesIO(overlay.getvalue())).pages[0])
    page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return compact(out.getvalue())


def _joins(writer: Any, fields: dict[str, Any], keys: list[str]) -> dict[str, tuple[int, Any]]:
    """For each value to stamp on a tagged copy: a new marked-content id on page 1, recorded in
    the parent tree and in the element that held the blank line's place (key → (mcid, element))."""
    from pypdf.generic import ArrayObject, NumberObject

    from .tags import MCID_KEY

    tree = writer._root_object.get("/StructTreeRoot")
    page = writer.pages[0]
    if tree is None or "/StructParents" not in page:
        return {}
    nums = tree.get_object()["/ParentTree"].get_object()["/Nums"]
    index = int(page["/StructParents"])
    marks = next(nums[i + 1].get_object() for i in range(0, len(nums), 2) if int(nums[i]) == index)
    joins: dict[str, tuple[int, Any]] = {}
    for key in keys:
        place = fields.get(f"{key}{MCID_KEY}")
        if place is None or place[0] != 1:
            continue
        element_ref = marks[int(place[1])]
        element = element_ref.get_object()
        mcid = len(marks)
        marks.append(element_ref)
        kids = element["/K"]
        if not isinstance(kids, ArrayObject):
            kids = ArrayObject([kids])
        kids.append(NumberObject(mcid))
        element[_name("/K")] = kids
        joins[key] = (mcid, element_ref)
    return joins


def _name(text: str) -> Any:
    from pypdf.generic import NameObject

    return NameObject(text)
