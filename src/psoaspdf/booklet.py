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
from typing import TYPE_CHECKING

from . import model
from .compact import compact
from .errors import InvalidInput, NotFound, Problem
from .handout import files_named, load_layout, personal_problems, printable_problems, rendering
from .library import located, resolve_given, shown
from .validate import BUILT_IN, COMMAND_LINE, Where, load_located

if TYPE_CHECKING:
    from .clinicpdf import ClinicPdf
    from .program import ProgramInputs
    from .render.document import BookletPlan


@dataclasses.dataclass(frozen=True)
class LoadedItem:
    """One booklet item, validated: a handout, a program, a clinic PDF or a divider."""

    title: str
    handout: model.Handout | None = None
    pdf: ClinicPdf | None = None
    program: ProgramInputs | None = None


@dataclasses.dataclass(frozen=True)
class LoadedBooklet:
    booklet: model.Booklet
    where: Where
    layout: model.Layout
    items: tuple[LoadedItem, ...]
    sources: tuple[Path, ...] = ()  # every file it is made from: an output may replace none of them


def load_booklet(path: Path, layout_override: str | None = None, root: Path | None = None) -> LoadedBooklet:
    """Read a booklet file and everything it names; every problem is reported in one run.

    The files it names are relative to it and inside its library root (see library.find_root);
    ``layout_override`` is a name from the command line, which may be anywhere."""
    booklet, where = load_located(path, model.Booklet, root)
    return _load(booklet, where, layout_override, root)


def quick_booklet(
    items: list[str],
    layout: str | None,
    title: str | None,
    root: Path | None = None,
    language: str | None = None,
) -> LoadedBooklet:
    """A booklet from the command line: handout files or ids and PDF files, in order. Names
    typed on the command line are the operator's choice and may be anywhere. The cover and
    contents are in ``language``, else in the first handout's."""
    entries = []
    problems: list[Problem] = []
    for i, item in enumerate(items, start=1):
        if item.lower().endswith(".pdf"):
            entries.append(model.BookletItem(pdf=model.FilePath(str(Path(item).resolve()))))
            continue
        try:
            handout = resolve_given(item, "handouts", root).resolve()
            entries.append(model.BookletItem(handout=model.Ref(str(handout))))
        except NotFound as exc:
            problems.append(COMMAND_LINE.problem(f"items[{i}].handout", str(exc)))
    if problems:
        raise InvalidInput(problems)
    from .wording import labels

    booklet = model.Booklet(title=title or "-", language=language or "en", items=tuple(entries))
    loaded = _load(booklet, COMMAND_LINE, layout, root)
    if language is None:  # the first handout's, read once by _load
        first = next((i.handout for i in loaded.items if i.handout is not None), None)
        language = first.language.split("-")[0] if first else "en"
    booklet = dataclasses.replace(
        booklet, title=title or str(labels(language)["booklet_title"]), language=language
    )
    return dataclasses.replace(loaded, booklet=booklet)


def _load(
    booklet: model.Booklet, where: Where, layout_override: str | None, root: Path | None
) -> LoadedBooklet:
    """Load the layout, handouts and clinic PDFs a validated booklet names."""
    from .clinicpdf import BadClinicPdf, load_clinic_pdf

    problems: list[Problem] = []
    sources: list[Path] = [Path(where.file)] if where is not COMMAND_LINE else []
    layout, layout_where = model.Layout(), BUILT_IN
    try:
        layout, layout_where = load_layout(layout_override or booklet.layout, root)
        sources += [Path(layout_where.file)] if layout_where is not BUILT_IN else []
    except (InvalidInput, NotFound) as exc:
        problems += where.problems_of(exc, "layout")
    # the layout once, and the booklet's own words (title, dividers, cover details) with it
    problems += printable_problems(layout, layout_where, [(where, booklet)])
    items: list[LoadedItem] = []
    for i, item in enumerate(booklet.items, start=1):
        field = f"items[{i}]"
        try:
            if item.handout is not None:
                handout_path = Path(shown(located(item.handout, "handouts")))
                handout, handout_where = load_located(handout_path, model.Handout, root)
                sources += [handout_path, *files_named(handout)]
                problems += printable_problems(
                    layout, layout_where, [(handout_where, handout)], check_layout=False
                )
                items.append(LoadedItem(item.title or handout.title, handout=handout))
            elif item.program is not None:
                program = _program_item(item.program, layout, layout_where, root)
                sources += program.sources()
                problems += printable_problems(
                    layout,
                    layout_where,
                    [(program.plan.where, program.plan.program)]
                    + [(p.entry.where, p.entry.handout) for p in program.plan.items],
                    check_layout=False,
                )
                items.append(LoadedItem(item.title or program.title, program=program))
            elif item.pdf is not None:
                pdf = load_clinic_pdf(Path(item.pdf))
                title = item.title or pdf.title or Path(item.pdf).stem.replace("-", " ").capitalize()
                items.append(LoadedItem(title, pdf=pdf))
            else:
                items.append(LoadedItem(item.title or item.divider or ""))
        except (InvalidInput, NotFound) as exc:
            problems += where.problems_of(exc, f"{field}.{'program' if item.program else 'handout'}")
        except BadClinicPdf as exc:
            folder = Path(where.file).resolve().parent if where is not COMMAND_LINE else Path.cwd()
            written = os.path.relpath(str(item.pdf), folder)  # as written, not made absolute
            problems.append(where.problem(f"{field}.pdf", f"{written}: {exc}"))
    if problems:
        raise InvalidInput(problems)
    sources += files_named(booklet, layout)
    return LoadedBooklet(booklet, where, layout, tuple(items), tuple(sources))


def _program_item(ref: str, layout: model.Layout, layout_where: Where, root: Path | None) -> ProgramInputs:
    """A booklet's program, its exercises found in the library, printed with the booklet's layout."""
    from .program import ProgramInputs, plan_program

    path = Path(shown(located(ref, "programs")))
    program, program_where = load_located(path, model.Program, root)
    return ProgramInputs(plan_program(program, program_where, root), layout, layout_where)


def plan_of(loaded: LoadedBooklet) -> BookletPlan:
    from .render.document import BookletPlan, DividerPart, HandoutPart, PdfPart, ProgramPart

    parts: list[HandoutPart | ProgramPart | PdfPart | DividerPart] = []
    for item in loaded.items:
        if item.handout is not None:
            parts.append(HandoutPart(item.handout))
        elif item.program is not None:
            program = item.program
            parts.append(
                ProgramPart(
                    item.title,
                    tuple(p.exercise for p in program.plan.items),
                    tuple(program.urgent),
                    program.footer,
                    program.plan.program.note,
                    program.draft,
                    program.language,
                )
            )
        elif item.pdf is not None:
            parts.append(PdfPart(item.title, len(item.pdf.pages)))
        else:
            parts.append(DividerPart(item.title))
    b = loaded.booklet
    return BookletPlan(b.title, b.subtitle, b.language, tuple(parts), b.start_on_right, b.blank_pages)


def build_booklet(
    loaded: LoadedBooklet,
    personal: model.Personal | None = None,
    impose: model.Imposition | None = None,
    marks: bool = False,
    personal_where: Where = COMMAND_LINE,
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
    problems = personal_problems(loaded.layout, given, personal_where)
    if problems:
        raise InvalidInput(problems)
    # the layout writes the outline (a clinic's PDF's own bookmarks too) and the page labels;
    # only a clinic's pages to place make pypdf read and write the file again
    outline = [(item.title, item.pdf.outline if item.pdf else ()) for item in loaded.items]
    with rendering(loaded.where.file):
        data, page_map = render_booklet(plan_of(loaded), loaded.layout, personal, outline=outline)
    if all(item.pdf is None for item in loaded.items):
        return impose_or_pack(data, impose, marks)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    figures = {page - 1: mcid for page, mcid in page_map.figures.items()}
    for item, pages in zip(loaded.items, page_map.parts, strict=True):
        if item.pdf is not None:
            placements = [(p - 1, page) for p, page in zip(pages.placeholders, item.pdf.pages, strict=True)]
            place_pages(writer, placements, page_map.insert_area, figures)
    strip_active_content(writer)
    out = io.BytesIO()
    writer.write(out)
    return impose_or_pack(out.getvalue(), impose, marks)


def impose_or_pack(data: bytes, impose: model.Imposition | None, marks: bool) -> bytes:
    """The booklet's pages imposed on sheets when asked, else packed (see compact.py)."""
    if impose:
        from .impose import impose as impose_pages

        return impose_pages(data, impose, marks=marks)
    return compact(data)
