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
from .story import MCIDS
from .styles import LINE_SPACING, PAPER
from .tags import TAGGING, Node, Tags, begin_page, end_page, marked


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
    """The base PDF with the patient's details written on its blank lines and the note on its
    notes box's lines; None when the page would change (the caller then lays the copy out in
    full): a name line or note that needs more room than the blank's, a glyph the body font
    lacks, or a blank without the place a detail goes."""
    from pypdf import PdfReader, PdfWriter

    from .story import BLOCK_KEY, NOTE_KEY

    fonts = load_fonts(layout.fonts)
    size = layout.fonts.size
    values = {"patient": personal.patient, "date": personal.date, "clinician": personal.clinician}
    wanted = {k: v for k, v in values.items() if v}
    for text in [*wanted.values(), personal.note or ""]:
        if any(ord(c) not in fonts.covered for c in text if not c.isspace()):
            return None
    if any(key not in fields or fields[key][0] != 1 for key in wanted):
        return None  # the patient line is always on the first page; anything else: lay out in full
    if personal.note and NOTE_KEY not in fields:
        return None
    wide = any(stringWidth(text, fonts.regular, size) > fields[key][3] for key, text in wanted.items())
    writer = PdfWriter(clone_from=_parsed(base))
    tagged = "/StructTreeRoot" in writer._root_object
    story: Any = None
    redraw: list[tuple[str, Any]] = []  # (part, flowable with the details) to draw in the blank part's place
    if wide or personal.note:
        language = str(writer._root_object.get("/Lang") or "en")
        story = _story(layout, language)
        story.tags, story.stamping = (Tags(language) if tagged else None), True
    if wide:
        redraw.append((BLOCK_KEY, story.patient_table(personal)))
    if personal.note:
        width = fields[NOTE_KEY][4]
        note = story.ruled_note(personal.note, width)
        note = getattr(note, "inner", note)  # the ruled lines themselves, not the blank's marker
        redraw.append((NOTE_KEY, (note, [getattr(note.note, "node", None)])))
    overlays: dict[int, tuple[Canvas, io.BytesIO]] = {}  # by page: what is drawn on it

    def overlay(page: int) -> Canvas:
        if page not in overlays:
            buffer = io.BytesIO()
            canvas = Canvas(
                buffer, pagesize=PAPER[layout.page.paper], invariant=1, initialFontName=fonts.regular
            )
            if tagged:
                canvas.__dict__[TAGGING] = True
                begin_page(canvas)
            overlays[page] = canvas, buffer
        return overlays[page][0]

    for key, (flowable, nodes) in redraw:
        page, x, y, height, _ = fields[key]
        if not _fits(flowable, height, fields[key][4]) or not _cut(writer.pages[page - 1], key):
            return None
        ids = fields.get(key + MCIDS, ())
        if tagged:
            if len(ids) != len(nodes) or None in nodes:
                return None
            for node, mcid in zip(nodes, ids, strict=True):
                node.mcid = int(mcid)
        flowable.drawOn(overlay(page), x, y)
    if not wide and wanted:
        # in a tagged copy each value is marked content of its own, joined to the element the
        # blank line holds in the structure tree; in an untagged one, written as it is
        joins = _joins(writer, fields, list(wanted)) if tagged else {}
        canvas = overlay(1)
        canvas.setFillColor(layout.colors.text)
        canvas.setFont(fonts.regular, size)
        for key, text in wanted.items():
            _, x, y, _ = fields[key]
            with marked(canvas, Node("P", mcid=joins[key][0]) if key in joins else None):
                canvas.drawString(x, y + lift(size), text)
    for page, (canvas, buffer) in overlays.items():
        if tagged:
            end_page(canvas)
        canvas.showPage()
        canvas.save()
        writer.pages[page - 1].merge_page(PdfReader(io.BytesIO(buffer.getvalue())).pages[0])
        writer.pages[page - 1].compress_content_streams()  # merging left the page's drawing uncompressed
    out = io.BytesIO()
    writer.write(out)
    return compact(out.getvalue())


def _fits(flowable: Any, height: float, width: float) -> bool:
    """Whether ``flowable`` laid out ``width`` wide is the blank part's height: nothing below moves."""
    return bool(abs(flowable.wrap(width, height + 1000)[1] - height) <= 0.01)


def _cut(page: Any, key: str) -> bool:
    """Take the blank part drawn between ``key``'s comments out of ``page``'s content; False if
    it is not there exactly once."""
    from pypdf.generic import ContentStream

    from .story import redraw_marks

    begin, end = redraw_marks(key)
    content: Any = page["/Contents"].get_object()  # ReportLab writes one stream a page
    data: bytes = content.get_data()
    start = data.find(begin)
    stop = data.find(end, start)
    if start < 0 or stop < 0 or data.find(begin, start + 1) >= 0:
        return False
    fresh = ContentStream(None, page.indirect_reference.pdf)
    fresh.set_data(data[:start] + data[stop + len(end) :])
    page.replace_contents(fresh)
    return True


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
