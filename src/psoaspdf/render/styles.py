"""Layout (brand, fonts, page) → ReportLab paragraph styles and page geometry."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from .. import model
from .fonts import FontSet

PAPER = {"letter": LETTER, "a4": A4}
LINE_SPACING = 1.35  # about 1.3 suits long-sighted readers; never tighter
HEADER_HEIGHT = 46.0  # inside the top margin: logo, clinic name, rule (at least)
FOOTER_HEIGHT = 40.0  # inside the bottom margin: contact, review date, page X of Y (at least)
LARGE_TEXT = 16.0  # points: from this body size on (large print), no printed word is smaller


@dataclass(frozen=True)
class Palette:
    primary: Color
    accent: Color
    text: Color
    tint: Color
    card_tint: Color
    warning: Color
    warning_tint: Color
    rule: Color


@dataclass(frozen=True)
class Styles:
    """Every style the story and the page decorations use."""

    fonts: FontSet
    colors: Palette
    page_size: tuple[float, float]
    margin: float
    body: ParagraphStyle
    bullet: ParagraphStyle
    help_item: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    key_label: ParagraphStyle
    key_message: ParagraphStyle
    help_heading: ParagraphStyle
    help_lead: ParagraphStyle
    card_title: ParagraphStyle
    dose_label: ParagraphStyle
    dose_value: ParagraphStyle
    often: ParagraphStyle
    day: ParagraphStyle
    form_label: ParagraphStyle
    header: ParagraphStyle
    footer: ParagraphStyle
    footer_right: ParagraphStyle
    caption: ParagraphStyle
    caution: ParagraphStyle
    cover_title: ParagraphStyle
    cover_clinic: ParagraphStyle
    contents_number: ParagraphStyle
    contents_sub: ParagraphStyle
    centered: ParagraphStyle
    divider: ParagraphStyle
    url: ParagraphStyle
    program_title: ParagraphStyle
    program_exercise: ParagraphStyle
    program_dose: ParagraphStyle
    program_step: ParagraphStyle
    program_caution: ParagraphStyle
    footer_lines: int = 2  # lines of text the footer holds: contact, review line, the layout's line

    @property
    def footer_number_width(self) -> float:
        """Room for "Page 12 of 12" at the right of the footer (more in large print)."""
        return max(110.0, float(self.footer_right.fontSize) * 8)

    @property
    def frame_width(self) -> float:
        return self.page_size[0] - 2 * self.margin

    @property
    def header_height(self) -> float:
        """The header band: the logo and clinic name, or a two-line running title, and the rule."""
        return max(HEADER_HEIGHT, 2 * float(self.footer_right.leading) + 14)

    @property
    def footer_height(self) -> float:
        """The footer band: the contact and review lines under the rule; taller when its lines
        (large print, a long clinic line) would otherwise run within 14 pt of the page's edge."""
        leading = float(self.footer.leading)
        return max(FOOTER_HEIGHT, 2 * leading + 12, self.footer_lines * leading + 8 + 14 - self.margin)

    @property
    def frame_height(self) -> float:
        return self.page_size[1] - 2 * self.margin - self.header_height - self.footer_height


SAMPLE = "Stretch the front of your hips gently, and get up to move every 20 to 30 minutes. "


def characters_per_line(layout: model.Layout, fonts: FontSet) -> float:
    """About how many characters of ordinary text fit on one body line of this layout."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = PAPER[layout.page.paper][0] - 2 * layout.page.margin_mm * mm
    average = stringWidth(SAMPLE, fonts.regular, layout.fonts.size) / len(SAMPLE)
    return float(width / average)


def make_styles(layout: model.Layout, fonts: FontSet) -> Styles:
    c = layout.colors
    palette = Palette(
        primary=HexColor(c.primary),
        accent=HexColor(c.accent),
        text=HexColor(c.text),
        tint=HexColor(c.tint),
        card_tint=HexColor(c.card_tint),
        warning=HexColor(c.warning),
        warning_tint=HexColor(c.warning_tint),
        rule=HexColor("#9AA5B1"),
    )
    size = layout.fonts.size

    def minor(standard: float) -> float:
        """The size of a caption, label or footer line: its own, or in large print 16 pt."""
        return max(standard, LARGE_TEXT) if size >= LARGE_TEXT else standard

    def style(name: str, **kw: Any) -> ParagraphStyle:
        base: dict[str, Any] = {
            "fontName": fonts.regular,
            "fontSize": size,
            "leading": size * LINE_SPACING,
            "textColor": palette.text,
            "alignment": TA_LEFT,  # ragged right, never justified
        }
        base.update(kw)
        if "leading" not in kw:
            base["leading"] = float(base["fontSize"]) * LINE_SPACING
        return ParagraphStyle(name, **base)

    styles = Styles(
        fonts=fonts,
        colors=palette,
        page_size=PAPER[layout.page.paper],
        margin=layout.page.margin_mm * mm,
        body=style("body", spaceAfter=size * 0.5),
        bullet=style("bullet", spaceAfter=size * 0.3),
        # the warning signs: many short points, read as one list
        help_item=style("help_item", spaceAfter=size * 0.1),
        title=style(
            "title",
            fontName=fonts.bold,
            fontSize=size * 2,
            leading=size * 2.3,
            textColor=palette.primary,
            spaceAfter=4,
        ),
        subtitle=style("subtitle", fontSize=size * 1.2, spaceAfter=10),
        heading=style(
            "heading",
            fontName=fonts.bold,
            fontSize=size * 1.4,
            textColor=palette.primary,
            spaceBefore=size * 1.4,
            spaceAfter=size * 0.5,
        ),
        subheading=style(
            "subheading",
            fontName=fonts.bold,
            fontSize=size * 1.1,
            spaceBefore=size * 0.5,
            spaceAfter=size * 0.3,
        ),
        key_label=style(
            "key_label",
            fontName=fonts.bold,
            fontSize=max(12.0, size * 0.95),
            textColor=palette.primary,
            spaceAfter=3,
        ),
        key_message=style("key_message", fontName=fonts.bold, fontSize=size * 1.3),
        help_heading=style(
            "help_heading",
            fontName=fonts.bold,
            fontSize=size * 1.4,
            textColor=palette.warning,
            spaceAfter=size * 0.5,
        ),
        help_lead=style("help_lead", fontName=fonts.bold, spaceBefore=size * 0.3, spaceAfter=size * 0.3),
        card_title=style("card_title", fontName=fonts.bold, fontSize=size * 1.25, textColor=palette.primary),
        dose_label=style("dose_label", fontSize=minor(12), leading=minor(12) * 7 / 6),
        dose_value=style("dose_value", fontName=fonts.bold, fontSize=size * 1.15),
        often=style("often", fontName=fonts.bold, textColor=palette.primary),
        day=style("day", fontName=fonts.bold, fontSize=minor(12), alignment=1),
        form_label=style("form_label", fontName=fonts.bold),
        header=style("header", fontName=fonts.bold, fontSize=minor(14), textColor=palette.primary),
        footer=style("footer", fontSize=minor(10), leading=minor(10) * 1.25),
        footer_right=style(
            "footer_right",
            fontName=fonts.bold,
            fontSize=minor(11),
            leading=minor(11) * 1.2,
            alignment=TA_RIGHT,
        ),
        caption=style("caption", fontSize=minor(12), leading=minor(12) * 1.25),
        caution=style("caution", fontName=fonts.bold, textColor=palette.warning),
        cover_title=style(
            "cover_title", fontName=fonts.bold, fontSize=size * 2.6, textColor=palette.primary, spaceAfter=10
        ),
        cover_clinic=style(
            "cover_clinic", fontName=fonts.bold, fontSize=size * 1.5, textColor=palette.primary
        ),
        contents_number=style("contents_number", fontName=fonts.bold, alignment=TA_RIGHT),
        contents_sub=style("contents_sub", leftIndent=size * 1.5),
        centered=style("centered", alignment=1),
        divider=style(
            "divider", fontName=fonts.bold, fontSize=size * 2.4, textColor=palette.primary, alignment=1
        ),
        # long addresses break anywhere
        url=style("url", fontSize=minor(12), leading=minor(12) * 1.25, wordWrap="CJK"),
        program_title=style(
            "program_title", fontName=fonts.bold, fontSize=size * 1.6, textColor=palette.primary, spaceAfter=4
        ),
        program_exercise=style(
            "program_exercise",
            fontName=fonts.bold,
            fontSize=size * 1.15,
            textColor=palette.primary,
            spaceAfter=2,
        ),
        program_dose=style("program_dose", spaceAfter=1),
        program_step=style("program_step", spaceAfter=1),
        program_caution=style("program_caution"),
    )
    return dataclasses.replace(styles, footer_lines=_footer_lines(layout, styles))


def _wrapped_lines(text: str, font: str, size: float, width: float) -> int:
    """How many lines ``text`` takes in ``width`` points, wrapped at spaces."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = 1, 0.0
    space = stringWidth(" ", font, size)
    for word in text.split():
        w = stringWidth(word, font, size)
        if line and line + space + w > width:
            lines, line = lines + 1, w
        else:
            line += (space if line else 0.0) + w
    return lines


def _footer_lines(layout: model.Layout, styles: Styles) -> int:
    """The lines a page footer of this layout prints: the contact line and the review line beside
    the page number, then the layout's own line across the page."""
    from ..wording import contact_line

    size = float(styles.footer.fontSize)
    width = styles.frame_width
    beside = width - styles.footer_number_width - 10
    review = "Reviewed November 2026 · Next review November 2027 · Version 1.1"  # the longest usual
    lines = _wrapped_lines(contact_line(layout), styles.fonts.regular, size, beside)
    lines += _wrapped_lines(review, styles.fonts.bold, size, beside)
    if layout.footer.disclaimer:
        lines += _wrapped_lines(layout.footer.disclaimer, styles.fonts.regular, size, width)
    return lines
