"""Type size: body text is never under 12 pt; header and footer lines never under 9.5 pt.

Sizes are read back from the PDF (font size x text matrix x CTM, via pypdf's visitor), not
from the styles, so a stray default (a table cell, a drawing) is caught too.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pypdf
import pytest
from conftest import DATA, Rendered, TextRun, render_bytes, text_runs
from reportlab.lib.units import mm

from psoaspdf import api

FOOTER_ALLOWANCE = 45.0  # the footer sits in the bottom margin plus this much
HEADER_ALLOWANCE = 46.0  # the header sits in the top margin plus this much
BODY_MIN = 12.0
MARGIN_TEXT_MIN = 9.5


def regions(inputs: api.Inputs, reader: pypdf.PdfReader) -> tuple[list[TextRun], list[TextRun]]:
    """(body runs, header and footer runs), split by where they sit on the page."""
    margin = inputs.layout.page.margin_mm * mm
    height = float(reader.pages[0].mediabox.height)
    body, margins = [], []
    for run in text_runs(reader):
        in_footer = run.y <= margin + FOOTER_ALLOWANCE
        in_header = run.y >= height - margin - HEADER_ALLOWANCE
        (margins if in_footer or in_header else body).append(run)
    return body, margins


def small(runs: list[TextRun], limit: float) -> list[tuple[int, str, float]]:
    return [(r.page, r.text[:40], round(r.size, 2)) for r in runs if r.size < limit - 0.01]


@pytest.mark.parametrize("case", ["bundled_pdf", "riverbend_pdf", "patient_pdf", "illustrated_pdf"])
def test_body_text_is_at_least_12_pt(case: str, request: pytest.FixtureRequest) -> None:
    rendered: Rendered = request.getfixturevalue(case)
    body, _ = regions(rendered.inputs, rendered.reader)
    assert len(body) > 20
    assert small(body, BODY_MIN) == []


@pytest.mark.parametrize("case", ["bundled_pdf", "riverbend_pdf"])
def test_header_and_footer_text_is_at_least_9_5_pt(case: str, request: pytest.FixtureRequest) -> None:
    rendered: Rendered = request.getfixturevalue(case)
    _, margins = regions(rendered.inputs, rendered.reader)
    pages = len(rendered.reader.pages)
    assert len(margins) >= 3 * pages  # clinic name, contact, review line, page number...
    assert small(margins, MARGIN_TEXT_MIN) == []


def test_most_body_text_is_the_layout_size(bundled_pdf: Rendered) -> None:
    body, _ = regions(bundled_pdf.inputs, bundled_pdf.reader)
    sizes = Counter(round(r.size, 2) for r in body)
    assert sizes.most_common(1)[0][0] == bundled_pdf.inputs.layout.fonts.size == 14.0


def test_smallest_allowed_layout_size_keeps_every_body_line_at_12_pt(tmp_path: Path) -> None:
    layout = tmp_path / "small.yaml"
    layout.write_text("name: Small type\nfonts:\n  size: 12\npage:\n  margin_mm: 13\n", encoding="utf-8")
    for handout in ("iliopsoas-back-pain", str(DATA / "illustrated.yaml")):
        inputs = api.load_inputs(handout, str(layout))
        reader = pypdf.PdfReader(io.BytesIO(render_bytes(handout, layout)))
        body, margins = regions(inputs, reader)
        assert small(body, BODY_MIN) == [], handout
        assert small(margins, MARGIN_TEXT_MIN) == [], handout


def test_a_layout_asking_for_11_pt_is_refused(tmp_path: Path) -> None:
    from psoaspdf.errors import InvalidInput

    layout = tmp_path / "tiny.yaml"
    layout.write_text("fonts:\n  size: 11\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        api.load_inputs(str(DATA / "minimal.yaml"), str(layout))
    (problem,) = caught.value.problems
    assert problem.field == "fonts.size"
    assert "12 to 24" in problem.message
