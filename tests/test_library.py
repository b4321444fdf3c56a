"""A clinic's library: files name each other anywhere under its root, never outside it.

The library a clinic keeps: booklets/, handouts/, forms/, layouts/ and images/ side by side, the
booklet naming ../handouts/, ../forms/ and ../layouts/, handouts sharing one ../images/ folder.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner, Result
from conftest import DATA, REPO, all_text, contains

from psoaspdf.cli import main
from psoaspdf.library import MARKER, Root, bundled_root, find_root, inside

CLINIC_LAYOUT = """\
name: Northside
clinic:
  name: Northside Physio
  logo: ../images/logo.png
  contact:
    phone: "555 0100"
"""


def make_library(top: Path, marker: bool = True) -> Path:
    """A clinic's library under ``top``, laid out as clinics keep one; return its root."""
    for folder in ("booklets", "handouts", "forms", "layouts", "images", "batch"):
        (top / folder).mkdir(parents=True)
    shutil.copy(DATA / "images" / "square.png", top / "images" / "logo.png")
    shutil.copy(DATA / "images" / "square.png", top / "images" / "square.png")
    shutil.copy(DATA / "images" / "stretch.svg", top / "images" / "stretch.svg")
    knee = (DATA / "illustrated.yaml").read_text(encoding="utf-8")
    knee = knee.replace("image: images/", "image: ../images/")
    (top / "handouts" / "knee.yaml").write_text(knee, encoding="utf-8")
    (top / "layouts" / "clinic.yaml").write_text(CLINIC_LAYOUT, encoding="utf-8")
    shutil.copy(bundled_root() / "forms" / "riverbend-welcome.pdf", top / "forms" / "intake.pdf")
    (top / "booklets" / "knee-care.yaml").write_text(
        "title: Caring for your knee\n"
        "layout: ../layouts/clinic.yaml\n"
        "items:\n"
        "  - pdf: ../forms/intake.pdf\n"
        "    title: Before your visit\n"
        "  - handout: ../handouts/knee.yaml\n"
        "  - handout: iliopsoas-back-pain\n",
        encoding="utf-8",
    )
    (top / "batch" / "manifest.yaml").write_text(
        "output: ../out\n"
        "clinics: [../layouts/clinic.yaml]\n"
        "handouts: [../handouts/knee.yaml]\n"
        "booklets: [../booklets/knee-care.yaml]\n"
        "patients: patients.csv\n",
        encoding="utf-8",
    )
    (top / "batch" / "patients.csv").write_text(
        "patient_id,name,item\nP1,Ann Example,../handouts/knee.yaml\nP2,Bo Example,knee-care\n"
        "P3,Cy Example,../../outside.yaml\n",
        encoding="utf-8",
    )
    if marker:
        (top / MARKER).write_text("", encoding="utf-8")
    return top


def run(runner: CliRunner, cwd: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(cwd)
    return runner.invoke(main, args)


def pdf_text(path: Path) -> str:
    return all_text(pypdf.PdfReader(io.BytesIO(path.read_bytes())))


def test_a_marked_library_builds_from_anywhere(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_library(tmp_path / "library")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    booklet = root / "booklets" / "knee-care.yaml"
    result = run(runner, elsewhere, ["booklet", str(booklet), "-o", "knee.pdf"], monkeypatch)
    assert result.exit_code == 0, result.output
    text = pdf_text(elsewhere / "knee.pdf")
    for words in (
        "Caring for your knee",
        "Northside Physio",
        "Before your visit",
        "Test handout with pictures",
    ):
        assert contains(text, words), words
    result = run(runner, elsewhere, ["validate", str(root)], monkeypatch)
    assert result.exit_code == 1  # only the patients row that leads outside (see below)
    assert "patients.csv:4" in result.stderr and "leads outside the library root" in result.stderr


def test_an_unmarked_library_builds_from_its_own_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a psoaspdf.toml the current folder is the root, as for a clinic working in it."""
    root = make_library(tmp_path / "library", marker=False)
    result = run(runner, root, ["booklet", "booklets/knee-care.yaml", "-o", "knee.pdf"], monkeypatch)
    assert result.exit_code == 0, result.output
    assert contains(pdf_text(root / "knee.pdf"), "Northside Physio")


def test_an_unmarked_library_from_elsewhere_lists_every_path_problem_once(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from another folder, each file's own folder is its root: every name leading out is
    listed in one run, each saying what the root is and how to change it."""
    root = make_library(tmp_path / "library", marker=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    booklet = root / "booklets" / "knee-care.yaml"
    result = run(runner, elsewhere, ["booklet", str(booklet), "-o", "knee.pdf"], monkeypatch)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    fields = ["layout", "items[1].pdf", "items[2].handout"]
    for field in fields:
        (line,) = [x for x in lines if f": {field}: " in x]
        assert "leads outside the library root" in line
        assert str(booklet.parent.resolve()) in line  # the root is named
        assert MARKER in line and "--root" in line  # and how to change it
    assert len(lines) == len(fields)
    assert not (elsewhere / "knee.pdf").exists()


def test_root_given_on_the_command_line(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_library(tmp_path / "library", marker=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    booklet = str(root / "booklets" / "knee-care.yaml")
    args = ["booklet", booklet, "-o", "knee.pdf", "--root", str(root)]
    assert run(runner, elsewhere, args, monkeypatch).exit_code == 0
    # the same through the environment, as a clinic's night job would set it
    monkeypatch.setenv("PSOASPDF_ROOT", str(root))
    assert (
        run(runner, elsewhere, ["render", str(root / "handouts" / "knee.yaml")], monkeypatch).exit_code == 0
    )
    monkeypatch.delenv("PSOASPDF_ROOT")
    # a root that does not hold the file: one clear error naming it
    other = tmp_path / "other"
    other.mkdir()
    result = run(
        runner, elsewhere, ["render", str(root / "handouts" / "knee.yaml"), "--root", str(other)], monkeypatch
    )
    assert result.exit_code == 1
    assert f"is outside the library root {other.resolve()} (given with --root)" in result.stderr


def test_a_path_leading_outside_a_marked_root_is_one_clear_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_library(tmp_path / "library")
    (tmp_path / "private.png").write_bytes((DATA / "images" / "square.png").read_bytes())
    knee = root / "handouts" / "knee.yaml"
    knee.write_text(knee.read_text(encoding="utf-8").replace("../images/square.png", "../../private.png"))
    result = run(runner, tmp_path, ["render", str(knee), "-o", "knee.pdf"], monkeypatch)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "exercises[2].illustration.image: '../../private.png' leads outside the library root" in errors[0]
    assert f"{root.resolve()} (the nearest folder with a {MARKER})" in errors[0]
    assert not (tmp_path / "knee.pdf").exists()


def test_a_link_leading_out_of_the_root_is_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_library(tmp_path / "library")
    (tmp_path / "private.png").write_bytes((DATA / "images" / "square.png").read_bytes())
    (root / "images" / "square.png").unlink()
    (root / "images" / "square.png").symlink_to(tmp_path / "private.png")
    result = run(runner, root, ["render", "handouts/knee.yaml"], monkeypatch)
    assert result.exit_code == 1
    assert "'../images/square.png' leads outside the library root" in result.stderr


def test_a_batch_run_is_held_to_its_root(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_library(tmp_path / "library")
    result = run(
        runner, tmp_path, ["batch", str(root / "batch" / "manifest.yaml"), "-j", "1", "-q"], monkeypatch
    )
    assert result.exit_code == 5, result.output  # the row naming a file outside fails alone
    out = root / "out"
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert written == [
        "clinic/knee-care.pdf",
        "clinic/knee.pdf",
        "clinic/patients/P1-knee.pdf",
        "clinic/patients/P2-knee-care.pdf",
    ]
    assert "patients.csv:4: '../../outside.yaml' leads outside the library root" in result.stderr
    # the output folder too stays inside the root unless --out says otherwise
    manifest = root / "batch" / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("output: ../out", "output: ../../out"))
    result = run(runner, tmp_path, ["batch", str(manifest), "-j", "1", "-q"], monkeypatch)
    assert result.exit_code == 1
    assert "manifest.yaml:1:9: output: '../../out' leads outside the library root" in result.stderr
    assert not (tmp_path / "out").exists()
    result = run(
        runner, tmp_path, ["batch", str(manifest), "-j", "1", "-q", "--out", "elsewhere"], monkeypatch
    )
    assert result.exit_code == 5 and (tmp_path / "elsewhere" / "clinic" / "knee.pdf").is_file()


def test_the_root_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / "top"
    (top / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert find_root(top / "a" / "b") == Root(
        tmp_path.resolve(), f"the current folder, as no {MARKER} is above the file"
    )
    (top / MARKER).write_text("")
    assert find_root(top / "a" / "b").path == top.resolve()
    assert find_root(top / "a", given=tmp_path).path == tmp_path.resolve()
    assert find_root(bundled_root() / "handouts").why == "the built-in library"
    outside = tmp_path.parent
    monkeypatch.chdir(top / "a")
    (top / MARKER).unlink()
    assert find_root(outside).path == outside.resolve()  # not under the current folder: its own
    # the home folder and the file system's root are never taken as a root by default
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert find_root(top / "a").path == (top / "a").resolve()
    monkeypatch.chdir("/")
    assert find_root(top / "a").path == (top / "a").resolve()


def test_dot_dot_past_the_root_looks_at_nothing(tmp_path: Path) -> None:
    """'..' out of the root is refused from the text alone: a loop outside is never followed."""
    home = tmp_path / "library"
    (home / "handouts").mkdir(parents=True)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    root = Root(home.resolve(), "a test")
    assert inside(root, home / "handouts", "../images/x.png") == (home / "images" / "x.png").resolve()
    assert inside(root, home / "handouts", "../../loop/x.png") is None
    assert inside(root, home / "handouts", "../../library/images/x.png") is None  # out and back in


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PSOASPDF_ROOT"}
    command = [sys.executable, "-m", "psoaspdf", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def test_the_shipped_examples_build_from_another_folder(tmp_path: Path) -> None:
    """The README's booklet and batch examples, run from a folder that is not the checkout."""
    done = _cli(["booklet", "low-back-care", "-o", "low-back.pdf"], tmp_path)
    assert done.returncode == 0, done.stderr
    text = pdf_text(tmp_path / "low-back.pdf")
    assert contains(text, "Caring for your lower back") and contains(text, "Welcome to Riverbend")
    manifest = REPO / "examples" / "clinic-batch" / "manifest.yaml"
    done = _cli(["batch", str(manifest), "--out", "out", "-q", "-j", "2"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert (
        len(list((tmp_path / "out").rglob("*.pdf"))) == 30
    )  # 2 clinics x (handout, booklet, program) + 24 patients
    assert not (REPO / "examples" / "clinic-batch" / "out").exists()


def test_ids_name_the_librarys_own_files_before_the_built_in_ones(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bare id is a file of the library (handouts/<id>.yaml under its root), else a built-in."""
    root = make_library(tmp_path / "library")
    booklet = root / "booklets" / "knee-care.yaml"
    booklet.write_text(
        booklet.read_text(encoding="utf-8").replace("handout: ../handouts/knee.yaml", "handout: knee")
    )
    assert (
        run(runner, root / "booklets", ["booklet", "knee-care.yaml", "-o", "k.pdf"], monkeypatch).exit_code
        == 0
    )
    assert contains(pdf_text(root / "booklets" / "k.pdf"), "Test handout with pictures")
    # on the command line, from inside the library: its own id, and a built-in one
    result = run(runner, root, ["render", "knee", "-o", "knee.pdf"], monkeypatch)
    assert result.exit_code == 0, result.output
    assert run(runner, root, ["booklet", "knee-care", "-o", "kc.pdf"], monkeypatch).exit_code == 0
    assert (
        run(runner, root, ["render", "neck-pain", "-l", "clinic", "-o", "n.pdf"], monkeypatch).exit_code == 0
    )
    assert contains(pdf_text(root / "n.pdf"), "Northside Physio")
    # a clinic's own file with a built-in id wins over the built-in one
    shutil.copy(root / "handouts" / "knee.yaml", root / "handouts" / "neck-pain.yaml")
    assert run(runner, root, ["render", "neck-pain", "-o", "own.pdf"], monkeypatch).exit_code == 0
    assert contains(pdf_text(root / "own.pdf"), "Test handout with pictures")


def test_a_booklet_copy_is_rebuilt_when_a_handout_it_names_changes(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    root = make_library(tmp_path / "library")
    manifest = root / "batch" / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("patients: patients.csv\n", ""))
    args = ["batch", str(manifest), "-j", "1", "-q"]
    assert run(runner, tmp_path, args, monkeypatch).exit_code == 0
    knee = root / "handouts" / "knee.yaml"
    knee.write_text(knee.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "1.1"'))
    assert run(runner, tmp_path, args, monkeypatch).exit_code == 0
    report = json.loads((root / "out" / "report.json").read_text(encoding="utf-8"))
    statuses = {item["item"]: item["status"] for item in report["items"]}
    assert statuses == {"clinic/knee-care.pdf": "written", "clinic/knee.pdf": "written"}
    assert run(runner, tmp_path, args, monkeypatch).exit_code == 0
    report = json.loads((root / "out" / "report.json").read_text(encoding="utf-8"))
    assert {item["status"] for item in report["items"]} == {"skipped"}
