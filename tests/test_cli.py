"""The command line: exit codes, help, list, schema, new, validate, render, atomic writes."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import BUNDLED_ID, DATA, ERRORS, LIBRARY, Rendered

from psoaspdf import __version__, api, model
from psoaspdf.cli import main
from psoaspdf.errors import CannotWrite, ExitCode

GOOD = b"%PDF-1.4 an existing good file that must survive\n"


def part_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".part")]


def pages(path: Path) -> int:
    return len(pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)


# --- exit codes -----------------------------------------------------------------------------


def test_exit_codes_are_the_documented_numbers() -> None:
    """Every exit code is in the README's table, and the table has no code the program lacks."""
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    documented = {int(m) for m in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert documented == {int(c) for c in ExitCode}
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4, 5, 130]


def test_render_ok_exits_0(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["render", str(DATA / "minimal.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert pages(out) >= 1


def test_invalid_input_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["render", str(ERRORS / "wrong-type.yaml"), "-o", str(out)])
    assert result.exit_code == 1
    assert "exercises[1].dose.reps" in result.stderr
    assert "nothing was written" in result.stderr
    assert not out.exists()


def test_unknown_handout_name_exits_1_and_lists_the_bundled_ones(runner: CliRunner) -> None:
    result = runner.invoke(main, ["render", "no-such-handout"])
    assert result.exit_code == 1
    assert "no-such-handout" in result.stderr
    assert BUNDLED_ID in result.stderr


def test_missing_handout_file_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["render", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1
    assert "file not found" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["render", "x.yaml", "--bogus"],
        ["render", "x.yaml", "--paper", "a5"],
        ["render"],
        ["frobnicate"],
        ["schema", "brochure"],
        ["preview", "x.yaml", "--dpi", "5000"],
        ["validate"],
    ],
)
def test_usage_errors_exit_2(args: list[str], runner: CliRunner) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "Usage:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_validate_with_no_yaml_files_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "no .yaml files" in result.stderr


def test_internal_error_exits_3_without_traceback(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("deliberate failure for the test")

    monkeypatch.delenv("PSOASPDF_DEBUG", raising=False)
    monkeypatch.setattr(api, "render_handout", broken)
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["render", str(DATA / "minimal.yaml"), "-o", str(out)])
    assert result.exit_code == 3
    assert isinstance(result.exception, SystemExit)  # handled, not escaped
    assert "Traceback" not in result.stderr + result.stdout
    assert "internal error: RuntimeError: deliberate failure for the test" in result.stderr
    assert "PSOASPDF_DEBUG=1" in result.stderr
    assert not out.exists()


def test_internal_error_shows_the_traceback_with_debug_on(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("deliberate")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PSOASPDF_DEBUG", "1")
    monkeypatch.setattr(api, "render_handout", broken)
    result = runner.invoke(main, ["render", str(DATA / "minimal.yaml")])
    assert isinstance(result.exception, RuntimeError)


def test_missing_output_folder_exits_4(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "out.pdf"
    result = runner.invoke(main, ["render", str(DATA / "minimal.yaml"), "-o", str(out)])
    assert result.exit_code == 4
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.parent.exists()


def test_output_that_is_a_folder_exits_4(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = runner.invoke(main, ["render", str(DATA / "minimal.yaml"), "-o", str(folder)])
    assert result.exit_code == 4, result.stderr
    assert list(folder.iterdir()) == []
    assert part_files(tmp_path) == []


def test_api_refuses_to_write_over_a_folder(tmp_path: Path) -> None:
    with pytest.raises(CannotWrite, match="is a folder"):
        api.render_to_file(str(DATA / "minimal.yaml"), tmp_path)


# --- atomic writes --------------------------------------------------------------------------


def test_failed_render_leaves_an_existing_file_untouched(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "handout.pdf"
    out.write_bytes(GOOD)
    result = runner.invoke(main, ["render", str(ERRORS / "many-problems.yaml"), "-o", str(out)])
    assert result.exit_code == 1
    assert out.read_bytes() == GOOD
    assert part_files(tmp_path) == []


def test_failed_write_leaves_an_existing_file_untouched_and_no_part_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "handout.pdf"
    out.write_bytes(GOOD)

    def disk_full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    result = runner.invoke(main, ["render", str(DATA / "minimal.yaml"), "-o", str(out)])
    monkeypatch.undo()
    assert result.exit_code == 4
    assert "No space left on device" in result.stderr
    assert out.read_bytes() == GOOD
    assert part_files(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf"]


def test_successful_render_replaces_the_file_keeping_its_permissions(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "handout.pdf"
    out.write_bytes(GOOD)
    out.chmod(0o640)
    result = runner.invoke(main, ["render", str(DATA / "minimal.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert out.read_bytes() != GOOD
    assert out.stat().st_mode & 0o777 == 0o640
    assert part_files(tmp_path) == []


# --- version, help, list --------------------------------------------------------------------


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"psoaspdf, version {__version__}"


def test_main_help_lists_every_command(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout
    for name in main.commands:
        assert name in result.stdout


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_help_has_an_example(command: str, runner: CliRunner) -> None:
    for flag in ("--help", "-h"):
        result = runner.invoke(main, [command, flag])
        assert result.exit_code == 0
        assert "Example" in result.stdout
        assert f"psoaspdf {command}" in result.stdout


def test_list_shows_bundled_handouts_with_titles_and_layouts(runner: CliRunner) -> None:
    result = runner.invoke(main, ["list"])
    assert result.exit_code == 0
    handout = api.load_inputs(BUNDLED_ID).handout
    lines = result.stdout.splitlines()
    assert "handouts:" in lines
    assert "layouts:" in lines
    row = next(line for line in lines if line.split()[:1] == [BUNDLED_ID])
    assert handout.title in row
    layout_rows = lines[lines.index("layouts:") + 1 :]
    names = [line.split()[0] for line in layout_rows if line.strip()]
    assert {"default", "riverbend"} <= set(names)
    assert "Riverbend Physical Therapy" in result.stdout
    assert "invalid" not in result.stdout
    programs = lines[lines.index("programs:") + 1 : lines.index("layouts:")]
    import yaml

    example = yaml.safe_load((LIBRARY / "programs" / "back-core-four.yaml").read_text(encoding="utf-8"))
    (row,) = [line for line in programs if line.split()[:1] == ["back-core-four"]]
    assert example["title"] in row and f"({len(example['exercises'])} exercises)" in row


# --- schema ---------------------------------------------------------------------------------


def required_fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING}


@pytest.mark.parametrize(("kind", "root"), [("handout", model.Handout), ("layout", model.Layout)])
def test_schema_is_json_and_requires_exactly_the_fields_without_defaults(
    kind: str, root: type, runner: CliRunner
) -> None:
    result = runner.invoke(main, ["schema", kind])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema.get("required", [])) == required_fields(root)
    assert set(schema["properties"]) == {f.name for f in dataclasses.fields(root)}
    assert schema["additionalProperties"] is False
    for name, definition in schema["$defs"].items():
        cls = getattr(model, name)
        assert set(definition.get("required", [])) == required_fields(cls), name
        assert set(definition["properties"]) == {f.name for f in dataclasses.fields(cls)}, name


def test_handout_schema_names_the_required_handout_keys(runner: CliRunner) -> None:
    schema = json.loads(runner.invoke(main, ["schema", "handout"]).stdout)
    for key in ("id", "title", "version", "key_message", "symptoms", "get_help", "sources"):
        assert key in schema["required"]
    assert "subtitle" not in schema["required"]


# --- new, validate, render from anywhere ----------------------------------------------------


def test_new_writes_a_starter_that_validates_and_renders(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["new", "knee-pain"])
    assert result.exit_code == 0, result.stderr
    starter = tmp_path / "knee-pain.yaml"
    assert starter.is_file()
    assert "psoaspdf validate knee-pain.yaml" in result.stdout

    result = runner.invoke(main, ["validate", "knee-pain.yaml"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "1 file valid"

    result = runner.invoke(main, ["render", "knee-pain.yaml"])
    assert result.exit_code == 0, result.stderr
    assert pages(tmp_path / "knee-pain.pdf") >= 1
    assert api.load_inputs("knee-pain.yaml").handout.id == "knee-pain"


def test_new_does_not_overwrite_without_force(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "knee-pain.yaml"
    existing.write_text("# my work\n", encoding="utf-8")
    result = runner.invoke(main, ["new", "knee-pain"])
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert existing.read_text(encoding="utf-8") == "# my work\n"
    result = runner.invoke(main, ["new", "knee-pain", "--force"])
    assert result.exit_code == 0
    assert existing.read_text(encoding="utf-8").startswith("# A new psoaspdf handout")


def test_new_with_an_unusable_name_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["new", "Knee Pain"])
    assert result.exit_code == 2
    assert "lower-case" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_validate_a_folder_of_good_files(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("minimal.yaml", "traps.yaml", "a4-layout.yaml", "trap-layout.yaml"):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    (tmp_path / "notes.txt").write_text("not yaml", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "4 files valid"


def test_validate_the_bundled_handouts_and_layouts(runner: CliRunner) -> None:
    from psoaspdf.library import bundled_dir

    result = runner.invoke(main, ["validate", str(bundled_dir("handouts")), str(bundled_dir("layouts"))])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("files valid")


def test_render_a_bundled_id_from_another_folder_writes_id_pdf_there(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["render", BUNDLED_ID, "-l", "riverbend"])
    assert result.exit_code == 0, result.stderr
    out = tmp_path / f"{BUNDLED_ID}.pdf"
    assert result.stdout.strip() == f"wrote {BUNDLED_ID}.pdf"
    assert pages(out) >= 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{BUNDLED_ID}.pdf"]


def test_preview_writes_one_png_per_page(runner: CliRunner, tmp_path: Path, minimal_pdf: Rendered) -> None:
    result = runner.invoke(main, ["preview", str(DATA / "minimal.yaml"), "-o", str(tmp_path), "--dpi", "20"])
    assert result.exit_code == 0, result.stderr
    pngs = sorted(tmp_path.glob("*.png"))
    assert len(pngs) == len(minimal_pdf.reader.pages)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
