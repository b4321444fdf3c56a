"""The desk's form: its fields ⇄ what the page shows ⇄ a render request, the same JSON an API
client sends. Nothing here is kept after the answer: the form carries its own state."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

from .. import desk, model

DOSE_FIELDS = ("sets", "reps", "hold_seconds", "minutes", "times")
WORD_OF = {"sets": "sets", "reps": "reps", "hold_seconds": "hold", "minutes": "minutes", "times": "times"}
PAPERS = ("letter", "a4")
PROFILES = ("standard", "large-print", "ink-saving")
UI_LANGUAGES = ("en", "es")


@functools.cache
def words(ui: str) -> dict[str, Any]:
    """The desk's own labels in ``ui`` (English or Spanish)."""
    import yaml

    from ..library import package_data

    path = Path(package_data("web", "words", f"{ui if ui in UI_LANGUAGES else 'en'}.yaml"))
    found: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return found


@dataclasses.dataclass
class DoseInput:
    """One number box of an exercise's dose."""

    name: str  # the form field
    id: str  # the element id
    field: str  # sets, reps, hold_seconds, minutes, times
    label: str
    value: str
    default: int | None
    minimum: int
    maximum: int


@dataclasses.dataclass
class State:
    """Everything the form holds: what to find, what is chosen, and this patient's details."""

    ui: str = "en"
    q: str = ""
    region: str = ""
    language: str = ""
    handouts: list[str] = dataclasses.field(default_factory=list)
    exercises: list[str] = dataclasses.field(default_factory=list)
    programs: list[str] = dataclasses.field(default_factory=list)  # saved programs, by id
    doses: dict[str, str] = dataclasses.field(default_factory=dict)  # field name → what was typed
    patient: str = ""
    clinician: str = ""
    date: str = ""
    note: str = ""
    layout: str = ""
    paper: str = ""
    profile: str = "standard"

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, str]], default_layout: str = "") -> State:
        state = cls(layout=default_layout)
        for key, value in pairs:
            if key in ("handout", "exercise", "program"):
                chosen = {"handout": state.handouts, "exercise": state.exercises, "program": state.programs}[
                    key
                ]
                if value not in chosen:
                    chosen.append(value)
            elif key.startswith("dose:"):
                state.doses[key] = value[:8]
            elif key in (
                "ui",
                "q",
                "region",
                "language",
                "patient",
                "clinician",
                "date",
                "note",
                "layout",
                "paper",
                "profile",
            ):
                setattr(state, key, value.strip() if key != "note" else value.strip("\r\n"))
        if state.ui not in UI_LANGUAGES:
            state.ui = "en"
        if state.profile not in PROFILES:
            state.profile = "standard"
        if state.paper not in PAPERS:
            state.paper = ""
        return state

    def dose_inputs(self, scope: str, exercise: desk.ExerciseCard) -> list[DoseInput]:
        """The number boxes for one exercise's dose: what its own dose uses, and how often."""
        label_words = words(self.ui)
        limits = {f.name: f.metadata for f in dataclasses.fields(model.DoseChange)}
        out = []
        timed = exercise.dose.minutes is not None
        for field in DOSE_FIELDS:
            default = getattr(exercise.dose, field)
            if default is None and field != "times" and timed != (field == "minutes"):
                continue  # a timed exercise offers minutes; any other, sets, repetitions and a hold
            name = f"dose:{scope}:{exercise.id}:{field}"
            word = WORD_OF[field]
            if field == "times" and exercise.dose.per == "week":
                word = "times_week"
            element = f"d-{scope}-{exercise.id.replace('/', '--')}-{WORD_OF[field]}"
            shown = self.doses.get(name, "" if default is None else str(default))
            out.append(
                DoseInput(
                    name,
                    element,
                    field,
                    label_words[word],
                    shown,
                    default,
                    limits[field]["minimum"],
                    limits[field]["maximum"],
                )
            )
        return out


@dataclasses.dataclass
class FormProblem:
    """A problem to show at the top of the page, linked to the box it is about."""

    target: str  # element id ("" when it is about the whole form)
    message: str


def to_request(state: State, catalog: desk.Catalog) -> tuple[dict[str, Any] | None, list[FormProblem]]:
    """The render request the form asks for (as the API's JSON), or the problems in it."""
    w = words(state.ui)
    problems: list[FormProblem] = []
    handouts = [h for h in state.handouts if catalog.handout(h)]
    exercises = [e for e in state.exercises if catalog.exercise(e)]
    programs = [p for p in state.programs if any(c.id == p for c in catalog.programs)]
    if not handouts and not exercises and not programs:
        return None, [FormProblem("choose", w["nothing_chosen"])]

    def changes(scope: str, ids: list[str]) -> list[dict[str, Any]]:
        found = []
        for id_ in ids:
            card = catalog.exercise(id_)
            if card is None:
                continue
            dose: dict[str, int] = {}
            for box in state.dose_inputs(scope, card):
                typed = state.doses.get(box.name, "").strip()
                if not typed:
                    continue
                if not typed.isdigit() or not box.minimum <= int(typed) <= box.maximum:
                    label = f"{card.title}, {box.label}"
                    message = w["whole_number"].format(label=label, low=box.minimum, high=box.maximum)
                    problems.append(FormProblem(box.id, message))
                    continue
                if int(typed) != box.default:
                    dose[box.field] = int(typed)
            if scope == "p" or dose:
                found.append({"exercise": id_, "dose": dose} if dose else {"exercise": id_})
        return found

    request: dict[str, Any]
    if len(handouts) == 1 and not exercises and not programs:
        request = {"handout": handouts[0], "doses": changes("h", _exercises_of(catalog, handouts))}
    elif not handouts and not programs:
        request = {"exercises": changes("p", exercises)}
    elif len(programs) == 1 and not handouts and not exercises:
        request = {"program": programs[0]}
    else:
        items: list[Any] = []
        for h in handouts:
            doses = changes("h", _exercises_of(catalog, [h]))
            items.append({"handout": h, "doses": doses} if doses else h)
        items += [{"program": p} for p in programs]
        if exercises:
            items.append({"exercises": changes("p", exercises)})
        request = {"items": items}
        if state.note:
            problems.append(
                FormProblem("note", "A booklet has no note box: leave the note empty, or print one handout.")
            )
    details = {
        "patient": state.patient,
        "clinician": state.clinician,
        "date": state.date,
        "note": state.note,
        "layout": state.layout if state.layout and state.layout != "default" else "",
        "paper": state.paper,
        "profile": state.profile if state.profile != "standard" else "",
    }
    request.update({k: v for k, v in details.items() if v})
    return (None if problems else request), problems


def _exercises_of(catalog: desk.Catalog, handouts: list[str]) -> list[str]:
    return [e for h in handouts if (card := catalog.handout(h)) for e in card.exercises]


# where the API's field names are shown on the page
FIELD_TARGETS = {
    "patient": "patient",
    "clinician": "clinician",
    "date": "date",
    "note": "note",
    "layout": "layout",
    "paper": "paper",
    "profile": "profile",
}


def form_problems(problems: list[dict[str, Any]]) -> list[FormProblem]:
    """The API's problems (validation, unknown ids, limits) as the page shows them."""
    out = []
    for p in problems:
        field = str(p.get("field") or "")
        target = FIELD_TARGETS.get(field.split(".")[0].split("[")[0], "choose" if field else "")
        label = f"{field}: " if field and field not in FIELD_TARGETS else ""
        out.append(FormProblem(target, f"{label}{p['message']}"))
    return out
