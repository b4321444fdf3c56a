"""Paper sizes from --paper and from layouts; qpdf finds nothing wrong with the files."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import DATA, Rendered, needs_tool

from psoaspdf.cli import main

LETTER = (612.0, 792.0)
A4 = (595.28, 841.89)


def page_sizes(data: bytes) -> set[tuple[float, float]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages}


def assert_size(data: bytes, expected: tuple[float, float]) -> None:
    sizes = page_sizes(data)
    assert len(sizes) == 1, sizes
    ((width, height),) = sizes
    assert width == pytest.approx(expected[0], abs=1)
    assert height == pytest.approx(expected[1], abs=1)


def render_cli(runner: CliRunner, tmp_path: Path, *args: str) -> bytes:
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["render", str(DATA / "minimal.yaml"), "-o", str(out), *args])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}"
    return out.read_bytes()


def test_default_paper_is_letter(minimal_pdf: Rendered, bundled_pdf: Rendered) -> None:
    assert_size(minimal_pdf.data, LETTER)
    assert_size(bundled_pdf.data, LETTER)


@pytest.mark.parametrize(
    ("paper", "expected"), [("letter", LETTER), ("a4", A4), ("A4", A4), ("Letter", LETTER)]
)
def test_paper_option(paper: str, expected: tuple[float, float], runner: CliRunner, tmp_path: Path) -> None:
    assert_size(render_cli(runner, tmp_path, "--paper", paper), expected)


def test_layout_with_a4_paper(runner: CliRunner, tmp_path: Path) -> None:
    assert_size(render_cli(runner, tmp_path, "-l", str(DATA / "a4-layout.yaml")), A4)


def test_paper_option_overrides_the_layout(runner: CliRunner, tmp_path: Path) -> None:
    data = render_cli(runner, tmp_path, "-l", str(DATA / "a4-layout.yaml"), "--paper", "letter")
    assert_size(data, LETTER)


def rejoined(lines: list[str]) -> list[str]:
    """The lines with a web address read whole: a long one breaks at any letter at the line's end,
    and where depends on the paper's width."""
    out: list[str] = []
    for line in lines:
        if out and re.search(r"https?://\S*$", out[-1]) and line.strip() and " " not in line.strip():
            out[-1] += line.strip()
        else:
            out.append(line)
    return out


def words(data: bytes) -> list[str]:
    """Every word of the body, in order: without the running header and footer (lines found on
    every page, which more pages repeat more often) and numbers (page numbers differ)."""
    pages = [
        [re.sub(r"\d+", "#", line).strip() for line in rejoined((page.extract_text() or "").splitlines())]
        for page in pypdf.PdfReader(io.BytesIO(data)).pages
    ]
    running = set.intersection(*(set(lines) for lines in pages[1:]))
    body: list[str] = []
    for lines in pages:
        own = [line for line in lines if line not in running]
        # a help-box list carried over to the next page has its lead printed again (by design)
        if own and own[0].endswith(":") and own[0] in body:
            own = own[1:]
        body += own
    found = re.findall(r"[^\W\d_]{2,}", "\n".join(body))
    # a tick chart split over two pages repeats its head row there (by design): read it once
    head = ["Tick", "box", "on", "each", "day", "you", "do", "it", *["Day"] * 7]
    starts = [i for i in range(len(found)) if found[i : i + len(head)] == head]
    for start in reversed(starts[1:]):
        del found[start : start + len(head)]
    return found


def ink_near_the_edges(data: bytes, inches: float = 0.4) -> list[str]:
    """Pages with anything drawn within ``inches`` of the paper's edge (where printers clip)."""
    import pypdfium2

    found = []
    document = pypdfium2.PdfDocument(data)
    try:
        for number in range(len(document)):
            image = document[number].render(scale=50 / 72).to_pil().convert("L")
            edge = round(inches * 50)
            width, height = image.size
            for name, box in {
                "left": (0, 0, edge, height),
                "right": (width - edge, 0, width, height),
                "top": (0, 0, width, edge),
                "bottom": (0, height - edge, width, height),
            }.items():
                if image.crop(box).getextrema()[0] < 200:  # anything darker than a faint tint
                    found.append(f"page {number + 1} {name}")
    finally:
        document.close()
    return found


@pytest.mark.parametrize("handout", ["iliopsoas-back-pain", "iliopsoas-back-pain-es", "neck-pain"])
def test_a_shipped_handout_fits_a4_too(handout: str, runner: CliRunner, tmp_path: Path) -> None:
    """On A4 every word of the letter copy is printed, in the same order, and nothing reaches
    the edges of the page where a printer would clip it."""
    a4, letter = tmp_path / "a4.pdf", tmp_path / "letter.pdf"
    for paper, out in (("a4", a4), ("letter", letter)):
        result = runner.invoke(main, ["render", handout, "--paper", paper, "-o", str(out)])
        assert result.exit_code == 0, result.stderr
    assert_size(a4.read_bytes(), A4)
    assert words(a4.read_bytes()) == words(letter.read_bytes())
    assert ink_near_the_edges(a4.read_bytes()) == []


def test_the_edge_check_sees_ink_at_the_edge() -> None:
    """The check above can fail: a page with a mark 0.2 in from its left edge."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.rect(14, 400, 10, 10, fill=1)
    canvas.showPage()
    canvas.save()
    assert ink_near_the_edges(buffer.getvalue()) == ["page 1 left"]


@needs_tool("qpdf")
@pytest.mark.parametrize(
    "case", ["bundled_pdf", "riverbend_pdf", "patient_pdf", "illustrated_pdf", "markup_pdf"]
)
def test_qpdf_check_passes(case: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    rendered: Rendered = request.getfixturevalue(case)
    path = rendered.write(tmp_path)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


@pytest.mark.parametrize(
    ("patient", "date", "clinician"),
    [
        ("Zebulon Quartermaine", None, None),  # a longer name takes room from the empty lines
        ("Zebulon Quartermaine", "5 December 2026", "Dr Lee"),  # too long beside labels: under them
        ("Ana Díaz", "1 May 2026", "Dr Lee"),
    ],
)
def test_a_name_or_date_given_prints_on_one_line(
    patient: str, date: str | None, clinician: str | None
) -> None:
    from conftest import render_bytes, text_runs

    from psoaspdf import model

    data = render_bytes("neck-pain", personal=model.Personal(patient=patient, date=date, clinician=clinician))
    runs = [r for r in text_runs(pypdf.PdfReader(io.BytesIO(data))) if r.page == 1]
    for value in filter(None, (patient, date, clinician)):
        # one run holds the whole value: it was not broken over two lines
        assert any(r.text == value for r in runs), (value, [r.text for r in runs[:30]])
