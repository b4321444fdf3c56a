"""Home-exercise programs: exercise ids (from a program file or the command line) and dose changes
→ the exercises to print, each at this patient's dose."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import model
from .errors import InvalidInput, NotFound, Problem
from .exercises import Entry, Library, load_library, plain_text
from .handout import apply_overrides, load_layout, personal_problems, printable_problems, rendering
from .library import resolve_given
from .validate import BUILT_IN, COMMAND_LINE, Where, load_located
from .wording import labels as load_labels

# --- the command line's short dose syntax: ID@sets=2,reps=10,hold=5,times=2/day,each-side ---------

DOSE_KEYS = {
    "sets": "sets",
    "reps": "reps",
    "hold": "hold_seconds",
    "minutes": "minutes",
    "times": "times",
}
SYNTAX = "ID@sets=2,reps=10,hold=5,minutes=3,times=2/day,each-side (any of them, in any order)"


class BadDose(ValueError):
    """A dose change on the command line that cannot be read; the message says what is expected."""


def parse_item(text: str) -> model.ProgramItem:
    """``handout/exercise`` or ``handout/exercise@key=value,...`` as a program item."""
    exercise, at, changes = text.partition("@")
    exercise = exercise.strip()
    pattern = model.EXERCISE_ID["pattern"]
    if not re.fullmatch(pattern, exercise):
        raise BadDose(f"{exercise!r} is not {model.EXERCISE_ID['pattern_hint'].removeprefix('an ')}")
    if not at:
        return model.ProgramItem(exercise=exercise)
    return model.ProgramItem(exercise=exercise, dose=parse_dose(changes))


def parse_dose(text: str) -> model.DoseChange:
    limits = {f.name: f.metadata for f in dataclasses.fields(model.DoseChange)}
    values: dict[str, object] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, eq, value = (s.strip() for s in part.partition("="))
        key = key.lower().replace("_", "-")
        if key in ("each-side", "side"):
            if eq and value.lower() not in ("yes", "no", "true", "false"):
                raise BadDose(f"{part!r}: write each-side, or each-side=no")
            values["each_side"] = not eq or value.lower() in ("yes", "true")
            continue
        if key not in DOSE_KEYS:
            raise BadDose(
                f"{part!r}: unknown dose key {key!r}; the keys are {', '.join(DOSE_KEYS)}, each-side"
            )
        if not eq:
            raise BadDose(f"{part!r}: give a number, e.g. {key}=2")
        if key == "times":
            value, _, per = value.partition("/")
            per = per.strip().lower()
            if per:
                if per not in ("day", "week"):
                    raise BadDose(f"{part!r}: write times=N/day or times=N/week")
                values["per"] = per
        field = DOSE_KEYS[key]
        if not value.strip().isdigit():
            raise BadDose(f"{part!r}: {key} must be a whole number")
        number = int(value)
        low, high = limits[field]["minimum"], limits[field]["maximum"]
        if not low <= number <= high:
            raise BadDose(f"{part!r}: {key} must be between {low} and {high}")
        values[field] = number
    if not values:
        raise BadDose(f"nothing after '@': write {SYNTAX}")
    return model.DoseChange(**values)  # type: ignore[arg-type]


def from_command_line(items: Sequence[str], note: str | None = None) -> tuple[model.Program, list[Problem]]:
    """A program from ids typed on the command line, and the problems of those that cannot be
    read (their ids are still looked up, so one run names every mistake)."""
    problems: list[Problem] = []
    parsed: list[model.ProgramItem] = []
    for index, text in enumerate(items, start=1):
        try:
            parsed.append(parse_item(text))
        except BadDose as exc:
            problems.append(COMMAND_LINE.problem(f"EXERCISE {index}", f"{exc}; the form is {SYNTAX}"))
            head = text.partition("@")[0].strip()
            if re.fullmatch(model.EXERCISE_ID["pattern"], head):
                parsed.append(model.ProgramItem(exercise=head))
    return model.Program(exercises=tuple(parsed), note=note), problems


# --- resolving: ids → exercises at their doses -------------------------------------------------------


def changed(dose: model.Dose, change: model.DoseChange) -> model.Dose:
    """The exercise's dose with this patient's changes: a count replaces the count, so a change
    to minutes drops repetitions and holds, and a change to repetitions drops minutes."""
    values = {f.name: getattr(change, f.name) for f in dataclasses.fields(change)}
    given = {k: v for k, v in values.items() if v is not None}
    merged = dataclasses.replace(dose, **given)
    if "minutes" in given and not {"reps", "hold_seconds"} & given.keys():
        merged = dataclasses.replace(merged, reps=None, hold_seconds=None)
    if {"reps", "hold_seconds"} & given.keys() and "minutes" not in given:
        merged = dataclasses.replace(merged, minutes=None)
    return merged


@dataclasses.dataclass(frozen=True)
class Planned:
    """One exercise as the program prints it."""

    entry: Entry
    dose: model.Dose

    @property
    def exercise(self) -> model.Exercise:
        return dataclasses.replace(self.entry.exercise, dose=self.dose)


@dataclasses.dataclass(frozen=True)
class ProgramPlan:
    program: model.Program
    items: tuple[Planned, ...]
    where: Where

    @property
    def handouts(self) -> list[model.Handout]:
        """The handouts the exercises come from, each once, in order."""
        seen: dict[str, model.Handout] = {}
        for item in self.items:
            seen.setdefault(item.entry.handout.id, item.entry.handout)
        return list(seen.values())


def plan_program(
    program: model.Program,
    where: Where = COMMAND_LINE,
    root: Path | None = None,
    library: Library | None = None,
) -> ProgramPlan:
    """The exercises a program names, at its doses; InvalidInput naming each unknown id (with the
    close matches) at its line in the program file."""
    library = library or load_library(root=root)
    problems: list[Problem] = []
    planned: list[Planned] = []
    for index, item in enumerate(program.exercises, start=1):
        field = f"exercises[{index}]" if where is not COMMAND_LINE else f"EXERCISE {index}"
        try:
            entry = library.find(item.exercise)
        except NotFound as exc:
            problems.append(where.problem(field, str(exc)))
            continue
        planned.append(Planned(entry, changed(entry.exercise.dose, item.dose)))
    if problems:
        raise InvalidInput(problems)
    return ProgramPlan(program, tuple(planned), where)


def load_program(name: str, root: Path | None = None) -> tuple[model.Program, Where]:
    """A program file (or the library's ``programs/<id>.yaml``) with the positions of its values."""
    return load_located(resolve_given(name, "programs", root), model.Program, root)


def is_program_name(items: Sequence[str]) -> bool:
    """Whether the command line names one program file (or id) rather than exercise ids."""
    if len(items) != 1:
        return False
    head = items[0].partition("@")[0]
    return not re.fullmatch(model.EXERCISE_ID["pattern"], head)


@dataclasses.dataclass(frozen=True)
class ProgramInputs:
    """A planned program and the layout it prints with, with where they came from."""

    plan: ProgramPlan
    layout: model.Layout
    layout_where: Where

    @property
    def language(self) -> str:
        first = self.plan.items[0].entry.handout.language if self.plan.items else "en"
        return self.plan.program.language or first

    @functools.cached_property
    def labels(self) -> dict[str, object]:
        return load_labels(self.language)

    @property
    def title(self) -> str:
        return self.plan.program.title or str(self.labels["program_title"])

    @property
    def urgent(self) -> list[str]:
        """The emergency signs of every handout the exercises come from, each once."""
        signs: dict[str, None] = {}
        for handout in self.plan.handouts:
            signs.update(dict.fromkeys(handout.get_help.urgent))
        return list(signs)

    @property
    def draft(self) -> bool:
        """Whether any handout the exercises come from is still a draft: the program is one too."""
        return any(h.status == "draft" for h in self.plan.handouts)

    @property
    def footer(self) -> str:
        names = "; ".join(f"{plain_text(h.title)} ({h.version})" for h in self.plan.handouts)
        line = str(self.labels["program_from"]).format(handouts=names)
        return f"{self.labels['draft']} · {line}" if self.draft else line

    def sources(self) -> list[Path]:
        files = [
            Path(w.file) for w in (self.plan.where, self.layout_where) if w not in (BUILT_IN, COMMAND_LINE)
        ]
        return files + [Path(h.entry.where.file) for h in self.plan.items]


def load_program_inputs(
    items: Sequence[str],
    layout: str | None = None,
    paper: model.Paper | None = None,
    profile: model.Profile | None = None,
    root: Path | None = None,
    library: Library | None = None,
) -> ProgramInputs:
    """A program from a file or from exercise ids, its exercises found, its layout loaded (-l
    first, then the program file's own); every problem of both listed in one run."""
    problems: list[Problem] = []
    program: model.Program | None = None
    where = COMMAND_LINE
    if is_program_name(items):
        try:
            program, where = load_program(items[0], root)
        except InvalidInput as exc:
            problems += exc.problems
    else:
        program, problems = from_command_line(items)
    plan = None
    if program is not None and program.exercises:
        try:
            plan = plan_program(program, where, root, library)
        except InvalidInput as exc:
            problems += exc.problems
    loaded_layout, layout_where = model.Layout(), BUILT_IN
    try:
        loaded_layout, layout_where = load_layout(layout or (program.layout if program else None), root)
    except InvalidInput as exc:
        problems += exc.problems
    if problems or plan is None:
        raise InvalidInput(problems)
    return ProgramInputs(plan, apply_overrides(loaded_layout, paper, profile), layout_where)


def with_note(inputs: ProgramInputs, personal: model.Personal | None) -> model.Personal:
    """The personal details of a copy, with the program file's note unless one is given."""
    personal = personal or model.Personal()
    if personal.note is None and inputs.plan.program.note:
        personal = dataclasses.replace(personal, note=inputs.plan.program.note)
    return personal


def render_program_bytes(
    inputs: ProgramInputs,
    personal: model.Personal | None = None,
    fmt: model.Format = "pdf",
    fields: dict[str, Any] | None = None,
    personal_where: Where = COMMAND_LINE,
) -> bytes:
    """The program as PDF bytes (or its HTML twin), after the same checks a handout gets: every
    picture readable, every character printable, personal details never quoted."""
    personal = with_note(inputs, personal)
    wheres = {item.entry.handout.id: item.entry.where for item in inputs.plan.items}
    documents: list[tuple[Where, object]] = [(wheres[h.id], h) for h in inputs.plan.handouts]
    problems = printable_problems(inputs.layout, inputs.layout_where, documents)
    problems += personal_problems(inputs.layout, personal, personal_where)
    if problems:
        raise InvalidInput(problems)
    exercises = [item.exercise for item in inputs.plan.items]
    if fmt == "html":
        from .htmlpage import render_program_html

        first = inputs.plan.items[0].entry.handout
        return render_program_html(
            inputs.title,
            exercises,
            inputs.urgent,
            first,
            inputs.layout,
            personal,
            inputs.language,
            inputs.footer,
            draft=inputs.draft,
        )
    from .render.document import render_program

    with rendering(inputs.plan.where):
        return render_program(
            inputs.title,
            inputs.language,
            exercises,
            inputs.urgent,
            inputs.footer,
            inputs.layout,
            personal,
            fields,
            draft=inputs.draft,
        )
