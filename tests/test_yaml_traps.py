"""YAML 1.1 reads NO as false, 12:30 as 750, 1.10 as 1.1 and 08 as an error; we read text."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from conftest import DATA, WriteVariant, all_text, contains, render_bytes

from psoaspdf import api
from psoaspdf.errors import InvalidInput
from psoaspdf.validate import load_handout, load_layout


@pytest.fixture(scope="module")
def traps() -> api.Inputs:
    return api.load_inputs(str(DATA / "traps.yaml"), str(DATA / "trap-layout.yaml"))


def test_plain_scalars_stay_the_text_written(traps: api.Inputs) -> None:
    handout = traps.handout
    assert handout.version == "1.10"
    assert handout.subtitle == "08"
    assert handout.reviewed_by == "NO"
    assert handout.symptoms.groups[0].items == ("NO", "yes", "1e3")
    assert handout.causes.items == ("0x10",)
    assert handout.self_care.items[0].how_often == "12:30"


def test_layout_scalars_stay_the_text_written(traps: api.Inputs) -> None:
    clinic = traps.layout.clinic
    assert clinic.name == "NO"
    assert clinic.contact.phone == "12:30"
    assert clinic.contact.emergency_number == "0112"


def test_numbers_with_leading_zeros_are_decimal(traps: api.Inputs) -> None:
    dose = traps.handout.exercises[0].dose
    assert dose.sets == 8
    assert dose.reps == 10


def test_dates_are_dates_and_booleans_take_yes_and_no(write_variant: WriteVariant) -> None:
    path = write_variant({"      track: true": "      track: NO"})
    handout = load_handout(path)
    assert handout.self_care.items[0].track is False
    assert handout.reviewed.isoformat() == "2026-01-15"


def test_trap_values_print_as_written() -> None:
    data = render_bytes(DATA / "traps.yaml", DATA / "trap-layout.yaml")
    text = all_text(pypdf.PdfReader(io.BytesIO(data)))
    for expected in ("Version 1.10", "12:30", "08", "NO", "1e3", "0x10", "Call 0112"):
        assert contains(text, expected), expected
    assert "False" not in text
    assert "750" not in text


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0x10", "expected a whole number, got '0x10'"),
        ("1_000", "expected a whole number, got '1_000'"),
        ("2.0", "expected a whole number, got '2.0'"),
        ("0", "0 is out of range; use 1 to 20"),
        ("21", "21 is out of range; use 1 to 20"),
    ],
)
def test_numbers_are_not_guessed(value: str, message: str, write_variant: WriteVariant) -> None:
    path = write_variant({"      sets: 2": f"      sets: {value}"})
    with pytest.raises(InvalidInput) as caught:
        load_handout(path)
    (problem,) = caught.value.problems
    assert problem.field == "exercises[1].dose.sets"
    assert problem.message == message
    assert (problem.line, problem.col) == (37, 13)


def test_paper_names_are_matched_without_case(tmp_path: Path) -> None:
    path = tmp_path / "layout.yaml"
    path.write_text("page:\n  paper: A4\n", encoding="utf-8")
    assert load_layout(path).page.paper == "a4"
