"""Every font is embedded; symbols come from the embedded fallback; unknown glyphs are errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import DATA, Rendered, all_text, fonts_of, needs_tool, pdffonts, resolve

from psoaspdf.cli import main
from psoaspdf.library import package_data

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
    # the field and the kind of writing, never the name itself (not even as code points)
    assert "patient: the patient's name has Chinese, Japanese or Korean letters" in result.stderr
    assert "李" not in result.stderr and "U+674E" not in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()


# --- fonts per script ---------------------------------------------------------------------------

FONT_DIR = package_data("fonts")
LIBERATION = Path("/usr/share/fonts/truetype/liberation")
CYRILLIC = "Боль в колене"  # Atkinson Hyperlegible has no Cyrillic letters at all
GREEK = "Ωμέγα πόνος"  # it has a few Greek letters (Ω, π, μ), not the rest


def _scripts(tmp_path: Path, write_variant: Any, scripts: str, fonts: tuple[Path, ...]) -> tuple[Path, Path]:
    """A handout with Cyrillic and Greek text, and a layout naming ``fonts`` (copied beside it)."""
    for font in fonts:
        (tmp_path / font.name).write_bytes(font.read_bytes())
    layout = tmp_path / "layout.yaml"
    layout.write_text(f"name: Scripts\nfonts:\n  scripts:\n{scripts}", encoding="utf-8")
    handout = write_variant(
        {
            "Pain at the front of the knee": f"{CYRILLIC} and {GREEK}",
            "**rest when it hurts**": f"**rest when it hurts: {GREEK}**",
        }
    )
    return handout, layout


def _fonts_of_runs(pdf: bytes, letters: str) -> set[str]:
    import io

    import pypdf
    from conftest import text_runs

    runs = text_runs(pypdf.PdfReader(io.BytesIO(pdf)))
    return {r.font.split("+")[-1] for r in runs if any(c in letters for c in r.text)}


def test_without_script_fonts_cyrillic_comes_from_the_fallback(tmp_path: Path, write_variant: Any) -> None:
    from conftest import render_bytes

    handout, _ = _scripts(tmp_path, write_variant, "    {}\n", ())
    assert _fonts_of_runs(render_bytes(handout), "Болькен") == {"DejaVuSans"}


@needs_tool("pdffonts")
def test_a_layout_names_a_font_for_cyrillic(tmp_path: Path, write_variant: Any) -> None:
    from conftest import render_bytes

    # DejaVu Sans Bold has Cyrillic and is not the fallback for regular text: it shows the choice
    handout, layout = _scripts(
        tmp_path, write_variant, "    cyrillic: DejaVuSans-Bold.ttf\n", (FONT_DIR / "DejaVuSans-Bold.ttf",)
    )
    pdf = render_bytes(handout, layout)
    assert _fonts_of_runs(pdf, "Болькен") == {"DejaVuSans-Bold"}
    assert _fonts_of_runs(pdf, "έγα") == {"DejaVuSans"}  # Greek is not named: the fallback, as before
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    rows = pdffonts(path)
    assert [r["name"] for r in rows if r["emb"] != "yes"] == []
    assert any(r["name"].endswith("+DejaVuSans-Bold") for r in rows)


@pytest.mark.skipif(
    not (LIBERATION / "LiberationSans-Regular.ttf").is_file(),
    reason="Liberation fonts not installed (Debian: fonts-liberation)",
)
def test_a_script_font_with_its_bold(tmp_path: Path, write_variant: Any) -> None:
    from conftest import render_bytes

    scripts = "    greek:\n      regular: LiberationSans-Regular.ttf\n      bold: LiberationSans-Bold.ttf\n"
    fonts = (LIBERATION / "LiberationSans-Regular.ttf", LIBERATION / "LiberationSans-Bold.ttf")
    handout, layout = _scripts(tmp_path, write_variant, scripts, fonts)
    pdf = render_bytes(handout, layout)
    # every Greek letter from the named font, even those Atkinson Hyperlegible has (Ω, π, μ);
    # in the bold key message, from its bold
    assert _fonts_of_runs(pdf, "Ωμέγαπόνος") == {"LiberationSans", "LiberationSans-Bold"}
    assert _fonts_of_runs(pdf, "Болькен") == {"DejaVuSans"}


def test_a_script_font_without_that_script_is_a_layout_error(
    tmp_path: Path, write_variant: Any, runner: CliRunner
) -> None:
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # Latin only
    handout, layout = _scripts(tmp_path, write_variant, "    cyrillic: Vera.ttf\n", (vera,))
    result = runner.invoke(main, ["render", str(handout), "-l", str(layout), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert f"{layout}:4:15: fonts.scripts.cyrillic.regular:" in result.stderr
    assert "has no Cyrillic letters" in result.stderr


def test_a_letter_no_font_has_is_still_an_error_naming_field_and_code_point(
    tmp_path: Path, write_variant: Any, runner: CliRunner
) -> None:
    handout, layout = _scripts(
        tmp_path, write_variant, "    cyrillic: DejaVuSans-Bold.ttf\n", (FONT_DIR / "DejaVuSans-Bold.ttf",)
    )
    handout.write_text(
        handout.read_text(encoding="utf-8").replace(CYRILLIC, CYRILLIC + " 一"), encoding="utf-8"
    )
    result = runner.invoke(main, ["render", str(handout), "-l", str(layout), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "symptoms.groups[1].items[1]" in result.stderr and "U+4E00" in result.stderr


def test_runs_pick_the_script_font_first() -> None:
    from psoaspdf import model
    from psoaspdf.render.fonts import load_fonts, script_of

    assert [script_of(c) for c in "aΩЖԱა1→"] == [
        None,
        "greek",
        "cyrillic",
        "armenian",
        "georgian",
        None,
        None,
    ]
    fonts = load_fonts(model.Fonts())
    assert fonts.font_for("a") == "" and fonts.font_for(" ") == ""
    assert fonts.font_for("→") == fonts.fallback
    assert fonts.font_for("一") is None
    assert fonts.runs("Ab → c") == [("", "Ab "), (fonts.fallback, "→"), ("", " c")]


def test_two_layouts_with_one_regular_font_keep_their_own_bold(tmp_path: Path, write_variant: Any) -> None:
    """Parsed paragraph markup is reused between renders; what <b> means is not, since two
    layouts may pair one regular font with different bold ones (the mapping is global)."""
    import io

    import pypdf
    import reportlab
    from conftest import render_bytes, text_runs

    vera = Path(reportlab.__file__).parent / "fonts"  # Bitstream Vera, shipped with ReportLab
    for font in ("Vera.ttf", "VeraBd.ttf"):
        (tmp_path / font).write_bytes((vera / font).read_bytes())
    handout = write_variant({'"Stiffness in the morning"': '"**Stiffness** in the morning"'})
    layouts = {}
    for name, bold in (("bold", "VeraBd.ttf"), ("plain", "Vera.ttf")):
        layouts[name] = tmp_path / f"{name}.yaml"
        layouts[name].write_text(
            f"name: {name}\nfonts:\n  regular: Vera.ttf\n  bold: {bold}\n", encoding="utf-8"
        )

    def fonts_of(pdf: bytes, word: str) -> set[str]:
        runs = text_runs(pypdf.PdfReader(io.BytesIO(pdf)))
        return {r.font.split("+")[-1] for r in runs if word in r.text}

    # the same paragraph, one after the other in this process, then the first layout again
    bold, regular = {"BitstreamVeraSans-Bold"}, {"BitstreamVeraSans-Roman"}
    assert fonts_of(render_bytes(handout, layouts["bold"]), "Stiffness") == bold
    assert fonts_of(render_bytes(handout, layouts["plain"]), "Stiffness") == regular
    assert fonts_of(render_bytes(handout, layouts["bold"]), "Stiffness") == bold
    assert fonts_of(render_bytes(handout, layouts["bold"]), "in the morning") == regular
