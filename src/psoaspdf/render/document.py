"""Handout + layout → PDF bytes. Pure: no files written, same inputs give the same bytes."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any, Literal

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.flowables import DocIf

from .. import __version__, model
from ..compact import compact
from ..output import PdfBytes
from ..wording import labels as load_labels
from ..wording import localised
from .fonts import FontSet, load_fonts
from .inline import missing_glyphs, plain_text
from .page import ContextMarker, PageContext, make_decorator, numbered_canvas, review_line
from .story import HELP_ATTR, OUTLINE_ATTR, SOURCE_ATTR, Story, settle_struct
from .styles import make_styles
from .tags import Node, Tags, reserve, tree_into


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


# what is wrong with printing a string in a set of fonts (None: nothing), by string and fonts:
# every copy of a handout checks the same strings again
_CHECKED: dict[tuple[str, FontSet], str | None] = {}


def unprintable(obj: Any, fonts: FontSet) -> list[tuple[str, str]]:
    """(field, message) for every string that would not print as written: a character no embedded
    font can draw, or right-to-left text (which would come out in the wrong order)."""
    found = []
    for where, text in text_fields(obj):
        key = (text, fonts)
        if key in _CHECKED:
            message = _CHECKED[key]
        else:
            message = _unprintable_text(text, fonts)
            if len(_CHECKED) > 16384:
                _CHECKED.clear()
            _CHECKED[key] = message
        if message is not None:
            found.append((where, message))
    return found


def _unprintable_text(text: str, fonts: FontSet) -> str | None:
    if not text.isascii() and any(unicodedata.bidirectional(c) in ("R", "AL") for c in set(text)):
        return "right-to-left text (such as Arabic or Hebrew) cannot be printed yet"
    missing = missing_glyphs(text, fonts)
    if missing:
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing)
        return f"no embedded font has a glyph for {shown}; replace or remove it"
    return None


# where "when to get help" began, by handout and layout, and by handout id and layout: a copy
# with its own doses is a handout of its own, and its help box is most often where the others'
# was (checked on every layout, so a wrong guess costs a second pass, never a wrong page)
_HELP_PAGE_HINTS: dict[tuple[model.Handout | str, model.Layout], int] = {}
_BOOKLET_HINTS: dict[tuple[Any, model.Layout], tuple[list[int], list[int]]] = {}
CLINIC_INSET = 18.0  # points kept clear round a clinic's own page; our footer stays below it
PART_ATTR = "psoaspdf_part_start"
PLACEHOLDER_ATTR = "psoaspdf_placeholder"
BODY_ATTR = "psoaspdf_body_start"


@dataclasses.dataclass(frozen=True)
class HandoutPart:
    handout: model.Handout


@dataclasses.dataclass(frozen=True)
class PdfPart:
    """Pages kept free for one of the clinic's own PDFs; stamped in later by the booklet."""

    title: str
    pages: int


@dataclasses.dataclass(frozen=True)
class DividerPart:
    title: str


@dataclasses.dataclass(frozen=True)
class ProgramPart:
    """A home-exercise program: its exercises at their doses, the emergency signs of the handouts
    they come from, the footer line naming those handouts, and the program file's note."""

    title: str
    exercises: tuple[model.Exercise, ...]
    urgent: tuple[str, ...]
    footer: str
    note: str | None = None
    draft: bool = False
    language: str = ""  # of its labels; the booklet's when empty


Part = HandoutPart | ProgramPart | PdfPart | DividerPart


def part_title(part: Part) -> str:
    return part.handout.title if isinstance(part, HandoutPart) else part.title


@dataclasses.dataclass(frozen=True)
class BookletPlan:
    """What a booklet holds, in order, and how it is put together (all already validated)."""

    title: str
    subtitle: str | None
    language: str
    parts: tuple[Part, ...]
    start_on_right: bool = False
    blank_pages: str = "notes"  # 'notes': ruled lines; 'marked': "This page is left blank"


@dataclasses.dataclass
class PartPages:
    """Where one part landed: physical page numbers, counted from 1."""

    first: int = 0
    help: int = 0  # the page of its "when to get help" box (handouts)
    sections: list[tuple[str, int]] = dataclasses.field(default_factory=list)
    placeholders: list[int] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class PageMap:
    """Where everything landed, for the contents, the outline, page labels and stamping."""

    parts: list[PartPages]
    body_start: int = 1  # the physical page printed as page 1
    total: int = 0
    insert_area: tuple[float, float, float, float] = (0, 0, 0, 0)  # where a clinic's page goes
    figures: dict[int, int] = dataclasses.field(default_factory=dict)  # physical page → MCID kept

    def printed(self, physical: int) -> int:
        return physical - self.body_start + 1


class ContentTooTall(LayoutError):
    """Something that cannot be laid out even on a page of its own, and the handout field it
    prints (``field`` is '' when not known); ``handout`` is the title of the handout it is in."""

    def __init__(self, field: str, what: str, handout: str, page: int) -> None:
        super().__init__(f"{field or 'a part of the handout'}: too tall for page {page}")
        self.field = field
        self.what = what
        self.handout = handout
        self.page = page


class _Recorder(BaseDocTemplate):
    """Notes the page of every marked flowable as it is laid out, and which part of which
    handout is being laid out, to name it if it cannot be."""

    def __init__(self, *args: Any, page_map: PageMap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_map = page_map
        self.current = -1
        self.source: tuple[str, str] = ("", "")  # (field path, what it is)
        self.handout_title = ""

    def handle_flowable(self, flowables: list[Any]) -> None:
        if flowables:
            first = flowables[0]
            if isinstance(first, ContextMarker):  # a new part of a booklet (or the handout) starts
                self.handout_title = plain_text(first.context.title or "")
                self.source = ("", "")
            # pieces of a split flowable carry no mark: they belong to the last one marked
            self.source = getattr(first, SOURCE_ATTR, None) or self.source
        try:
            super().handle_flowable(flowables)
        except LayoutError as exc:
            if isinstance(exc, ContentTooTall):
                raise
            field, what = self.source
            raise ContentTooTall(field, what, self.handout_title, self.page) from exc

    def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 (ReportLab's name)
        pages = self.page_map.parts
        if hasattr(flowable, BODY_ATTR):
            self.page_map.body_start = self.page
        if hasattr(flowable, PART_ATTR):
            self.current = getattr(flowable, PART_ATTR)
            pages[self.current].first = self.page
        if hasattr(flowable, HELP_ATTR):
            pages[self.current].help = self.page
        if hasattr(flowable, PLACEHOLDER_ATTR):
            pages[self.current].placeholders.append(self.page)
        title = getattr(flowable, OUTLINE_ATTR, None)
        if title and self.current >= 0:
            pages[self.current].sections.append((title, self.page))


def _skip_drawing(*_args: Any, **_kwargs: Any) -> None:
    """What a flowable draws in a measuring pass: nothing."""


class _Frame(Frame):
    """ReportLab's frame, quicker to copy. A kept-together group measures its content in a deep
    copy of the frame (ReportLab's _listWrapOn), a few hundred times a handout; the frame holds
    numbers and, unless a flowable draws a frame background (none of ours does), nothing else
    that anything changes, so a copy of its attributes is as good."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Frame:
        if getattr(self, "_frameBGs", None) or any(
            not isinstance(v, (int, float, str, type(None)))
            for k, v in self.__dict__.items()
            if k != "_frameBGs"
        ):
            clone = Frame.__new__(type(self))
            memo[id(self)] = clone
            clone.__dict__.update(copy.deepcopy(self.__dict__, memo))
            return clone
        clone = copy.copy(self)
        if "_frameBGs" in clone.__dict__:
            clone._frameBGs = []
        return clone


class _MeasuringFrame(_Frame):
    """A frame that places each flowable exactly as Frame does (wrap, split, space before and
    after) but does not draw it. A first pass needs only where things land: the page of each
    part, of its sections and of its help box. Drawing, tagging and writing the pages are most
    of a pass's time; the pass after it, with the page numbers found, draws everything (and
    checks the numbers again)."""

    def _add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:  # noqa: N803
        flowable.drawOn = _skip_drawing  # this flowable, this once
        try:
            return int(super()._add(flowable, canv, trySplit))
        finally:
            del flowable.drawOn


class _MeasuringCanvas(Canvas):
    """The canvas of a measuring pass: pages are counted, never kept or written."""

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        if self._onPage:
            self._onPage(self._pageNumber)
        self._startPage()

    def save(self) -> None:
        pass


def _marker(attr: str, value: Any = True) -> Flowable:
    marker = Spacer(0, 0)
    setattr(marker, attr, value)
    return marker


class _IfPage(DocIf):
    """Adds its flowables when a test on the current page number holds."""

    def __init__(self, test: Callable[[int], bool], block: list[Flowable]) -> None:
        super().__init__("", block)
        self.test = test

    def funcWrap(self, avail_width: float, avail_height: float) -> bool:  # noqa: N802
        return self.test(int(self._doctemplateAttr("page")))


class _Renderer:
    """Shared set-up for one document: fonts, styles, labels, page templates, metadata."""

    def __init__(self, layout: model.Layout, language: str, personal: model.Personal) -> None:
        self.language = language
        self.given_layout = layout
        self.labels = load_labels(language)
        self.layout = layout = localised(layout, self.labels, language)
        self.personal = personal
        self.fonts = load_fonts(layout.fonts)
        self.styles = make_styles(layout, self.fonts)
        self.story = Story(self.styles, self.labels, layout)
        self._stories: dict[str, Story] = {language: self.story}
        self.tags: Tags | None = None  # one structure for every story of a tagged booklet

    def story_for(self, language: str) -> Story:
        """The story builder with the labels of ``language``: in a booklet, each handout prints
        its own language's words round its text ("Señales y síntomas" in an English booklet)."""
        if language not in self._stories:
            labels = load_labels(language)
            self._stories[language] = Story(
                self.styles, labels, localised(self.given_layout, labels, language)
            )
        story = self._stories[language]
        if self.tags is not None:
            story.tags = self.tags
        return story

    def document(
        self, buffer: io.BytesIO, page_map: PageMap, measuring: bool = False, **metadata: Any
    ) -> _Recorder:
        """The document template; ``measuring``: its frames place flowables without drawing
        them, for a pass that only finds on which page each part starts (see _MeasuringFrame)."""
        styles = self.styles
        frame_class = _MeasuringFrame if measuring else _Frame
        width, margin = styles.page_size[0], styles.margin
        doc = _Recorder(
            buffer,
            page_map=page_map,
            pagesize=styles.page_size,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin + styles.header_height,
            bottomMargin=margin + styles.footer_height,
            creator=f"psoaspdf {__version__}",
            producer=f"psoaspdf {__version__} (ReportLab)",
            displayDocTitle=1,
            invariant=1,
            initialFontName=self.fonts.regular,
            initialFontSize=self.layout.fonts.size,
            **metadata,
        )

        def frame(frame_id: str, top: float) -> Frame:
            return frame_class(
                margin,
                margin + styles.footer_height,
                width - 2 * margin,
                styles.page_size[1] - top - margin - styles.footer_height,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
                id=frame_id,
            )

        doc.addPageTemplates(
            [
                PageTemplate(id="page", frames=[frame("body", margin + styles.header_height)]),
                PageTemplate(id="cover", frames=[frame("cover", margin)]),
            ]
        )
        return doc

    def handout(self, handout: model.Handout, help_page: int | None) -> list[Flowable]:
        story = self.story_for(handout.language)
        context = PageContext(
            title=handout.title, review=review_line(handout, story.labels), draft=handout.status == "draft"
        )
        return [ContextMarker(context), *story.build(handout, self.personal, help_page)]

    def build(
        self,
        doc: _Recorder,
        story: list[Flowable],
        tags: Tags | None = None,
        title: str = "",
        outline: Callable[[Canvas], None] | None = None,
        mark: Callable[[Canvas, int], None] | None = None,
    ) -> None:
        """Lay the story out; with ``tags``, tagged, the tree written as the document is saved;
        ``mark`` bookmarks each page as it is shown and ``outline`` then writes the outline.
        A measuring ``doc`` (see document()) is laid out and nothing is written."""
        if isinstance(doc.pageTemplates[0].frames[0], _MeasuringFrame):
            doc.build(story, canvasmaker=_MeasuringCanvas)
            return
        decorate = make_decorator(self.layout, self.styles, self.labels)

        def finish(canvas: Canvas) -> None:
            if tags is not None:
                tags.parents = tree_into(canvas, tags.root, plain_text(title))
            if outline is not None:
                outline(canvas)

        doc.build(story, canvasmaker=numbered_canvas(decorate, tags is not None, finish, mark))


def render_pdf(
    handout: model.Handout,
    layout: model.Layout,
    personal: model.Personal | None = None,
    fields: dict[str, Any] | None = None,
    tagged: bool = True,
) -> bytes:
    """Lay out one handout as a PDF and return its bytes: tagged (PDF/UA-1, see tags.py) unless
    ``tagged`` is False (for measuring what tagging costs).

    ``fields``, if given, is laid out as a blank for stamping (see stamp.py) and receives where
    each blank write-in line is, (page, x, y, width), and where the parts a copy draws again are
    (the name line, the notes box's lines), with their elements' marked-content ids.
    """
    renderer = _Renderer(layout, handout.language, personal or model.Personal())
    if fields is not None:
        renderer.story.field_sink = fields
        renderer.story.stamping = True
    # a hint only (the page is checked below), so the same handout is laid out once, not twice
    help_page = _HELP_PAGE_HINTS.get((handout, layout)) or _HELP_PAGE_HINTS.get((handout.id, layout))
    measuring = help_page is None  # no hint: a first pass only measures where the help box lands
    for _ in range(4):  # the first page says on which page the warning signs are
        buffer = io.BytesIO()
        page_map = PageMap([PartPages()])
        # made anew each pass
        tags = renderer.story.tags = Tags(handout.language) if tagged and not measuring else None
        doc = renderer.document(
            buffer,
            page_map,
            measuring,
            # Metadata names the clinic and the handout, never the patient.
            title=plain_text(handout.title),
            author=renderer.layout.clinic.name,
            subject=plain_text(handout.key_message),
            keywords=list(handout.keywords),
            lang=handout.language,
        )
        try:
            renderer.build(
                doc, [_marker(PART_ATTR, 0), *renderer.handout(handout, help_page)], tags, handout.title
            )
        finally:
            renderer.story.tags = None
        found = page_map.parts[0].help
        if found == help_page and not measuring:
            if fields is not None:
                settle_struct(fields, tags)
            if len(_HELP_PAGE_HINTS) > 256:
                _HELP_PAGE_HINTS.clear()
            _HELP_PAGE_HINTS[(handout, layout)] = _HELP_PAGE_HINTS[(handout.id, layout)] = found
            return PdfBytes(compact(buffer.getvalue()), pages=doc.page)  # the count lets the file be checked
        help_page, measuring = found, False
    raise RuntimeError("the page of 'when to get help' did not settle")  # a bug


def render_program(
    title: str,
    language: str,
    exercises: list[model.Exercise],
    urgent: list[str],
    footer: str | None,
    layout: model.Layout,
    personal: model.Personal | None = None,
    fields: dict[str, Any] | None = None,
    draft: bool = False,
) -> bytes:
    """Lay out a home-exercise program (see Story.program) and return its PDF bytes; ``footer``
    is the line naming the handouts the exercises come from (marked as a draft's when
    ``draft``)."""
    renderer = _Renderer(layout, language, personal or model.Personal())
    if fields is not None:
        renderer.story.field_sink = fields
        renderer.story.stamping = True
    buffer = io.BytesIO()
    page_map = PageMap([PartPages()])
    names = "; ".join(plain_text(e.name) for e in exercises)
    doc = renderer.document(
        buffer,
        page_map,
        # Metadata names the clinic and the exercises, never the patient.
        title=plain_text(title),
        author=renderer.layout.clinic.name,
        subject=names,
        keywords=["home exercise program"],
        lang=language,
    )
    tags = renderer.story.tags = Tags(language)
    try:
        story = renderer.story.program(title, exercises, urgent, renderer.personal)
    finally:
        renderer.story.tags = None
    renderer.build(
        doc,
        [_marker(PART_ATTR, 0), ContextMarker(PageContext(title=title, review=footer, draft=draft)), *story],
        tags,
        title,
    )
    if fields is not None:
        settle_struct(fields, tags)
    return PdfBytes(compact(buffer.getvalue()), pages=doc.page)


def render_booklet(
    plan: BookletPlan,
    layout: model.Layout,
    personal: model.Personal | None = None,
    outline: list[tuple[str, tuple[tuple[int, str, int], ...]]] | None = None,
) -> tuple[bytes, PageMap]:
    """Lay out a booklet: cover, contents, then every part with continuous page numbers.

    Laid out twice: the first pass finds where each part starts, the second prints those page
    numbers in the contents (whose size does not depend on them, so nothing moves).

    ``outline``, each part's title and (for a clinic's PDF) its own bookmarks as (level, title,
    page index), writes the outline (each part, its sections or bookmarks under it), the page
    labels (i, ii... for the cover and contents, then 1, 2...) and opens the outline panel.
    """
    renderer = _Renderer(layout, plan.language, personal or model.Personal())
    # where the parts began when this booklet was last laid out (a batch run lays one booklet out
    # for every patient): a hint, checked as the handouts' help page is, so most copies take one
    # pass, not two
    hint = _BOOKLET_HINTS.get((plan, layout))
    numbers, helps = hint if hint is not None else (None, None)
    measuring = hint is None  # no hint: a first pass only measures where each part starts
    for _ in range(4):
        buffer = io.BytesIO()
        page_map = PageMap([PartPages() for _ in plan.parts])
        keywords = sorted({k for p in plan.parts if isinstance(p, HandoutPart) for k in p.handout.keywords})
        doc = renderer.document(
            buffer,
            page_map,
            measuring,
            title=plain_text(plan.title),
            author=renderer.layout.clinic.name,
            subject=plain_text(plan.subtitle or "; ".join(part_title(p) for p in plan.parts)),
            keywords=keywords,
            lang=plan.language,
        )
        tags = renderer.tags = renderer.story.tags = None if measuring else Tags(plan.language)
        mark, write_outline = _outline_writers(page_map, outline) if outline is not None else (None, None)
        try:
            renderer.build(
                doc,
                _booklet_story(renderer, plan, numbers, helps, page_map),
                tags,
                plan.title,
                outline=write_outline,
                mark=mark,
            )
        finally:
            renderer.tags = None
            for story in renderer._stories.values():
                story.tags = None
        page_map.total = doc.page
        width, height = renderer.styles.page_size
        bottom = renderer.styles.margin + renderer.styles.footer_height
        page_map.insert_area = (CLINIC_INSET, bottom, width - CLINIC_INSET, height - CLINIC_INSET)
        found = [page_map.printed(part.first) for part in page_map.parts]
        found_helps = [page_map.printed(part.help) for part in page_map.parts]
        if found == numbers and found_helps == helps and not measuring:
            if len(_BOOKLET_HINTS) > 64:
                _BOOKLET_HINTS.clear()
            _BOOKLET_HINTS[(plan, layout)] = (found, found_helps)
            return buffer.getvalue(), page_map
        numbers, helps, measuring = found, found_helps, False
    raise RuntimeError("booklet page numbers did not settle")  # a bug: the contents changed size


def _outline_writers(
    page_map: PageMap, items: list[tuple[str, tuple[tuple[int, str, int], ...]]]
) -> tuple[Callable[[Canvas, int], None], Callable[[Canvas], None]]:
    """(mark, outline) for Renderer.build: a destination on each page an entry points at, then
    one closed entry per part at its first page, with its sections (a handout's) or its own
    bookmarks (a clinic's PDF, on the pages they were placed on) under it, the page labels, and
    the outline panel open."""

    entries: list[tuple[str, str, int, int]] = []  # (key, title, level, page), in order
    on_page: dict[int, list[str]] = {}

    def add(title: str, level: int, page: int) -> None:
        entries.append((f"psoasout{len(entries)}", title, level, page))

    def listed() -> list[tuple[str, str, int, int]]:
        if entries:
            return entries
        # every page is laid out when the first is shown
        for (title, bookmarks), part in zip(items, page_map.parts, strict=True):
            add(plain_text(title), 0, part.first)
            for section, page in part.sections:
                if section != plain_text(title):  # a program's title is its item's entry already
                    add(section, 1, page)
            below = 1  # a bookmark is never more than one level under the last one kept
            for level, name, index in bookmarks:
                below = min(below, level + 1)
                if index < len(part.placeholders):  # a page placed in the booklet
                    add(name, below, part.placeholders[index])
                    below += 1
        return entries

    def mark(canvas: Canvas, page: int) -> None:
        if page == 1:  # the entries, by the page they point at
            for key, _, _, at in listed():
                on_page.setdefault(at, []).append(key)
        for key in on_page.get(page, ()):  # a destination of its own for each entry
            canvas.bookmarkPage(key)

    def outline(canvas: Canvas) -> None:
        for key, title, level, _ in listed():
            canvas.addOutlineEntry(title, key, level=level, closed=True if level == 0 else None)
        front = page_map.body_start - 1
        if front:
            canvas.addPageLabel(0, "ROMAN_LOWER", 1)
        canvas.addPageLabel(front, "ARABIC", 1)
        canvas.showOutline()

    return mark, outline


class _ClinicPage(Flowable):
    """Where one page of a clinic's PDF goes: marks the page, and in a tagged booklet keeps an
    MCID on it for the Figure the placed page becomes (see booklet.build_booklet)."""

    _ZEROSIZE = 1

    def __init__(self, index: int, node: Node | None, kept: dict[int, int]) -> None:
        super().__init__()
        setattr(self, PLACEHOLDER_ATTR, index)
        self.node = node
        self.kept = kept
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        if self.node is not None:
            mcid = reserve(self.canv, self.node)
            if mcid is not None:
                self.kept[self.canv.getPageNumber()] = mcid


def _booklet_story(
    renderer: _Renderer,
    plan: BookletPlan,
    numbers: list[int] | None,
    helps: list[int] | None,
    page_map: PageMap,
) -> list[Flowable]:
    story = renderer.story
    tags = renderer.tags
    out: list[Flowable] = [ContextMarker(PageContext(kind="cover"))]
    out += story.cover(plan.title, plan.subtitle, renderer.personal)
    out += [NextPageTemplate("page"), PageBreak(), ContextMarker(PageContext(kind="front"))]
    entries: list[tuple[str, int | None, int]] = []
    for i, part in enumerate(plan.parts):
        entries.append((part_title(part), numbers[i] if numbers else None, 0))
        if isinstance(part, HandoutPart):  # the warning signs: findable from the contents too
            # as the handout prints it, in its own language
            own = renderer.story_for(part.handout.language).labels
            title = part.handout.get_help.heading or own["get_help"]
            entries.append((title, helps[i] if helps else None, 1))
    out += story.contents(entries)

    def blank_page(kind: Literal["front", "body"]) -> list[Flowable]:
        return [ContextMarker(PageContext(kind=kind)), *story.blank_page(plan.blank_pages), PageBreak()]

    out.append(PageBreak())
    if plan.start_on_right:  # front matter of an even length, so page 1 is a right-hand page
        out.append(_IfPage(lambda page: page % 2 == 0, blank_page("front")))
    out.append(_marker(BODY_ATTR))
    for index, part in enumerate(plan.parts):
        if index:
            out.append(PageBreak())
            if plan.start_on_right:
                out.append(_IfPage(lambda page: page % 2 == 0, blank_page("body")))
        out.append(_marker(PART_ATTR, index))
        out += _booklet_part(renderer, plan, part, helps[index] if helps else None, page_map, tags)
    return out


def _booklet_part(
    renderer: _Renderer,
    plan: BookletPlan,
    part: Part,
    help_page: int | None,
    page_map: PageMap,
    tags: Tags | None,
) -> list[Flowable]:
    """One part's flowables, under an Art element of its own (in its language) when tagged."""
    language = part.handout.language if isinstance(part, HandoutPart) else getattr(part, "language", None)
    own = language if language and language.split("-")[0] != plan.language.split("-")[0] else None
    with tags.group("Art", lang=own) if tags is not None else contextlib.nullcontext():
        out: list[Flowable] = []
        if isinstance(part, HandoutPart):
            out += renderer.handout(part.handout, help_page)
        elif isinstance(part, ProgramPart):
            personal = renderer.personal
            if part.note and not personal.note:
                personal = dataclasses.replace(personal, note=part.note)
            context = PageContext(title=part.title, review=part.footer, draft=part.draft)
            out += [
                ContextMarker(context),
                *renderer.story_for(part.language or plan.language).program(
                    part.title, list(part.exercises), list(part.urgent), personal
                ),
            ]
        elif isinstance(part, DividerPart):
            out += [ContextMarker(PageContext()), *renderer.story.divider(part.title)]
        else:
            # a clinic's pages: each a Figure, its alt text the item's title (their own text and
            # tags, if any, are not carried over: see docs/accessibility.md)
            out.append(ContextMarker(PageContext(header=False)))
            for page in range(part.pages):
                alt = part.title if part.pages == 1 else f"{part.title} ({page + 1}/{part.pages})"
                node = tags.leaf("Figure", alt=alt) if tags is not None else None
                out.append(_ClinicPage(page, node, page_map.figures))
                if page < part.pages - 1:
                    out.append(PageBreak())
    return out
