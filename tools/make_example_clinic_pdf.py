"""Write layouts/riverbend-welcome.pdf: the fictional Riverbend clinic's own one-page welcome sheet.

It stands in for the PDFs real clinics add to a booklet (a welcome letter, a map, an intake form),
so the examples and tests have one to use. Run it again after changing this script:

    python tools/make_example_clinic_pdf.py [output.pdf]

The output is byte-for-byte reproducible (ReportLab's invariant mode), uses only the embedded
Atkinson Hyperlegible font, and has two bookmarks, "Welcome" and "What to bring".
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

import fontpkg_atkinson_hyperlegible as atkinson
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "layouts" / "riverbend-welcome.pdf"

# The clinic, as in layouts/riverbend.yaml
CLINIC = "Riverbend Physical Therapy"
ADDRESS = "240 Mill Race Road, Riverbend"
PHONE = "(555) 014-2290"
WEB = "www.riverbend-pt.example"
HOURS = "Mon\u2013Fri 8 am\u20136 pm"  # en dashes
PRIMARY = HexColor("#0F5F5F")
ACCENT = HexColor("#C2571A")
TEXT = HexColor("#1B2426")
TINT = HexColor("#E7F3F1")
ROAD = HexColor("#B9C2C4")
WATER = HexColor("#9CC7D8")

BRING = (
    "A photo ID and your insurance card",
    "Your referral or prescription, if you have one",
    "A list of the medicines you take",
    "Comfortable clothes you can move in, and flat shoes",
    "Any scans or reports about your back or hip",
    "Your questions: write them down so you don't forget",
)

REGULAR, BOLD = "Atkinson", "Atkinson-Bold"
BODY = 13.0  # body text size in points; patients may have poor eyesight


def register_fonts() -> None:
    files = atkinson.ROOT / "files"
    pdfmetrics.registerFont(TTFont(REGULAR, str(files / "AtkinsonHyperlegible-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(files / "AtkinsonHyperlegible-Bold.ttf")))


def paragraph(canvas: Canvas, text: str, x: float, top: float, width: float, size: float = BODY) -> float:
    """Draw wrapped text with its top at ``top``; return the y just below it."""
    style = ParagraphStyle(
        "body", fontName=REGULAR, fontSize=size, leading=size * 1.35, textColor=TEXT, alignment=TA_LEFT
    )
    para = Paragraph(escape(text), style)
    _, height = para.wrapOn(canvas, width, 1000)
    para.drawOn(canvas, x, top - height)
    return top - float(height)


def heading(canvas: Canvas, text: str, x: float, y: float, size: float = 17) -> None:
    canvas.setFillColor(PRIMARY)
    canvas.setFont(BOLD, size)
    canvas.drawString(x, y, text)


def header(canvas: Canvas, width: float, height: float, margin: float) -> None:
    band = 118
    canvas.setFillColor(PRIMARY)
    canvas.rect(0, height - band, width, band, stroke=0, fill=1)
    canvas.setFillColor(ACCENT)
    canvas.rect(0, height - band - 6, width, 6, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont(BOLD, 15)
    canvas.drawString(margin, height - 42, "Welcome to")
    canvas.setFont(BOLD, 27)
    canvas.drawString(margin, height - 76, CLINIC)
    canvas.setFont(REGULAR, 14)
    canvas.drawString(margin, height - 100, "Everything you need for your first visit, on one page")
    canvas.bookmarkHorizontal("welcome", 0, height)
    canvas.addOutlineEntry("Welcome", "welcome", level=0)


def contact(canvas: Canvas, x: float, top: float, width: float) -> float:
    heading(canvas, "Find us", x, top - 17)
    y = top - 30
    rows = (("Address", ADDRESS), ("Phone", PHONE), ("Open", HOURS), ("Web", WEB))
    for label, value in rows:
        canvas.setFillColor(ACCENT)
        canvas.setFont(BOLD, BODY)
        canvas.drawString(x, y - BODY, label)
        y = paragraph(canvas, value, x + 62, y, width - 62) - 7
    y = paragraph(
        canvas,
        "Please arrive 10 minutes early. Free parking is next to the building; "
        "the entrance faces the car park and has no steps.",
        x,
        y - 6,
        width,
    )
    return y


def map_sketch(canvas: Canvas, x: float, y: float, w: float, h: float) -> None:
    """A simple plan of the street, the building and the car park, drawn with shapes."""
    canvas.saveState()
    canvas.setStrokeColor(PRIMARY)
    canvas.setLineWidth(1.2)
    canvas.setFillColor(HexColor("#F6F8F7"))
    canvas.roundRect(x, y, w, h, 8, stroke=1, fill=1)
    # The river along the top, the road along the bottom
    canvas.setFillColor(WATER)
    path = canvas.beginPath()
    path.moveTo(x, y + h - 26)
    path.curveTo(x + w * 0.3, y + h - 10, x + w * 0.6, y + h - 42, x + w, y + h - 22)
    path.lineTo(x + w, y + h)
    path.lineTo(x, y + h)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.setFillColor(ROAD)
    canvas.rect(x, y + 10, w, 30, stroke=0, fill=1)
    canvas.setStrokeColor(white)
    canvas.setLineWidth(2)
    canvas.setDash(8, 6)
    canvas.line(x + 6, y + 25, x + w - 6, y + 25)
    canvas.setDash()
    canvas.setFillColor(TEXT)
    canvas.setFont(REGULAR, 11)
    canvas.drawCentredString(x + w / 2, y + 15, "Mill Race Road")
    canvas.drawString(x + 10, y + h - 16, "River")
    # The building, with the entrance on the car park side
    bx, by, bw, bh = x + 18, y + 62, w * 0.36, h * 0.44
    canvas.setFillColor(PRIMARY)
    canvas.rect(bx, by, bw, bh, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont(BOLD, 11)
    canvas.drawCentredString(bx + bw / 2, by + bh / 2 + 3, "Riverbend PT")
    canvas.setFont(REGULAR, 11)
    canvas.drawCentredString(bx + bw / 2, by + bh / 2 - 11, "No. 240")
    door_y = by + bh / 2 - 12
    canvas.setFillColor(ACCENT)
    canvas.rect(bx + bw - 4, door_y, 8, 24, stroke=0, fill=1)
    # The car park with its bays
    gap = 48  # between the building and the car park, room for the entrance label
    px, py, pw, ph = bx + bw + gap, y + 56, x + w - (bx + bw + gap) - 14, h * 0.44
    canvas.setFillColor(TINT)
    canvas.setStrokeColor(PRIMARY)
    canvas.setLineWidth(1)
    canvas.rect(px, py, pw, ph, stroke=1, fill=1)
    canvas.setStrokeColor(HexColor("#5E7F7F"))
    for i in range(1, 5):
        bay_x = px + i * pw / 5
        canvas.line(bay_x, py + ph, bay_x, py + ph - 26)
    canvas.setFillColor(TEXT)
    canvas.setFont(BOLD, 11)
    canvas.drawCentredString(px + pw / 2, py + ph / 2 - 8, "Parking")
    # An arrow from the car park to the entrance
    canvas.setFillColor(ACCENT)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2.5)
    ay = door_y + 12
    canvas.line(px - 2, ay, bx + bw + 12, ay)
    arrow = canvas.beginPath()
    arrow.moveTo(bx + bw + 5, ay)
    arrow.lineTo(bx + bw + 14, ay + 6)
    arrow.lineTo(bx + bw + 14, ay - 6)
    arrow.close()
    canvas.drawPath(arrow, stroke=0, fill=1)
    canvas.setFont(BOLD, 9.5)
    canvas.drawCentredString(bx + bw + gap / 2 + 2, ay - 24, "Entrance")
    # The driveway from the road to the car park
    canvas.setFillColor(ROAD)
    canvas.rect(px + pw / 2 - 12, y + 40, 24, py - (y + 40), stroke=0, fill=1)
    # North
    nx, ny = x + w - 22, y + h - 58
    canvas.setFillColor(TEXT)
    north = canvas.beginPath()
    north.moveTo(nx, ny + 14)
    north.lineTo(nx - 6, ny - 4)
    north.lineTo(nx + 6, ny - 4)
    north.close()
    canvas.drawPath(north, stroke=0, fill=1)
    canvas.setFont(BOLD, 10)
    canvas.drawRightString(nx - 9, ny, "N")
    canvas.restoreState()


def checklist(canvas: Canvas, x: float, top: float, width: float) -> float:
    canvas.bookmarkHorizontal("bring", 0, top + 8)
    canvas.addOutlineEntry("What to bring", "bring", level=0)
    heading(canvas, "What to bring to your first visit", x, top - 17)
    y = top - 34
    for item in BRING:
        canvas.setStrokeColor(PRIMARY)
        canvas.setFillColor(white)
        canvas.setLineWidth(1.4)
        canvas.rect(x, y - 13, 12, 12, stroke=1, fill=1)  # a box to tick
        y = paragraph(canvas, item, x + 22, y, width - 22) - 8
    return y


def appointment(canvas: Canvas, x: float, top: float, width: float) -> None:
    """A box for the clinic to write the first appointment in by hand."""
    height = 118
    canvas.setFillColor(TINT)
    canvas.setStrokeColor(PRIMARY)
    canvas.setLineWidth(1)
    canvas.roundRect(x, top - height, width, height, 8, stroke=1, fill=1)
    heading(canvas, "Your first appointment", x + 16, top - 28, size=15)
    canvas.setFont(REGULAR, BODY)
    canvas.setFillColor(TEXT)
    canvas.setStrokeColor(HexColor("#5E7F7F"))
    canvas.setLineWidth(0.8)
    half = (width - 48) / 2
    for row, (left, right) in enumerate((("Date", "Time"), ("Your therapist", "Room"))):
        y = top - 62 - row * 34
        for col, label in enumerate((left, right)):
            lx = x + 16 + col * (half + 16)
            canvas.drawString(lx, y, label)
            start = lx + pdfmetrics.stringWidth(label, REGULAR, BODY) + 8
            canvas.line(start, y - 2, lx + half, y - 2)


def footer(canvas: Canvas, width: float, margin: float) -> None:
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.5)
    canvas.line(margin, 78, width - margin, 78)
    canvas.setFillColor(TEXT)
    canvas.setFont(BOLD, BODY)
    canvas.drawString(margin, 56, f"Questions before your visit? Call us at {PHONE}.")
    canvas.setFont(REGULAR, 12)
    canvas.drawString(margin, 38, f"{CLINIC} · {ADDRESS} · {WEB}")
    canvas.setFillColor(Color(0.35, 0.4, 0.42))
    canvas.setFont(REGULAR, 9)
    canvas.drawRightString(width - margin, 20, "Example clinic made up for psoaspdf; not a real practice.")


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT
    register_fonts()
    width, height = A4
    margin = 48.0
    canvas = Canvas(
        str(output),
        pagesize=A4,
        invariant=1,
        initialFontName=REGULAR,  # otherwise ReportLab sets Helvetica on every page
        initialFontSize=BODY,
        lang="en",
    )
    canvas.setTitle(f"Welcome to {CLINIC}")
    canvas.setAuthor(CLINIC)
    canvas.setSubject("Address, opening hours, a map and what to bring to your first visit")
    canvas.setCreator("psoaspdf tools/make_example_clinic_pdf.py")

    header(canvas, width, height, margin)
    column = (width - 2 * margin - 24) / 2
    top = height - 150
    contact(canvas, margin, top, column)
    map_sketch(canvas, margin + column + 24, top - 230, column, 230)
    below = checklist(canvas, margin, top - 262, width - 2 * margin)
    appointment(canvas, margin, below - 14, width - 2 * margin)
    footer(canvas, width, margin)

    canvas.showOutline()
    canvas.showPage()
    canvas.save()
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
