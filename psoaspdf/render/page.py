"""What every page carries: header (logo, clinic), footer (contact, review date, page X of Y)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from .. import model
from .assets import image_flowable
from .inline import markup
from .styles import FOOTER_HEIGHT, HEADER_HEIGHT, Styles

LOGO_HEIGHT = 34.0
RUNNING_TITLE_WIDTH = 250.0  # the handout title, top right from page 2 on


def month_year(date: Any, labels: dict[str, Any]) -> str:
    return f"{labels['months'][date.month - 1]} {date.year}"


def contact_line(layout: model.Layout) -> str:
    contact = layout.clinic.contact
    parts = [layout.clinic.name, contact.phone, contact.web]
    return " · ".join(p for p in parts if p)


def make_decorator(
    handout: model.Handout, layout: model.Layout, styles: Styles, labels: dict[str, Any]
) -> Callable[[Canvas, int, int], None]:
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
    review = " · ".join(
        [
            labels["reviewed"].format(date=month_year(handout.reviewed, labels)),
            labels["review_due"].format(date=month_year(handout.review_due, labels)),
            labels["version"].format(version=handout.version),
        ]
    )
    footer_second = markup(review, fonts, emphasis=False)
    if layout.footer.disclaimer:
        footer_second += "<br/>" + markup(layout.footer.disclaimer, fonts, emphasis=False)
    clinic = markup(layout.clinic.name, fonts, emphasis=False)
    title = markup(handout.title, fonts)

    def draw(canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        top = height - margin
        x = margin
        if logo is not None:
            w, h = logo.wrapOn(canvas, 3 * LOGO_HEIGHT, LOGO_HEIGHT)
            logo.drawOn(canvas, x, top - LOGO_HEIGHT + (LOGO_HEIGHT - h) / 2)
            x += w + 10
        name = Paragraph(clinic, styles.header)
        _, h = name.wrapOn(canvas, width - margin - x - RUNNING_TITLE_WIDTH - 12, LOGO_HEIGHT)
        name.drawOn(canvas, x, top - LOGO_HEIGHT / 2 - h / 2)
        if page > 1:
            running = Paragraph(title, styles.footer_right)
            _, h = running.wrapOn(canvas, RUNNING_TITLE_WIDTH, LOGO_HEIGHT)
            running.drawOn(canvas, width - margin - RUNNING_TITLE_WIDTH, top - LOGO_HEIGHT / 2 - h / 2)
        canvas.setStrokeColor(styles.colors.primary)
        canvas.setLineWidth(2)
        rule_y = top - HEADER_HEIGHT + 6
        canvas.line(margin, rule_y, width - margin, rule_y)

        canvas.setStrokeColor(styles.colors.rule)
        canvas.setLineWidth(0.75)
        canvas.line(margin, margin + FOOTER_HEIGHT - 4, width - margin, margin + FOOTER_HEIGHT - 4)
        number = Paragraph(labels["page"].format(page=page, pages=pages), styles.footer_right)
        _, nh = number.wrapOn(canvas, 110, FOOTER_HEIGHT)
        number.drawOn(canvas, width - margin - 110, margin + FOOTER_HEIGHT - 8 - nh)
        left = Paragraph(footer_left + "<br/>" + footer_second, styles.footer)
        _, lh = left.wrapOn(canvas, width - 2 * margin - 120, FOOTER_HEIGHT + 20)
        left.drawOn(canvas, margin, margin + FOOTER_HEIGHT - 8 - lh)
        canvas.restoreState()

    return draw


def numbered_canvas(decorate: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A Canvas class that holds pages back until the end, so each can say 'page X of Y'."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                decorate(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas
