"""Spanish: the labels translate every English key with the same placeholders, and the Spanish
handout renders as a Spanish PDF with its words, accents and doses right."""

from __future__ import annotations

import io
import string
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml
from conftest import REPO, Rendered, all_text, contains, fonts_of, page_texts, render_bytes, resolve

from psoaspdf import api

LABELS = REPO / "psoaspdf" / "labels"
HANDOUT = REPO / "handouts" / "iliopsoas-back-pain-es.yaml"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((LABELS / name).read_text(encoding="utf-8"))
    return data


EN = load("en.yaml")
ES = load("es.yaml")


def leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """Every key path (a.b) with its value; lists are leaves."""
    if isinstance(data, dict):
        found: dict[str, Any] = {}
        for key, value in data.items():
            found.update(leaves(value, f"{prefix}{key}."))
        return found
    return {prefix.rstrip("."): data}


def placeholders(text: Any) -> set[str]:
    if not isinstance(text, str):
        return set()
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def spanish_pdf() -> Rendered:
    return Rendered(render_bytes(HANDOUT), api.load_inputs(str(HANDOUT)))


# --- labels -------------------------------------------------------------------------------------


def test_every_english_label_has_a_spanish_one() -> None:
    missing = sorted(set(leaves(EN)) - set(leaves(ES)))
    assert not missing
    assert set(leaves(ES)) == set(leaves(EN))


@pytest.mark.parametrize("key", sorted(leaves(EN)))
def test_spanish_label_keeps_the_placeholders(key: str) -> None:
    english, spanish = leaves(EN)[key], leaves(ES)[key]
    assert type(spanish) is type(english)
    assert placeholders(spanish) == placeholders(english), key


def test_spanish_months_are_twelve_lower_case_names() -> None:
    assert ES["months"][0] == "enero"
    assert ES["months"][-1] == "diciembre"
    assert len(ES["months"]) == 12
    assert all(month == month.lower() for month in ES["months"])


@pytest.mark.parametrize(
    ("times", "per", "expected"),
    [
        (1, "day", "una vez al día"),
        (2, "day", "dos veces al día"),
        (3, "day", "3 veces al día"),
        (1, "week", "una vez a la semana"),
        (2, "week", "dos veces a la semana"),
        (3, "week", "3 veces a la semana"),
    ],
)
def test_how_often_templates_read_as_spanish(times: int, per: str, expected: str) -> None:
    dose = ES["dose"]
    key = {1: "once", 2: "twice"}.get(times, "times")
    assert dose[key].format(n=times, per=dose[per]) == expected


# --- the Spanish handout ------------------------------------------------------------------------


def test_spanish_handout_is_valid_and_mirrors_the_english(spanish_pdf: Rendered) -> None:
    spanish = spanish_pdf.inputs.handout
    english = api.load_inputs(str(REPO / "handouts" / "iliopsoas-back-pain.yaml")).handout
    assert spanish.language == "es"
    assert spanish.id == "iliopsoas-back-pain-es"
    assert [e.dose for e in spanish.exercises] == [e.dose for e in english.exercises]
    poses = [e.illustration.pose if e.illustration else None for e in spanish.exercises]
    assert poses == [e.illustration.pose if e.illustration else None for e in english.exercises]
    assert len(spanish.get_help.urgent) == len(english.get_help.urgent)
    assert len(spanish.get_help.today) == len(english.get_help.today)
    assert len(spanish.get_help.call_clinic) == len(english.get_help.call_clinic)


def test_catalog_language_is_spanish(spanish_pdf: Rendered) -> None:
    assert spanish_pdf.reader.trailer["/Root"]["/Lang"] == "es"


def test_spanish_labels_are_printed_and_english_ones_are_not(spanish_pdf: Rendered) -> None:
    reader = spanish_pdf.reader
    text = all_text(reader)
    pages = len(reader.pages)
    for key in ("get_help", "exercises", "key_message", "self_care", "tracker", "sources", "notes"):
        assert contains(text, ES[key]), key
    assert contains(text, f"{ES['exercise']} 1:")
    assert contains(page_texts(reader)[0], ES["page"].format(page=1, pages=pages))
    assert contains(text, ES["dose"]["often"])
    assert contains(text, "dos veces al día")
    assert contains(text, "noviembre de 2026")
    for english in ("When to get help", "Page 1 of", "Your exercises", "How often", "Take care", "Reviewed"):
        assert english not in text, english


def test_fonts_are_embedded_and_spanish_characters_extract(spanish_pdf: Rendered) -> None:
    fonts = fonts_of(spanish_pdf.reader)
    assert fonts
    for font in fonts:
        descriptor = resolve(font.get("/FontDescriptor"))
        assert descriptor is not None and "/FontFile2" in descriptor, font.get("/BaseFont")
    text = all_text(spanish_pdf.reader)
    for char in "áéíóúñ¿":
        assert char in text, char
    for word in ("¿Qué es el iliopsoas?", "Cuándo pedir ayuda", "Página", "músculo", "señales"):
        assert word in text, word


def test_inverted_exclamation_mark_extracts(tmp_path: Path) -> None:
    source = HANDOUT.read_text(encoding="utf-8").replace(
        'intro: "Un iliopsoas tenso', 'intro: "¡Atención, ñandú! Un iliopsoas tenso', 1
    )
    path = tmp_path / "exclaim.yaml"
    path.write_text(source, encoding="utf-8")
    text = all_text(pypdf.PdfReader(io.BytesIO(render_bytes(path))))
    assert "¡Atención, ñandú!" in text


# --- doses in a rendered handout ----------------------------------------------------------------

SMALL = """\
id: dose-es
title: "Prueba de dosis"
language: es
version: "1.0"
reviewed: 2026-01-15
reviewed_by: "Prueba"
review_due: 2027-01-15
key_message: "Muévase."
summary: "Una prueba."
symptoms:
  groups:
    - heading: "Señales"
      items: ["Dolor"]
causes:
  items: ["Estar sentado"]
why_it_hurts:
  items: ["El músculo tira"]
self_care:
  items: ["Camine un poco"]
exercises:
{exercises}
get_help:
  urgent: ["Dolor muy fuerte"]
sources: ["Una guía"]
disclaimer: "Solo información general."
"""

EXERCISE = """\
  - name: "Ejercicio {n}"
    steps: ["Haga esto."]
    dose: {{reps: {reps}, times: {times}, per: {per}}}
"""


def test_doses_read_correctly_in_a_rendered_spanish_handout(tmp_path: Path) -> None:
    cases = [(t, per) for per in ("day", "week") for t in (1, 2, 3)]
    exercises = "".join(
        EXERCISE.format(n=i, reps=t, times=t, per=per) for i, (t, per) in enumerate(cases, start=1)
    )
    path = tmp_path / "dose-es.yaml"
    path.write_text(SMALL.format(exercises=exercises), encoding="utf-8")
    text = all_text(pypdf.PdfReader(io.BytesIO(render_bytes(path))))
    for expected in (
        "una vez al día",
        "dos veces al día",
        "3 veces al día",
        "una vez a la semana",
        "dos veces a la semana",
        "3 veces a la semana",
        "Repetir",
        "Cuántas veces",
    ):
        assert contains(text, expected), expected
    for wrong in ("al semana", "a la día", "times", "a week", "a day"):
        assert wrong not in text, wrong
