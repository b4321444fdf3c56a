"""Booklets: several handouts, dividers and a clinic's own PDFs under one cover.

The booklet is laid out as one ReportLab document (so fonts and figures are embedded once and
page numbers run on), with pages kept free for the clinic's PDFs. pypdf then stamps those pages
in, writes the outline and the page labels, and can impose the result for printing.
"""

from __future__ import annotations

import dataclasses
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from . import model
from .api import BUILT_IN, Where, printable_problems, rendering
from .bundled import resolve
from .errors import InvalidInput, NotFound, Problem
from .validate import load_with_positions

if TYPE_CHECKING:
    from pypdf import PdfWriter

    from .clinicpdf import ClinicPdf
    from .render.document import BookletPlan, PageMap

Imposition = Literal["saddle-stitch", "2-up"]


@dataclasses.dataclass(frozen=True)
class LoadedItem:
    """One booklet item, validated: a handout, a clinic PDF or a divider."""

    title: str
    handout: model.Handout | None = None
    pdf: ClinicPdf | None = None


@dataclasses.dataclass(frozen=True)
class LoadedBooklet:
    booklet: model.Booklet
    where: Where
    layout: model.Layout
    items: tuple[LoadedItem, ...]


def load_booklet(path: Path, layout_override: str | None = None) -> LoadedBooklet:
    """Read a booklet file and everything it names; every problem is reported in one run."""
    booklet, positions = load_with_positions(path, model.Booklet)
    return _load(booklet, Where(str(path), positions), path.resolve().parent, layout_override, path)


def quick_booklet(items: list[str], layout: str | None, title: str | None) -> LoadedBooklet:
    """A booklet from the command line: handout files or ids and PDF files, in order."""
    entries = []
    for item in items:
        if item.lower().endswith(".pdf"):
            entries.append(model.BookletItem(pdf=model.FilePath(str(Path(item).resolve()))))
        else:
            entries.append(model.BookletItem(handout=item))
    booklet = model.Booklet(title=title or "Your handouts", items=tuple(entries))
    return _load(booklet, Where("command line"), Path.cwd(), layout)


def _load(
    booklet: model.Booklet,
    where: Where,
    folder: Path,
    layout_override: str | None,
    source: Path | None = None,
) -> LoadedBooklet:
    """``source``: the booklet file as given, when the items come from one; the files it names
    must then be inside its folder (names given on the command line may be anywhere)."""
    from .clinicpdf import BadClinicPdf, load_clinic_pdf

    confined = source.name if source else None
    shown = source.parent if source else Path()
    problems: list[Problem] = []
    layout, layout_where = model.Layout(), BUILT_IN
    layout_name = layout_override or booklet.layout
    if layout_name:
        try:
            if layout_override:
                layout_path = _as_given(resolve(layout_override, "layouts", Path.cwd()), Path.cwd(), Path())
            else:
                layout_path = _as_given(resolve(layout_name, "layouts", folder, confined), folder, shown)
            layout, positions = load_with_positions(layout_path, model.Layout)
            layout_where = Where(str(layout_path), positions)
        except (InvalidInput, NotFound) as exc:
            problems += _problems(exc, where, "layout")
    # the layout once, and the booklet's own words (title, dividers, cover details) with it
    problems += printable_problems(layout, layout_where, [(where, booklet)])
    items: list[LoadedItem] = []
    for i, item in enumerate(booklet.items, start=1):
        field = f"items[{i}]"
        try:
            if item.handout is not None:
                handout_path = _as_given(resolve(item.handout, "handouts", folder, confined), folder, shown)
                handout, positions = load_with_positions(handout_path, model.Handout)
                handout_where = Where(str(handout_path), positions)
                problems += printable_problems(
                    layout, layout_where, [(handout_where, handout)], check_layout=False
                )
                items.append(LoadedItem(item.title or handout.title, handout=handout))
            elif item.pdf is not None:
                pdf = load_clinic_pdf(Path(item.pdf))
                title = item.title or pdf.title or Path(item.pdf).stem.replace("-", " ").capitalize()
                items.append(LoadedItem(title, pdf=pdf))
            else:
                items.append(LoadedItem(item.title or item.divider or ""))
        except (InvalidInput, NotFound) as exc:
            problems += _problems(exc, where, f"{field}.handout")
        except BadClinicPdf as exc:
            written = os.path.relpath(str(item.pdf), folder)  # as written, not made absolute
            problems.append(where.problem(f"{field}.pdf", f"{written}: {exc}"))
    if problems:
        raise InvalidInput(problems)
    return LoadedBooklet(booklet, where, layout, tuple(items))


def _as_given(path: Path, folder: Path, shown: Path) -> Path:
    """A file found in ``folder``, named from that folder as the user gave it, for messages."""
    try:
        return shown / path.relative_to(folder)
    except ValueError:
        return path


def _problems(exc: InvalidInput | NotFound, where: Where, field: str) -> list[Problem]:
    if isinstance(exc, InvalidInput):
        return list(exc.problems)
    return [where.problem(field, str(exc))]


def plan_of(loaded: LoadedBooklet) -> BookletPlan:
    from .render.document import BookletPlan, DividerPart, HandoutPart, PdfPart

    parts: list[HandoutPart | PdfPart | DividerPart] = []
    for item in loaded.items:
        if item.handout is not None:
            parts.append(HandoutPart(item.handout))
        elif item.pdf is not None:
            parts.append(PdfPart(item.title, len(item.pdf.pages)))
        else:
            parts.append(DividerPart(item.title))
    b = loaded.booklet
    return BookletPlan(b.title, b.subtitle, b.language, tuple(parts), b.start_on_right, b.blank_pages)


def build_booklet(
    loaded: LoadedBooklet,
    personal: model.Personal | None = None,
    impose: Imposition | None = None,
    marks: bool = False,
) -> bytes:
    """The booklet's PDF bytes: laid out, clinic pages stamped in, outline and labels written."""
    from pypdf import PdfReader, PdfWriter

    from .clinicpdf import place_pages, strip_active_content
    from .render.document import render_booklet

    b = loaded.booklet
    given = personal or model.Personal()
    personal = model.Personal(  # the command line's details win over the booklet file's
        patient=given.patient or b.patient,
        clinician=given.clinician or b.clinician,
        date=given.date or b.date,
    )
    if given.patient or given.clinician or given.date:
        command_line = Where("command line")
        problems = printable_problems(
            loaded.layout, command_line, [(command_line, given)], check_layout=False
        )
        if problems:
            raise InvalidInput(problems)
    with rendering(loaded.where.file):
        data, page_map = render_booklet(plan_of(loaded), loaded.layout, personal)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for item, pages in zip(loaded.items, page_map.parts, strict=True):
        if item.pdf is not None:
            placements = [(p - 1, page) for p, page in zip(pages.placeholders, item.pdf.pages, strict=True)]
            place_pages(writer, placements, page_map.insert_area)
    _outline(writer, loaded, page_map)
    _page_labels(writer, page_map)
    writer.page_mode = "/UseOutlines"
    strip_active_content(writer)
    out = io.BytesIO()
    writer.write(out)
    result = out.getvalue()
    if impose:
        from .impose import impose as impose_pages

        result = impose_pages(result, impose, marks=marks)
    return result


def _outline(writer: PdfWriter, loaded: LoadedBooklet, page_map: PageMap) -> None:
    """One entry per item at its first page; a handout's sections and a PDF's bookmarks under it."""
    from .render.inline import plain_text

    for item, pages in zip(loaded.items, page_map.parts, strict=True):
        entry = writer.add_outline_item(
            title=plain_text(item.title), page_number=pages.first - 1, is_open=False
        )
        for title, page in pages.sections:
            writer.add_outline_item(title=title, page_number=page - 1, parent=entry)
        if item.pdf is not None:
            parents = [entry]
            for level, title, index in item.pdf.outline:
                del parents[level + 1 :]
                parent = parents[-1]
                if index < len(pages.placeholders):
                    page_number = pages.placeholders[index] - 1
                    parents.append(
                        writer.add_outline_item(title=title, page_number=page_number, parent=parent)
                    )


def _page_labels(writer: PdfWriter, page_map: PageMap) -> None:
    """Cover and contents as i, ii...; then 1, 2... exactly as printed in the footers."""
    from pypdf.constants import PageLabelStyle

    front = page_map.body_start - 1
    if front:
        writer.set_page_label(0, front - 1, style=PageLabelStyle.LOWERCASE_ROMAN, start=1)
    writer.set_page_label(front, page_map.total - 1, style=PageLabelStyle.DECIMAL, start=1)
