"""Handout + layout → PDF bytes. Pure: no files written, same inputs give the same bytes."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from typing import Any

from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from .. import __version__, model
from ..bundled import labels as load_labels
from .fonts import FontSet, load_fonts
from .inline import missing_glyphs
from .page import make_decorator, numbered_canvas
from .story import Story
from .styles import FOOTER_HEIGHT, HEADER_HEIGHT, make_styles


def text_fields(obj: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every printed string in a model object, with its field path."""
    if isinstance(obj, str):
        yield where, obj
    elif isinstance(obj, tuple):
        for i, item in enumerate(obj):
            yield from text_fields(item, f"{where}[{i + 1}]")
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            if isinstance(getattr(obj, f.name), (model.FilePath, model.Color)):
                continue
            yield from text_fields(getattr(obj, f.name), f"{where}.{f.name}" if where else f.name)


def unprintable(obj: Any, fonts: FontSet) -> list[tuple[str, str]]:
    """(field, message) for every string with a character no embedded font can draw."""
    found = []
    for where, text in text_fields(obj):
        missing = missing_glyphs(text, fonts)
        if missing:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing)
            found.append((where, f"no embedded font has a glyph for {shown}; replace or remove it"))
    return found


def render_pdf(
    handout: model.Handout,
    layout: model.Layout,
    personal: model.Personal | None = None,
) -> bytes:
    """Lay out one handout as a PDF and return its bytes."""
    personal = personal or model.Personal()
    fonts = load_fonts(layout.fonts)
    styles = make_styles(layout, fonts)
    labels = load_labels(handout.language)
    buffer = io.BytesIO()
    width = styles.page_size[0]
    margin = styles.margin
    doc = BaseDocTemplate(
        buffer,
        pagesize=styles.page_size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin + HEADER_HEIGHT,
        bottomMargin=margin + FOOTER_HEIGHT,
        # Metadata names the clinic and the handout, never the patient.
        title=handout.title,
        author=layout.clinic.name,
        subject=handout.key_message.replace("*", ""),
        keywords=list(handout.keywords),
        creator=f"psoaspdf {__version__}",
        producer=f"psoaspdf {__version__} (ReportLab)",
        lang=handout.language,
        displayDocTitle=1,
        invariant=1,
        initialFontName=fonts.regular,
        initialFontSize=layout.fonts.size,
    )
    frame = Frame(
        margin,
        margin + FOOTER_HEIGHT,
        width - 2 * margin,
        styles.frame_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    story = Story(styles, labels, layout).build(handout, personal)
    decorate = make_decorator(handout, layout, styles, labels)
    doc.build(story, canvasmaker=numbered_canvas(decorate))
    return buffer.getvalue()
