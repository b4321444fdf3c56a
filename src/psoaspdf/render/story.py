"""Model → ReportLab flowables: one function per kind of section."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

from reportlab import rl_config
from reportlab.graphics.shapes import Drawing
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .. import model
from ..wording import dose_cells, sets_sentence, source_line
from .assets import image_flowable
from .figure import figure_flowable, layout_colors
from .inline import markup, plain_text
from .styles import Styles
from .tags import TAGGING, LabelledList, Node, TagBox, Tags, marked, tagged_paragraph

F = TypeVar("F", bound=Flowable)
BOX = 15.0  # tick boxes: big enough to hit with a pen
MIN_WRITE_IN = 60.0  # points: the shortest line worth writing a name or date on
PICTURE_SHARE = 0.31  # of a card's width: the widest picture beside the steps
PICTURE_NARROWEST = 0.25  # of a card's width: the column of a tall picture and its caption
PICTURE_HEIGHT = 100.0  # points: the tallest picture beside the steps (two cards fit a page)
PROGRAM_PICTURE = 112.0  # points: the widest figure column of a program's exercise row
PROGRAM_PICTURE_HEIGHT = 58.0  # points: a figure no taller than the row's words
STACK_AT = 17.0  # body size from which a card's picture goes above its steps (large print)
NOTE_LINES = 3  # ruled lines for the clinician's notes (more when a note needs them)
NOTE_PITCH = 26.0  # from one ruled line to the next
QR_SIZE = 72.0  # one inch: phones read it easily from arm's length


OUTLINE_ATTR = "psoaspdf_outline_title"
HELP_ATTR = "psoaspdf_get_help"
SOURCE_ATTR = "psoaspdf_source"  # (field path, what it is): named when something cannot be laid out
# the structure element a paragraph of each style is, when the PDF is tagged (others: P)
ROLES = {
    "title": "H1",
    "cover_title": "H1",
    "program_title": "H1",
    "divider": "H1",
    "heading": "H2",
    "help_heading": "H2",
    "subheading": "H3",
    "card_title": "H3",
    "program_exercise": "H3",
}
SPLIT_ROOM = 0.25  # of a page: less room than this left, a too-tall row starts on the next page


def sourced(flowable: F, field: str, what: str) -> F:
    """Mark a flowable with the handout field it prints, for a message if it cannot be laid out."""
    setattr(flowable, SOURCE_ATTR, (field, what))
    return flowable


class BreakableTable(Table):
    """A table split between rows, as usual, and inside a row only when that row is taller than a
    whole page (a very long list, or a long word at large type), so it could never fit whole.

    Tables whose rows all fit on a page lay out exactly as plain Tables do.
    """

    page_height = 0.0  # the frame's height; copied to the pieces a split makes

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(avail_width, avail_height)
        first = self.repeatRows if isinstance(self.repeatRows, int) else 0  # the row that stopped it
        if not parts and self.page_height and self._never_fits(first, avail_height):
            for style in self._cellStyles[first]:
                style.valign = "TOP"  # broken in reading order: its start here, the rest over the page
            parts = self._splitRows(avail_height, doInRowSplit=1)
        for part in parts:  # the pieces are made as plain instances of this class
            if isinstance(part, BreakableTable):
                part.page_height = self.page_height
        return parts

    def _never_fits(self, row: int, avail_height: float) -> bool:
        """Whether a row is taller than a page (with the rows repeated above it), and there is
        room to start it here."""
        heights = self._rowHeights
        if row >= len(heights) or sum(heights[: row + 1]) <= self.page_height:
            return False  # the row fits on the next page: it moves there whole
        return avail_height >= self.page_height * SPLIT_ROOM  # else too little room for a first piece


class StartKeptTable(BreakableTable):
    """A table that moves to the next page only when its first ``keep`` rows do not fit here;
    otherwise it splits between rows, its marks (outline, help box, source) on the first piece."""

    keep = 1

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        fresh = avail_height >= self.page_height - 1  # a whole page: nothing is gained by waiting
        if sum(self._rowHeights[: self.keep]) > avail_height and not fresh:
            return []
        parts = super().split(avail_width, avail_height)
        if parts:
            for attr in (OUTLINE_ATTR, HELP_ATTR, SOURCE_ATTR):
                if hasattr(self, attr):
                    setattr(parts[0], attr, getattr(self, attr))
        return parts


class TieredTable(StartKeptTable):
    """The help box: a heading and the emergency signs, which never part, then lower tiers (a
    lead such as "Call your doctor today if you have:" and a row per point). A lower tier may
    break between its points, with at least two on each side, and its lead is printed again
    above the points carried over: the reader never meets a list without what it is for.

    ``leads[r]`` is the row of row ``r``'s tier lead when ``r`` is one of its points, else None;
    ``breaks`` are the rows a page may end before.
    """

    keep = 2
    leads: tuple[int | None, ...] = ()
    breaks: frozenset[int] = frozenset()
    edge: tuple[float, Any] | None = None  # the box's line (width, colour), closed above each piece

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        heights = self._rowHeights
        fresh = avail_height >= self.page_height - 1
        best, used = 0, 0.0
        for row, height in enumerate(heights):
            used += height
            if used > avail_height + 1e-6:
                break
            if row + 1 in self.breaks:
                best = row + 1
        if best == 0:  # not even the heading and emergency signs fit: the next page, or broken
            return super().split(avail_width, avail_height) if fresh else []
        lead = self.leads[best]
        self.repeatRows = (lead,) if lead is not None else 0
        try:
            parts: list[Flowable] = self._splitRows(sum(heights[:best]) + 1e-3)
        finally:
            self.repeatRows = 0
        if len(parts) != 2:
            return parts
        first, rest = parts
        first.repeatRows = 0
        moved = 1 if lead is not None else 0  # the lead printed again at the top of the rest
        rest.leads = (None,) * moved + tuple(
            None if r is None else 0 if r < best else r - best + moved for r in self.leads[best:]
        )
        rest.breaks = frozenset(b - best + moved for b in self.breaks if b > best)
        rest.keep, rest.repeatRows = 1 + moved, 0  # a carried-over lead goes on with a point
        rest.edge = self.edge
        if self.edge is not None:
            first.setStyle(TableStyle([("LINEBELOW", (0, -1), (-1, -1), *self.edge)]))
            rest.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), *self.edge)]))
        for part in parts:
            part.page_height = self.page_height
        for attr in (OUTLINE_ATTR, HELP_ATTR, SOURCE_ATTR):
            if hasattr(self, attr):
                setattr(first, attr, getattr(self, attr))
        return parts


class HeadedTable(Flowable):
    """A heading and a table that go on together: moved to the next page only when the heading
    and the table's first rows do not fit here; otherwise the table splits between rows (its
    header rows repeated), so the page above is not left part empty."""

    def __init__(self, heading: Flowable, table: Table, first_rows: int = 2) -> None:
        super().__init__()
        self.heading = heading
        self.table = table
        self.first_rows = first_rows
        self._sizes = (0.0, 0.0)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        heading = self.heading.wrap(avail_width, avail_height)[1] + self.heading.getSpaceAfter()
        table = self.table.wrap(avail_width, avail_height)[1]
        self._sizes = (heading, table)
        self.width = avail_width
        return avail_width, heading + table

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        repeat = self.table.repeatRows if isinstance(self.table.repeatRows, int) else 0
        first = sum(self.table._rowHeights[: repeat + self.first_rows])
        fresh = avail_height >= getattr(self.table, "page_height", 0) - 1  # a whole page
        if self._sizes[0] + first > avail_height and not fresh:
            return []  # not even the start fits: all of it goes to the next page
        self.heading.keepWithNext = False
        return [self.heading, self.table]

    def draw(self) -> None:
        heading, table = self._sizes
        self.heading.drawOn(self.canv, 0, table + heading - self.heading.wrap(self.width, heading)[1])
        self.table.drawOn(self.canv, 0, 0)


def bookmarked(flowable: F, title: str) -> F:
    """Mark a flowable whose page becomes an outline entry (read back in afterFlowable)."""
    setattr(flowable, OUTLINE_ATTR, plain_text(title))
    return flowable


def height_of(flowable: Flowable, width: float) -> float:
    """The height a flowable needs at this width (measured on a scratch canvas)."""
    from reportlab.pdfgen.canvas import Canvas

    return float(flowable.wrapOn(Canvas(io.BytesIO()), width, 1e6)[1])


def qr_drawing(url: str, size: float, font_name: str) -> Drawing:
    """ReportLab's own QR widget, scaled to a square of ``size`` points."""
    from reportlab.graphics.barcode.qr import QrCodeWidget  # only a video needs it: not at every start

    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.initialFontName = font_name  # keep Helvetica out of the PDF
    drawing.add(widget)
    return drawing


class FieldMarker(Flowable):
    """Zero-size mark in a blank write-in cell of a tagged blank laid out for stamping: holds the
    place of the value a copy draws there (``node``, its element)."""

    def __init__(self, node: Node | None = None) -> None:
        super().__init__()
        self.node = node
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        if self.node is not None and self.canv.__dict__.get(TAGGING):
            # an empty marked sequence holds the element's place in the reading order; a
            # stamped copy draws the value under the same id (see stamp.py)
            with marked(self.canv, self.node):
                pass


BLOCK_KEY = ":block"  # the patient block, in a blank laid out for stamping
NOTE_KEY = ":note"  # the ruled lines of the notes box, likewise
MCIDS = ":mcids"  # after a part's key: its elements' marked-content ids, in the order of its nodes
STRUCT = ":struct"  # after a dose's key: its table's element and rows, as object numbers once saved
PARENTS = ":parents"  # the blank's parent-tree arrays by page (see Tags.parents)
SETS_KEY = ":sets"  # the line that says what "Sets" means (it quotes the first dose with sets)
MADE = ":made"  # after a part's key: what it was made from, to make it again with other values
CTM = ":ctm"  # after a part's key: the transformation in force where it was drawn, and x, y in it


def dose_key(number: int) -> str:
    """The key of exercise ``number``'s dose (its card's dose row, or a program row's dose line)."""
    return f":dose{number}"


def dose_nodes(table: Table) -> list[Node | None]:
    """The elements of a dose table's labels and values (see Story.dose), in the order drawn."""
    return [getattr(p, "node", None) for row in table._cellvalues for cell in row if cell for p in cell]


def settle_struct(fields: dict[str, Any], tags: Tags | None) -> None:
    """Once a blank laid out for stamping is saved: each dose table's element as object numbers,
    (table, ((row, (cell, ...)), ...)), and the parent tree's arrays by page, for a copy whose
    dose has other columns to rewrite (see stamp.py); nothing of the tree is kept otherwise."""
    for key in [k for k in fields if k.endswith(STRUCT)]:
        table = fields[key]
        if not isinstance(table, Node):
            continue
        rows = [kid for kid in table.kids if isinstance(kid, Node)]
        cells = [tuple(c.ref for c in row.kids if isinstance(c, Node)) for row in rows]
        if (
            tags is None
            or table.ref is None
            or any(r.ref is None for r in rows)
            or any(None in c for c in cells)
        ):
            del fields[key]
            continue
        fields[key] = (table.ref, tuple((row.ref, c) for row, c in zip(rows, cells, strict=True)))
    if tags is not None:
        fields[PARENTS] = dict(tags.parents)


def redraw_marks(key: str) -> tuple[bytes, bytes]:
    """The comments a redrawable part is drawn between in its page's content."""
    return b"% psoaspdf redraw " + key.encode() + b" {", b"% psoaspdf redraw " + key.encode() + b" }"


def beside_and_below(
    left: list[Flowable], heading: list[Flowable], words: list[Flowable], left_width: float, width: float
) -> tuple[list[Flowable], list[Flowable]]:
    """A program row's words split where its figure column ends: the heading (title and dose)
    and every line that starts beside the figure in ``width``, then the rest, which runs on
    under the figure across the whole row. A paragraph split there stays one paragraph (one
    element in a tagged PDF)."""
    big = 1e6
    column = sum(f.wrap(left_width, big)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in left)
    used = sum(f.wrap(width, big)[1] + f.getSpaceAfter() for f in heading)
    beside, rest = list(heading), list(words)
    while rest:
        first = rest[0]
        height = first.wrap(width, big)[1]
        if used + height > column:  # it does not end beside the figure: the lines that start there stay
            room = column - used + getattr(getattr(first, "style", None), "leading", 0) - 0.01
            first.allowOrphans = 1  # one line beside the figure is fine: this is no page break
            parts = first.split(width, room) if room > 0 else []
            if len(parts) == 2:
                beside.append(parts[0])
                rest[0] = parts[1]
            if len(parts) != 1:  # (one part: all of it starts beside the figure)
                break
        beside.append(rest.pop(0))
        used += height + first.getSpaceAfter()
    return beside, rest


class Redrawable(Flowable):
    """A part of a blank laid out for stamping that a copy may need drawn otherwise (the patient
    block for an ISO date or a long name; the notes box's lines for a note): drawn between two
    comments in its page's content, with where it is, (page, x, y, height, width), and its
    elements' marked-content ids told to the sink, so that the stamp path can draw it again in
    its place (see stamp.py)."""

    def __init__(self, inner: Flowable, key: str, sink: dict[str, Any], nodes: list[Node | None]) -> None:
        super().__init__()
        self.inner, self.key, self.sink, self.nodes = inner, key, sink, nodes

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = self.inner.wrap(avail_width, avail_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []  # never split

    # laid out exactly as the part itself: a blank must put everything where a full layout does
    def getSpaceBefore(self) -> float:  # noqa: N802 (ReportLab's name)
        return float(self.inner.getSpaceBefore())

    def getSpaceAfter(self) -> float:  # noqa: N802 (ReportLab's name)
        return float(self.inner.getSpaceAfter())

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803 (ReportLab's names)
        begin, end = redraw_marks(self.key)
        canvas.addLiteral(begin.decode())
        self.inner.drawOn(canvas, x, y, _sW)
        canvas.addLiteral(end.decode())
        ax, ay = canvas.absolutePosition(x, y)
        self.sink[self.key] = (canvas.getPageNumber(), ax, ay, self.height, self.width)
        self.sink[self.key + CTM] = (tuple(canvas._currentMatrix), x, y)  # and where, in it
        ids = [
            n.kids[-1][1] for n in self.nodes if n is not None and n.kids and isinstance(n.kids[-1], tuple)
        ]
        self.sink[self.key + MCIDS] = tuple(ids) if len(ids) == len(self.nodes) else ()

    def draw(self) -> None:  # drawOn draws the inner flowable
        pass


class RuledNote(Flowable):
    """Ruled lines to write on, with the clinician's note (if any) written on them, a line of text
    on each rule; more lines when the note needs them. In a blank laid out for stamping, ``node``
    holds the note's place in the reading order (an empty marked sequence)."""

    def __init__(
        self, rules: Callable[[int], Table], note: Paragraph | None, pitch: float, node: Node | None
    ) -> None:
        super().__init__()
        self.rules, self.note, self.pitch, self.node = rules, note, pitch, node
        self.table = rules(NOTE_LINES)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self.note is not None:
            lines = round(self.note.wrap(self.table._argW[0], 1e6)[1] / self.pitch)
            if lines > NOTE_LINES and len(self.table._cellvalues) != lines:
                self.table = self.rules(lines)
        self.width, self.height = self.table.wrap(avail_width, avail_height)
        return self.width, self.height

    def draw(self) -> None:
        self.table.drawOn(self.canv, 0, 0)
        if self.note is not None:
            # each line's baseline a quarter of the pitch above its rule; a paragraph's first
            # baseline is one font size (ReportLab's default) or its ascent below its top
            size = self.note.style.fontSize
            top = size if rl_config.paraFontSizeHeightOffset else getattr(self.note.blPara, "ascent", size)
            y = self.height - self.pitch * 0.75 + top - self.note.height
            self.note.drawOn(self.canv, 0, y)
        elif self.node is not None:
            with marked(self.canv, self.node):
                pass


class TickBox(Flowable):
    """An empty square to tick by hand."""

    def __init__(self, size: float, color: Any) -> None:
        super().__init__()
        self.size = size
        self.color = color
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(1.3)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)


class Story:
    """Builds the flowables for one handout with one set of styles and labels."""

    def __init__(self, styles: Styles, labels: dict[str, Any], layout: model.Layout) -> None:
        self.s = styles
        self.labels = labels
        self.layout = layout
        self.field_sink: dict[str, Any] = {}  # where the parts a stamped copy draws again are
        self.indent = styles.body.fontSize * 1.5  # room for "10." beside a step, at any type size
        self.tags: Tags | None = None  # the structure being built, when the PDF is tagged
        self.stamping = False  # laid out to have a patient's details stamped on later

    # --- small pieces -------------------------------------------------------------------------

    @property
    def heading_room(self) -> float:
        """The height of a section heading at the top of a page: room kept above the first card."""
        return float(self.s.heading.leading + self.s.heading.spaceAfter)

    def P(  # noqa: N802 (a paragraph, as ReportLab's name says)
        self,
        text: str,
        style: Any,
        role: str | None = None,
        parent: Node | None = None,
        scope: str | None = None,
        **kwargs: Any,
    ) -> Paragraph:
        """A paragraph of text already in markup; when the PDF is tagged, also a structure
        element (``role``: by its style if not given; ``scope``: a TH's) under ``parent`` or the
        current element."""
        node = None
        if self.tags is not None:
            role = role or ROLES.get(style.name, "P")
            holder = parent if parent is not None else self.tags.current
            node = holder.add(role, scope=scope)
        return tagged_paragraph(text, style, node, **kwargs)

    def group(self, role: str, lang: str | None = None) -> AbstractContextManager[Node | None]:
        """What is built inside the block goes under a new ``role`` element (when tagged), in
        ``lang`` when its text is in another language."""
        return self.tags.group(role, lang) if self.tags is not None else nullcontext()

    @contextlib.contextmanager
    def untagged(self) -> Iterator[None]:
        """What is built inside the block is drawn as an artifact (no element, never read)."""
        tags, self.tags = self.tags, None
        try:
            yield
        finally:
            self.tags = tags

    def figure(self, flowable: Flowable, alt: str) -> Flowable:
        """A picture as a Figure element with its alt text (as is, when not tagged)."""
        return TagBox(flowable, self.tags.leaf("Figure", alt=alt)) if self.tags is not None else flowable

    def para(self, text: str, style: Any, role: str | None = None) -> Paragraph:
        return self.P(markup(text, self.s.fonts), style, role)

    def label(self, key: str, style: Any, role: str | None = None, **values: str) -> Paragraph:
        text = self.labels[key].format(**values) if values else self.labels[key]
        return self.P(markup(text, self.s.fonts, emphasis=False), style, role)

    def heading(self, text: str | None, default_key: str) -> Paragraph:
        """A section heading, marked to become an entry in the PDF's outline."""
        return bookmarked(
            self.para(text or self.labels[default_key], self.s.heading), text or self.labels[default_key]
        )

    def bullets(
        self,
        items: tuple[str, ...],
        style: Any = None,
        grouped: bool = True,
        langs: Sequence[str | None] = (),
    ) -> ListFlowable:
        """A bulleted list (an L element; ``grouped=False``: items of a list already open;
        ``langs``: each item's language, when not the document's)."""
        style = style or self.s.bullet
        with self.group("L") if grouped else nullcontext() as node:
            if node is not None:
                node.numbering = "Disc"
            paragraphs = []
            for n, item in enumerate(items):
                with self.group("LI", lang=langs[n] if n < len(langs) else None):
                    paragraphs.append(self.item(item, style))
        return LabelledList(
            [ListItem(paragraph, leftIndent=self.indent) for paragraph in paragraphs],
            bulletType="bullet",
            start="•",
            bulletFontName=self.s.fonts.bold,
            bulletFontSize=self.s.body.fontSize,
            bulletColor=self.s.colors.primary,
            leftIndent=self.indent,
        )

    def item(self, text: str, style: Any) -> Paragraph:
        """A list item's body (``LBody``), after the ``Lbl`` element its list draws its bullet
        or number in."""
        label = self.tags.leaf("Lbl") if self.tags is not None else None
        paragraph = self.para(text, style, "LBody")
        paragraph.label = label
        return paragraph

    def numbered(self, items: tuple[str, ...], start: int = 1) -> ListFlowable:
        with self.group("L") as node:
            if node is not None:
                node.numbering = "Decimal"
            paragraphs = []
            for item in items:
                with self.group("LI"):
                    paragraphs.append(self.item(item, self.s.bullet))
        return LabelledList(
            [ListItem(paragraph, leftIndent=self.indent * 1.15) for paragraph in paragraphs],
            bulletType="1",
            start=start,
            bulletFormat="%s.",
            bulletFontName=self.s.fonts.bold,
            bulletFontSize=self.s.body.fontSize,
            bulletColor=self.s.colors.primary,
            leftIndent=self.indent * 1.15,
        )

    def step(self, number: int, text: str) -> Paragraph:
        """One numbered step as a paragraph of its own, which (unlike a list item) can break
        across pages wherever a page ends, even leaving one line over."""
        s = self.s
        indent = self.indent * 1.15
        style = s.bullet.clone(
            "step",
            leftIndent=indent,
            bulletIndent=0,
            bulletFontName=s.fonts.bold,
            bulletFontSize=s.body.fontSize,
            bulletColor=s.colors.primary,
        )
        with self.group("LI"):
            return self.P(markup(text, s.fonts), style, "LBody", bulletText=f"{number}.")

    def breakable(self, data: list[list[Any]], **kwargs: Any) -> BreakableTable:
        """A Table that can break inside a row that is taller than a page (see BreakableTable)."""
        table = BreakableTable(data, **kwargs)
        table.page_height = self.s.frame_height
        return table

    def table_style(self, *commands: tuple[Any, ...]) -> TableStyle:
        # Table cells default to Helvetica, which would be neither embedded nor legible
        base: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.s.fonts.regular),
            ("FONTSIZE", (0, 0), (-1, -1), self.s.body.fontSize),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        return TableStyle(base + list(commands))

    # --- sections -----------------------------------------------------------------------------

    def title_block(
        self, handout: model.Handout, personal: model.Personal, help_page: int | None = None
    ) -> list[Flowable]:
        out: list[Flowable] = [sourced(self.para(handout.title, self.s.title), "title", "the title")]
        if handout.subtitle:
            out.append(sourced(self.para(handout.subtitle, self.s.subtitle), "subtitle", "the subtitle"))
        out.append(sourced(self.patient_line(personal), "", "the patient's name, date and clinician"))
        out.append(Spacer(1, 12))
        out.append(sourced(self.key_message(handout.key_message), "key_message", "the main message"))
        # the warning signs are near the end: say where, from the first page
        page = str(help_page) if help_page is not None else "00"  # "00": same size on the first pass
        out.append(Spacer(1, 6))
        out.append(
            self.P(
                markup("⚠ " + self.labels["help_pointer"].format(page=page), self.s.fonts, emphasis=False),
                self.s.caution,
            )
        )
        out.append(Spacer(1, 8))
        out.append(sourced(self.para(handout.summary, self.s.body), "summary", "the summary"))
        return out

    def patient_line(self, personal: model.Personal) -> Flowable:
        """Name, date and clinician: filled in when given, else a line to write on.

        Labels sit beside their lines; with large type or narrow paper, above them instead.
        """
        table, nodes = self.patient_table(personal)
        if self.stamping:  # a blank laid out to be stamped: say where the block is, to draw it again
            return Redrawable(table, BLOCK_KEY, self.field_sink, nodes)
        return table

    def patient_table(self, personal: model.Personal) -> tuple[Table, list[Node | None]]:
        """The patient line's table, and the elements of its cells when tagged: each label's,
        then its value's or blank line's (None for one drawn as an artifact).

        The name has a line of its own, the date and clinician share the next: room for a long
        name or an ISO date without changing the block's height, so a copy's details can be
        stamped on a blank laid out once (see stamp.py)."""
        rows = [
            self._patient_row([("patient", personal.patient, 1.0)]),
            self._patient_row([("date", personal.date, 0.4), ("clinician", personal.clinician, 0.6)]),
        ]
        table = Table([[row] for row, _ in rows], colWidths=[self.s.frame_width])
        table.setStyle(
            self.table_style(
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (0, 1), 6),
            )
        )
        return table, [node for _, nodes in rows for node in nodes]

    def _patient_row(self, entries: list[tuple[str, str | None, float]]) -> tuple[Table, list[Node | None]]:
        """One row of the patient block: each label beside its value or line; with large type or
        narrow paper, or details too long to sit beside their labels, above them instead."""
        usable = self.s.frame_width
        size = self.s.form_label.fontSize
        label_widths = [stringWidth(self.labels[key], self.s.fonts.bold, size) + 16 for key, _, _ in entries]
        side_by_side = all(
            share * usable - w >= MIN_WRITE_IN for (_, _, share), w in zip(entries, label_widths, strict=True)
        )
        spans = self._patient_spans(entries, label_widths, usable) if side_by_side else None
        if spans is None:  # the details given do not fit beside their labels: labels over them
            side_by_side = False
            spans = self._patient_spans(entries, [0.0] * len(entries), usable) or [
                share * usable for _, _, share in entries
            ]
        entries = [(key, value, span / usable) for (key, value, _), span in zip(entries, spans, strict=True)]
        labels: list[Any] = []
        values: list[Any] = []
        for key, value, _ in entries:  # read as label, value
            labels.append(self.label(key, self.s.form_label))
            if value:
                values.append(self.para(value, self.s.body))
            else:  # a line to write on; laid out for stamping, the place its value will take
                node = self.tags.leaf("P") if self.tags is not None and self.stamping else None
                values.append(FieldMarker(node))
        commands: list[tuple[Any, ...]] = [
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ]
        if side_by_side:
            cells: list[Any] = [cell for pair in zip(labels, values, strict=True) for cell in pair]
            widths = [
                w
                for (_, _, share), lw in zip(entries, label_widths, strict=True)
                for w in (lw, share * usable - lw)
            ]
            table = Table([cells], colWidths=widths)
            for i in range(1, 2 * len(entries), 2):
                commands += [
                    ("LINEBELOW", (i, 0), (i, 0), 0.9, self.s.colors.text),
                    ("RIGHTPADDING", (i, 0), (i, 0), 4),
                ]
        else:  # each label over a line of its own, with a gap between the lines
            gap = 14.0
            columns: list[float] = []
            over: list[Any] = []
            lines: list[Any] = []
            for n, ((_, _, share), label, value) in enumerate(zip(entries, labels, values, strict=True)):
                last = n == len(entries) - 1
                columns.append(share * usable - (0 if last else gap))
                over.append(label)
                lines.append(value)
                if not last:
                    columns.append(gap)
                    over.append("")
                    lines.append("")
            table = Table([over, lines], colWidths=columns, rowHeights=[None, 30])
            commands += [("RIGHTPADDING", (0, 0), (-1, -1), 4)]
            commands += [
                ("LINEBELOW", (c, 1), (c, 1), 0.9, self.s.colors.text) for c in range(0, len(columns), 2)
            ]
        table.setStyle(self.table_style(*commands))
        return table, [
            getattr(cell, "node", None) for pair in zip(labels, values, strict=True) for cell in pair
        ]

    def _patient_spans(
        self, entries: list[tuple[str, str | None, float]], label_widths: list[float], usable: float
    ) -> list[float] | None:
        """Each entry's width: its share of the line, unless a name or date given would wrap in
        it and the others can give it room (a long name on one line, not two); None when what
        is given cannot all fit on one line."""
        spans = [share * usable for _, _, share in entries]
        # the room a value has, as the stamping path measures it: beside a label, the span less
        # the label and 14 pt; under one, less the 14 pt gap and the cell's padding too
        pad = 14.0 if any(label_widths) else 26.0
        needs = [
            lw
            + pad
            + (stringWidth(value, self.s.fonts.regular, self.s.body.fontSize) if value else MIN_WRITE_IN)
            for (_, value, _), lw in zip(entries, label_widths, strict=True)
        ]
        if all(need <= span for need, span in zip(needs, spans, strict=True)):
            return spans
        if sum(needs) > usable:
            return None
        spare = usable - sum(needs)
        return [need + spare * share for need, (_, _, share) in zip(needs, entries, strict=True)]

    def key_message(self, text: str) -> Table:
        content = [self.label("key_message", self.s.key_label), self.para(text, self.s.key_message)]
        table = self.breakable([[content]], colWidths=[self.s.frame_width])
        table.setStyle(
            self.table_style(
                ("BACKGROUND", (0, 0), (-1, -1), self.s.colors.tint),
                ("BOX", (0, 0), (-1, -1), 1.5, self.s.colors.accent),
                ("LINEBEFORE", (0, 0), (0, -1), 7, self.s.colors.accent),
                ("LEFTPADDING", (0, 0), (-1, -1), 16),
                ("RIGHTPADDING", (0, 0), (-1, -1), 14),
                ("TOPPADDING", (0, 0), (-1, -1), 10),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 12),
            )
        )
        return table

    def section(self, section: model.Section | None, default_key: str) -> list[Flowable]:
        if section is None:
            return []
        heading = self.heading(section.heading, default_key)
        # the heading never ends a page: it goes with its intro and the first point, and the
        # other points flow on, one by one, filling the page
        head: list[Flowable] = [heading]
        if section.intro:
            head.append(self.para(section.intro, self.s.body))
        return self.kept_with_first(head, section.items)

    def kept_with_first(self, head: list[Flowable], items: tuple[str, ...]) -> list[Flowable]:
        """Headings and intro kept with the first bullet point, and the last point with the one
        before it (never one alone at the top of a page); the others free to flow."""
        if not items:
            return [KeepTogether(head)] if len(head) > 1 else head
        with self.group("L") as node:  # one list, laid out point by point: each fills the page
            if node is not None:
                node.numbering = "Disc"
            lead = 1 if len(items) > 2 else len(items)
            first = KeepTogether([*head, self.bullets(items[:lead], grouped=False)])
            middle = [self.bullets((item,), grouped=False) for item in items[lead:-2]]
            last = [KeepTogether([self.bullets(items[-2:], grouped=False)])] if len(items) > 2 else []
            return [first, *middle, *last]

    def symptoms(self, symptoms: model.Symptoms) -> list[Flowable]:
        lead: list[Flowable] = [self.heading(symptoms.heading, "symptoms")]
        if symptoms.intro:
            lead.append(self.para(symptoms.intro, self.s.body))
        out: list[Flowable] = []
        for index, group in enumerate(symptoms.groups):
            # the section's heading goes with the first group's heading and first point
            head = lead if index == 0 else []
            if group.heading:
                head = [*head, self.para(group.heading, self.s.subheading)]
            out += self.kept_with_first(head, group.items)
        return out

    def self_care(self, care: model.SelfCare) -> list[Flowable]:
        out: list[Flowable] = [self.heading(care.heading, "self_care")]
        out.append(
            self.para(care.intro, self.s.body) if care.intro else self.label("self_care_hint", self.s.body)
        )
        rows = []
        with self.group("L"):  # a list of things to do, each with how often
            for item in care.items:
                with self.group("LI"), self.group("LBody"):
                    text = self.para(item.text, self.s.body)
                    often = self.para(item.how_often, self.s.often) if item.how_often else ""
                rows.append([TickBox(BOX, self.s.colors.text), text, often])
        # the heading stays with the first rows; the rest of the checklist may go on the next page
        head = self.checklist_table(rows[:2])
        result: list[Flowable] = [KeepTogether([*out, head])]
        if rows[2:]:
            result.append(self.checklist_table(rows[2:]))
        return result

    def chart(self, care: model.SelfCare) -> list[Flowable]:
        """The 7-day chart of the habits marked 'track', unless the layout leaves it out."""
        tracked = [item for item in care.items if item.track]
        return [Spacer(1, 8), self.tracker(tracked)] if tracked and self.layout.chart else []

    def checklist_table(self, rows: list[list[Any]]) -> Table:
        width = self.s.frame_width
        table = self.breakable(rows, colWidths=[BOX + 14, width * 0.66 - BOX - 14, width * 0.34])
        table.setStyle(
            self.table_style(
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (0, -1), 2),
                ("TOPPADDING", (0, 0), (0, -1), 7),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, self.s.colors.rule),
            )
        )
        return table

    def tracker(self, items: list[model.ChecklistItem]) -> Flowable:
        """A 7-day chart: one row per daily habit, a box per day."""
        day_width = 48.0
        width = self.s.frame_width
        heading = self.label("tracker", self.s.subheading)
        with self.group("Table"):
            with self.group("TR"):
                hint = self.P(
                    markup(self.labels["tracker_hint"], self.s.fonts, emphasis=False),
                    self.s.caption,
                    "TH",
                    scope="Column",
                )
                days = [
                    self.P(f"{self.labels['day']} {d}", self.s.day, "TH", scope="Column") for d in range(1, 8)
                ]
                header: list[Any] = [hint, *days]
            rows: list[list[Any]] = [header]
            for item in items:
                with self.group("TR"):  # the habit heads its row; the boxes are for a pen
                    habit = self.P(markup(item.text, self.s.fonts), self.s.caption, "TH", scope="Row")
                rows.append([habit] + [TickBox(BOX, self.s.colors.text) for _ in range(7)])
        table = self.breakable(rows, colWidths=[width - 7 * day_width] + [day_width] * 7, repeatRows=1)
        table.setStyle(
            self.table_style(
                ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, self.s.colors.rule),
                ("LINEBEFORE", (1, 0), (-1, -1), 0.5, self.s.colors.rule),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (1, 0), (-1, -1), 2),
                ("RIGHTPADDING", (1, 0), (-1, -1), 2),
            )
        )
        return HeadedTable(heading, table)

    def dose_row(self, number: int, dose: model.Dose, columns: int, width: float) -> Flowable:
        """Exercise ``number``'s dose table; in a blank laid out for stamping, one a copy with
        another dose can draw again in its place (see stamp.py)."""
        table = self.dose(dose, columns, width)
        if not self.stamping:
            return table
        key = dose_key(number)
        self.field_sink[key + MADE] = (dose, columns, width)
        nodes = dose_nodes(table)
        row = nodes[0].parent if nodes and nodes[0] is not None else None
        if row is not None:  # its table element, for a copy whose dose has other columns (see settle_struct)
            self.field_sink[key + STRUCT] = row.parent
        return Redrawable(table, key, self.field_sink, nodes)

    def dose(self, dose: model.Dose, columns: int = 0, width: float = 0) -> Table:
        """The dose as labelled values, big and plain: Sets 2 · Repeat 10 times · Hold 5 seconds."""
        cells = dose_cells(dose, self.labels)
        with self.group("Table") as table_node:
            # a row of labels over a row of values, as a reader takes them in: Sets, 2
            labels = table_node.add("TR") if table_node is not None else None
            values = table_node.add("TR") if table_node is not None else None
            boxes = [
                [
                    self.P(
                        markup(label, self.s.fonts, emphasis=False), self.s.dose_label, "TH", labels, "Column"
                    ),
                    self.P(markup(value, self.s.fonts, emphasis=False), self.s.dose_value, "TD", values),
                ]
                for label, value in cells
            ]
        per_row = columns or len(boxes)
        grid: list[list[Any]] = [list(boxes[i : i + per_row]) for i in range(0, len(boxes), per_row)]
        if len(grid) > 1:
            grid[-1] += [""] * (per_row - len(grid[-1]))
        widths = [width / per_row] * per_row if columns and width else self.dose_widths(cells, width)
        table = Table(grid, hAlign="LEFT", colWidths=widths)
        table.setStyle(
            self.table_style(
                ("LINEBEFORE", (1, 0), (-1, -1), 0.75, self.s.colors.rule),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            )
        )
        return table

    def dose_widths(self, cells: list[tuple[str, str]], width: float) -> list[float] | None:
        """Columns as wide as their words, the spare room shared out, so a value such as
        "3 times each side" stays on one line when the row has room for it."""
        if not width:
            return None
        value, label = self.s.dose_value, self.s.dose_label

        def widest(text: str, style: Any, words: bool) -> float:
            parts = text.split() if words else [text]
            return max(float(stringWidth(part, style.fontName, style.fontSize)) for part in parts or [""])

        pads = [12 if i == 0 else 22 for i in range(len(cells))]
        natural = [
            max(widest(said, value, False), widest(name, label, False)) + pad
            for (name, said), pad in zip(cells, pads, strict=True)
        ]
        spare = width - sum(natural)
        if spare >= 0:
            return [n + spare / len(natural) for n in natural]
        # something wraps: every column keeps its longest word whole ("Sets" never becomes
        # "Set" and "s"), and the longest values get the most of what is left
        least = [
            max(widest(said, value, True), widest(name, label, True)) + pad
            for (name, said), pad in zip(cells, pads, strict=True)
        ]
        room = max(0.0, width - sum(least))
        extra = [n - m for n, m in zip(natural, least, strict=True)]
        return [m + room * e / (sum(extra) or 1) for m, e in zip(least, extra, strict=True)]

    def sets_explained(self, exercises: Sequence[model.Exercise]) -> list[Flowable]:
        """One line under the exercises' heading saying what "Sets" means, when a dose has sets."""
        text = sets_sentence(exercises, self.labels)
        if self.stamping:
            self.field_sink[SETS_KEY + MADE] = text  # what a copy with other doses compares
        if text is None:
            return []
        line = self.sets_line(text)
        if self.stamping:  # a copy with other doses may say it with other numbers
            kept = Redrawable(line, SETS_KEY, self.field_sink, [getattr(line, "node", None)])
            kept.keepWithNext = True
            return [kept]
        return [line]

    def sets_line(self, text: str) -> Paragraph:
        """The line that says what "Sets" means, kept with the heading and the first card."""
        line = self.P(markup(text, self.s.fonts, emphasis=False), self.s.body)
        line.keepWithNext = True
        return line

    def exercise_card(
        self, number: int, exercise: model.Exercise, width: float = 0, compact: bool = False
    ) -> Table:
        """One exercise, kept whole: full width with the picture beside the steps, or compact
        (half width, picture above the steps) for two cards side by side."""
        with self.group("Div") as card_node:
            return self._exercise_card(number, exercise, width, compact, card_node)

    def _exercise_card(
        self, number: int, exercise: model.Exercise, width: float, compact: bool, card_node: Node | None
    ) -> Table:
        # built in reading order: title, purpose, figure, steps, dose, cautions
        s = self.s
        width = width or s.frame_width
        pad = 10.0 if compact else 12.0
        inner = width - 2 * pad
        title = f"{self.labels['exercise']} {number}: {exercise.name}"
        rows: list[list[Any]] = [[self.para(title, s.card_title)]]
        body: list[Flowable] = []
        purpose = [self.para(exercise.purpose, s.body)] if exercise.purpose else []
        stacked = compact or s.body.fontSize >= STACK_AT
        caution_node: Node | None = None
        if exercise.illustration and stacked:
            # half a card's width, or large type: the steps need the whole width, the picture goes above
            share, tallest = (1.0, 150) if compact else (0.6, 170)
            picture = self.picture(exercise.illustration, inner * share, tallest)
            body += [*purpose, *picture, Spacer(1, 8), self.numbered(exercise.steps)]
        elif exercise.illustration:
            # the picture beside what it shows: the eye goes picture, then purpose, steps and cautions
            # as wide as the figure comes out: a standing figure leaves the steps more room
            left = self.picture(exercise.illustration, inner * PICTURE_SHARE, PICTURE_HEIGHT)
            drawn = left[0].wrap(inner * PICTURE_SHARE, PICTURE_HEIGHT)[0]
            picture_width = max(drawn, inner * PICTURE_NARROWEST)
            right: list[Flowable] = [*purpose, self.numbered(exercise.steps)]
            if exercise.cautions:
                with self.group("Note") as caution_node:
                    right += [Spacer(1, 2), self.caution_para(exercise.cautions)]
            side = Table([[left, right]], colWidths=[picture_width + 14, inner - picture_width - 14])
            side.setStyle(
                self.table_style(
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                    ("LEFTPADDING", (1, 0), (1, 0), 14),
                )
            )
            body.append(side)
        else:
            body += [*purpose, self.numbered(exercise.steps)]
        beside = bool(exercise.illustration) and not stacked
        body.append(Spacer(1, 6))
        body.append(self.dose_row(number, exercise.dose, columns=2 if compact else 0, width=inner))
        if caution_node is not None and card_node is not None:
            card_node.adopt(caution_node)  # read after the dose, as on a card without a picture
        if exercise.cautions and not beside:
            body.append(Spacer(1, 4))
            with self.group("Note"):
                body.append(self.cautions(exercise.cautions, inner, stacked=compact))
        if exercise.video:
            body.append(Spacer(1, 8))
            body.append(self.video(exercise.video, inner))
        rows.append([body])
        card = Table(rows, colWidths=[width])
        card.setStyle(
            self.table_style(
                ("BACKGROUND", (0, 0), (-1, 0), s.colors.card_tint),
                ("BOX", (0, 0), (-1, -1), 1.25, s.colors.primary),
                ("LINEBELOW", (0, 0), (-1, 0), 1.25, s.colors.primary),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, 0), 4),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 5),
                ("TOPPADDING", (0, 1), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 8),
            )
        )
        return card

    def card_or_open(self, number: int, exercise: model.Exercise) -> list[Flowable]:
        """The exercise's card; if even a whole page cannot hold it (very large type, many long
        steps), the same content without the frame, free to continue on the next page."""
        field, what = f"exercises[{number}]", f"exercise {number} {plain_text(exercise.name)!r}"
        card = sourced(self.exercise_card(number, exercise), field, what)
        if height_of(card, self.s.frame_width) <= self.s.frame_height - self.heading_room:
            return [card]
        with self.group("Div"):  # the card's elements, made again for the open version
            return self._open_card(number, exercise, field, what)

    def _open_card(self, number: int, exercise: model.Exercise, field: str, what: str) -> list[Flowable]:
        s = self.s
        title = self.para(f"{self.labels['exercise']} {number}: {exercise.name}", s.card_title)
        head: list[Flowable] = [title, Spacer(1, 6)]
        if exercise.purpose:
            head.append(self.para(exercise.purpose, s.body))
        if exercise.illustration:
            head += self.picture(exercise.illustration, s.frame_width * 0.6, s.frame_height * 0.3)
        steps = exercise.steps
        # the dose is never split, and never starts a page alone: it goes with the last step
        # the first step goes with the title and picture; the others flow one by one
        with self.group("L") as node:  # each step's number is in its own text here
            if node is not None:
                node.numbering = "Decimal"
            rest: list[Flowable] = [self.step(i + 1, steps[i]) for i in range(len(steps) - 1)]
            last = self.step(len(steps), steps[-1])
        tail = [last, Spacer(1, 8), self.dose_row(number, exercise.dose, columns=2, width=s.frame_width)]
        if sum(height_of(f, s.frame_width) for f in tail) <= s.frame_height:
            rest.append(KeepTogether(tail))
        else:  # a last step longer than a page: it runs on, and the dose follows it
            rest += tail
        if exercise.cautions:
            with self.group("Note"):
                rest += [Spacer(1, 8), self.cautions(exercise.cautions, s.frame_width, stacked=True)]
        if exercise.video:
            rest += [Spacer(1, 8), self.video(exercise.video)]
        for flowable in head:
            flowable.keepWithNext = True  # the title and picture go with the first step
        return [sourced(f, field, what) for f in [*head, *rest]]

    def picture(self, illustration: model.Illustration, width: float, max_height: float) -> list[Flowable]:
        """The illustration scaled to fit, with its alt text as a caption saying what it shows."""
        picture: Flowable
        if illustration.pose is not None:
            colors = layout_colors(self.layout)
            picture = figure_flowable(
                illustration.pose, width, max_height, font_name=self.s.fonts.regular, **colors
            )
        else:
            assert illustration.image is not None  # validation guarantees one of the two
            picture = image_flowable(illustration.image, width, max_height, self.s.fonts.regular)
        # the figure says what it shows; the caption under it says the same for every reader, so
        # in a tagged PDF it is an artifact: a screen reader hears the figure's alt text once
        with self.untagged():
            caption = self.para(illustration.alt, self.s.caption)
        return [self.figure(picture, illustration.alt), Spacer(1, 4), caption]

    def video(self, url: str, width: float = 0) -> Table:
        """A QR code a phone camera can open, with a short caption and the address itself."""
        qr = self.figure(qr_drawing(url, QR_SIZE, self.s.fonts.regular), url)
        caption = [
            self.label("video", self.s.form_label),
            self.label("video_hint", self.s.caption),
            self.P(markup(url, self.s.fonts, emphasis=False), self.s.url),
        ]
        width = width or self.s.frame_width
        table = Table([[qr, caption]], colWidths=[QR_SIZE + 12, width - QR_SIZE - 12], hAlign="LEFT")
        table.setStyle(
            self.table_style(
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            )
        )
        return table

    def cautions(self, cautions: tuple[str, ...], width: float, stacked: bool = False) -> Table:
        """Cautions behind a bar in the warning colour: beside their label, or under it."""
        size = self.s.caution.fontSize
        label = self.P(markup("⚠ " + self.labels["caution"], self.s.fonts, emphasis=False), self.s.caution)
        items = [self.para(c, self.s.bullet) for c in cautions]
        table: Table
        if stacked:
            table = self.breakable([[[label, *items]]], colWidths=[width])
        else:
            label_width = (
                stringWidth("⚠ ", self.s.fonts.fallback_bold, size)
                + stringWidth(self.labels["caution"], self.s.fonts.bold, size)
                + 20
            )
            table = self.breakable([[label, items]], colWidths=[label_width, width - label_width])
        table.setStyle(
            self.table_style(
                ("LINEBEFORE", (0, 0), (0, -1), 4, self.s.colors.warning),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            )
        )
        return table

    def caution_para(self, cautions: tuple[str, ...]) -> Table:
        """Cautions for a narrow column, behind a bar in the warning colour: the label runs in
        before the first one, each caution on its own line."""
        first, *rest = cautions
        items = [
            self.P(f"{self.caution_lead()} {markup(first, self.s.fonts)}", self.s.bullet),
            *(self.para(c, self.s.bullet) for c in rest),
        ]
        table = self.breakable([[items]])
        table.setStyle(
            self.table_style(
                ("LINEBEFORE", (0, 0), (0, -1), 4, self.s.colors.warning),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            )
        )
        table.hAlign = "LEFT"
        return table

    def exercises(self, exercises: tuple[model.Exercise, ...], compact: bool = False) -> list[Flowable]:
        """Exercise cards, one per row, or two per row when compact; a row never splits."""
        if not exercises:
            return []
        gap = 12.0
        rows: list[list[Flowable]] = []
        numbered = list(enumerate(exercises, start=1))
        heading = self.heading(None, "exercises")  # made first: the heading is read first
        heading.keepWithNext = True
        explained = self.sets_explained(exercises)
        if not compact:
            rows = [self.card_or_open(n, e) for n, e in numbered]
        half = (self.s.frame_width - gap) / 2
        for i in range(0, len(numbered) if compact else 0, 2):
            pair = numbered[i : i + 2]
            cells: list[Any] = [self.exercise_card(n, e, half, compact=True) for n, e in pair]
            row = Table([[*cells, ""][:2]], colWidths=[half + gap, half])
            row.setStyle(
                self.table_style(("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0))
            )
            if height_of(row, self.s.frame_width) <= self.s.frame_height - self.heading_room:
                (first, a), *more = pair
                what = f"exercise {first} {plain_text(a.name)!r}" + "".join(
                    f" beside exercise {n} {plain_text(b.name)!r}" for n, b in more
                )
                rows.append([sourced(row, f"exercises[{first}]", what)])
            else:  # too long for half the page width: these two get full cards instead
                rows += [self.card_or_open(n, e) for n, e in pair]
        out: list[Flowable] = []
        for index, row in enumerate(rows):
            # the section heading stays with the first row; a card is never split
            # the gap after a card is space after, which a frame does not need room for at its foot
            parts: list[Flowable] = [*row]
            if len(row) == 1:
                row[0].spaceAfter = gap
            else:
                parts.append(Spacer(1, gap))
            if index == 0:
                parts[:0] = [heading, *explained]
            source = getattr(row[0], SOURCE_ATTR, None)
            together = [KeepTogether(parts)] if len(row) == 1 else parts
            out += [sourced(f, *source) for f in together] if source else together
        return out

    def get_help(self, help_: model.GetHelp) -> Flowable:
        s = self.s
        contact = self.layout.clinic.contact
        title = (
            self.para(help_.heading, s.help_heading)
            if help_.heading
            else self.label("get_help", s.help_heading)
        )
        # the heading and the emergency signs always together; each lower tier may break
        # between its points (see TieredTable), so a long list does not leave a page part empty
        urgent = self.label("urgent", s.help_lead, emergency=contact.emergency_number)
        rows: list[list[Any]] = [[title], [[urgent, self.bullets(help_.urgent, s.help_item)]]]
        leads: list[int | None] = [None, None]
        breaks: set[int] = set()
        tiers: list[tuple[Flowable, tuple[str, ...]]] = []
        if help_.today:
            tiers.append((self.label("today", s.help_lead), help_.today))
        if help_.call_clinic:
            # no number in the layout: a line to write it on, never a sentence that leads nowhere
            phone = f" {self.labels['at']} {contact.phone or '____________________'}"
            tiers.append((self.label("call_clinic", s.help_lead, phone=phone), help_.call_clinic))
        for lead, items in tiers:
            start = len(rows)
            breaks.add(start)
            rows.append([[Spacer(1, 6), lead]])
            leads.append(None)
            with self.group("L") as node:  # one list, laid out a point a row
                if node is not None:
                    node.numbering = "Disc"
                for n, item in enumerate(items):
                    if 2 <= n <= len(items) - 2:  # two points at least on either side of a break
                        breaks.add(len(rows))
                    rows.append([self.bullets((item,), s.help_item, grouped=False)])
                    leads.append(start)
        table = TieredTable(rows, colWidths=[s.frame_width])
        table.page_height = s.frame_height
        table.leads, table.breaks = tuple(leads), frozenset(breaks)
        table.edge = (3, s.colors.warning)
        table.setStyle(
            self.table_style(
                ("BACKGROUND", (0, 0), (-1, -1), s.colors.warning_tint),
                # a box closed on every page it runs over: split() draws the lines at a break
                # (a BOX, or "splitfirst", is not closed above a lead printed again)
                *(
                    (line, start, end, 3, s.colors.warning)
                    for line, start, end in (
                        ("LINEBEFORE", (0, 0), (0, -1)),
                        ("LINEAFTER", (-1, 0), (-1, -1)),
                        ("LINEABOVE", (0, 0), (-1, 0)),
                        ("LINEBELOW", (0, -1), (-1, -1)),
                    )
                ),
                ("LEFTPADDING", (0, 0), (-1, -1), 16),
                ("RIGHTPADDING", (0, 0), (-1, -1), 16),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 3),
                *(("TOPPADDING", (0, row), (-1, row), 3) for row in sorted(breaks) if leads[row] is None),
                # points a row each, spaced as in one list under its lead
                *(
                    (
                        "TOPPADDING",
                        (0, row),
                        (-1, row),
                        (s.help_lead if row == lead + 1 else s.help_item).spaceAfter,
                    )
                    for row, lead in enumerate(leads)
                    if lead is not None
                ),
                ("TOPPADDING", (0, 0), (-1, 0), 12),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 14),
            )
        )
        setattr(table, HELP_ATTR, True)
        return bookmarked(table, help_.heading or self.labels["get_help"])

    def notes_and_contact(self, note: str | None = None) -> Flowable:
        """The clinician's note (or ruled lines to write one), beside the clinic's contact details."""
        s = self.s
        clinic = self.layout.clinic
        contact = clinic.contact
        lines = [
            (self.labels["phone"], contact.phone),
            (self.labels["web"], contact.web),
            (self.labels["email"], contact.email),
        ]
        has_block = any(value for _, value in lines) or bool(contact.address)
        notes_width = s.frame_width * (0.52 if has_block else 1.0)
        notes: list[Flowable] = [self.label("notes", s.subheading), self.ruled_note(note, notes_width - 16)]
        block: list[Flowable] = []
        if has_block:
            block.append(self.label("contact", s.subheading))
            block.append(self.para(clinic.name, s.form_label))
            if contact.address:
                block.append(self.para(contact.address, s.body))
            for label, value in lines:
                if value:
                    block.append(self.P(markup(f"{label}: {value}", s.fonts, emphasis=False), s.body))
        if not block:
            return KeepTogether([Spacer(1, 10), *notes])
        table = self.breakable([[notes, block]], colWidths=[notes_width, s.frame_width - notes_width])
        table.setStyle(
            self.table_style(
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LEFTPADDING", (1, 0), (1, -1), 16),
                ("LINEBEFORE", (1, 0), (1, -1), 0.75, s.colors.rule),
            )
        )
        return KeepTogether([Spacer(1, 10), table])

    def ruled_note(self, note: str | None, width: float) -> Flowable:
        """The notes box's ruled lines, ``width`` wide, with ``note`` written on them."""
        ruled, nodes = self.ruled_lines(note, width)
        if self.stamping:  # a blank laid out to be stamped: say where the lines are, to draw them again
            return Redrawable(ruled, NOTE_KEY, self.field_sink, nodes)
        return ruled

    def ruled_lines(self, note: str | None, width: float) -> tuple[RuledNote, list[Node | None]]:
        """The ruled lines with the note on them, and the note's element when tagged (the note's
        paragraph's, or in a blank laid out for stamping, the one holding its place)."""
        s = self.s

        def rules(count: int) -> Table:
            table = Table([[""] for _ in range(count)], colWidths=[width], rowHeights=[NOTE_PITCH] * count)
            table.setStyle(self.table_style(("LINEBELOW", (0, 0), (-1, -1), 0.75, s.colors.rule)))
            return table

        style = s.body.clone("note", leading=NOTE_PITCH)
        paragraph = self.P(markup(note, s.fonts), style, "P") if note else None
        node = self.tags.leaf("P") if self.tags is not None and self.stamping and not note else None
        return RuledNote(rules, paragraph, NOTE_PITCH, node), [node or getattr(paragraph, "node", None)]

    def sources(self, sources: tuple[model.Source, ...], disclaimer: str) -> list[Flowable]:
        """The sources (unless the layout leaves them out) and the disclaimer."""
        note = self.para(f"**{self.labels['disclaimer']}:** {disclaimer}", self.s.body)
        note_node = getattr(note, "node", None)
        if not self.layout.sources:
            return [KeepTogether([Spacer(1, 8), note])]
        items = tuple(source_line(source) for source in sources)
        # the heading stays with the first source and the note with the last (never alone on a
        # last page); the sources between flow one by one
        heading = self.heading(None, "sources")
        own = self.tags.language if self.tags is not None else None
        langs = [
            s.language if s.language and own and s.language.split("-")[0] != own.split("-")[0] else None
            for s in sources
        ]
        with self.group("L") as node:
            if node is not None:
                node.numbering = "Disc"
            first = self.bullets(items[:1], grouped=False, langs=langs[:1])
            middle = [
                self.bullets((item,), grouped=False, langs=[lang])
                for item, lang in zip(items[1:-1], langs[1:-1], strict=True)
            ]
            last = self.bullets(items[-1:], grouped=False, langs=langs[-1:]) if len(items) > 1 else None
        if self.tags is not None and note_node is not None:
            self.tags.current.adopt(note_node)  # the disclaimer is read after the sources
        if last is None:
            return [KeepTogether([heading, first, Spacer(1, 8), note])]
        return [KeepTogether([heading, first]), *middle, KeepTogether([last, Spacer(1, 8), note])]

    # --- the home-exercise program sheet -------------------------------------------------------

    def program(
        self,
        title: str,
        exercises: list[model.Exercise],
        urgent: list[str],
        personal: model.Personal,
    ) -> list[Flowable]:
        """A home-exercise program: the title and patient line, the clinician's note, a row per
        exercise (figure and a week of tick boxes beside the steps, dose and cautions), then when
        to stop, the clinic's number and the emergency signs."""
        s = self.s
        out: list[Flowable] = [
            bookmarked(self.para(title, s.program_title), title),
            sourced(self.patient_line(personal), "", "the patient's name, date and clinician"),
        ]
        if personal.note:
            out += [Spacer(1, 8), sourced(self.para(personal.note, s.body), "note", "the note")]
        out += [Spacer(1, 6), self.label("program_ticks", s.program_step)]
        for number, exercise in enumerate(exercises, start=1):
            field, what = f"exercises[{number}]", f"exercise {number} {plain_text(exercise.name)!r}"
            out.append(sourced(self.program_row(number, exercise), field, what))
        out.append(sourced(self.program_footer(urgent), "", "when to stop and get help"))
        return out

    def program_row(self, number: int, exercise: model.Exercise) -> Table:
        """One exercise of a program: the figure and a week of tick boxes beside the title, the
        dose, the steps run on as one numbered paragraph, and the cautions."""
        s = self.s
        width = s.frame_width
        # wider in large print, where the day numbers under the tick boxes are 16 pt
        left_width = min(PROGRAM_PICTURE * max(1.0, s.body.fontSize / 14), width * 0.3)
        with self.group("Div"):  # read as title, figure, dose, steps, cautions
            title = self.para(f"{number}. {exercise.name}", s.program_exercise)
            left: list[Flowable] = []
            if exercise.illustration:
                left += self.picture(exercise.illustration, left_width - 8, PROGRAM_PICTURE_HEIGHT)[:1]
                left.append(Spacer(1, 4))
            with self.untagged():  # the days under the boxes are for a pen, not for reading aloud
                left.append(self.week_boxes(left_width - 8))
            dose: Flowable = self.dose_line(exercise.dose)
            if self.stamping:  # a copy with another dose draws it again in its place
                self.field_sink[dose_key(number) + MADE] = (exercise.dose, -1, 0.0)
                dose = Redrawable(dose, dose_key(number), self.field_sink, [getattr(dose, "node", None)])
            words: list[Flowable] = [self.run_in_steps(exercise.steps)]
            if exercise.cautions:
                words.append(self.caution_line(exercise.cautions))
        beside, below = beside_and_below(left, [title, dose], words, left_width, width - left_width - 4)
        rows: list[list[Any]] = [[left, beside]]
        commands: list[tuple[Any, ...]] = [
            ("LEFTPADDING", (0, 0), (0, -1), 0),
            ("LEFTPADDING", (1, 0), (1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LINEABOVE", (0, 0), (-1, 0), 0.75, s.colors.rule),
        ]
        if below:  # the words go on under the figure, the page's full width
            rows.append([below, ""])
            commands += [
                ("SPAN", (0, 1), (1, 1)),
                ("NOSPLIT", (0, 0), (-1, -1)),  # one exercise is never split across pages
                ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 0),
            ]
        row = Table(rows, colWidths=[left_width, width - left_width])
        row.setStyle(self.table_style(*commands))
        return row

    def run_in_steps(self, steps: tuple[str, ...]) -> Paragraph:
        """Steps in one paragraph, each after its number in bold: "1. Lie down.  2. Breathe in." """
        color = self.s.colors.primary.hexval()[2:]
        numbered = [
            f'<font color="#{color}"><b>{n}.</b></font>&nbsp;{markup(step, self.s.fonts)}'
            for n, step in enumerate(steps, start=1)
        ]
        return self.P("&nbsp; ".join(numbered), self.s.program_step)

    def week_boxes(self, width: float) -> Table:
        """Seven boxes to tick, one per day, numbered 1 to 7 under them."""
        cell = width / 7
        size = min(14.0, cell - 3)  # a gap between boxes
        numbers = [self.P(str(d), self.s.day) for d in range(1, 8)]
        table = Table([[TickBox(size, self.s.colors.text) for _ in range(7)], numbers], colWidths=[cell] * 7)
        table.setStyle(
            self.table_style(
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            )
        )
        table.hAlign = "LEFT"
        return table

    def dose_line(self, dose: model.Dose) -> Paragraph:
        """The dose on one line: Sets **2** · Repeat **10 times** · Hold **5 seconds** · **once a
        day** ("once a day" needs no label)."""
        often = self.labels["dose"]["often"]
        cells = dose_cells(dose, self.labels)
        text = " · ".join(
            f"**{value}**" if label == often else f"{label} **{value}**" for label, value in cells
        )
        return self.P(markup(text, self.s.fonts), self.s.program_dose)

    def caution_line(self, cautions: tuple[str, ...]) -> Paragraph:
        """The cautions run on after their label, in one short paragraph."""
        items = " ".join(markup(c, self.s.fonts) for c in cautions)
        return self.P(f"{self.caution_lead()} {items}", self.s.program_caution)

    def caution_lead(self) -> str:
        """The label "⚠ Take care:" in bold warning colour, as markup to run in before the cautions."""
        label = markup("⚠ " + self.labels["caution"] + ":", self.s.fonts, emphasis=False)
        return f'<font color="#{self.s.colors.warning.hexval()[2:]}"><b>{label}</b></font>'

    def program_footer(self, urgent: list[str]) -> Flowable:
        """When to stop, the clinic's number, and the emergency signs of the handouts the
        exercises come from, framed like the help box."""
        s = self.s
        contact = self.layout.clinic.contact
        phone = f" {self.labels['at']} {contact.phone or '____________________'}"
        stop = markup(self.labels["program_stop"], s.fonts, emphasis=False)
        questions = self.labels["program_questions"].format(clinic=self.layout.clinic.name, phone=phone)
        lines: list[Flowable] = [
            self.P(f"<b>{stop}</b> {markup(questions, s.fonts, emphasis=False)}", s.body)
        ]
        if urgent:
            lead = self.labels["urgent"].format(emergency=contact.emergency_number)
            signs = "; ".join(plain_text(u).rstrip(".") for u in urgent)
            lines.append(
                self.P(
                    markup(f"**{lead}** ", s.fonts, emphasis=True) + markup(signs, s.fonts) + ".",
                    s.body,
                )
            )
        table = self.breakable([[line] for line in lines], colWidths=[s.frame_width])
        table.setStyle(
            self.table_style(
                ("BOX", (0, 0), (-1, -1), 2, s.colors.warning),
                ("BACKGROUND", (0, 0), (-1, -1), s.colors.warning_tint),
                ("LEFTPADDING", (0, 0), (-1, -1), 12),
                ("RIGHTPADDING", (0, 0), (-1, -1), 12),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
            )
        )
        setattr(table, HELP_ATTR, True)
        return KeepTogether([Spacer(1, 6), table])

    # --- booklet pages ------------------------------------------------------------------------

    def cover(self, title: str, subtitle: str | None, personal: model.Personal) -> list[Flowable]:
        """The booklet's cover: logo, clinic, title, and lines for patient, clinician and date."""
        s = self.s
        clinic = self.layout.clinic
        out: list[Flowable] = []
        if clinic.logo:
            logo = image_flowable(clinic.logo, 160, 110, s.fonts.regular)
            logo.hAlign = "LEFT"
            out += [logo, Spacer(1, 14)]
        out.append(self.para(clinic.name, s.cover_clinic))
        out.append(Spacer(1, s.frame_height * 0.16))
        out.append(self.para(title, s.cover_title))
        if subtitle:
            out.append(self.para(subtitle, s.subtitle))
        out.append(Spacer(1, s.frame_height * 0.12))
        rows = []
        for key, value in (
            ("patient", personal.patient),
            ("clinician", personal.clinician),
            ("date", personal.date),
        ):
            rows.append([self.label(key, s.form_label), self.para(value, s.body) if value else ""])
        label_width = (
            max(
                stringWidth(self.labels[k], s.fonts.bold, s.form_label.fontSize)
                for k in ("patient", "clinician", "date")
            )
            + 14
        )
        line_height = s.form_label.leading + 16
        table = Table(
            rows,
            colWidths=[label_width, s.frame_width * 0.6],
            rowHeights=[line_height] * len(rows),
            hAlign="LEFT",
        )
        table.setStyle(
            self.table_style(
                ("LINEBELOW", (1, 0), (1, -1), 0.9, s.colors.text),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            )
        )
        out.append(table)
        contact = [p for p in (clinic.contact.address, clinic.contact.phone, clinic.contact.web) if p]
        if contact:
            out.append(Spacer(1, 40))
            out.append(self.P(markup(" · ".join(contact), s.fonts, emphasis=False), s.body))
        return out

    def contents(self, entries: list[tuple[str, int | None, int]]) -> list[Flowable]:
        """The contents: one line per item (level 0) or part of one (level 1, indented), with the
        page number printed on that page."""
        s = self.s
        heading = self.label("contents", s.title)
        rows = []
        with self.group("TOC"):
            for title, page, level in entries:
                with self.group("TOCI"):
                    rows.append(
                        [
                            self.para(title, s.body if level == 0 else s.contents_sub),
                            self.P(str(page) if page is not None else "00", s.contents_number),
                        ]
                    )
        table = Table(rows, colWidths=[s.frame_width - 70, 70])
        table.setStyle(
            self.table_style(
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, s.colors.rule),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            )
        )
        return [heading, Spacer(1, 8), table]

    def blank_page(self, kind: str) -> list[Flowable]:
        """A page left empty so the next part starts on a right-hand page."""
        if kind == "notes":
            s = self.s
            lines = int((s.frame_height - 60) // 30)
            ruled = Table([[""] for _ in range(lines)], colWidths=[s.frame_width], rowHeights=[30] * lines)
            ruled.setStyle(self.table_style(("LINEBELOW", (0, 0), (-1, -1), 0.75, s.colors.rule)))
            return [self.label("notes_page", s.heading), ruled]
        return [Spacer(1, self.s.frame_height * 0.45), self.label("blank_page", self.s.centered)]

    def divider(self, title: str) -> list[Flowable]:
        """A section divider page: its title, large, a third of the way down."""
        return [Spacer(1, self.s.frame_height * 0.33), self.para(title, self.s.divider)]

    def build(
        self, handout: model.Handout, personal: model.Personal, help_page: int | None = None
    ) -> list[Flowable]:
        """The handout's flowables; ``help_page`` is the printed page of 'when to get help'."""
        h = handout
        parts: dict[str, Callable[[], list[Flowable]]] = {
            "about": lambda: self.marked(self.section(h.about, "about"), h.about, "about"),
            "symptoms": lambda: self.marked(self.symptoms(h.symptoms), h.symptoms, "symptoms"),
            "causes": lambda: self.marked(self.section(h.causes, "causes"), h.causes, "causes"),
            "why_it_hurts": lambda: self.marked(
                self.section(h.why_it_hurts, "why_it_hurts"), h.why_it_hurts, "why_it_hurts"
            ),
            "treatment": lambda: self.marked(
                self.section(h.treatment, "treatment"), h.treatment, "treatment"
            ),
            "self_care": lambda: self.marked(self.self_care(h.self_care), h.self_care, "self_care"),
            "exercises": lambda: self.exercises(h.exercises, compact=self.layout.exercises == "compact"),
            "chart": lambda: self.marked(self.chart(h.self_care), h.self_care, "self_care"),
            "video": lambda: self.video_section(h.video),
            "get_help": lambda: [
                Spacer(1, 8),
                *self.marked([self.get_help(h.get_help)], h.get_help, "get_help"),
            ],
            "notes": lambda: [
                sourced(self.notes_and_contact(personal.note), "", "the notes box (with the patient's note)")
            ],
            "sources": lambda: self.marked(self.sources(h.sources, h.disclaimer), None, "sources"),
        }
        story: list[Flowable] = self.title_block(handout, personal, help_page)
        for name in model.PRINT_ORDER:
            with self.group("Sect"):
                story += parts[name]()
        return story

    def video_section(self, video: str | None) -> list[Flowable]:
        """The handout's video link, with its heading, when it has one."""
        if not video:
            return []
        together = KeepTogether([self.label("video_heading", self.s.heading), self.video(video)])
        return [sourced(together, "video", "the video link")]

    def marked(self, flowables: list[Flowable], section: Any, field: str) -> list[Flowable]:
        """Mark a section's flowables with its field, and its heading as what it is called."""
        heading = getattr(section, "heading", None) or self.labels[field]
        what = f"the section {plain_text(heading)!r}"
        return [sourced(f, field, what) for f in flowables]
