"""Paper sizes from --paper and from layouts; qpdf finds nothing wrong with the files."""

from __future__ import annotations

import io
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


def test_the_bundled_handout_fits_a4_too(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "a4.pdf"
    result = runner.invoke(main, ["render", "iliopsoas-back-pain", "--paper", "a4", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert_size(out.read_bytes(), A4)


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
