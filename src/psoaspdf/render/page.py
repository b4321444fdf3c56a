"""What every page carries: header (logo, clinic), footer (contact, review date, page X of Y)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from .. import model
from ..wording import contact_line, month_year
from .assets import image_flowable
from .inline import markup
from .styles import Styles
from .tags import TAGGING, begin_page, end_page

LOGO_HEIGHT = 34.0
RUNNING_TITLE_SHARE = 0.42  # of the text width: the handout title, top right from page 2 on


@dataclass(frozen=True)
class PageContext:
    """What the header and footer show on the pages that follow a ContextMarker.

    ``kind``: 'cover' (nothing drawn), 'front' (header, footer without a number: contents
    pages) or 'body' (numbered). ``title`` is the running title at the top right; ``review`` the
    review line in the footer.
    """

    kind: Literal["cover", "front", "body"] = "body"
    title: str | None = None
    review: str | None = None
    header: bool = True  # off for a clinic's own pages, which fill the page above the footer
    draft: bool = False  # the review line says "Draft", in bold warning colour


CONTEXT_ATTR = "_psoaspdf_context"


class ContextMarker(Flowable):
    """Zero-size flowable: from the page it lands on, pages carry this context."""

    _ZEROSIZE = 1

    def __init__(self, context: PageContext) -> None:
        super().__init__()
        self.context = context
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        # kept in the canvas's state, which NumberedCanvas saves page by page
        self.canv.__dict__[CONTEXT_ATTR] = (self.context, self.canv.getPageNumber())


def review_line(handout: model.Handout, labels: dict[str, Any]) -> str:
    """The footer's second line: when the text was reviewed and is due again, or that it is a
    draft no clinician has reviewed yet; then its version."""
    version = labels["version"].format(version=handout.version)
    if handout.status == "draft":
        return f"{labels['draft']} · {version}"
    return " · ".join(
        [
            labels["reviewed"].format(date=month_year(handout.reviewed, labels)),
            labels["review_due"].format(date=month_year(handout.review_due, labels)),
            version,
        ]
    )


Decorator = Callable[[Canvas, PageContext, bool, int, int], None]


def make_decorator(layout: model.Layout, styles: Styles, labels: dict[str, Any]) -> Decorator:
    """A function drawing header and footer on a page once the page count is known."""
    width, height = styles.page_size
    margin = styles.margin
    fonts = styles.fonts
    logo = (
        image_flowable(layout.clinic.logo, 3 * LOGO_HEIGHT, LOGO_HEIGHT, fonts.regular)
        if layout.clinic.logo
        else None
    )
    footer_left = markup(contact_line(layout), fonts, emphasis=False)
    disclaimer = markup(layout.footer.disclaimer, fonts, emphasis=False) if layout.footer.disclaimer else ""
    clinic = markup(layout.clinic.name, fonts, emphasis=False)
    # widths of the clinic's name and of "DRAFT" in the header, the same on every page
    name_width = stringWidth(layout.clinic.name, fonts.bold, styles.header.fontSize)
    mark_width = stringWidth(labels["draft_short"], fonts.bold, styles.header.fontSize)
    warning = styles.colors.warning.hexval()[2:]
    draft_mark = f'<font color="#{warning}">{markup(labels["draft_short"], fonts, emphasis=False)}</font>'
    running_width = (width - 2 * margin) * RUNNING_TITLE_SHARE
    # the header's and footer's paragraphs, parsed and wrapped once for every page that shows them
    laid_out: dict[tuple[str, str, float, float], tuple[Paragraph, float]] = {}

    def laid(text: str, style: Any, avail_width: float, avail_height: float) -> tuple[Paragraph, float]:
        key = (text, style.name, avail_width, avail_height)
        found = laid_out.get(key)
        if found is None:
            paragraph = Paragraph(text, style)
            found = laid_out[key] = (paragraph, paragraph.wrap(avail_width, avail_height)[1])
        return found

    # what each of those paragraphs drew, by where and in what state: the same operators on every
    # page of this document (its fonts' subsets are the document's), so later pages reuse them
    drawn: dict[tuple[Any, ...], list[str]] = {}

    def place(canvas: Canvas, paragraph: Paragraph, x: float, y: float) -> None:
        c: Any = canvas
        key = (
            id(paragraph),
            x,
            y,
            c._fontname,
            c._fontsize,
            c._leading,
            repr(c._fillColorObj),
            repr(c._strokeColorObj),
            c._charSpace,
            c._wordSpace,
            c._horizScale,
            c._textRenderMode,
            c._rise,
        )
        code = drawn.get(key)
        if code is not None:
            c._code.extend(code)
            return
        start = len(c._code)
        paragraph.drawOn(canvas, x, y)
        drawn[key] = c._code[start:]

    def draw(canvas: Canvas, context: PageContext, first: bool, page: int, pages: int) -> None:
        """Header and footer for one page; ``first`` is the first page of its part."""
        if context.kind == "cover":
            return
        canvas.saveState()
        if context.header:
            draw_header(canvas, context, first)
        draw_footer(canvas, context, page, pages)
        canvas.restoreState()

    def draw_header(canvas: Canvas, context: PageContext, first: bool) -> None:
        top = height - margin
        x = margin
        if logo is not None:
            w, h = logo.wrapOn(canvas, 3 * LOGO_HEIGHT, LOGO_HEIGHT)
            logo.drawOn(canvas, x, top - LOGO_HEIGHT + (LOGO_HEIGHT - h) / 2)
            x += w + 10
        # the running title, right-aligned: as wide as its longest line, at most running_width
        taken = 0.0
        if context.title and not first:
            running, h = laid(markup(context.title, fonts), styles.footer_right, running_width, LOGO_HEIGHT)
            place(canvas, running, width - margin - running_width, top - LOGO_HEIGHT / 2 - h / 2)
            taken = max(running.getActualLineWidths0() or [running_width])
        room = width - margin - x - running_width - 12
        name, h = laid(clinic, styles.header, room, LOGO_HEIGHT)
        place(canvas, name, x, top - LOGO_HEIGHT / 2 - h / 2)
        # "DRAFT" after the clinic's name, in the warning colour, where it does not touch the
        # running title (the footer says it on every page in any case)
        used = min(name_width, room)
        free = width - margin - taken - 12 - (x + used + 12)
        if context.draft and mark_width <= free:
            mark, mh = laid(draft_mark, styles.header, mark_width + 2, LOGO_HEIGHT)
            place(canvas, mark, x + used + 12, top - LOGO_HEIGHT / 2 - mh / 2)
        canvas.setStrokeColor(styles.colors.primary)
        canvas.setLineWidth(2)
        rule_y = top - styles.header_height + 6
        canvas.line(margin, rule_y, width - margin, rule_y)

    def draw_footer(canvas: Canvas, context: PageContext, page: int, pages: int) -> None:
        canvas.setStrokeColor(styles.colors.rule)
        canvas.setLineWidth(0.75)
        canvas.line(
            margin, margin + styles.footer_height - 4, width - margin, margin + styles.footer_height - 4
        )
        number_width = styles.footer_number_width
        if context.kind == "body":
            number, nh = laid(
                labels["page"].format(page=page, pages=pages),
                styles.footer_right,
                number_width,
                styles.footer_height,
            )
            place(canvas, number, width - margin - number_width, margin + styles.footer_height - 8 - nh)
        lines = [footer_left]
        if context.review:
            review = markup(context.review, fonts, emphasis=False)
            if context.draft:  # seen on every page, not only read in the small print
                review = f'<font color="#{styles.colors.warning.hexval()[2:]}"><b>{review}</b></font>'
            lines.append(review)
        left, lh = laid(
            "<br/>".join(lines),
            styles.footer,
            width - 2 * margin - number_width - 10,
            styles.footer_height + 20,
        )
        top = margin + styles.footer_height - 8
        place(canvas, left, margin, top - lh)
        if disclaimer:  # the whole width, under the page number, so it rarely wraps
            line, dh = laid(disclaimer, styles.footer, width - 2 * margin, styles.footer_height)
            place(canvas, line, margin, top - lh - dh)

    return draw


def numbered_canvas(
    decorate: Decorator,
    tagged: bool = False,
    finish: Callable[[Canvas], None] | None = None,
    mark: Callable[[Canvas, int], None] | None = None,
) -> type[Canvas]:
    """A Canvas class that holds pages back until the end, so each can say 'page X of Y'.

    Cover and contents pages ('cover' and 'front' contexts) are not counted: the first body page
    is page 1, as the contents and the PDF's page labels say. ``tagged``: every page is an
    artifact but for the tagged paragraphs and figures drawn on it (see tags.py); the header and
    footer, drawn last, are artifacts. ``finish`` runs once every page is shown, before saving;
    ``mark`` as each page is shown, with its number in the file (to bookmark it).
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []
            if tagged:
                self.__dict__[TAGGING] = True
                begin_page(self)

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._held.append(dict(self.__dict__))
            self._startPage()
            if tagged:
                begin_page(self)

        def save(self) -> None:
            default = (PageContext(), 1)
            contexts = [state.get(CONTEXT_ATTR, default) for state in self._held]
            front = sum(1 for context, _ in contexts if context.kind != "body")
            total = len(self._held) - front
            for number, (state, (context, first_page)) in enumerate(
                zip(self._held, contexts, strict=True), start=1
            ):
                self.__dict__.update(state)
                decorate(self, context, number == first_page, number - front, total)
                if tagged:
                    end_page(self)
                if mark is not None:
                    mark(self, number)
                super().showPage()
            if finish is not None:
                finish(self)
            super().save()

    return NumberedCanvas
