"""Personal details stamped onto a handout laid out once without them: the fast path for batch
runs, where thousands of copies differ only in a name, a clinician and a date."""

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
    fields: dict[str, tuple[int, float, float, float]],
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
        if stringWidth(text, fonts.regular, size) > fields[key][3]:
            return None
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


def _joins(
    writer: Any, fields: dict[str, tuple[int, float, float, float]], keys: list[str]
) -> dict[str, tuple[int, Any]]:
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
