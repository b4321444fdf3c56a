"""Plain-language checks of a handout: readability, PEMAT-P items, medical words, print layout.

The readers are older people in pain, many with low health literacy. This package finds text
that is likely to be hard for them (long sentences, medical words, a high reading grade) and the
parts of the Patient Education Materials Assessment Tool (PEMAT-P) a program can judge. It
reports; it never changes a handout. One module per concern: ``text`` (what is printed),
``readability``, ``words`` (medical words, sentences), ``pemat``, ``layout``, ``labels``,
``report`` (the findings) and ``table`` (the report for people).
"""

from __future__ import annotations

from pathlib import Path

from .. import model
from ..errors import InvalidInput, NotFound, Problem
from ..handout import load_layout, with_profile
from ..kinds import detect_kind, kind_of_file, yaml_files
from ..library import looks_like_path, resolve_given
from ..render.inline import plain_text
from ..validate import BUILT_IN, Where, load_located
from .labels import LABELS, label_findings
from .layout import layout_findings
from .pemat import pemat_items
from .readability import (
    DEFAULT_GRADE,
    MIN_GRADED_WORDS,
    Readability,
    ease_for_grade,
    readability,
    sentence_ease,
    sentence_grade,
)
from .report import Finding, LayoutFacts, LayoutItem, PematItem, Report, Severity, finding
from .table import table
from .text import Text, base_language, printed_texts, sentences
from .words import MAX_SENTENCE_WORDS, SENTENCE_WORDS, glossary, medical_words, quote, sentence_findings

__all__ = [
    "DEFAULT_GRADE",
    "LABELS",
    "Finding",
    "LayoutFacts",
    "LayoutItem",
    "PematItem",
    "Readability",
    "Report",
    "Severity",
    "check_handout",
    "check_loaded",
    "check_paths",
    "check_program",
    "glossary",
    "handout_paths",
    "table",
    "worksheet",
]

WORST_SENTENCES = 3


def check_handout(
    path: Path,
    layout: model.Layout | None = None,
    layout_where: Where = BUILT_IN,
    target_grade: float = DEFAULT_GRADE,
    labels: Path | None = None,
    root: Path | None = None,
    allow_drafts: bool = False,
) -> Report:
    """Check one handout file; raise InvalidInput if it is not a valid handout.

    ``labels``: the folder of label catalogs (default: the built-in ones); ``allow_drafts``: a
    draft is expected (info), not a warning."""
    handout, where = load_located(path, model.Handout, root)
    return check_loaded(
        handout, where, layout or model.Layout(), layout_where, target_grade, labels, allow_drafts
    )


def check_loaded(
    handout: model.Handout,
    where: Where,
    layout: model.Layout,
    layout_where: Where = BUILT_IN,
    target_grade: float = DEFAULT_GRADE,
    labels: Path | None = None,
    allow_drafts: bool = False,
) -> Report:
    """Check a validated handout printed with ``layout``."""
    language = base_language(handout.language)
    english, spanish = language == "en", language == "es"
    from ..wording import labels as label_catalog

    texts = printed_texts(handout, label_catalog(handout.language))
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
        findings.append(finding("info", "readability", where, "language", message))
    for scores in sections:
        # a score from a few words says little ("General information only." scores grade 21)
        if (english or spanish) and scores.too_hard(target_grade) and scores.words >= MIN_GRADED_WORDS:
            findings.append(_too_hard(scores, by_section[scores.section], where, target_grade, spanish))
    limit = SENTENCE_WORDS.get(language, MAX_SENTENCE_WORDS)
    findings += sentence_findings(texts, where, english, limit)
    if not english:
        message = f"passive voice: checked in English only; not checked for '{handout.language}'"
        findings.append(finding("info", "passive-voice", where, "language", message))
    if not glossary(handout.language):
        message = f"medical words: no glossary for '{handout.language}' (psoaspdf/glossary/{language}.yaml); not checked"
        findings.append(finding("info", "medical-word", where, "language", message))
    findings += medical_words(texts, handout.language, where)
    findings += label_findings(handout.language, where, labels)
    if handout.status == "draft":
        findings.append(_draft(where, allow_drafts))
    pemat, pemat_findings = pemat_items(handout, where, english)
    findings += pemat_findings
    facts, layout_problems = layout_findings([(where, handout)], layout, layout_where)
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


def check_program(
    path: Path,
    layout: model.Layout | None = None,
    layout_where: Where = BUILT_IN,
    target_grade: float = DEFAULT_GRADE,
    labels: Path | None = None,
    root: Path | None = None,
    allow_drafts: bool = False,
) -> Report:
    """Check a program file as it prints: its title and note, each exercise's name, steps and
    cautions (found where they are written, in their handouts), and the emergency signs; raise
    InvalidInput if it is not a valid program or names an exercise the library does not have.

    Findings in an exercise's words point at its handout's file and field. PEMAT-P rates a whole
    handout, so a program is not rated; its handouts are."""
    from ..program import ProgramInputs, load_program, plan_program

    program, where = load_program(str(path), root)
    inputs = ProgramInputs(plan_program(program, where, root), layout or model.Layout(), layout_where)
    language = base_language(inputs.language)
    english, spanish = language == "en", language == "es"
    groups: list[tuple[Where, list[Text]]] = [
        (where, [Text(f, plain_text(v)) for f, v in (("title", inputs.title), ("note", program.note)) if v])
    ]
    for item in inputs.plan.items:
        handout, exercise = item.entry.handout, item.entry.exercise
        field = f"exercises[{handout.exercises.index(exercise) + 1}]"
        texts = [Text(f"{field}.name", plain_text(exercise.name))]
        texts += [Text(f"{field}.steps[{i}]", plain_text(t)) for i, t in enumerate(exercise.steps, start=1)]
        texts += [
            Text(f"{field}.cautions[{i}]", plain_text(t)) for i, t in enumerate(exercise.cautions, start=1)
        ]
        groups.append((item.entry.where, texts))
    for handout in inputs.plan.handouts:
        shown = [u for u in handout.get_help.urgent if u in inputs.urgent]
        urgent = [
            Text(f"get_help.urgent[{handout.get_help.urgent.index(u) + 1}]", plain_text(u)) for u in shown
        ]
        handout_where = next(i.entry.where for i in inputs.plan.items if i.entry.handout is handout)
        groups.append((handout_where, urgent))
    every = [t for _, texts in groups for t in texts]
    by_section: dict[str, list[Text]] = {}
    for t in every:
        by_section.setdefault(t.section, []).append(t)
    sections = tuple(readability(name, part, language) for name, part in by_section.items())
    findings: list[Finding] = []
    for scores in sections:
        if (english or spanish) and scores.too_hard(target_grade) and scores.words >= MIN_GRADED_WORDS:
            findings.append(_too_hard(scores, by_section[scores.section], where, target_grade, spanish))
    limit = SENTENCE_WORDS.get(language, MAX_SENTENCE_WORDS)
    for group_where, texts in groups:
        findings += sentence_findings(texts, group_where, english, limit)
        findings += medical_words(texts, inputs.language, group_where)
    findings += label_findings(inputs.language, where, labels)
    for handout in inputs.plan.handouts:
        if handout.status == "draft":
            handout_where = next(i.entry.where for i in inputs.plan.items if i.entry.handout is handout)
            findings.append(_draft(handout_where, allow_drafts))
    message = "PEMAT-P rates a whole handout; a program sheet is not rated (check the handouts it draws on)"
    findings.append(finding("info", "pemat", where, "exercises", message))
    documents: list[tuple[Where, object]] = [(where, program)]
    documents += [(i.entry.where, i.entry.handout) for i in inputs.plan.items]
    facts, layout_problems = layout_findings(documents, inputs.layout, layout_where)
    findings += layout_problems
    order = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: (order[f.severity], f.file, f.line or 0, f.col or 0))
    return Report(
        file=where.file,
        handout_id=path.stem,
        language=inputs.language,
        target_grade=target_grade,
        target_ease=ease_for_grade(target_grade) if spanish else None,
        overall=readability("overall", every, language),
        sections=sections,
        pemat=(),
        layout=facts,
        findings=tuple(findings),
        kind="program",
    )


def _draft(where: Where, allow_drafts: bool) -> Finding:
    """A handout still marked draft: a warning (so --strict fails) unless drafts are expected."""
    message = (
        "a draft: no clinician has reviewed it, and every page says so. Once one has, set"
        " 'status: reviewed' with reviewed_by and reviewed (or give --allow-drafts if drafts are expected)"
    )
    return finding("info" if allow_drafts else "warning", "status", where, "status", message)


def _too_hard(
    scores: Readability, part: list[Text], where: Where, target_grade: float, spanish: bool
) -> Finding:
    """A warning for a section above the target, with its hardest sentences."""
    every = [(t.field, s) for t in part for s in sentences(t.text)]
    if spanish:
        eased = sorted(((sentence_ease(s), field, s) for field, s in every), key=lambda x: x[0])
        worst = "; ".join(
            f"{field} (ease {e:.0f}): {quote(s, 70)}" for e, field, s in eased[:WORST_SENTENCES]
        )
        message = (
            f"reading ease {scores.fernandez_huerta:g} (Fernández-Huerta) is under"
            f" {ease_for_grade(target_grade):g}, the score for grade {target_grade:g}. Hardest sentences: {worst}"
        )
    else:
        graded = sorted(((sentence_grade(s), field, s) for field, s in every), key=lambda x: -x[0])
        worst = "; ".join(
            f"{field} (grade {g:.0f}): {quote(s, 70)}" for g, field, s in graded[:WORST_SENTENCES]
        )
        message = f"reading grade {scores.fk_grade:g} is above {target_grade:g}. Hardest sentences: {worst}"
    return finding("warning", "readability", where, scores.section, message)


def handout_paths(names: list[str], root: Path | None = None) -> tuple[list[Path], list[Problem]]:
    """Handout and program files from files, folders (their handouts and programs) and ids (a
    handout's, else a program's)."""
    from ..yamlsrc import YamlProblem, load_file

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
                if detect_kind(candidate, node) in ("handout", "program"):
                    found.append(candidate)
        else:
            try:
                found.append(resolve_given(name, "handouts", root))
            except NotFound:
                program = None if looks_like_path(name) else _program_id(name, root)
                if program is None:
                    raise
                found.append(program)
    return found, problems


def _program_id(name: str, root: Path | None) -> Path | None:
    """The program file with this id, if there is one."""
    try:
        return resolve_given(name, "programs", root)
    except NotFound:
        return None


def check_paths(
    names: list[str],
    layout: str | None = None,
    target_grade: float = DEFAULT_GRADE,
    profile: model.Profile | None = None,
    root: Path | None = None,
    allow_drafts: bool = False,
) -> tuple[list[Report], list[Problem]]:
    """Check handouts named by file, folder or built-in id, printed with the layout (under
    ``profile`` when given); return the reports and invalid inputs."""
    loaded_layout, layout_where = load_layout(layout, root)
    loaded_layout = with_profile(loaded_layout, profile)
    paths, problems = handout_paths(names, root)
    reports: list[Report] = []
    for path in paths:
        check = check_program if kind_of_file(path) == "program" else check_handout
        try:
            reports.append(
                check(path, loaded_layout, layout_where, target_grade, root=root, allow_drafts=allow_drafts)
            )
        except InvalidInput as exc:
            problems += exc.problems
    return reports, problems


def worksheet(report: Report) -> bytes:
    """A printable PEMAT-P reviewer worksheet PDF for one checked handout."""
    from ..render.worksheet import worksheet_pdf
    from .pemat import FOR_A_PERSON, PEMAT_P

    automatic = [(item.number, item.domain, item.item, item.met) for item in report.pemat if item.number]
    person = [(number, *PEMAT_P[number]) for number in FOR_A_PERSON]
    return worksheet_pdf(report.handout_id, automatic, person, model.Layout())
