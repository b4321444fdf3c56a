"""A printable PEMAT-P reviewer worksheet for one handout: the items psoaspdf judged, and the ones
a person must judge, with boxes to tick and room for notes."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from .. import __version__, model
from .fonts import load_fonts
from .inline import markup
from .story import BOX, Story, TickBox
from .styles import make_styles

# The PEMAT-P (print) items a program cannot judge, in our own short words (AHRQ, 2013).
PERSON_ITEMS: tuple[tuple[str, str], ...] = (
    ("Understandable", "The purpose is clear from the start."),
    ("Understandable", "Nothing in it distracts from that purpose."),
    ("Understandable", "It uses common, everyday words."),
    ("Understandable", "Medical words are used only when needed, and explained."),
    ("Understandable", "It uses the active voice."),
    ("Understandable", "Numbers are clear and easy to understand."),
    ("Understandable", "Information comes in short sections."),
    ("Understandable", "Information comes in a logical order."),
    ("Understandable", "Boxes, bullets and bold draw the eye to the key points."),
    ("Understandable", "Pictures are used wherever they make things easier to understand."),
    ("Understandable", "Pictures support the text rather than distract from it."),
    ("Understandable", "Pictures are clear and uncluttered."),
    ("Understandable", "Any table is simple, with short, clear headings."),
    ("Actionable", "It names at least one thing the reader can do."),
    ("Actionable", "It speaks to the reader directly ('you') about what to do."),
    ("Actionable", "It explains how to use its charts or tables to act."),
    ("Actionable", "Pictures make it easier to do what it asks."),
)


def worksheet_pdf(title: str, automatic: Sequence[tuple[str, bool | None]], layout: model.Layout) -> bytes:
    """The worksheet's PDF bytes: ``automatic`` holds (item, met) as psoaspdf judged them."""
    fonts = load_fonts(layout.fonts)
    styles = make_styles(layout, fonts)
    story = Story(styles, {}, layout)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=styles.page_size,
        leftMargin=styles.margin,
        rightMargin=styles.margin,
        topMargin=styles.margin,
        bottomMargin=styles.margin,
        title=f"PEMAT-P reviewer worksheet: {title}",
        author=layout.clinic.name,
        creator=f"psoaspdf {__version__}",
        lang="en",
        invariant=1,
        initialFontName=fonts.regular,
    )

    def text(value: str, style: object) -> Paragraph:
        return Paragraph(markup(value, fonts, emphasis=False), style)

    flow: list[object] = [
        text("PEMAT-P reviewer worksheet", styles.title),
        text(title, styles.subtitle),
        text(
            "psoaspdf judged the items in the first table. Please judge the others: tick Agree,"
            " Disagree or Does not apply. The score is the share of Agree among the items that apply;"
            " 70 % or more is the usual bar.",
            styles.body,
        ),
        text("Judged by psoaspdf", styles.heading),
    ]
    rows = [
        [
            text(item, styles.body),
            text({True: "Met", False: "Not met", None: "Does not apply"}[met], styles.form_label),
        ]
        for item, met in automatic
    ]
    width = styles.frame_width
    auto = Table(rows, colWidths=[width - 120, 120])
    auto.setStyle(story.table_style(("LINEBELOW", (0, 0), (-1, -1), 0.5, styles.colors.rule)))
    flow.append(auto)
    flow.append(text("For a person to judge", styles.heading))
    header = [
        text("Item", styles.form_label),
        text("Agree", styles.day),
        text("Disagree", styles.day),
        text("Does not apply", styles.day),
    ]
    person = [header]
    for group, item in PERSON_ITEMS:
        boxes: list[object] = [TickBox(BOX, styles.colors.text) for _ in range(3)]
        person.append([text(f"{item} ({group})", styles.body), *boxes])
    table = Table(person, colWidths=[width - 3 * 66] + [66] * 3, repeatRows=1)
    table.setStyle(
        story.table_style(
            ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, styles.colors.rule),
        )
    )
    flow += [table, Spacer(1, 14), text("Reviewer, date and notes", styles.subheading)]
    ruled = Table([[""] for _ in range(4)], colWidths=[width], rowHeights=[26] * 4)
    ruled.setStyle(story.table_style(("LINEBELOW", (0, 0), (-1, -1), 0.75, styles.colors.rule)))
    flow.append(ruled)
    doc.build(flow)
    return buffer.getvalue()
