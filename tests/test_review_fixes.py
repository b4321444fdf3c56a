"""Mistakes found in review: outputs that would replace inputs or special files, folders in the
way, text the fonts cannot draw on a booklet's cover, very large type, metadata markup."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import BUNDLED_ID, DATA, LIBRARY, render_bytes

from psoaspdf import api
from psoaspdf.cli import main

MINIMAL = DATA / "minimal.yaml"


def test_render_never_replaces_its_own_handout(tmp_path: Path, runner: CliRunner) -> None:
    handout = tmp_path / "same.yaml"
    shutil.copy(MINIMAL, handout)
    before = handout.read_bytes()
    result = runner.invoke(main, ["render", str(handout), "-o", str(handout)])
    assert result.exit_code == 4
    assert handout.read_bytes() == before


def test_render_wants_a_pdf_file_name(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["render", str(MINIMAL), "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 4
    assert "ending in .pdf" in result.stderr


def test_a_booklet_never_replaces_a_clinic_pdf(tmp_path: Path, runner: CliRunner) -> None:
    clinic = tmp_path / "welcome.pdf"
    shutil.copy(LIBRARY / "forms" / "riverbend-welcome.pdf", clinic)
    before = clinic.read_bytes()
    result = runner.invoke(main, ["booklet", BUNDLED_ID, str(clinic), "-o", str(clinic)])
    assert result.exit_code == 4
    assert clinic.read_bytes() == before


def test_a_read_only_output_is_left_alone(tmp_path: Path, runner: CliRunner) -> None:
    import os

    target = tmp_path / "ro.pdf"
    target.write_bytes(b"keep me")
    target.chmod(0o444)
    if os.access(target, os.W_OK):
        pytest.skip("running as root: read-only files are writable")
    result = runner.invoke(main, ["render", str(MINIMAL), "-o", str(target)])
    assert result.exit_code == 4
    assert target.read_bytes() == b"keep me"


def test_a_file_in_the_way_of_an_output_folder_is_a_clear_error(tmp_path: Path, runner: CliRunner) -> None:
    blocker = tmp_path / "plainfile"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(main, ["illustration", BUNDLED_ID, "-o", str(blocker / "figs")])
    assert result.exit_code == 4
    assert "Traceback" not in result.output
    result = runner.invoke(main, ["preview", str(MINIMAL), "-o", str(blocker / "sub")])
    assert result.exit_code == 4


@pytest.mark.parametrize("option", [["--title", "Heft 一"], ["--patient", "王芳"], ["--title", "a\x07b"]])
def test_booklet_text_without_glyphs_is_invalid_input(
    option: list[str], tmp_path: Path, runner: CliRunner
) -> None:
    result = runner.invoke(main, ["booklet", str(MINIMAL), *option, "-o", str(tmp_path / "b.pdf")])
    assert result.exit_code == 1, result.output
    if option[0] == "--patient":  # the field and the kind of writing, not the patient's name
        assert "patient: the patient's name has Chinese, Japanese or Korean letters" in result.stderr
    else:
        assert "no embedded font has a glyph" in result.stderr
    assert "王" not in result.stderr and "芳" not in result.stderr


def test_marks_need_impose(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["booklet", str(MINIMAL), "--marks", "-o", str(tmp_path / "b.pdf")])
    assert result.exit_code == 2


@pytest.mark.parametrize("size", [17, 24])
def test_the_largest_type_a_layout_allows_still_lays_out(size: int, tmp_path: Path) -> None:
    layout = tmp_path / "large.yaml"
    layout.write_text(f"fonts:\n  size: {size}\npage:\n  paper: a4\n  margin_mm: 40\n", encoding="utf-8")
    reader = pypdf.PdfReader(
        io.BytesIO(render_bytes(BUNDLED_ID, layout, personal=api.model.Personal(clinician="Dr Lee")))
    )
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Bird dog" in text and "When to get help" in text


def test_metadata_and_outline_show_text_without_emphasis_marks(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    (tmp_path / "h.yaml").write_text(
        text.replace(title, 'title: "**Knee** pain *today* 3*4"'), encoding="utf-8"
    )
    reader = pypdf.PdfReader(io.BytesIO(render_bytes(tmp_path / "h.yaml")))
    assert reader.metadata is not None
    assert reader.metadata["/Title"] == "Knee pain today 3*4"


def test_a_copied_layout_folder_gives_the_same_pdf(tmp_path: Path) -> None:
    copy = tmp_path / "layouts"
    shutil.copytree(LIBRARY / "layouts", copy)
    (copy / "riverbend-logo.svg").touch()
    assert render_bytes(MINIMAL, copy / "riverbend.yaml") == render_bytes(
        MINIMAL, LIBRARY / "layouts" / "riverbend.yaml"
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("base: standing\n", "pose"),
        ("name: Compact\nexercises: compact\n", "layout"),
        ("title: T\nitems:\n  - divider: A\n", "booklet"),
        ("clinics: [riverbend]\n", "manifest"),
        ("titel: T\nkey_message: K\n", "handout"),
    ],
)
def test_validate_knows_what_kind_of_file_it_reads(text: str, kind: str, tmp_path: Path) -> None:
    from psoaspdf.yamlsrc import load_text

    path = tmp_path / "file.yaml"
    path.write_text(text, encoding="utf-8")
    assert api.detect_kind(path, load_text(text, "file.yaml")) == kind


def test_right_to_left_text_is_refused_rather_than_printed_backwards(
    tmp_path: Path, runner: CliRunner
) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace('summary: "', 'summary: "שלום ')
    (tmp_path / "rtl.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(tmp_path / "rtl.yaml")])
    assert result.exit_code == 1
    assert "summary: right-to-left text" in result.stderr
