"""Illustrations in handouts: every shipped exercise has a figure, figures are stored once and
read cleanly, compact layouts put two cards in a row, and `psoaspdf illustration` draws figures."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import BUNDLED_ID, DATA, LIBRARY, Rendered, needs_tool, render_bytes, text_runs
from PIL import Image

from psoaspdf import api, model
from psoaspdf.cli import main
from psoaspdf.render.document import render_pdf
from psoaspdf.validate import load_handout


def form_xobjects(reader: pypdf.PdfReader) -> set[int]:
    """Object numbers of the form XObjects the pages use."""
    found = set()
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for ref in xobjects.values():
            if ref.get_object().get("/Subtype") == "/Form":
                found.add(ref.idnum)
    return found


def test_every_shipped_exercise_has_a_pose_figure_with_alt_text() -> None:
    handouts = sorted((LIBRARY / "handouts").glob("*.yaml"))
    assert handouts
    for path in handouts:
        for exercise in load_handout(path).exercises:
            assert exercise.illustration is not None, (path.name, exercise.name)
            assert exercise.illustration.pose is not None, (path.name, exercise.name)
            assert len(exercise.illustration.alt) >= 10


def test_each_figure_of_the_bundled_handout_is_one_form(bundled_pdf: Rendered) -> None:
    poses = {e.illustration.pose for e in bundled_pdf.inputs.handout.exercises if e.illustration}
    assert len(form_xobjects(bundled_pdf.reader)) == len(poses) == 5


def test_a_figure_used_twice_is_stored_once() -> None:
    handout = load_handout(LIBRARY / "handouts" / f"{BUNDLED_ID}.yaml")
    doubled = dataclasses.replace(handout, exercises=handout.exercises + handout.exercises[:2])
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(doubled, model.Layout())))
    assert len(form_xobjects(reader)) == 5  # seven cards, five figures


@needs_tool("pdftoppm")
def test_figures_render_without_reader_complaints(bundled_pdf: Rendered, tmp_path: Path) -> None:
    pdf = bundled_pdf.write(tmp_path)
    result = subprocess.run(
        ["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page")], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stderr == ""  # e.g. no "ExtGState 'gRLs0' is unknown" from a form


def compact_layout(tmp_path: Path, style: str) -> Path:
    layout = tmp_path / f"{style}.yaml"
    layout.write_text(f"name: {style}\nexercises: {style}\n", encoding="utf-8")
    return layout


def exercise_pages(data: bytes, names: list[str]) -> list[int]:
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]
    return [next(i for i, text in enumerate(pages) if name in text) for name in names]


def test_compact_layout_puts_two_short_exercises_in_a_row(tmp_path: Path) -> None:
    handout = DATA / "illustrated.yaml"
    cards = render_bytes(handout, compact_layout(tmp_path, "cards"))
    compact = render_bytes(handout, compact_layout(tmp_path, "compact"))
    names = ["Exercise 1: Hip stretch", "Exercise 2: Bridge"]
    first, second = exercise_pages(compact, names)
    assert first == second
    # side by side: the second card's title starts at the same height, further right
    runs = text_runs(pypdf.PdfReader(io.BytesIO(compact)))
    (x1, y1), (x2, y2) = (
        (
            next(r.x for r in runs if n.split(": ")[1] in r.text),
            next(r.y for r in runs if n.split(": ")[1] in r.text),
        )
        for n in names
    )
    assert abs(y1 - y2) < 1 and x2 > x1 + 150
    assert len(pypdf.PdfReader(io.BytesIO(compact)).pages) <= len(pypdf.PdfReader(io.BytesIO(cards)).pages)


def test_compact_layout_gives_long_exercises_full_cards(tmp_path: Path) -> None:
    data = render_bytes(BUNDLED_ID, compact_layout(tmp_path, "compact"))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 8  # the bundled exercises are too long for half a page: no crash


def test_an_unknown_exercise_layout_lists_the_choices(tmp_path: Path) -> None:
    from psoaspdf.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        api.load_inputs(BUNDLED_ID, str(compact_layout(tmp_path, "grid")))
    (problem,) = caught.value.problems
    assert problem.field == "exercises"
    assert "cards, compact" in problem.message


POSE = "base: half-kneeling\njoints: {left_hip: -15}\nprops: [mat]\nhighlight: [iliopsoas]\n"


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_illustration_command_draws_a_pose_file(suffix: str, runner: CliRunner, tmp_path: Path) -> None:
    pose = tmp_path / "stretch.yaml"
    pose.write_text(POSE, encoding="utf-8")
    out = tmp_path / f"fig.{suffix}"
    result = runner.invoke(main, ["illustration", str(pose), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if suffix == "png":
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG" and image.width > 100
    elif suffix == "svg":
        assert ET.fromstring(data).tag.endswith("svg")
    else:
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1


def test_illustration_command_draws_every_figure_of_a_handout(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        main, ["illustration", BUNDLED_ID, "-o", str(tmp_path / "figs"), "--format", "svg"]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "figs").iterdir())
    assert written == [f"{BUNDLED_ID}-{n}.svg" for n in range(1, 6)]


def test_illustration_command_names_a_bad_joint(runner: CliRunner, tmp_path: Path) -> None:
    pose = tmp_path / "bad.yaml"
    pose.write_text("base: standing\njoints:\n  left_knee: 170\n", encoding="utf-8")
    result = runner.invoke(main, ["illustration", str(pose), "-o", str(tmp_path / "x.png")])
    assert result.exit_code == 1
    assert "bad.yaml:3:14: joints.left_knee: 170 is out of range; use 0 to 150" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.png").exists()


def test_illustration_command_refuses_an_unknown_picture_format(runner: CliRunner, tmp_path: Path) -> None:
    pose = tmp_path / "p.yaml"
    pose.write_text(POSE, encoding="utf-8")
    result = runner.invoke(main, ["illustration", str(pose), "-o", str(tmp_path / "x.gif")])
    assert result.exit_code == 1
    assert "png, .svg or .pdf" in result.stderr


def test_a_handout_without_poses_says_so(runner: CliRunner, tmp_path: Path) -> None:
    shutil.copy(DATA / "minimal.yaml", tmp_path / "minimal.yaml")
    result = runner.invoke(main, ["illustration", str(tmp_path / "minimal.yaml"), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "no exercise has a pose to draw" in result.stderr
