"""A printable PEMAT-P reviewer worksheet for one handout: the items psoaspdf judged, and the ones
a person must judge, with boxes to tick and room for notes."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from .. import __version__, model
from ..compact import compact
from .fonts import load_fonts
from .inline import markup
from .story import BOX, Story, TickBox
from .styles import make_styles

Item = tuple[int, str, str]  # (AHRQ number, domain, item)


def worksheet_pdf(
    title: str,
    automatic: Sequence[tuple[int | None, str, str, bool | None]],
    person: Sequence[Item],
    layout: model.Layout,
) -> bytes:
    """The worksheet's PDF bytes: ``automatic`` holds (number, domain, item, met) as psoaspdf
    judged them; ``person`` the PEMAT-P items for a person, by AHRQ number."""
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
            " Disagree or Does not apply. PEMAT-P gives two scores, each the share of Agree among the"
            " items that apply: understandability (items 1-19) and actionability (items 20-26);"
            " 70 % or more is the usual bar for each. Items 13 and 14 are for video only.",
            styles.body,
        ),
        text("Judged by psoaspdf", styles.heading),
    ]
    rows = [
        [
            text(f"{number}. {item} ({domain})", styles.body),
            text({True: "Agree", False: "Disagree", None: "Does not apply"}[met], styles.form_label),
        ]
        for number, domain, item, met in automatic
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
    rows_person = [header]
    for number, domain, item in person:
        boxes: list[object] = [TickBox(BOX, styles.colors.text) for _ in range(3)]
        rows_person.append([text(f"{number}. {item} ({domain})", styles.body), *boxes])
    table = Table(rows_person, colWidths=[width - 3 * 66] + [66] * 3, repeatRows=1)
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
    return compact(buffer.getvalue())
