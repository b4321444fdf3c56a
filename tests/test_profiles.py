"""Print profiles: large print (body text 18 pt or more) and ink-saving (grey line work only)."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from click.testing import CliRunner
from conftest import BUNDLED_ID, text_runs

from psoaspdf import api
from psoaspdf.cli import main


def render(runner: CliRunner, tmp_path: Path, *options: str) -> bytes:
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["render", BUNDLED_ID, "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_large_print_sets_body_text_at_18_pt_or_more(runner: CliRunner, tmp_path: Path) -> None:
    data = render(runner, tmp_path, "--large-print")
    reader = pypdf.PdfReader(io.BytesIO(data))
    margin = api.with_profile(api.model.Layout(), "large-print").page.margin_mm * 72 / 25.4
    height = float(reader.pages[0].mediabox.height)
    body = [r for r in text_runs(reader) if margin + 45 < r.y < height - margin - 46]
    sizes = sorted(round(r.size, 1) for r in body)
    assert sizes[len(sizes) // 2] >= 18  # most body text
    assert len(reader.pages) > len(pypdf.PdfReader(io.BytesIO(render(runner, tmp_path))).pages)


@pytest.mark.parametrize(
    "command",
    [
        ["render", BUNDLED_ID],
        ["render", "iliopsoas-back-pain-es", "--paper", "a4"],
        ["program", "back-core-four", "--patient", "Ana"],
    ],
    ids=["handout", "spanish-a4", "program"],
)
def test_large_print_prints_no_word_under_16_pt(
    command: list[str], runner: CliRunner, tmp_path: Path
) -> None:
    """Every word on every page: captions, dose labels, the tick chart's days, the header, the
    footer and the page number, not only the body."""
    out = tmp_path / "lp.pdf"
    result = runner.invoke(main, [*command, "--large-print", "-o", str(out)])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(out)
    runs = [r for r in text_runs(reader) if r.text.strip()]
    pages = {r.page for r in runs}
    assert pages == set(range(1, len(reader.pages) + 1))
    assert any("Page 1 of" in r.text or "Página 1 de" in r.text for r in runs)  # the footer was read too
    small = [(r.page, r.text[:30], round(r.size, 1)) for r in runs if r.size < 16 - 0.01]
    assert small == []


def test_ink_saving_prints_only_greys(runner: CliRunner, tmp_path: Path) -> None:
    data = render(runner, tmp_path, "--ink-saving")
    document = pypdfium2.PdfDocument(data)
    for index in range(len(document)):
        image = document[index].render(scale=0.5).to_pil().convert("RGB")
        raw = image.tobytes()  # RGB triples; works on every Pillow version
        pixels = (raw[i : i + 3] for i in range(0, len(raw), 3))
        coloured = [p for p in pixels if max(p) - min(p) > 24]
        assert not coloured, (index, coloured[:3])


def test_a_layout_can_choose_a_profile(tmp_path: Path) -> None:
    layout = tmp_path / "lp.yaml"
    layout.write_text("profile: large-print\n", encoding="utf-8")
    inputs = api.load_inputs(BUNDLED_ID, str(layout))
    assert inputs.layout.fonts.size >= 18
    assert inputs.layout.exercises == "cards"


def test_in_large_print_each_dose_is_whole_and_on_the_page_of_the_last_step(
    runner: CliRunner, tmp_path: Path
) -> None:
    from conftest import plain, squash

    from psoaspdf.wording import dose_cells, labels

    pages = [
        squash(p.extract_text() or "")
        for p in pypdf.PdfReader(io.BytesIO(render(runner, tmp_path, "--large-print"))).pages
    ]
    inputs = api.load_inputs(BUNDLED_ID)
    for exercise in inputs.handout.exercises:
        last = squash(plain(exercise.steps[-1]))
        found = [n for n, text in enumerate(pages) if last in text and "Howoften" in text.split(last, 1)[1]]
        assert found, f"{exercise.name}: the last step and its dose are not on one page"
        after = pages[found[0]].split(last, 1)[1]
        # the whole dose follows the step on that page: every label, before the next exercise
        for label, value in dose_cells(exercise.dose, labels("en")):
            assert squash(label + value) in after.split("Exercise")[0], (exercise.name, label)


def test_large_print_with_a_clinic_footer_keeps_every_line_on_the_page(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Riverbend's footer has a third line; at 16 pt its lines wrap, and before the footer band
    grew they ran off the bottom of the page."""
    out = tmp_path / "lp.pdf"
    result = runner.invoke(main, ["render", BUNDLED_ID, "-l", "riverbend", "--large-print", "-o", str(out)])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(out)
    runs = [r for r in text_runs(reader) if r.text.strip()]
    low = [(r.page, r.text[:30], round(r.y)) for r in runs if r.y < 14]
    assert low == []
    assert all(any("Page" in r.text and r.page == n for r in runs) for n in range(1, len(reader.pages) + 1))
