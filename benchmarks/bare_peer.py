"""The bare ReportLab peer of issue 17: a handout's words laid out by a plain ReportLab script.

    python benchmarks/bare_peer.py [--repeat 20] [--quick]

What a careful programmer would write with ReportLab alone to print the same handout: the same
words in the same order, the same embedded fonts (Atkinson Hyperlegible, regular and bold) at the
same sizes, the same exercise figures (built once, as a batch would keep them), bullets, a
checklist and dose rows as tables, a boxed key message and help box, and a page number in the
footer. What it leaves out is what psoaspdf does beyond that: the structure tree (tags), the
glyph fallback font, the pointer to the help page (a second pass when it moves), keep-together
rules, the running header, the draft marks and packing into object streams.

Prints psoaspdf's in-process render time (warm, as a batch worker runs) against the peer's, best
of ``--repeat``, for a long and a short handout, and per page.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHORT = REPO / "tests" / "data" / "minimal.yaml"
SIZE = 14.0


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("**", "")


@functools.cache
def fonts() -> tuple[str, str]:
    """The regular and bold fonts, registered once per process (as any script would)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from psoaspdf.render.fonts import atkinson_files

    files = atkinson_files()
    pdfmetrics.registerFont(TTFont("PeerRegular", str(files["regular"])))
    pdfmetrics.registerFont(TTFont("PeerBold", str(files["bold"])))
    return "PeerRegular", "PeerBold"


def figures(handout: Any, width: float, height: float) -> dict[str, Any]:
    """Each exercise's figure as a ReportLab Drawing, built once (the peer's "cached figures")."""
    from psoaspdf.render.figure import figure_drawing

    regular, _ = fonts()
    out = {}
    for exercise in handout.exercises:
        pose = exercise.illustration.pose if exercise.illustration else None
        if pose is not None:
            out[exercise.name] = figure_drawing(
                pose, width, height, ink="#1A1A1A", fill="#FFFFFF", accent="#1F5C99", font_name=regular
            )
    return out


def build(handout: Any, drawings: dict[str, Any]) -> bytes:
    """The handout laid out by ReportLab alone (see the module's docstring)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from psoaspdf.wording import dose_cells, labels

    regular, bold = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=SIZE, leading=SIZE * 1.35, spaceAfter=4)
    bullet = body.clone("bullet", leftIndent=20, bulletIndent=4)
    heading = body.clone("heading", fontName=bold, fontSize=19, leading=24, spaceBefore=14, spaceAfter=6)
    title = body.clone("title", fontName=bold, fontSize=28, leading=33)
    small = body.clone("small", fontSize=12, leading=15)
    words = labels(handout.language)

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    def bullets(items: tuple[str, ...]) -> list[Paragraph]:
        return [Paragraph(escape(item), bullet, bulletText="•") for item in items]

    def box(rows: list[list[Any]], fill: Any) -> Table:
        table = Table(rows, colWidths=[frame])
        table.setStyle(
            TableStyle([("BACKGROUND", (0, 0), (-1, -1), fill), ("BOX", (0, 0), (-1, -1), 1.5, colors.black)])
        )
        return table

    frame = LETTER[0] - 2 * 22 * mm
    h = handout
    story: list[Any] = [para(h.title, title)]
    if h.subtitle:
        story.append(para(h.subtitle))
    story.append(
        box(
            [[[para(h.key_message, body.clone("key", fontName=bold, fontSize=16, leading=21))]]],
            colors.HexColor("#EAF1F8"),
        )
    )
    story.append(para(h.summary))
    for section in (h.about, h.causes, h.why_it_hurts, h.treatment):
        if section is not None:
            story.append(para(section.heading or "", heading))
            if section.intro:
                story.append(para(section.intro))
            story += bullets(section.items)
    if h.symptoms is not None:
        story.append(para(h.symptoms.heading or "", heading))
        for group in h.symptoms.groups:
            if group.heading:
                story.append(para(group.heading, body.clone("sub", fontName=bold)))
            story += bullets(group.items)
    if h.self_care is not None:
        story.append(para(h.self_care.heading or "", heading))
        rows = [
            ["☐" if False else "", para(i.text), para(i.how_often or "", body.clone("o", fontName=bold))]
            for i in h.self_care.items
        ]
        checklist = Table(rows, colWidths=[20, frame * 0.62, frame * 0.38 - 20])
        checklist.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (0, -1), 0.75, colors.black),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.grey),
                ]
            )
        )
        story.append(checklist)
    for number, exercise in enumerate(h.exercises, start=1):
        story.append(para(f"{number}. {exercise.name}", heading))
        right: list[Any] = [para(exercise.purpose)] if getattr(exercise, "purpose", None) else []
        right += [
            Paragraph(escape(step), bullet, bulletText=f"{n}.")
            for n, step in enumerate(exercise.steps, start=1)
        ]
        right += [
            para(caution, body.clone("c", textColor=colors.HexColor("#A4161A")))
            for caution in exercise.cautions
        ]
        drawing = drawings.get(exercise.name)
        left: list[Any] = [drawing] if drawing is not None else []
        if exercise.illustration:
            left.append(para(exercise.illustration.alt, small))
        story.append(Table([[left, right]], colWidths=[frame * 0.3, frame * 0.7]))
        cells = dose_cells(exercise.dose, words)
        dose = Table(
            [
                [para(label, small) for label, _ in cells],
                [para(value, body.clone("v", fontName=bold)) for _, value in cells],
            ]
        )
        dose.setStyle(TableStyle([("LINEBEFORE", (1, 0), (-1, -1), 0.5, colors.grey)]))
        story += [dose, Spacer(1, 12)]
    help_ = h.get_help
    rows = [[para(help_.heading or "When to get help", heading)]]
    for items in (help_.urgent, help_.today, help_.call_clinic):
        for item in items:
            rows.append([Paragraph(escape(item), bullet, bulletText="•")])
    story.append(box(rows, colors.HexColor("#FBEAEA")))
    story.append(para("Where this information comes from", heading))
    for source in h.sources:
        story += bullets((" ".join(x for x in (source.title, source.publisher, source.url) if x),))
    story.append(para(h.disclaimer))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.setFont(regular, 12)
        canvas.drawRightString(LETTER[0] - 22 * mm, 15 * mm, f"Page {doc.page}")

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=LETTER, leftMargin=22 * mm, rightMargin=22 * mm, invariant=1, title=h.title
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def measure(source: str, repeat: int) -> tuple[float, float, int, int]:
    """(peer seconds, psoaspdf seconds, peer pages, psoaspdf pages), warm, best of ``repeat``."""
    from pypdf import PdfReader
    from render_ratio import best_of  # this folder: run as a script, or imported by batch_suite

    from psoaspdf import api
    from psoaspdf.render.document import render_pdf

    inputs = api.load_inputs(source)
    drawings = figures(inputs.handout, 120, 110)

    def peer() -> bytes:
        return build(inputs.handout, drawings)

    def ours() -> bytes:
        return render_pdf(inputs.handout, inputs.layout)

    pages = [len(PdfReader(io.BytesIO(fn())).pages) for fn in (peer, ours)]  # and warm the caches
    return best_of(peer, repeat), best_of(ours, repeat), pages[0], pages[1]


def main() -> None:
    from render_ratio import repeats

    repeat, _ = repeats(__doc__.splitlines()[0])
    for name, source in (("long (iliopsoas)", "iliopsoas-back-pain"), ("short", str(SHORT))):
        t_peer, t_ours, p_peer, p_ours = measure(source, repeat)
        print(
            f"{name:17} peer {t_peer * 1000:6.1f} ms ({p_peer} pages)   psoaspdf {t_ours * 1000:6.1f} ms "
            f"({p_ours} pages)   ratio {t_ours / t_peer:4.2f}   per page {t_ours / p_ours / (t_peer / p_peer):4.2f}"
        )


if __name__ == "__main__":
    main()
