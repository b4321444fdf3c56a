"""Every font is embedded; symbols come from the embedded fallback; unknown glyphs are errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import DATA, Rendered, all_text, fonts_of, needs_tool, pdffonts, resolve

from psoaspdf.cli import main

BASE14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")

# minimal: text only; illustrated: an SVG and a PNG; bundled: the real handout with its SVGs
CASES = ["minimal_pdf", "illustrated_pdf", "bundled_pdf", "riverbend_pdf"]


def font_program(font: Any) -> str | None:
    """The key of the embedded font program, looking through Type0 to the descendant font."""
    font = resolve(font)
    if font.get("/Subtype") == "/Type0":
        font = resolve(font["/DescendantFonts"][0])
    descriptor = resolve(font.get("/FontDescriptor"))
    if descriptor is None:
        return None
    return next((k for k in ("/FontFile2", "/FontFile", "/FontFile3") if k in descriptor), None)


@pytest.mark.parametrize("case", CASES)
def test_every_font_resource_has_an_embedded_truetype_program(
    case: str, request: pytest.FixtureRequest
) -> None:
    rendered: Rendered = request.getfixturevalue(case)
    fonts = fonts_of(rendered.reader)
    assert fonts, "no fonts found"
    not_embedded = sorted({str(f.get("/BaseFont")) for f in fonts if font_program(f) != "/FontFile2"})
    assert not_embedded == [], f"fonts without an embedded TrueType program: {not_embedded}"


@needs_tool("pdffonts")
@pytest.mark.parametrize("case", CASES)
def test_pdffonts_lists_only_embedded_non_base14_fonts(
    case: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    rendered: Rendered = request.getfixturevalue(case)
    rows = pdffonts(rendered.write(tmp_path))
    assert rows
    assert [r["name"] for r in rows if r["emb"] != "yes"] == []
    assert [r["name"] for r in rows if r["name"].split("+")[-1].startswith(BASE14)] == []
    assert any("AtkinsonHyperlegible" in r["name"] for r in rows)


@needs_tool("pdffonts")
def test_symbols_come_from_the_embedded_fallback_font(symbols_pdf: Rendered, tmp_path: Path) -> None:
    rows = pdffonts(symbols_pdf.write(tmp_path))
    dejavu = [r for r in rows if "DejaVu" in r["name"]]
    assert dejavu, rows
    assert all(r["emb"] == "yes" for r in dejavu)


def test_symbols_print_and_extract(symbols_pdf: Rendered) -> None:
    text = all_text(symbols_pdf.reader)
    assert "✓" in text
    assert "→" in text
    assert "Sitting → tight hips" in text


def test_symbol_runs_use_the_fallback_font(symbols_pdf: Rendered) -> None:
    fonts = {str(f.get("/BaseFont")) for f in fonts_of(symbols_pdf.reader)}
    assert any("DejaVuSans" in name for name in fonts), fonts


def test_a_character_no_font_has_is_a_validation_error(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["render", str(DATA / "errors" / "cjk.yaml"), "-o", str(out)])
    assert result.exit_code == 1
    assert "self_care.items[2].text" in result.stderr
    assert "U+4E00" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()


def test_a_patient_name_no_font_can_draw_is_an_input_error(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    result = runner.invoke(
        main, ["render", str(DATA / "minimal.yaml"), "--patient", "李小龙", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert "U+674E" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()
