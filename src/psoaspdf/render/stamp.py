"""Personal details stamped onto a handout laid out once without them: the fast path for batch
runs, where thousands of copies differ only in a name, a clinician and a date."""

from __future__ import annotations

import functools
import io
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from .. import model
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
    for key, text in wanted.items():
        _, x, y, _ = fields[key]
        canvas.drawString(x, y + lift(size), text)
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=_parsed(base))
    writer.pages[0].merge_page(PdfReader(io.BytesIO(overlay.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
