"""The exercise library and home-exercise programs, read back from what the installed package prints."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml
from click.testing import CliRunner
from conftest import LIBRARY, text_runs

from psoaspdf import model
from psoaspdf.cli import main
from psoaspdf.wording import dose_cells, labels

ILIOPSOAS = LIBRARY / "handouts" / "iliopsoas-back-pain.yaml"


def text_of(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def yaml_exercises(path: Path) -> dict[str, dict[str, object]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {e["id"]: e for e in data["exercises"]}


def program_line(dose: model.Dose, words: dict[str, Any]) -> str:
    """A dose as a program row prints it: "Sets 3 · Repeat 12 times · twice a day" (no "How often")."""
    cells = dose_cells(dose, words)
    return " · ".join(
        value if label == words["dose"]["often"] else f"{label} {value}" for label, value in cells
    )


def test_every_shipped_exercise_is_listed_with_its_id(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["exercises", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    for path in sorted((LIBRARY / "handouts").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for exercise in data.get("exercises", []):
            row = rows[f"{data['id']}/{exercise['id']}"]
            assert row["title"] == exercise["name"]
            assert row["region"] == exercise["region"]
            assert row["figure"] == f"pose: {exercise['illustration']['pose']['base']}"
    assert "iliopsoas-back-pain/bridge" in rows


def test_a_clinics_own_handout_joins_the_library(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "psoaspdf.toml").write_text("", encoding="utf-8")
    (tmp_path / "handouts").mkdir()
    own = ILIOPSOAS.read_text(encoding="utf-8").replace("id: iliopsoas-back-pain\n", "id: knee-pain\n", 1)
    (tmp_path / "handouts" / "knee-pain.yaml").write_text(own, encoding="utf-8")
    result = runner.invoke(main, ["exercises", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert "knee-pain/bird-dog" in result.stdout
    assert "neck-pain/chin-tuck" in result.stdout  # and the built-in ones


def test_a_program_prints_the_doses_given_and_no_name_in_metadata(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "ana.pdf"
    ids = [
        "iliopsoas-back-pain/pelvic-tilt@sets=3,reps=12,hold=4,times=2/day",
        "iliopsoas-back-pain/bridge@reps=7",
        "neck-pain/chin-tuck",
        "iliopsoas-back-pain/bird-dog@each-side=no,times=3/week",
    ]
    args = ["program", *ids, "--patient", "Ana Quintero", "--clinician", "Dr Lee", "-o", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.stderr
    text = text_of(out)
    en = labels("en")
    own = {
        **yaml_exercises(ILIOPSOAS),
        **{f"chin-{k}": v for k, v in yaml_exercises(LIBRARY / "handouts" / "neck-pain.yaml").items()},
    }
    expected = {
        "pelvic-tilt": {
            **own["pelvic-tilt"]["dose"],
            "sets": 3,
            "reps": 12,
            "hold_seconds": 4,
            "times": 2,
            "per": "day",
        },
        "bridge": {**own["bridge"]["dose"], "reps": 7},
        "chin-chin-tuck": own["chin-chin-tuck"]["dose"],
        "bird-dog": {**own["bird-dog"]["dose"], "each_side": False, "times": 3, "per": "week"},
    }
    for dose in expected.values():
        assert program_line(model.Dose(**dose), en) in text
    assert "Ana Quintero" in text and "Dr Lee" in text
    reader = pypdf.PdfReader(out)
    assert "Quintero" not in str(reader.metadata) and "Lee" not in str(reader.metadata)
    assert reader.metadata.title == en["program_title"]
    signs = {
        *yaml.safe_load(ILIOPSOAS.read_text(encoding="utf-8"))["get_help"]["urgent"],
        *yaml.safe_load((LIBRARY / "handouts" / "neck-pain.yaml").read_text(encoding="utf-8"))["get_help"][
            "urgent"
        ],
    }
    for sign in signs:  # the help box's emergency signs: every one of both handouts
        assert sign in text, sign
    assert out.stat().st_mode & 0o077 == 0  # a patient's copy: readable by its owner only


def test_a_rows_words_run_on_under_its_figure_and_two_exercises_fit_one_page(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Where a row's figure and tick boxes end, its words go on across the whole row: the pelvic
    tilt and the bridge, with the help box, print on one page (they took two), every step,
    caution and dose on it."""
    out = tmp_path / "two.pdf"
    ids = ["iliopsoas-back-pain/pelvic-tilt", "iliopsoas-back-pain/bridge@reps=7"]
    result = runner.invoke(main, ["program", *ids, "--patient", "Ana Quintero", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    text = text_of(out)
    own = yaml_exercises(ILIOPSOAS)
    doses = {"pelvic-tilt": own["pelvic-tilt"]["dose"], "bridge": {**own["bridge"]["dose"], "reps": 7}}
    for name, dose in doses.items():
        assert program_line(model.Dose(**dose), labels("en")) in text
        for line in [*own[name]["steps"], *own[name]["cautions"]]:
            assert line in text, line
    runs = text_runs(reader)
    margin = min(r.x for r in runs)
    words_column = next(r.x for r in runs if r.text == "1. Pelvic tilt")
    assert words_column > margin + 80  # the title and dose sit beside the figure
    days = max(r.y for r in runs if r.text == "7")  # the first row's day numbers under its boxes
    cautions = [r for r in runs if r.text.startswith("Keep your hips on the floor")]
    assert len(cautions) == 1
    assert abs(cautions[0].x - margin) < 1 and cautions[0].y < days  # under the figure, from the margin


def test_a_bad_id_lists_close_matches_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "p.pdf"
    result = runner.invoke(
        main, ["program", "iliopsoas-back-pain/brige", "iliopsoas-back-pain/bridge@reps=0", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert "did you mean iliopsoas-back-pain/bridge" in result.stderr
    assert "reps must be between 1 and 100" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    result = runner.invoke(main, ["program", "iliopsoas-back-pain/bridge@sets=two", "-o", str(out)])
    assert result.exit_code == 1 and "sets must be a whole number" in result.stderr
    result = runner.invoke(main, ["program", "iliopsoas-back-pain/bridge@weight=5", "-o", str(out)])
    assert result.exit_code == 1 and "unknown dose key 'weight'" in result.stderr


def test_a_program_file_validates_and_renders_its_dose_changes(runner: CliRunner, tmp_path: Path) -> None:
    program = tmp_path / "ana.yaml"
    program.write_text(
        "title: For Ana\nexercises:\n  - iliopsoas-back-pain/pelvic-tilt\n"
        "  - exercise: iliopsoas-back-pain/bridge\n    dose:\n      minutes: 2\n",
        encoding="utf-8",
    )
    assert runner.invoke(main, ["validate", str(program)]).exit_code == 0
    out = tmp_path / "ana.pdf"
    result = runner.invoke(main, ["program", str(program), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = text_of(out)
    assert "For Ana" in text
    bridge = text[text.index("Bridge") :]
    assert "Time 2 minutes" in " ".join(bridge.split())
    assert "Repeat" not in bridge.split("Take care")[0]  # minutes replace the repetitions
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "exercises:\n  - iliopsoas-back-pain/bridge\n  - iliopsoas-back-pain/bird-dgo\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:3:5: exercises[2]:" in result.stdout + result.stderr
    assert "did you mean iliopsoas-back-pain/bird-dog" in result.stdout + result.stderr


def test_the_example_program_and_its_html_twin(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "p.html"
    result = runner.invoke(
        main, ["program", "back-core-four", "--format", "html", "--patient", "Ana", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    for name in ("Kneeling hip flexor stretch", "Pelvic tilt", "Bridge", "Bird dog"):
        assert name in page
    assert "8 times" in page  # the file's dose change for the bridge
    assert '<html lang="en">' in page


def test_chart_and_sources_can_be_left_out(runner: CliRunner, tmp_path: Path) -> None:
    both, neither = tmp_path / "both.pdf", tmp_path / "neither.pdf"
    assert runner.invoke(main, ["render", "iliopsoas-back-pain", "-o", str(both)]).exit_code == 0
    result = runner.invoke(
        main, ["render", "iliopsoas-back-pain", "--no-chart", "--no-sources", "-o", str(neither)]
    )
    assert result.exit_code == 0, result.stderr
    en = labels("en")
    assert en["tracker"] in text_of(both) and en["sources"] in text_of(both)
    assert en["tracker"] not in text_of(neither) and en["sources"] not in text_of(neither)
    assert "This handout gives general information only" in text_of(neither)  # the disclaimer stays


@pytest.mark.parametrize("text", ["iliopsoas-back-pain/bridge@", "iliopsoas-back-pain/bridge@times=2/month"])
def test_dose_syntax_mistakes_say_what_is_expected(text: str, runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["program", text, "-o", str(tmp_path / "p.pdf")])
    assert result.exit_code == 1
    assert "command line: EXERCISE 1:" in result.stderr


def test_a_program_of_spanish_exercises_is_in_spanish(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "es.pdf"
    ids = ["iliopsoas-back-pain-es/bridge@reps=6", "iliopsoas-back-pain-es/bird-dog"]
    assert runner.invoke(main, ["program", *ids, "-o", str(out)]).exit_code == 0
    es = labels("es")
    reader = pypdf.PdfReader(out)
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert reader.metadata.title == es["program_title"]
    text = text_of(out)
    assert es["caution"] in text and labels("en")["caution"] not in text
    assert program_line(model.Dose(sets=2, reps=6, hold_seconds=5, times=1), es) in text


def test_a_listing_cut_short_by_its_reader_is_no_crash(tmp_path: Path) -> None:
    """`psoaspdf exercises | head -1`: the reader closes the pipe early; no 'internal error'."""
    import subprocess
    import sys

    text = ILIOPSOAS.read_text(encoding="utf-8")
    for n in range(90):  # more lines than a pipe holds, so the writer is still writing when head quits
        copy = text.replace("id: iliopsoas-back-pain\n", f"id: copy-{n}-{'x' * 40}\n", 1)
        (tmp_path / f"h{n}.yaml").write_text(copy, encoding="utf-8")
    command = f"{sys.executable} -m psoaspdf exercises . | head -1"
    result = subprocess.run(command, shell=True, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert result.stdout.startswith("ID")
    assert "warning" not in result.stderr  # every copy is a valid handout: the listing is long
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
