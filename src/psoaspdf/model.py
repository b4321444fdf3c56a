"""The handout as frozen data: what validation produces and rendering consumes.

Each field's ``doc`` and constraints live here once: the validator, the JSON Schema and the
format reference are all generated from these definitions. No ReportLab, no YAML here.
"""

from __future__ import annotations

import datetime
from dataclasses import MISSING, dataclass, field
from typing import Any, Literal


class Url(str):
    """A web address starting with https:// or http://."""


class HttpsUrl(str):
    """A web address starting with https://."""


class FilePath(str):
    """A file path, relative to the YAML file's folder; resolved and checked on load."""


class Color(str):
    """A colour as #RRGGBB."""


class Ref(str):
    """Another YAML file: a path relative to this file's folder (inside the library root), or an
    id: the library's own ``<kind>/<id>.yaml``, else a built-in one. Validation resolves it to the
    file's absolute path."""


# --- the fixed vocabularies, declared once (the command line's choices come from these) --------

Paper = Literal["letter", "a4"]
Profile = Literal["standard", "large-print", "ink-saving"]
Imposition = Literal["saddle-stitch", "2-up"]
Format = Literal["pdf", "html"]
OptionalPart = Literal["chart", "sources"]  # parts of a page a layout or a run can leave out
LANGUAGE = {
    "pattern": r"^[a-z]{2,3}(-[A-Z]{2})?$",
    "pattern_hint": "a language code: write one such as en, en-US or es",
}


def spec(doc: str, default: Any = MISSING, **limits: Any) -> Any:
    """A dataclass field carrying its documentation and limits (minimum, maximum, pattern, ...)."""
    meta = {"doc": doc, **limits}
    if isinstance(default, (list, dict, set)):
        raise TypeError("use tuples for defaults")
    return field(default=default, metadata=meta)


# --- handouts ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Source:
    """A source the handout is based on. A plain string is taken as the title."""

    __shorthand__ = "title"
    title: str = spec("Title of the article, guideline or book.")
    url: Url | None = spec("Web address, if there is one.", None)
    publisher: str | None = spec("Who published it.", None)
    language: str | None = spec(
        "Language code of the title, when it is not the handout's (e.g. en for an English source of a"
        " Spanish handout): screen readers then read it in the right voice.",
        None,
        **LANGUAGE,
    )


@dataclass(frozen=True, kw_only=True)
class ItemGroup:
    """A group of bullet points with an optional small heading."""

    heading: str | None = spec("Small heading above the group, e.g. 'You may also have'.", None)
    items: tuple[str, ...] = spec("The bullet points, one idea each.", min_items=1)


@dataclass(frozen=True, kw_only=True)
class Section:
    """A section of bullet points: a heading, an optional intro sentence, the items."""

    heading: str | None = spec("Heading; leave out to use the standard one.", None)
    intro: str | None = spec("One or two sentences before the bullet points.", None)
    items: tuple[str, ...] = spec("The bullet points, one idea each.", (), min_items=0)


@dataclass(frozen=True, kw_only=True)
class Symptoms:
    """Signs and symptoms, optionally in groups (e.g. common, and less common)."""

    heading: str | None = spec("Heading; leave out to use the standard one.", None)
    intro: str | None = spec("One or two sentences before the list.", None)
    groups: tuple[ItemGroup, ...] = spec("One or more groups of symptoms.", min_items=1)


@dataclass(frozen=True, kw_only=True)
class ChecklistItem:
    """One thing to do, printed with an empty box to tick. A plain string is taken as text."""

    __shorthand__ = "text"
    text: str = spec("What to do, starting with a verb.")
    how_often: str | None = spec("How often, in plain words, e.g. 'every 30 minutes'.", None)
    track: bool = spec("Add a row to the 7-day tick chart for this daily habit.", False)


@dataclass(frozen=True, kw_only=True)
class SelfCare:
    """The self-care checklist."""

    heading: str | None = spec("Heading; leave out to use the standard one.", None)
    intro: str | None = spec("One or two sentences before the checklist.", None)
    items: tuple[ChecklistItem, ...] = spec("The things to do.", min_items=1)


@dataclass(frozen=True, kw_only=True)
class Dose:
    """How much and how often. Give at least one of sets, reps, hold_seconds or minutes."""

    sets: int | None = spec("Number of sets.", None, minimum=1, maximum=20)
    reps: int | None = spec("Repetitions in each set.", None, minimum=1, maximum=100)
    hold_seconds: int | None = spec("Seconds to hold each time.", None, minimum=1, maximum=600)
    minutes: int | None = spec("Minutes, for exercises done for a time.", None, minimum=1, maximum=120)
    each_side: bool = spec("Do it on each side (left and right).", False)
    times: int | None = spec("How many times per day or week.", None, minimum=1, maximum=20)
    per: Literal["day", "week"] = spec("Whether 'times' counts per day or per week.", "day")


Base = Literal[
    "standing",
    "sitting",
    "kneeling",
    "half-kneeling",
    "lying-on-back",
    "lying-on-front",
    "hands-and-knees",
    "side-lying",
]
Prop = Literal["floor", "mat", "chair", "ball", "wall", "step", "towel", "strap", "pillow"]
Muscle = Literal[
    "iliopsoas",
    "glutes",
    "abdominals",
    "hamstrings",
    "lower-back",
    "quadriceps",
    "calf",
    "neck",
    "upper-back",
    "shoulder",
]
Region = Literal[
    "neck", "shoulder", "upper-back", "lower-back", "core", "pelvic-floor", "hip", "knee", "leg", "whole-body"
]
SLUG = {
    "pattern": r"^[a-z0-9][a-z0-9-]{0,63}$",
    "pattern_hint": "a usable id: use lower-case letters, digits and hyphens, e.g. bridge",
}


@dataclass(frozen=True, kw_only=True)
class Joints:
    """Joint angles in degrees; a joint left out keeps the base position's angle."""

    neck: float | None = spec(
        "Head bent forward, chin to chest (+), or back (-).", None, minimum=-60, maximum=50
    )
    trunk: float | None = spec(
        "Trunk bent forward from the pelvis (+) or arched back (-); 0 is in line.",
        None,
        minimum=-40,
        maximum=90,
    )
    left_hip: float | None = spec(
        "Left thigh forward, towards the chest (+), or behind the body (-).", None, minimum=-30, maximum=140
    )
    right_hip: float | None = spec("Right thigh, as left_hip.", None, minimum=-30, maximum=140)
    left_knee: float | None = spec("Left knee bent; 0 is straight.", None, minimum=0, maximum=150)
    right_knee: float | None = spec("Right knee bent; 0 is straight.", None, minimum=0, maximum=150)
    left_ankle: float | None = spec(
        "Left toes pulled up (+) or pointed (-); 0 is the foot at a right angle to the shin.",
        None,
        minimum=-70,
        maximum=30,
    )
    right_ankle: float | None = spec("Right foot, as left_ankle.", None, minimum=-70, maximum=30)
    left_shoulder: float | None = spec(
        "Left arm raised forward (+; 90 points ahead, 180 overhead) or back (-).",
        None,
        minimum=-60,
        maximum=180,
    )
    right_shoulder: float | None = spec("Right arm, as left_shoulder.", None, minimum=-60, maximum=180)
    left_elbow: float | None = spec("Left elbow bent; 0 is straight.", None, minimum=0, maximum=150)
    right_elbow: float | None = spec("Right elbow bent; 0 is straight.", None, minimum=0, maximum=150)


@dataclass(frozen=True, kw_only=True)
class PoseStart:
    """Where the movement starts: drawn faint, with an arrow to the main position."""

    joints: Joints = spec("Joint angles that differ from the main position; the others stay the same.")


@dataclass(frozen=True, kw_only=True)
class Pose:
    """A figure in side view, facing right: a base position, joint angles, props and muscles (see poses.md)."""

    base: Base = spec("The starting point: the whole body's position.")
    joints: Joints = spec("Joint angles that change the base position.", Joints())
    props: tuple[Prop, ...] = spec("Things drawn with the figure, e.g. a mat or a chair.", ())
    highlight: tuple[Muscle, ...] = spec("Muscles to show in colour (the near, left side).", ())
    start: PoseStart | None = spec("The start of the movement, if it moves.", None)


@dataclass(frozen=True, kw_only=True)
class Illustration:
    """A picture of the exercise: an image file or a figure drawn from a pose, and a short description."""

    image: FilePath | None = spec(
        "PNG, JPEG or SVG file, relative to the handout's folder (anywhere under the library root).", None
    )
    pose: Pose | None = spec("A figure drawn from a position and joint angles, instead of an image.", None)
    alt: str = spec("What the picture shows, in a few words (read aloud by screen readers).")


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """One exercise, printed as a card that is never split across pages."""

    name: str = spec("Short name, e.g. 'Kneeling hip stretch'.")
    id: str | None = spec(
        "Stable id in the exercise library (programs name it as <handout id>/<this id>); the name"
        " in lower case with hyphens if left out, so set it before renaming an exercise.",
        None,
        **SLUG,
    )
    region: Region | None = spec("The body region it works, for searching the exercise library.", None)
    purpose: str | None = spec("Why to do it, in one sentence.", None)
    steps: tuple[str, ...] = spec("Numbered steps, each starting with a verb.", min_items=1, max_items=8)
    dose: Dose = spec("How much and how often.")
    cautions: tuple[str, ...] = spec("What to watch out for; when to stop.", ())
    illustration: Illustration | None = spec("A picture of the position.", None)
    video: HttpsUrl | None = spec("A video link (https only).", None)


@dataclass(frozen=True, kw_only=True)
class GetHelp:
    """When to get help: emergency signs first, then same-day signs, then reasons to call the clinic."""

    heading: str | None = spec("Heading; leave out to use the standard one.", None)
    urgent: tuple[str, ...] = spec(
        "Emergency signs: call the emergency number or go to the emergency room now.", min_items=1
    )
    today: tuple[str, ...] = spec("Signs to see a doctor the same day (not an emergency).", ())
    call_clinic: tuple[str, ...] = spec("Reasons to call the clinic soon.", ())


@dataclass(frozen=True, kw_only=True)
class Handout:
    """One patient handout about one condition."""

    id: str = spec(
        "Short name used on the command line and for the output file.",
        pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
        pattern_hint="a usable id: use lower-case letters, digits and hyphens, e.g. knee-pain",
    )
    title: str = spec("The title, in plain words.", max_length=80)
    subtitle: str | None = spec("A line under the title.", None, max_length=120)
    language: str = spec(
        "Language code such as en or en-US.",
        "en",
        **LANGUAGE,
    )
    version: str = spec(
        "Version of this handout's text, e.g. '1.2'.",
        pattern=r"^[0-9A-Za-z.\-]{1,20}$",
        pattern_hint="a version: use letters, digits, dots and hyphens, e.g. 1.2",
    )
    status: Literal["draft", "reviewed"] = spec(
        "'reviewed' once a clinician has checked the text (name them in reviewed_by); until then"
        " 'draft', and every page and the HTML twin say it is a draft.",
        "draft",
    )
    reviewed: datetime.date = spec("Date the text was last reviewed (YYYY-MM-DD).")
    reviewed_by: str = spec("Who reviewed it (name and role).")
    review_due: datetime.date = spec("Date the next review is due (YYYY-MM-DD).")
    keywords: tuple[str, ...] = spec("Search words, stored in the PDF's metadata.", ())
    key_message: str = spec("The one main message: one or two short sentences.", max_length=300)
    summary: str = spec("A short summary in two to four sentences.", max_length=700)
    about: Section | None = spec("What the condition or body part is.", None)
    symptoms: Symptoms = spec("Signs and symptoms.")
    causes: Section = spec("What causes it.")
    why_it_hurts: Section = spec("Why it hurts.")
    treatment: Section | None = spec("What can help: treatments and care.", None)
    self_care: SelfCare = spec("The self-care checklist.")
    exercises: tuple[Exercise, ...] = spec("The exercises.", (), max_items=12)
    video: HttpsUrl | None = spec("A video link for the whole handout (https only).", None)
    get_help: GetHelp = spec("When to get help.")
    sources: tuple[Source, ...] = spec("What the handout is based on.", min_items=1)
    disclaimer: str = spec("A short disclaimer printed at the end.", max_length=600)


# The order a handout prints in, declared once for the PDF, the HTML twin and `check`: first the
# title block, then these parts. "chart" is the 7-day tick chart of the self-care items marked
# 'track' (after the exercises, so a long chart splits between rows instead of leaving a page part
# empty before a card); "notes" is the box for the clinician's note with the clinic's contact;
# "sources" are printed with the disclaimer.
TITLE_BLOCK = ("title", "subtitle", "key_message", "summary")
PRINT_ORDER = (
    "about",
    "symptoms",
    "causes",
    "why_it_hurts",
    "treatment",
    "self_care",
    "exercises",
    "chart",
    "video",
    "get_help",
    "notes",
    "sources",
)


# --- layouts ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Contact:
    """How patients reach the clinic; printed in the footer and the help box."""

    address: str | None = spec("Street address, one line.", None)
    phone: str | None = spec("Phone number, as patients should dial it.", None)
    web: str | None = spec("Web site, as printed (e.g. www.example.org).", None)
    email: str | None = spec("Email address.", None)
    emergency_number: str = spec("Emergency phone number in the clinic's country.", "911")


@dataclass(frozen=True, kw_only=True)
class Clinic:
    """The clinic's name, logo and contact details."""

    name: str = spec("The clinic's name, shown in the header.", "Your clinic")
    logo: FilePath | None = spec(
        "Logo file (PNG, JPEG or SVG), relative to the layout's folder (anywhere under the library root).",
        None,
    )
    contact: Contact = spec("Contact details.", Contact())


@dataclass(frozen=True, kw_only=True)
class Colors:
    """Brand colours. Text colours must reach 4.5:1 contrast on white and on their tints."""

    primary: Color = spec("Headings, header rule and exercise card titles.", Color("#1F4E79"))
    accent: Color = spec("Key message box border and small highlights.", Color("#2E7D5B"))
    text: Color = spec("Body text.", Color("#1A1A1A"))
    tint: Color = spec("Light background of the key message box.", Color("#EAF2F8"))
    card_tint: Color = spec("Light background of exercise card titles.", Color("#F3F6F9"))
    warning: Color = spec("Border and heading of the 'when to get help' box.", Color("#A4161A"))
    warning_tint: Color = spec("Light background of the 'when to get help' box.", Color("#FDEDEC"))


@dataclass(frozen=True, kw_only=True)
class ScriptFont:
    """A font for the letters of one script. A plain file path is taken as the regular font."""

    __shorthand__ = "regular"
    regular: FilePath = spec("Regular TTF file (static, not variable) with letters of this script.")
    bold: FilePath | None = spec("Bold TTF file; bold text uses the regular font if left out.", None)


@dataclass(frozen=True, kw_only=True)
class ScriptFonts:
    """Fonts for letters of other scripts: a letter of a script named here is set in its font."""

    greek: ScriptFont | None = spec("Greek letters.", None)
    cyrillic: ScriptFont | None = spec("Cyrillic letters (Russian, Ukrainian, Bulgarian, Serbian ...).", None)
    armenian: ScriptFont | None = spec("Armenian letters.", None)
    georgian: ScriptFont | None = spec("Georgian letters.", None)
    cjk: ScriptFont | None = spec(
        "Chinese, Japanese and Korean characters: a static TrueType (.ttf) font that has them, such"
        " as a static build of Noto Sans SC, JP or KR (OpenType .otf and .ttc files do not work).",
        None,
    )


@dataclass(frozen=True, kw_only=True)
class Fonts:
    """Fonts. Leave out to use the built-in Atkinson Hyperlegible, made for low vision."""

    regular: FilePath | None = spec("Regular TTF file (static, not variable).", None)
    bold: FilePath | None = spec("Bold TTF file; required with 'regular'.", None)
    italic: FilePath | None = spec("Italic TTF file; the regular font is used if left out.", None)
    bold_italic: FilePath | None = spec("Bold italic TTF file.", None)
    size: float = spec("Body text size in points (12 or more).", 14.0, minimum=12, maximum=24)
    scripts: ScriptFonts = spec(
        "Fonts for Greek, Cyrillic, Armenian, Georgian, or Chinese, Japanese and Korean letters.",
        ScriptFonts(),
    )


@dataclass(frozen=True, kw_only=True)
class Page:
    """Paper and margins."""

    paper: Paper = spec("Paper size.", "letter")
    margin_mm: float = spec("Margin on every side, in millimetres.", 22.0, minimum=13, maximum=40)


@dataclass(frozen=True, kw_only=True)
class Footer:
    """What the footer shows besides page numbers, contact and review date."""

    disclaimer: str | None = spec("One short line printed in the footer of every page.", None, max_length=160)


@dataclass(frozen=True, kw_only=True)
class LayoutTranslation:
    """The layout's own words in another language, printed on handouts in that language."""

    language: str = spec("Language code of these words, e.g. es.", **LANGUAGE)
    footer: str | None = spec("The footer line, in this language.", None, max_length=160)
    address: str | None = spec("The clinic's address, as written in this language.", None)


@dataclass(frozen=True, kw_only=True)
class Layout:
    """A clinic's brand and page design."""

    name: str = spec("Name of this layout, for 'psoaspdf list'.", "psoaspdf default")
    clinic: Clinic = spec("The clinic.", Clinic())
    colors: Colors = spec("Brand colours.", Colors())
    fonts: Fonts = spec("Fonts.", Fonts())
    page: Page = spec("Paper and margins.", Page())
    exercises: Literal["cards", "compact"] = spec(
        "How exercises are laid out: 'cards', a full-width card each with the picture beside the"
        " steps, or 'compact', two half-width cards per row for short programmes (an exercise too"
        " long for half a page still gets a full card).",
        "cards",
    )
    profile: Profile = spec(
        "'large-print': body text at least 18 pt and a full card per exercise; 'ink-saving': black"
        " and grey line work on white, no filled bands (also --large-print, --ink-saving).",
        "standard",
    )
    chart: bool = spec(
        "Print the 7-day tick chart under the self-care checklist, for the habits marked 'track'"
        " (--no-chart leaves it out).",
        True,
    )
    sources: bool = spec(
        "Print the list of sources at the end (--no-sources leaves it out; the disclaimer always prints).",
        True,
    )
    footer: Footer = spec("Footer.", Footer())
    language: str | None = spec(
        "Language code of the layout's own words (footer line, address), e.g. en: a handout in"
        " another language then marks them as such for screen readers.",
        None,
        **LANGUAGE,
    )
    translations: tuple[LayoutTranslation, ...] = spec(
        "The footer line and address in other languages: a handout in one of them prints these"
        " instead (e.g. a Spanish footer on Spanish handouts).",
        (),
    )


# --- home-exercise programs --------------------------------------------------------------------

EXERCISE_ID = {
    "pattern": r"^[a-z0-9][a-z0-9-]{0,63}/[a-z0-9][a-z0-9-]{0,63}$",
    "pattern_hint": "an exercise id: write <handout id>/<exercise id>, e.g. iliopsoas-back-pain/bridge"
    " (psoaspdf exercises lists them)",
}


@dataclass(frozen=True, kw_only=True)
class DoseChange:
    """A dose for this patient: only what differs from the exercise's own dose."""

    sets: int | None = spec("Number of sets.", None, minimum=1, maximum=20)
    reps: int | None = spec("Repetitions in each set.", None, minimum=1, maximum=100)
    hold_seconds: int | None = spec("Seconds to hold each time.", None, minimum=1, maximum=600)
    minutes: int | None = spec("Minutes, for exercises done for a time.", None, minimum=1, maximum=120)
    each_side: bool | None = spec("Do it on each side (left and right).", None)
    times: int | None = spec("How many times per day or week.", None, minimum=1, maximum=20)
    per: Literal["day", "week"] | None = spec("Whether 'times' counts per day or per week.", None)


@dataclass(frozen=True, kw_only=True)
class ProgramItem:
    """One exercise of a program: its id in the exercise library, and any dose change. A plain
    string is taken as the id."""

    __shorthand__ = "exercise"
    exercise: str = spec(
        "The exercise: <handout id>/<exercise id> (psoaspdf exercises lists them).", **EXERCISE_ID
    )
    dose: DoseChange = spec("Dose changes for this patient; the exercise's own dose otherwise.", DoseChange())


@dataclass(frozen=True, kw_only=True)
class Program:
    """A home-exercise program: chosen exercises from the library, at this patient's doses, on one
    or two pages."""

    title: str | None = spec(
        "Title; 'Your home exercise program' (in the program's language) if left out.", None, max_length=80
    )
    language: str | None = spec(
        "Language code of the program's own words (title, labels); the first exercise's handout's if left out.",
        None,
        **LANGUAGE,
    )
    layout: Ref | None = spec(
        "The layout: its YAML file (relative to the program's folder), or an id; the built-in"
        " default if left out (-l overrides).",
        None,
        ref="layouts",
    )
    exercises: tuple[ProgramItem, ...] = spec(
        "The exercises, in the order to do them.", min_items=1, max_items=12
    )
    note: str | None = spec(
        "A note for the patient (better given on the command line).", None, max_length=600
    )


# --- booklets ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BookletItem:
    """One item of a booklet: a handout, a home-exercise program, a clinic's PDF or a divider."""

    handout: Ref | None = spec(
        "A handout: its YAML file (relative to the booklet's folder), or an id (the library's handouts/<id>.yaml, else a built-in one).",
        None,
        ref="handouts",
    )
    program: Ref | None = spec(
        "A home-exercise program: its YAML file (relative to the booklet's folder), or an id (the library's programs/<id>.yaml, else a built-in one).",
        None,
        ref="programs",
    )
    pdf: FilePath | None = spec(
        "One of the clinic's own PDF files, relative to the booklet's folder (anywhere under the library root).",
        None,
    )
    divider: str | None = spec("A divider page with this title, starting a new section.", None, max_length=80)
    title: str | None = spec(
        "Title in the contents and bookmarks; for a PDF, its own title or file name otherwise.",
        None,
        max_length=80,
    )


@dataclass(frozen=True, kw_only=True)
class Booklet:
    """Several handouts and the clinic's own pages under one branded cover."""

    title: str = spec("The booklet's title, on the cover.", max_length=80)
    subtitle: str | None = spec("A line under the title.", None, max_length=120)
    layout: Ref | None = spec(
        "The layout: its YAML file (relative to the booklet's folder), or an id (the library's"
        " layouts/<id>.yaml, else a built-in one); the built-in default if left out.",
        None,
        ref="layouts",
    )
    language: str = spec(
        "Language code of the booklet's own words (cover, contents).",
        "en",
        **LANGUAGE,
    )
    start_on_right: bool = spec("Start every item on a right-hand page, for double-sided printing.", False)
    blank_pages: Literal["notes", "marked"] = spec(
        "What a page left empty by start_on_right shows: 'notes' (ruled lines) or 'marked'"
        " ('This page is left blank on purpose.').",
        "notes",
    )
    patient: str | None = spec("Patient's name for the cover (better given on the command line).", None)
    clinician: str | None = spec("Clinician's name for the cover.", None)
    date: str | None = spec("Date for the cover, as it should be printed.", None)
    items: tuple[BookletItem, ...] = spec("What the booklet holds, in order.", min_items=1, max_items=60)


# --- batch manifests ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """What one batch run builds: every clinic's copy of each handout and booklet, and one
    personalised copy per row of a patients file."""

    output: str = spec(
        "Folder the PDFs go in, relative to the manifest and inside the library root (--out overrides).",
        "out",
    )
    path: str = spec(
        "File name of a clinic's copy, from {clinic} and {item}.", "{clinic}/{item}.pdf", max_length=200
    )
    patient_path: str = spec(
        "File name of a patient's copy, from {clinic}, {item} and {patient_id}.",
        "{clinic}/patients/{patient_id}-{item}.pdf",
        max_length=200,
    )
    clinics: tuple[Ref, ...] = spec(
        "Layouts: files relative to the manifest, or ids (the library's own, else built in).",
        ("default",),
        min_items=1,
        ref="layouts",
    )
    handouts: tuple[Ref, ...] = spec(
        "Handouts every clinic gets: files relative to the manifest, or ids.", (), ref="handouts"
    )
    booklets: tuple[Ref, ...] = spec(
        "Booklets every clinic gets: files relative to the manifest, or ids.", (), ref="booklets"
    )
    programs: tuple[Ref, ...] = spec(
        "Home-exercise programs every clinic gets: files relative to the manifest, or ids.",
        (),
        ref="programs",
    )
    patients: FilePath | None = spec(
        "A CSV file of patients' copies, relative to the manifest (see docs/manifest-format.md).", None
    )
    paper: Paper | None = spec("Paper size for every PDF, overriding the layouts'.", None)


@dataclass(frozen=True, kw_only=True)
class Personal:
    """Details for one patient's copy; given on the command line, never stored in metadata."""

    patient: str | None = None
    clinician: str | None = None
    date: str | None = None
    note: str | None = None  # the clinician's note, printed in the "Notes for you" box


# --- what the clinic desk and its HTTP API are asked to print (psoaspdf serve) ---------------------
# Only ids here, never file paths: a request names what the library holds and nothing else.

ID_ONLY = {
    **SLUG,
    "pattern_hint": "an id from the library, e.g. iliopsoas-back-pain (GET /api/handouts lists them)",
}


@dataclass(frozen=True, kw_only=True)
class RequestItem:
    """One part of a booklet asked for over HTTP: a handout (with dose changes for its
    exercises), a program id, or exercises from the library. A plain string is a handout id."""

    __shorthand__ = "handout"
    handout: str | None = spec("A handout id.", None, **ID_ONLY)
    doses: tuple[ProgramItem, ...] = spec(
        "Dose changes for the handout's own exercises: each names an exercise of it.", (), max_items=12
    )
    program: str | None = spec("A program id (GET /api/programs lists them).", None, **ID_ONLY)
    exercises: tuple[ProgramItem, ...] = spec(
        "Exercises from the library, printed as a home-exercise program.", (), max_items=12
    )


@dataclass(frozen=True, kw_only=True)
class RenderRequest:
    """What to print: one handout, one program, exercises from the library, or a booklet of
    several items; and this patient's copy of it."""

    handout: str | None = spec("A handout id.", None, **ID_ONLY)
    doses: tuple[ProgramItem, ...] = spec(
        "With 'handout': dose changes for its own exercises.", (), max_items=12
    )
    program: str | None = spec("A program id.", None, **ID_ONLY)
    exercises: tuple[ProgramItem, ...] = spec(
        "Exercises from the library (ids, or {exercise, dose}), printed as a program.", (), max_items=12
    )
    items: tuple[RequestItem, ...] = spec("A booklet: its items in order.", (), max_items=12)
    title: str | None = spec("Title of a booklet or a program.", None, max_length=80)
    language: str | None = spec("Language of a booklet's cover and contents.", None, **LANGUAGE)
    layout: str | None = spec("A layout id; the built-in default if left out.", None, **ID_ONLY)
    paper: Paper | None = spec("Paper size, overriding the layout's.", None)
    profile: Profile | None = spec("Print profile: standard, large-print or ink-saving.", None)
    format: Format = spec("pdf, or html for the accessible page (not for booklets).", "pdf")
    patient: str | None = spec("Patient's name, printed on the copy only.", None, max_length=80)
    clinician: str | None = spec("Clinician's name.", None, max_length=80)
    date: str | None = spec("Date, as it should be printed.", None, max_length=40)
    note: str | None = spec("A note for the patient (not for booklets).", None, max_length=600)
