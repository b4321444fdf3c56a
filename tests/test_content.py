"""The bundled handout's words reach the page: headings, symptoms, red flags, exercises."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest
from conftest import BUNDLED_ID, LIBRARY, Rendered, _rendered, all_text, contains, needs_tool, page_texts

from psoaspdf import api, model
from psoaspdf.render.document import text_fields
from psoaspdf.wording import labels


@pytest.fixture(scope="module")
def handout() -> model.Handout:
    return api.load_inputs(BUNDLED_ID).handout


@pytest.fixture(scope="module")
def text(bundled_pdf: Rendered) -> str:
    return all_text(bundled_pdf.reader)


def section_headings(handout: model.Handout) -> list[str]:
    """Each section's own heading, or the standard one printed when it has none."""
    words = labels(handout.language)
    sections = {
        "about": handout.about,
        "symptoms": handout.symptoms,
        "causes": handout.causes,
        "why_it_hurts": handout.why_it_hurts,
        "treatment": handout.treatment,
        "self_care": handout.self_care,
        "get_help": handout.get_help,
    }
    headings = [s.heading or words[key] for key, s in sections.items() if s is not None]
    if handout.exercises:
        headings.append(words["exercises"])
    headings.append(words["sources"])
    return headings


def test_the_bundled_handout_is_the_one_described(handout: model.Handout) -> None:
    assert handout.id == BUNDLED_ID
    groups = handout.symptoms.groups
    assert [len(g.items) for g in groups] == [3]


def test_title_subtitle_and_key_message_appear(handout: model.Handout, text: str) -> None:
    for expected in (handout.title, handout.subtitle or "", handout.key_message, handout.summary):
        assert contains(text, expected), expected
    assert "**" not in text


def test_every_section_heading_appears(handout: model.Handout, text: str) -> None:
    headings = section_headings(handout)
    assert len(headings) >= 8  # symptoms ... sources; the handout has no "about" section
    missing = [h for h in headings if not contains(text, h)]
    assert missing == []


def test_every_symptom_and_group_heading_appears(handout: model.Handout, text: str) -> None:
    for group in handout.symptoms.groups:
        if group.heading:
            assert contains(text, group.heading), group.heading
        missing = [item for item in group.items if not contains(text, item)]
        assert missing == []


def test_every_warning_sign_appears(handout: model.Handout, text: str) -> None:
    flags = handout.get_help.urgent + handout.get_help.today
    assert len(flags) >= 12  # the NHS and NICE CKS lists; see test_red_flags_follow_nice_and_nhs
    assert [f for f in flags if not contains(text, f)] == []
    for f in handout.get_help.call_clinic:
        assert contains(text, f), f


def test_every_bullet_of_every_section_appears(handout: model.Handout, text: str) -> None:
    sections = [handout.about, handout.causes, handout.why_it_hurts, handout.treatment]
    items = [item for s in sections if s is not None for item in s.items]
    items += [s.intro for s in sections if s is not None and s.intro]
    assert [item for item in items if not contains(text, item)] == []


def test_every_exercise_step_and_checklist_item_appears(handout: model.Handout, text: str) -> None:
    words = labels(handout.language)
    for number, exercise in enumerate(handout.exercises, start=1):
        assert contains(text, f"{words['exercise']} {number}: {exercise.name}"), exercise.name
        assert [s for s in exercise.steps if not contains(text, s)] == [], exercise.name
        assert [c for c in exercise.cautions if not contains(text, c)] == [], exercise.name
    for item in handout.self_care.items:
        assert contains(text, item.text), item.text
        if item.how_often:
            assert contains(text, item.how_often), item.how_often


def test_sources_and_disclaimer_appear(handout: model.Handout, text: str) -> None:
    for source in handout.sources:
        assert contains(text, source.title), source.title
    assert contains(text, handout.disclaimer)


def test_every_page_has_a_numbered_footer(bundled_pdf: Rendered) -> None:
    pages = page_texts(bundled_pdf.reader)
    version = bundled_pdf.inputs.handout.version
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert f"Version {version}" in page


def test_header_and_footer_name_the_clinic(riverbend_pdf: Rendered) -> None:
    clinic = riverbend_pdf.inputs.layout.clinic
    for page in page_texts(riverbend_pdf.reader):
        assert clinic.name in page
        assert clinic.contact.phone and clinic.contact.phone in page


@needs_tool("pdftotext")
def test_an_independent_reader_finds_the_same_words(
    handout: model.Handout, bundled_pdf: Rendered, tmp_path: Path
) -> None:
    path = bundled_pdf.write(tmp_path)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    expected = [*section_headings(handout), *(i for g in handout.symptoms.groups for i in g.items)]
    expected += [*handout.get_help.urgent, *handout.get_help.today]
    assert [e for e in expected if not contains(result.stdout, e)] == []


# --- warning signs: what NHS "Back pain" and NICE CKS "Back pain - low" ask a leaflet to say ------

# (what, tier, English pattern, Spanish pattern): each must be in that tier of every back handout
BACK_FLAGS = [
    ("numbness round the genitals or bottom", "urgent", r"genitals", r"genitales"),
    ("trouble passing urine, bladder or bowel control", "urgent", r"bladder or bowels", r"orina o las heces"),
    ("symptoms in both legs", "urgent", r"both legs", r"las dos piernas"),
    ("leg weakness getting worse", "urgent", r"weakness.*getting worse", r"debilidad.*empeorando"),
    ("chest pain", "urgent", r"^Chest pain", r"^Dolor en el pecho"),
    (
        "sudden severe back or belly pain (aneurysm)",
        "urgent",
        r"[Ss]udden, severe pain.*belly",
        r"repentino.*barriga",
    ),
    ("a serious accident", "urgent", r"serious accident", r"accidente grave"),
    ("fever", "today", r"fever", r"[Ff]iebre"),
    ("weight loss", "today", r"[Ww]eight loss", r"[Pp]érdida de peso"),
    ("cancer", "today", r"cancer", r"cáncer"),
    (
        "a small fall with weak bones or steroids",
        "today",
        r"osteoporosis.*steroid",
        r"osteoporosis.*esteroides",
    ),
    ("a weak immune system", "today", r"immune", r"[Dd]efensas bajas"),
    ("pain worse at night or lying still", "today", r"night", r"noche"),
    ("a lump or a change of shape", "today", r"changed shape", r"cambió de forma"),
    ("first back pain over 50", "call_clinic", r"over 50", r"más de 50"),
    ("morning stiffness that eases with movement", "call_clinic", r"stiff.*morning", r"rígida.*mañana"),
]
NECK_FLAGS = [
    ("fever with a stiff neck or headache", "urgent", r"fever with a stiff neck"),
    ("chest pain with neck, arm or jaw pain", "urgent", r"[Cc]hest pain.*(neck|arm|jaw)"),
    ("new weakness or numbness in arms or legs", "urgent", r"[Ww]eakness, numbness"),
    ("bladder or bowel control", "urgent", r"bladder or bowels"),
    ("after a fall, crash or blow", "urgent", r"fall, a car crash"),
]
BACK_HANDOUTS = [
    "iliopsoas-back-pain",
    "iliopsoas-back-pain-es",
    "constructive-rest",
    "sitting-breaks",
    "core-and-pelvic-floor",
]


@pytest.mark.parametrize("handout_id", [*BACK_HANDOUTS, "neck-pain"])
def test_red_flags_follow_nice_and_nhs(handout_id: str) -> None:
    """Each sign is in its tier: emergency, doctor today, or the clinic; none is missing and none
    is in a milder tier than the guidance asks (NHS "Back pain"; NICE CKS low back pain and neck
    pain red flags)."""
    import re

    handout = api.load_inputs(handout_id).handout
    tiers = {
        "urgent": handout.get_help.urgent,
        "today": handout.get_help.today,
        "call_clinic": handout.get_help.call_clinic,
    }
    spanish = handout.language == "es"
    flags = (
        [(w, t, es if spanish else en) for w, t, en, es in BACK_FLAGS]
        if handout_id in BACK_HANDOUTS
        else NECK_FLAGS
    )
    for what, tier, pattern in flags:
        found = [name for name, items in tiers.items() if any(re.search(pattern, i) for i in items)]
        assert found, f"{handout_id}: no warning sign for {what}"
        assert found[0] == tier, f"{handout_id}: {what} is under {found[0]}, not {tier}"


def test_sets_are_explained_once_in_words(handout: model.Handout, text: str) -> None:
    """ "Sets 2" alone is a puzzle (review of 2026-12-04): the first dose with sets says what it means."""
    first = next(e.dose for e in handout.exercises if e.dose.sets and e.dose.sets > 1)
    said = labels("en")["sets_explained"].format(sets=first.sets, reps=first.reps)
    assert f"do it {first.reps} times and rest" in said
    assert text.count(said.split(":")[0]) == 1 and contains(text, said)


# --- advice that needs its source (review of 2026-12-04, #14) -------------------------------------

SHIPPED = sorted(p.stem for p in (LIBRARY / "handouts").glob("*.yaml"))

# (what, pattern in the handout's words, address of the source that says it)
SOURCED_ADVICE = [
    (
        "how to get up from the floor",
        r"get up from the floor|To get up, roll onto your side, then onto your hands|levantarse del suelo",
        "myhealth.alberta.ca/Alberta/Pages/get-up-by-yourself-fall-prevention",
    ),
    (
        "someone with you the first time on the floor in a long while",
        r"someone with you the first time|tenga a alguien con usted",
        "health.gov.au/internet/publications/publishing.nsf/Content/dff-toc~dff-surroundings~dff-surroundings-knowing",
    ),
    (
        "kneeling that hurts: ask the physical therapist for another way",
        r"Kneeling hurts|duele arrodillarse",
        "health.gov.au/internet/publications/publishing.nsf/Content/dff-toc~dff-surroundings~dff-surroundings-knowing",
    ),
    (
        "not lying flat on the back for long after 16 weeks of pregnancy",
        r"16 weeks|semana 16",
        "nhs.uk/pregnancy/keeping-well/exercise",
    ),
    (
        "a heavy feeling low in the belly: see a doctor",
        r"heavy feeling",
        "nhs.uk/conditions/pelvic-organ-prolapse",
    ),
    ("pelvic floor training for at least 3 months", r"at least 3 months", "nice.org.uk/guidance/qs77"),
    (
        "a hot water bottle wrapped in a towel, up to 20 minutes",
        r"hot water bottle",
        "hse.ie/conditions/neck-pain",
    ),
    (
        "legs that ache, tingle or feel heavy on standing, eased by sitting (a narrowed spinal canal)",
        r"legs\b.*\bfeel heavy",
        "mskdorset.nhs.uk/back-pain/back-pain-leg-pain-spinal-stenosis",
    ),
]


@pytest.mark.parametrize("handout_id", SHIPPED)
def test_advice_that_needs_a_source_cites_it(handout_id: str) -> None:
    """A handout that gives one of these pieces of advice lists the page that says it."""
    handout = api.load_inputs(handout_id).handout
    text = "\n".join(t for _, t in text_fields(dataclasses.replace(handout, sources=())))
    cited = [source.url or "" for source in handout.sources]
    for what, pattern, address in SOURCED_ADVICE:
        if re.search(pattern, text):
            assert any(address in url for url in cited), (
                f"{handout_id} says {what} but does not cite {address}"
            )


@pytest.mark.parametrize(
    ("handout_id", "floor", "pregnancy"),
    [
        (
            "iliopsoas-back-pain",
            "To get up from the floor, roll onto your side, then onto your hands and knees.",
            "Pregnant? After 16 weeks, do not lie flat on your back for long.",
        ),
        (
            "iliopsoas-back-pain-es",
            "Para levantarse del suelo, póngase de lado y luego en manos y rodillas.",
            "¿Está embarazada? Después de la semana 16, no se acueste boca arriba por mucho tiempo.",
        ),
    ],
)
def test_floor_exercises_say_how_to_get_up_and_when_pregnant(
    handout_id: str, floor: str, pregnancy: str
) -> None:
    """Four of the five exercises are on the floor (review, 1.3): the page says how to get up from
    it, and that after 16 weeks of pregnancy lying flat on the back for long is to be avoided."""
    handout = api.load_inputs(handout_id).handout
    on_floor = [
        e.id
        for e in handout.exercises
        if e.illustration
        and e.illustration.pose
        and e.illustration.pose.base in ("lying-on-back", "hands-and-knees", "half-kneeling")
    ]
    assert len(on_floor) >= 4
    text = all_text(_rendered(handout_id).reader)
    assert contains(text, floor) and contains(text, pregnancy)
    assert contains(text, "myhealth.alberta.ca") and contains(text, "nhs.uk/pregnancy/keeping-well/exercise")
