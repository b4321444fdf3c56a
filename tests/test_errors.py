"""Error messages for broken files, compared with golden files.

Each file in tests/data/errors/ has one kind of mistake (many-problems.yaml has several). The
test runs ``psoaspdf validate NAME.yaml`` from inside tests/data/errors/, so the paths in the
messages are relative, and compares stderr with tests/golden/NAME.txt.

To refresh the golden files after an intended change of wording, run

    pytest --update-goldens tests/test_errors.py

and review the diff before committing it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ERRORS, GOLDEN, WriteVariant, golden_text, updating_goldens

from psoaspdf.cli import main

CASES = sorted(p.stem for p in ERRORS.glob("*.yaml"))

# Where each mistake is, as line:col, and words the message must contain. Checked on their own
# so that refreshing the golden files cannot silently lose the position or the hint.
EXPECTED = {
    "alias": ("43:7", ["alias", "*x"]),
    "bad-date": ("7:11", ["reviewed", "YYYY-MM-DD", "15/01/2026"]),
    "cjk": ("30:7", ["self_care.items[2].text", "U+4E00"]),
    "duplicate-key": ("12:1", ["title", "twice", "line 3"]),
    "empty-dose": ("37:7", ["exercises[1].dose", "sets, reps, hold_seconds or minutes"]),
    "http-video": ("39:12", ["exercises[1].video", "https://"]),
    "missing-field": ("2:1", ["disclaimer", "required"]),
    "paper-a5": ("4:10", ["page.paper", "'A5'", "letter, a4"]),
    "poor-contrast": ("4:3", ["colors.text", "#999999", "4.5:1"]),
    "python-tag": ("12:10", ["python/object/apply:os.system", "not supported"]),
    "syntax-error": ("12:19", ["YAML syntax error", "mapping values are not allowed"]),
    "unknown-key": ("12:1", ["sumary", "Did you mean 'summary'?"]),
    "wrong-type": ("38:13", ["exercises[1].dose.reps", "whole number", "'ten'"]),
}


def run_validate(runner: CliRunner, name: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(ERRORS)
    result = runner.invoke(main, ["validate", f"{name}.yaml"])
    return result.exit_code, result.stdout, result.stderr


def test_every_error_file_has_a_golden_and_expectations() -> None:
    assert CASES, "tests/data/errors/ is empty"
    assert set(CASES) == set(EXPECTED) | {"many-problems"}
    if not updating_goldens():
        assert {p.stem for p in GOLDEN.glob("*.txt")} >= set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_message_matches_golden(name: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout, stderr = run_validate(runner, name, monkeypatch)
    assert code == 1
    assert stdout == ""
    assert "Traceback" not in stderr
    golden_text(GOLDEN / f"{name}.txt", stderr)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_message_points_at_the_mistake(name: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, stderr = run_validate(runner, name, monkeypatch)
    first = stderr.splitlines()[0]
    where, words = EXPECTED[name]
    prefix = f"error: {name}.yaml:{where}: " if where else f"error: {name}.yaml: "
    assert first.startswith(prefix), first
    for word in words:
        assert word in first, (word, first)
    # paths are shown as given, never made absolute
    assert str(ERRORS) not in stderr


def test_every_problem_in_one_file_is_reported_in_one_run(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, stderr = run_validate(runner, "many-problems", monkeypatch)
    assert code == 1
    lines = [line for line in stderr.splitlines() if line.startswith("error: ")]
    fields = [line.split(": ")[2] if line.count(": ") >= 2 else "" for line in lines]
    expected = [
        "titel",
        "language",
        "reviewed",
        "exercises[1].dose.reps",
        "exercises[1].video",
        "get_help.urgent[2]",
        "sources[2].url",
        "title",
    ]
    assert fields == expected
    assert all(re.match(r"error: many-problems\.yaml:\d+:\d+: ", line) for line in lines)
    assert stderr.splitlines()[-1] == f"{len(expected)} problems found; nothing was written."


def test_problems_in_handout_and_layout_are_reported_together(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ERRORS)
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["render", "wrong-type.yaml", "-l", "paper-a5.yaml", "-o", str(out)])
    assert result.exit_code == 1
    assert "wrong-type.yaml:38:13: exercises[1].dose.reps" in result.stderr
    assert "paper-a5.yaml:4:10: page.paper" in result.stderr
    assert "2 problems found" in result.stderr
    assert not out.exists()


def test_validate_a_folder_reports_every_broken_file(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", str(ERRORS)])
    assert result.exit_code == 1
    for name in CASES:
        assert f"{name}.yaml:" in result.stderr, name


def test_nested_misspelt_key_suggests_the_right_one(
    runner: CliRunner, write_variant: WriteVariant, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_variant({"      reps: 10": "      rpes: 10"})
    monkeypatch.chdir(path.parent)
    result = runner.invoke(main, ["validate", path.name])
    assert result.exit_code == 1
    assert "variant.yaml:38:7: exercises[1].dose.rpes: unknown key. Did you mean 'reps'?" in result.stderr
    assert "Allowed here: sets, reps, hold_seconds, minutes, each_side, times, per" in result.stderr


@pytest.mark.parametrize(
    ("content", "kind"),
    [("- first\n- second\n", "a list"), ("just some words\n", "text")],
)
def test_a_file_that_is_not_a_mapping_is_invalid_input_not_a_crash(
    content: str, kind: str, runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "handout.yaml"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    assert "internal error" not in result.stderr
    assert result.exit_code == 1
    assert f"handout.yaml:1:1: expected a mapping of keys, got {kind}" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("title: x\n---\ntitle: y\n", "more than one YAML document"),
        ("a: " + "[" * 60 + "]" * 60 + "\n", "nested more than 40 levels deep"),
    ],
)
def test_files_yaml_cannot_use_are_reported(
    content: str, message: str, runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "handout.yaml"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "internal error" not in result.stderr


def test_files_that_are_not_utf8_or_missing_are_reported(runner: CliRunner, tmp_path: Path) -> None:
    binary = tmp_path / "latin1.yaml"
    binary.write_bytes("title: caf\xe9\n".encode("latin-1"))
    result = runner.invoke(main, ["validate", str(binary), str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1
    assert "latin1.yaml:1:11: not UTF-8 text (bad byte 0xE9 at offset 10)" in result.stderr
    assert "missing.yaml: file not found" in result.stderr


def test_a_file_over_the_size_limit_is_refused_before_parsing(runner: CliRunner, tmp_path: Path) -> None:
    from psoaspdf.yamlsrc import MAX_BYTES

    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * MAX_BYTES + "\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "the limit is" in result.stderr
