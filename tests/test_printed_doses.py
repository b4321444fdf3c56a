"""The dose printed for each exercise is the dose its YAML gives, read back as a reviewer would.

For every exercise of every shipped handout, in the PDF and in the HTML twin, in English and
Spanish: the exercise's own part of the page carries its dose (sets, repeat count, hold, time,
each side, how often) in the words written out below. The expected words are this file's own
table, not psoaspdf's label catalogs or its wording code, so a wrong mapping (a stretch
prescribed twice a day printed "once a day") fails here.
"""

from __future__ import annotations

import dataclasses
import io
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml
from conftest import LIBRARY, all_text, squash

from psoaspdf import api, model
from psoaspdf.batch import Job, parse_doses, render_job

# What a reader must see, per language: the label of each box and how each value reads.
WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "exercise": "Exercise",
        "sets": "Sets",
        "reps": "Repeat",
        "hold": "Hold",
        "time": "Time",
        "side": "Side",
        "often": "How often",
        "once": "once",
        "times": "{n} times",
        "second": "1 second",
        "seconds": "{n} seconds",
        "minute": "1 minute",
        "minutes": "{n} minutes",
        "each side": "each side",
        "per": {"day": "a day", "week": "a week"},
        "how often": {1: "once {per}", 2: "twice {per}"},
        "how often n": "{n} times {per}",
    },
    "es": {
        "exercise": "Ejercicio",
        "sets": "Series",
        "reps": "Repetir",
        "hold": "Mantener",
        "time": "Tiempo",
        "side": "Lado",
        "often": "Con qué frecuencia",
        "once": "una vez",
        "times": "{n} veces",
        "second": "1 segundo",
        "seconds": "{n} segundos",
        "minute": "1 minuto",
        "minutes": "{n} minutos",
        "each side": "de cada lado",
        "per": {"day": "al día", "week": "a la semana"},
        "how often": {1: "una vez {per}", 2: "dos veces {per}"},
        "how often n": "{n} veces {per}",
    },
}


def expected_cells(dose: dict[str, Any], language: str) -> list[tuple[str, str]]:
    """The dose boxes a reader should see, in reading order, from the YAML's values."""
    w = WORDS[language.split("-")[0]]
    side = f" {w['each side']}" if dose.get("each_side") in (True, "true", "yes") else ""
    cells = []
    if dose.get("sets"):
        cells.append((w["sets"], str(dose["sets"])))
    for key, one, many, label in (
        ("reps", "once", "times", "reps"),
        ("hold_seconds", "second", "seconds", "hold"),
        ("minutes", "minute", "minutes", "time"),
    ):
        if dose.get(key):
            n = int(dose[key])
            cells.append((w[label], (w[one] if n == 1 else w[many].format(n=n)) + side))
            side = ""
    if side:
        cells.append((w["side"], w["each side"]))
    if dose.get("times"):
        n, per = int(dose["times"]), w["per"][dose.get("per", "day")]
        phrase = w["how often"].get(n, w["how often n"]).format(n=n, per=per)
        cells.append((w["often"], phrase))
    return cells


def shipped() -> list[Path]:
    return sorted((LIBRARY / "handouts").glob("*.yaml"))


def exercises_of(path: Path) -> tuple[str, list[dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return str(data["language"]), list(data["exercises"])


def pdf_segments(data: bytes, language: str, names: list[str]) -> list[str]:
    """Each exercise's own text in the PDF: from its heading to the next exercise's heading."""
    text = squash(all_text(pypdf.PdfReader(io.BytesIO(data))))
    word = WORDS[language.split("-")[0]]["exercise"]
    starts = []
    for number, name in enumerate(names, start=1):
        heading = squash(f"{word} {number}: {name}")
        at = text.find(heading, starts[-1] if starts else 0)
        assert at >= 0, f"no heading {word} {number}: {name}"
        starts.append(at)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def dose_line(cells: list[tuple[str, str]]) -> str:
    return squash("".join(label + value for label, value in cells))


class DoseReader(HTMLParser):
    """The dose boxes (dt, dd) of each exercise article in the HTML twin, by its heading."""

    def __init__(self) -> None:
        super().__init__()
        self.doses: dict[str, list[tuple[str, str]]] = {}
        self.heading: str | None = None
        self.tag: str | None = None
        self.text = ""
        self.cell: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h3", "dt", "dd"):
            self.tag, self.text = tag, ""

    def handle_data(self, data: str) -> None:
        if self.tag:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag != self.tag:
            return
        text = " ".join(self.text.split())
        if tag == "h3":
            self.heading = text
            self.doses[text] = []
        elif tag == "dt":
            self.cell = [text]
        elif tag == "dd" and self.heading is not None:
            self.doses[self.heading].append((self.cell[0], text))
        self.tag = None


@pytest.fixture(scope="module", params=[p.stem for p in shipped()])
def handout_path(request: pytest.FixtureRequest) -> Path:
    return LIBRARY / "handouts" / f"{request.param}.yaml"


@pytest.mark.parametrize("layout", [None, "riverbend"])
def test_every_exercise_prints_its_own_dose_in_the_pdf(handout_path: Path, layout: str | None) -> None:
    language, exercises = exercises_of(handout_path)
    inputs = api.load_inputs(str(handout_path), layout)
    segments = pdf_segments(api.render_handout(inputs), language, [e["name"] for e in exercises])
    for exercise, segment in zip(exercises, segments, strict=True):
        expected = dose_line(expected_cells(exercise["dose"], language))
        assert expected in segment, (exercise["name"], expected, segment[-400:])


def test_every_exercise_prints_its_own_dose_in_compact_cards(handout_path: Path) -> None:
    """Two cards a row: the dose boxes are laid out two by two, and still read in order."""
    language, exercises = exercises_of(handout_path)
    inputs = api.load_inputs(str(handout_path))
    inputs = dataclasses.replace(inputs, layout=dataclasses.replace(inputs.layout, exercises="compact"))
    segments = pdf_segments(api.render_handout(inputs), language, [e["name"] for e in exercises])
    for exercise, segment in zip(exercises, segments, strict=True):
        for label, value in expected_cells(exercise["dose"], language):
            assert squash(label + value) in segment, (exercise["name"], label, value)


def test_every_exercise_prints_its_own_dose_in_the_html_twin(handout_path: Path) -> None:
    language, exercises = exercises_of(handout_path)
    page = api.render_handout_html(api.load_inputs(str(handout_path))).decode("utf-8")
    reader = DoseReader()
    reader.feed(page)
    word = WORDS[language.split("-")[0]]["exercise"]
    for number, exercise in enumerate(exercises, start=1):
        heading = " ".join(f"{word} {number}: {exercise['name']}".split())
        assert reader.doses[heading] == expected_cells(exercise["dose"], language), heading


# Every way a dose can be written, in both languages, beyond what the shipped handouts use.
DOSES = [
    {"reps": 1, "times": 1},
    {"reps": 2, "each_side": True, "times": 2},
    {"sets": 3, "reps": 12, "hold_seconds": 1, "times": 3, "per": "week"},
    {"hold_seconds": 45, "each_side": True, "times": 1, "per": "week"},
    {"minutes": 1, "each_side": True, "times": 2, "per": "week"},
    {"minutes": 20, "times": 5},
    {"sets": 2, "each_side": True},
    {"sets": 1, "times": 20},
]


def handout_with_doses(tmp_path: Path, language: str) -> Path:
    data = yaml.safe_load((LIBRARY / "handouts" / "neck-pain.yaml").read_text(encoding="utf-8"))
    data["language"] = language
    data["exercises"] = [
        {"name": f"Move {chr(65 + i)}", "steps": ["Stand tall.", "Move slowly."], "dose": dose}
        for i, dose in enumerate(DOSES)
    ]
    path = tmp_path / f"doses-{language}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_kind_of_dose_reads_right(language: str, tmp_path: Path) -> None:
    path = handout_with_doses(tmp_path, language)
    inputs = api.load_inputs(str(path))
    names = [f"Move {chr(65 + i)}" for i in range(len(DOSES))]
    segments = pdf_segments(api.render_handout(inputs), language, names)
    reader = DoseReader()
    reader.feed(api.render_handout_html(inputs).decode("utf-8"))
    word = WORDS[language]["exercise"]
    for number, (dose, segment) in enumerate(zip(DOSES, segments, strict=True), start=1):
        cells = expected_cells(dose, language)
        assert dose_line(cells) in segment, (dose, segment[-300:])
        assert reader.doses[f"{word} {number}: Move {chr(64 + number)}"] == cells, dose


def test_a_patients_dose_change_prints_for_that_exercise_only(tmp_path: Path) -> None:
    """A batch row's doses column changes the exercises it names; the others keep their own."""
    path = LIBRARY / "handouts" / "iliopsoas-back-pain.yaml"
    language, exercises = exercises_of(path)
    doses = parse_doses("1: hold=20 reps=2 times=1/week; 4: sets=1 reps=5")
    job = Job(
        key="p.pdf",
        target=str(tmp_path / "p.pdf"),
        kind="handout",
        source=str(path),
        layout="",
        personal=model.Personal(patient="Pat Example"),
        doses=doses,
    )
    segments = pdf_segments(render_job(job), language, [e["name"] for e in exercises])
    changed = [dict(e["dose"]) for e in exercises]
    changed[0].update(hold_seconds=20, reps=2, times=1, per="week")
    changed[3].update(sets=1, reps=5)
    for exercise, dose, segment in zip(exercises, changed, segments, strict=True):
        assert dose_line(expected_cells(dose, language)) in segment, (exercise["name"], dose)
    assert squash("3 times each side") not in segments[0]  # the YAML's own dose is gone
