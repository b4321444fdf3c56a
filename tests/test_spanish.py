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
from conftest import (
    LIBRARY,
    Rendered,
    all_text,
    contains,
    fonts_of,
    page_texts,
    render_bytes,
    resolve,
    squash,
)

from psoaspdf import api
from psoaspdf.check.labels import label_keys
from psoaspdf.library import package_data

LABELS = package_data("labels")
HANDOUT = LIBRARY / "handouts" / "iliopsoas-back-pain-es.yaml"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((LABELS / name).read_text(encoding="utf-8"))
    return data


EN = load("en.yaml")
ES = load("es.yaml")


leaves = label_keys  # every key path (dose.sets) of a catalog with its value


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


# --- the Spanish handout ------------------------------------------------------------------------


def test_spanish_handout_is_valid_and_mirrors_the_english(spanish_pdf: Rendered) -> None:
    spanish = spanish_pdf.inputs.handout
    english = api.load_inputs(str(LIBRARY / "handouts" / "iliopsoas-back-pain.yaml")).handout
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
    assert contains(text, ES["draft"]) and ES["draft_short"] in text  # a draft, in Spanish
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
    for word in ("Qué puede sentir", "Cuándo pedir ayuda", "Página", "músculo", "señales"):
        assert word in text, word


def test_inverted_exclamation_mark_extracts(tmp_path: Path) -> None:
    source = HANDOUT.read_text(encoding="utf-8").replace(
        'intro: "Los pasos pequeños', 'intro: "¡Atención, ñandú! Los pasos pequeños', 1
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


HOW_OFTEN = {
    (1, "day"): "una vez al día",
    (2, "day"): "dos veces al día",
    (3, "day"): "3 veces al día",
    (1, "week"): "una vez a la semana",
    (2, "week"): "dos veces a la semana",
    (3, "week"): "3 veces a la semana",
}
REPEAT = {1: "una vez", 2: "2 veces", 3: "3 veces"}


def test_doses_read_correctly_in_a_rendered_spanish_handout(tmp_path: Path) -> None:
    """Each exercise's own card says its own repeat count and how often, in Spanish."""
    cases = list(HOW_OFTEN)
    exercises = "".join(
        EXERCISE.format(n=i, reps=t, times=t, per=per) for i, (t, per) in enumerate(cases, start=1)
    )
    path = tmp_path / "dose-es.yaml"
    path.write_text(SMALL.format(exercises=exercises), encoding="utf-8")
    raw = all_text(pypdf.PdfReader(io.BytesIO(render_bytes(path))))
    text = squash(raw)
    starts = [text.index(squash(f"Ejercicio {i}: Ejercicio {i}")) for i in range(1, len(cases) + 1)]
    for (times, per), start, end in zip(cases, starts, [*starts[1:], len(text)], strict=True):
        card = text[start:end]
        assert squash(f"Repetir {REPEAT[times]} Con qué frecuencia {HOW_OFTEN[times, per]}") in card, (
            times,
            per,
        )
    for wrong in ("al semana", "a la día", "times", "a week", "a day"):
        assert wrong not in raw, wrong


# --- psoaspdf check in Spanish ------------------------------------------------------------------


@pytest.fixture(scope="module")
def spanish_report() -> Any:
    from psoaspdf import check

    return check.check_handout(HANDOUT)


def test_spanish_handout_passes_check_strict() -> None:
    from click.testing import CliRunner

    from psoaspdf.cli import main

    result = CliRunner().invoke(main, ["check", str(HANDOUT), "--strict", "--allow-drafts"])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output
    assert "Reading ease, Fernández-Huerta (target: 60 or more, for grade 8)" in result.output
    # and the stricter grade 6 our readers deserve: a reading ease of 70 ("algo fácil") or more
    result = CliRunner().invoke(main, ["check", str(HANDOUT), "--strict", "--allow-drafts", "--grade", "6"])
    assert result.exit_code == 0, result.output


def test_spanish_is_scored_with_spanish_formulas(spanish_report: Any) -> None:
    overall = spanish_report.overall
    # measured 2026-11 after the rewrite: Fernández-Huerta 80.6, INFLESZ 76.4 ("bastante fácil")
    assert overall.fk_grade is None and overall.smog is None
    assert overall.fernandez_huerta is not None and overall.fernandez_huerta >= 70
    assert overall.inflesz is not None and overall.inflesz >= 65
    assert all(s.fernandez_huerta >= 60 for s in spanish_report.sections if s.words >= 30)
    assert spanish_report.target_ease == 60
    assert not [f for f in spanish_report.findings if "English formulas" in f.message]


def test_checks_that_do_not_apply_to_spanish_say_so_at_the_language_line(spanish_report: Any) -> None:
    notes = {f.check: f for f in spanish_report.findings if f.field == "language"}
    assert "not checked for 'es'" in notes["passive-voice"].message
    assert "not judged for 'es'" in notes["pemat"].message
    text = HANDOUT.read_text(encoding="utf-8").splitlines()
    for note in notes.values():
        assert note.severity == "info"
        assert note.file == str(HANDOUT)
        assert note.line is not None and text[note.line - 1].startswith("language: es")
        assert note.col == len("language: ") + 1


def test_spanish_handout_explains_its_medical_words(spanish_report: Any) -> None:
    words = [f for f in spanish_report.findings if f.check == "medical-word"]
    assert [f for f in words if f.severity == "warning"] == []
    explained = " ".join(f.message for f in words)
    for term in ("iliopsoas", "glúteos"):
        assert f"'{term}' is explained" in explained, term


SPANISH_HARD = SMALL.format(exercises="  []").replace(
    'causes:\n  items: ["Estar sentado"]',
    "causes:\n  items:\n"
    '    - "La hiperlordosis (se dice: i-per-lor-DÓ-sis) aparece cuando la musculatura'
    " iliopsoas, hipertónica, condiciona una anteversión pélvica que incrementa"
    ' progresivamente la sobrecarga articular."\n'
    '    - "Uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince'
    ' dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós."\n'
    '    - "Uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince'
    ' dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés."',
)


def test_hard_spanish_text_is_found_with_its_place(tmp_path: Path) -> None:
    from psoaspdf import check

    path = tmp_path / "difícil.yaml"
    path.write_text(SPANISH_HARD, encoding="utf-8")
    report = check.check_handout(path)
    warnings = {(f.check, f.field): f for f in report.findings if f.severity == "warning"}
    long = [f for f in report.findings if f.check == "long-sentence"]
    assert [(f.field, f.line) for f in long] == [("causes.items[3]", 18)]  # 23 words; 22 is the limit
    assert "sentence of 23 words (keep to 22)" in long[0].message
    hard = warnings[("readability", "causes")]
    assert "under 60, the score for grade 8" in hard.message
    assert "Hardest sentences: causes.items[1]" in hard.message
    words = " ".join(
        f.message for f in report.findings if f.check == "medical-word" and f.severity == "warning"
    )
    assert "'hiperlordosis' is a medical word" in words  # a pronunciation guide does not explain it
    assert "'anteversión pélvica' is a medical word" in words
    assert "'iliopsoas' is a medical word" in words


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("abajo", 3),  # pyphen's hyphenation, which textstat 0.7.8 uses, says 2
        ("día", 2),  # hiatus: dí-a (pyphen: 1)
        ("computadora", 5),  # pyphen: 3
        ("iliopsoas", 4),  # i-lio-pso-as
        ("cuidado", 3),  # diphthong ui
        ("quiero", 2),  # silent u
        ("averigüe", 4),  # ü is said
        ("leer", 2),
        ("reúne", 3),
        ("hoy", 1),
        ("mayor", 2),  # y between vowels is a consonant
        ("Uruguay", 3),
        ("i-lio-SÓ-as", 4),  # a pronunciation guide
        ("30", 2),
    ],
)
def test_spanish_syllables(word: str, syllables: int) -> None:
    from psoaspdf.check.readability import spanish_syllables

    assert spanish_syllables(word) == syllables


def test_reading_ease_target_follows_the_grade() -> None:
    from psoaspdf.check.readability import ease_for_grade, inflesz_band

    assert [ease_for_grade(g) for g in (4, 5, 6, 7, 8, 10, 14, 18)] == [90, 80, 70, 60, 60, 50, 30, 0]
    assert [inflesz_band(s) for s in (30, 50, 60, 70, 85)] == [
        "muy difícil",
        "algo difícil",
        "normal",
        "bastante fácil",
        "muy fácil",
    ]


def test_spanish_glossary_has_plain_words() -> None:
    from psoaspdf import check

    words = check.glossary("es-MX")
    assert words["hiperlordosis"] == "espalda baja demasiado arqueada"
    assert words["psoas ilíaco"] == "músculo de la cadera que va de la espalda baja al muslo"
    assert len(words) >= 40
    for word, plain in words.items():
        assert plain.strip() and plain.lower() != word.lower(), word


def test_name_date_and_clinician_each_have_their_own_line(spanish_pdf: Rendered) -> None:
    """Each Spanish label has a line of its own to write on beside it (the name on a row of its
    own, the date and clinician on the next), not one rule across the page (review of
    2026-12-04)."""
    import pypdfium2
    from conftest import text_runs

    scale = 2.0
    page = pypdfium2.PdfDocument(spanish_pdf.data)[0]
    image = page.render(scale=scale).to_pil().convert("L")
    height = page.get_height()
    runs = text_runs(spanish_pdf.reader)
    starts = []
    for key in ("patient", "date", "clinician"):
        (label,) = [r for r in runs if r.page == 1 and r.text.strip() == ES[key]]
        # the dark runs under the label's baseline, down to 10 pt below it
        lines = set()
        for y in range(int((height - label.y) * scale), int((height - label.y + 10) * scale)):
            length = 0
            for x in range(int(label.x * scale), image.width + 1):
                if x < image.width and image.getpixel((x, y)) < 100:
                    length += 1
                elif length:
                    if length > 60 * scale:
                        lines.add(round((x - length) / scale))
                    length = 0
        # a line starts right of the label (beside it, on its own row)
        beside = [x for x in lines if x > label.x + 20]
        assert beside, (key, sorted(lines))
        starts.append((round(label.y), min(beside)))
    assert len(set(starts)) == 3  # three lines, not one shared
