"""Same inputs, same bytes: in one process, across processes, and with SOURCE_DATE_EPOCH."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from conftest import BUNDLED_ID, DATA, Rendered, render_bytes, visible

import psoaspdf
from psoaspdf.library import bundled_dir


def test_two_renders_in_one_process_are_identical(bundled_pdf: Rendered) -> None:
    again = render_bytes(BUNDLED_ID)
    assert again == bundled_pdf.data


def test_two_renders_with_a_layout_are_identical(riverbend_pdf: Rendered) -> None:
    assert render_bytes(BUNDLED_ID, "riverbend") == riverbend_pdf.data


def cli_render(handout: Path, out: Path, hash_seed: str, epoch: str | None = None) -> None:
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    env["PYTHONHASHSEED"] = hash_seed  # set and dict order must not leak into the bytes
    # run the same psoaspdf these tests import, whichever way it is installed
    package_root = str(Path(psoaspdf.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = package_root + os.pathsep + env.get("PYTHONPATH", "")
    command = [sys.executable, "-m", "psoaspdf", "render", str(handout), "-l", "riverbend", "-o", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=out.parent, timeout=120)
    assert result.returncode == 0, result.stderr


def test_two_separate_cli_runs_write_identical_files(tmp_path: Path) -> None:
    handout = bundled_dir("handouts") / f"{BUNDLED_ID}.yaml"
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    cli_render(handout, first, "1")
    cli_render(handout, second, "2")
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().startswith(b"%PDF-")


def test_source_date_epoch_is_honoured_and_output_stays_reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    first = render_bytes(DATA / "minimal.yaml")
    second = render_bytes(DATA / "minimal.yaml")
    assert first == second
    meta = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert meta is not None
    assert meta["/CreationDate"].startswith("D:20231114221320")
    assert meta["/ModDate"].startswith("D:20231114221320")

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    later = render_bytes(DATA / "minimal.yaml")
    assert later != first  # the date is the only thing that moved
    later_meta = pypdf.PdfReader(io.BytesIO(later)).metadata
    assert later_meta is not None
    assert later_meta["/CreationDate"].startswith("D:20270115080000")


def test_source_date_epoch_across_processes(tmp_path: Path) -> None:
    handout = DATA / "minimal.yaml"
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    cli_render(handout, first, "3", epoch="1700000000")
    cli_render(handout, second, "4", epoch="1700000000")
    assert first.read_bytes() == second.read_bytes()


def test_a_figure_from_the_cache_prints_the_same_bytes_as_one_drawn_afresh() -> None:
    """A figure's drawing operators are kept for the next PDF that shows it; a render that takes
    them from there writes the same file as one that draws every figure anew."""
    from psoaspdf.render import assets

    assets._FORM_CODE.clear()
    fresh = render_bytes(BUNDLED_ID)
    assert assets._FORM_CODE, "the handout's figures should be kept for the next render"
    assert all(not any("/" in op for op in code) for code in assets._FORM_CODE.values())
    assert render_bytes(BUNDLED_ID) == fresh


def test_a_paragraph_measured_twice_at_one_width_breaks_its_lines_once() -> None:
    """Tables and kept-together groups measure a paragraph again at the same width; its lines
    are broken once, and a new width breaks them again."""
    from reportlab.lib.styles import ParagraphStyle

    from psoaspdf.render.tags import TaggedParagraph

    paragraph = TaggedParagraph("one two three four five six seven eight nine ten", ParagraphStyle("p"))
    calls = 0
    original = paragraph.breakLines

    def counted(widths: list[float]) -> object:
        nonlocal calls
        calls += 1
        return original(widths)

    paragraph.breakLines = counted  # type: ignore[method-assign]
    narrow = paragraph.wrap(60, 1000)
    assert paragraph.wrap(60, 500) == narrow and calls == 1
    wide = paragraph.wrap(400, 1000)
    assert calls == 2 and wide[1] < narrow[1]
    del paragraph.blPara  # as ReportLab's split may leave it
    assert paragraph.wrap(400, 1000) == wide and calls == 3


def test_registering_a_font_never_searches_for_type1_metrics(tmp_path: Path) -> None:
    """Asking ReportLab for a font it does not know parses every Type 1 metrics file it has
    (about 50 ms at each start); a first render must not ask."""
    code = (
        "import reportlab.pdfbase.pdfmetrics as m\n"
        "def refuse(*a, **k): raise AssertionError('searched for Type 1 metrics')\n"
        "m.bruteForceSearchForAFM = refuse\n"
        "from psoaspdf import api\n"
        f"api.render_to_file({BUNDLED_ID!r}, __import__('pathlib').Path({str(tmp_path / 'h.pdf')!r}))\n"
    )
    package_root = str(Path(psoaspdf.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": package_root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "h.pdf").stat().st_size > 10_000


def test_a_font_subset_written_before_is_used_again_with_the_same_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every copy of a handout embeds the same subsets of its fonts: the second render makes
    none anew (nor compresses one), and writes the same file."""
    from reportlab.pdfbase.ttfonts import TTFontFace

    first = render_bytes(BUNDLED_ID)
    made: list[int] = []
    original = TTFontFace.makeSubset

    def counted(self: TTFontFace, subset: list[int]) -> bytes:
        made.append(len(subset))
        return original(self, subset)

    monkeypatch.setattr(TTFontFace, "makeSubset", counted)
    assert render_bytes(BUNDLED_ID) == first
    assert made == []
    assert b"/FontFile2" in visible(first)


@pytest.mark.parametrize(
    "ctm",
    [(1, 0, 0, 1, 62.4, 118.5), (2, 0, 0, 0.5, -10, 30), (0, 1, -1, 0, 300, 20), (1.5, 0.3, -0.2, 0.8, 5, 7)],
)
def test_a_part_drawn_again_undoes_the_transformation_it_was_drawn_under(ctm: tuple[float, ...]) -> None:
    """A stamped part goes where the blank's was in the page's content, under the blank's
    transformation there: what it writes first ("inverse cm") must take it back to the page's."""
    from psoaspdf.impose import _then
    from psoaspdf.render.stamp import _inverse

    written = _inverse(ctm)
    assert written is not None
    inverse = tuple(float(v) for v in written.split())
    # "inverse cm" under ctm: the new matrix applies inverse, then ctm: it must be the identity
    assert _then(inverse, ctm) == pytest.approx((1, 0, 0, 1, 0, 0), abs=1e-5)
    assert _inverse((0, 0, 0, 0, 1, 1)) is None  # no way back from a flattened drawing
