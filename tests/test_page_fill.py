"""Page fill, measured from the PDF itself: how far down the space between the running header and
footer each page's text reaches. No page but the last is under half full, unless the next page
starts with an exercise card that did not fit whole on it (cards are never split)."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import LIBRARY

from psoaspdf import model
from psoaspdf.cli import main
from psoaspdf.render.styles import FOOTER_HEIGHT, HEADER_HEIGHT

MARGIN = model.Page().margin_mm * 72 / 25.4
HANDOUTS = sorted(p.stem for p in (LIBRARY / "handouts").glob("*.yaml"))
# a card (or the exercises' heading with the first card) that moved whole to the next page, or
# the help box, whose heading never leaves its emergency signs (the chosen design)
CARD = re.compile(
    r"^(Exercise \d+:|Ejercicio \d+:|Your exercises|Sus ejercicios|When to get help|Cuándo pedir ayuda)"
)


def page_lines(page: pypdf.PageObject) -> list[tuple[float, str]]:
    """(baseline height from the bottom, text) of every piece of text on a page."""
    found: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            found.append((cm[5] + tm[5] * cm[3], text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def fills(data: bytes) -> list[tuple[float, str]]:
    """(fill, first text line) of each page: 0 empty, 1 text down to the footer."""
    out = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        height = float(page.mediabox.height)
        top, bottom = height - MARGIN - HEADER_HEIGHT, MARGIN + FOOTER_HEIGHT
        body = [(y, t) for y, t in page_lines(page) if bottom < y < top]
        lowest = min((y for y, _ in body), default=top)
        first = max(body, default=(0.0, ""))[1]
        out.append((round((top - lowest) / (top - bottom), 2), first))
    return out


@pytest.mark.parametrize("variant", ["letter", "a4", "large-print"])
@pytest.mark.parametrize("handout", HANDOUTS)
def test_no_page_but_the_last_is_under_half_full(
    handout: str, variant: str, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "h.pdf"
    extra = ["--large-print"] if variant == "large-print" else ["--paper", variant]
    result = runner.invoke(main, ["render", handout, "-o", str(out), *extra])
    assert result.exit_code == 0, result.stderr
    pages = fills(out.read_bytes())
    for number, ((fill, _), (_, next_first)) in enumerate(itertools.pairwise(pages), start=1):
        assert fill >= 0.5 or CARD.match(next_first), (
            f"page {number} of {len(pages)} is {fill:.0%} full; the next starts {next_first!r}"
        )


# pages at the default settings (letter, 14 pt) before the cards learned to share a page (#13)
PAGES_BEFORE = {
    "constructive-rest": 9,
    "core-and-pelvic-floor": 10,
    "iliopsoas-back-pain": 13,
    "iliopsoas-back-pain-es": 14,
    "neck-pain": 10,
    "sitting-breaks": 10,
}


# a page the full NICE/NHS list of warning signs (#14) added that no cut could take back without
# losing advice the reader needs: core 6 -> 7 (its help box holds 22 points, 9 of them same-day signs)
LONGER_FOR_SAFETY = {"core-and-pelvic-floor": 1}


@pytest.mark.parametrize("handout", HANDOUTS)
def test_every_shipped_handout_takes_at_most_60_percent_of_its_old_pages(
    handout: str, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "h.pdf"
    result = runner.invoke(main, ["render", handout, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    pages = len(pypdf.PdfReader(out).pages)
    assert pages <= int(PAGES_BEFORE[handout] * 0.6) + LONGER_FOR_SAFETY.get(handout, 0), (
        f"{handout}: {pages} pages"
    )


def test_the_measure_sees_a_part_empty_page(tmp_path: Path) -> None:
    """The measure can fail: a page whose only text is at the top reads as nearly empty."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER)
    canvas.drawString(100, LETTER[1] - MARGIN - HEADER_HEIGHT - 20, "Only a line at the top")
    canvas.showPage()
    canvas.drawString(100, MARGIN + FOOTER_HEIGHT + 5, "A line at the foot")
    canvas.showPage()
    canvas.save()
    (first, _), (last, _) = fills(buffer.getvalue())
    assert first < 0.1 and last > 0.95
