"""The clinic desk's documents: the library as a catalogue to search, and a request (from the
desk's form or the HTTP API) → the PDF, the accessible page or preview pictures.

No web framework here: the render pool's worker processes import this module alone. Everything
that is not personal is kept between requests (parsed handouts, the exercise library, copies laid
out once with blank write-in lines for the stamping path); personal details live only in the
request being answered.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import functools
import json
import re
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from . import model
from .errors import InvalidInput, NotFound, Problem, PsoasError
from .validate import Where

REQUEST = "request body"
MAX_PAGES = 60  # a longer document is refused: a desk prints a handout, a program or a booklet
PREVIEW_DPI = 40


class UnknownId(PsoasError):
    """A request names a handout, exercise, program or layout the library does not hold."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class TooLong(PsoasError):
    """The document would have more pages than a desk prints, or took too long to lay out."""


# --- the catalogue -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class HandoutCard:
    id: str
    title: str
    subtitle: str
    summary: str
    language: str
    status: str
    version: str
    regions: tuple[str, ...]
    keywords: tuple[str, ...]
    exercises: tuple[str, ...]  # library ids

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class ExerciseCard:
    id: str
    title: str
    handout: str
    handout_title: str
    language: str
    region: str
    dose: model.Dose

    def as_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["dose"] = {k: v for k, v in out["dose"].items() if v is not None}
        return out


@dataclasses.dataclass(frozen=True)
class Card:
    """A layout or a program: an id and a title."""

    id: str
    title: str

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Catalog:
    handouts: tuple[HandoutCard, ...]
    exercises: tuple[ExerciseCard, ...]
    layouts: tuple[Card, ...]
    programs: tuple[Card, ...]
    problems: tuple[Problem, ...]  # library files that are not valid: shown, never fatal

    @functools.cached_property
    def regions(self) -> list[str]:
        return sorted({e.region for e in self.exercises if e.region})

    @functools.cached_property
    def languages(self) -> list[str]:
        return sorted({h.language for h in self.handouts})

    def handout(self, id_: str) -> HandoutCard | None:
        return next((h for h in self.handouts if h.id == id_), None)

    def exercise(self, id_: str) -> ExerciseCard | None:
        return next((e for e in self.exercises if e.id == id_), None)

    def search(
        self, query: str = "", region: str = "", language: str = ""
    ) -> tuple[list[HandoutCard], list[ExerciseCard]]:
        """The handouts and exercises whose words hold every word of ``query`` (any case), in
        ``region`` and ``language`` when given."""
        words = query.lower().split()

        def matches(*texts: str) -> bool:
            # each word starts a word of the title, id or keywords ("back" finds "low back
            # pain", not "feedback"); a region is chosen with ``region``, not by words
            found = set(re.findall(r"\w+", " ".join(texts).lower()))
            return all(any(w.startswith(word) for w in found) for word in words)

        handouts = [
            h
            for h in self.handouts
            if (not region or region in h.regions)
            and (not language or h.language.split("-")[0] == language)
            and matches(h.id, h.title, h.subtitle, *h.keywords)
        ]
        exercises = [
            e
            for e in self.exercises
            if (not region or e.region == region)
            and (not language or e.language.split("-")[0] == language)
            and matches(e.id, e.title, e.handout_title)
        ]
        return handouts, exercises


def _file_times(root: Path | None) -> tuple[tuple[str, int], ...]:
    """Every library file and its modification time: a changed file makes a new catalogue."""
    from .library import bundled, find_root

    found = find_root(Path.cwd(), root)
    files: list[Path] = []
    for kind in ("handouts", "layouts", "programs"):
        folder = found.path / kind
        if found.why != "built-in" and folder.is_dir():
            files += sorted(folder.glob("*.y*ml"))
        files += bundled(kind)
    times = []
    for path in files:
        with contextlib.suppress(OSError):
            times.append((str(path), path.stat().st_mtime_ns))
    return tuple(times)


def catalog(root: Path | None = None) -> Catalog:
    """The library as the desk shows it (read again only when one of its files changed)."""
    return _catalog(str(root) if root else None, _file_times(root))


@functools.lru_cache(maxsize=2)
def _catalog(root: str | None, times: tuple[tuple[str, int], ...]) -> Catalog:
    from .exercises import plain_text
    from .library import bundled, find_root
    from .program import load_program
    from .validate import load_layout

    given = Path(root) if root else None
    library = _library(root, times)
    problems = list(library.problems)
    handouts: list[HandoutCard] = []
    by_handout: dict[str, list[str]] = {}
    for entry in library.entries.values():
        by_handout.setdefault(entry.handout.id, []).append(entry.id)
    seen: set[str] = set()
    for entry in library.entries.values():
        h = entry.handout
        if h.id in seen:
            continue
        seen.add(h.id)
        regions = tuple(dict.fromkeys(library.entries[i].region for i in by_handout[h.id]))
        handouts.append(
            HandoutCard(
                h.id,
                plain_text(h.title),
                plain_text(h.subtitle or ""),
                plain_text(h.summary),
                h.language,
                h.status,
                h.version,
                tuple(r for r in regions if r),
                h.keywords,
                tuple(by_handout[h.id]),
            )
        )
    exercises = tuple(
        ExerciseCard(
            e.id,
            e.title,
            e.handout.id,
            plain_text(e.handout.title),
            e.handout.language,
            e.region,
            e.exercise.dose,
        )
        for e in library.entries.values()
    )
    found = find_root(Path.cwd(), given)
    layouts: list[Card] = []
    programs: list[Card] = []
    for kind, out in (("layouts", layouts), ("programs", programs)):
        own = found.path / kind
        files = sorted(own.glob("*.y*ml")) if found.why != "built-in" and own.is_dir() else []
        for path in [*files, *bundled(kind)]:
            if any(card.id == path.stem for card in out):
                continue  # the clinic's own file of this id replaces the built-in one
            try:
                if kind == "layouts":
                    layout = load_layout(path, given)
                    out.append(Card(path.stem, f"{layout.name} ({layout.clinic.name})"))
                else:
                    program = load_program(str(path), given)[0]
                    out.append(Card(path.stem, program.title or path.stem.replace("-", " ").capitalize()))
            except (InvalidInput, NotFound) as exc:
                problems += getattr(exc, "problems", ()) or [Problem(str(path), None, None, "", str(exc))]
    if not any(card.id == "default" for card in layouts):  # the layout built into the code
        layouts.insert(0, Card("default", "psoaspdf default"))
    return Catalog(tuple(handouts), exercises, tuple(layouts), tuple(programs), tuple(problems))


@functools.lru_cache(maxsize=2)
def _library(root: str | None, times: tuple[tuple[str, int], ...]) -> Any:
    from .exercises import load_library

    return load_library(root=Path(root) if root else None)


# --- requests ----------------------------------------------------------------------------------------


def parse_request(text: str | bytes, root: Path | None = None) -> tuple[model.RenderRequest, Where]:
    """A JSON request body, validated as a RenderRequest; InvalidInput naming each problem by its
    field (and its line and column in the body)."""
    import yaml

    from .validate import from_node, node_positions
    from .yamlsrc import YamlProblem, load_text

    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput([Problem(REQUEST, None, None, "", f"not UTF-8 text ({exc.reason})")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput([Problem(REQUEST, exc.lineno, exc.colno, "", f"not JSON: {exc.msg}")]) from None
    except RecursionError:
        raise InvalidInput([Problem(REQUEST, None, None, "", "nested too deeply to be a request")]) from None
    if not isinstance(data, dict):
        raise InvalidInput([Problem(REQUEST, 1, 1, "", 'give a JSON object, e.g. {"handout": "neck-pain"}')])
    # the body's own text, so a problem points at its line and column; JSON that YAML reads
    # differently (an escaped emoji, say) is read from a copy of it instead, by field alone
    try:
        node = load_text(text, REQUEST)
        same = yaml.safe_load(text) == data
    except (YamlProblem, yaml.YAMLError):
        same = False
    if not same:
        node = load_text(json.dumps(data, ensure_ascii=False), REQUEST)
    try:
        request = from_node(node, model.RenderRequest, REQUEST, Path.cwd(), _root(root))
    except InvalidInput as exc:
        if same:
            raise
        raise InvalidInput([dataclasses.replace(p, line=None, col=None) for p in exc.problems]) from None
    where = Where(REQUEST, node_positions(node) if same else {})
    problems = request_problems(request, where)
    if problems:
        raise InvalidInput(problems)
    return request, where


def _root(root: Path | None) -> Any:
    from .library import find_root

    return find_root(Path.cwd(), root)


def request_problems(request: model.RenderRequest, where: Where) -> list[Problem]:
    """The rules across a request's fields."""
    given = [k for k in ("handout", "program", "exercises", "items") if getattr(request, k)]
    problems = []
    if len(given) != 1:
        found = f" (found {', '.join(given)})" if given else ""
        problems.append(where.problem("", f"give exactly one of handout, program, exercises or items{found}"))
    if request.doses and not request.handout:
        problems.append(
            where.problem("doses", "dose changes go with a handout; a program's go in 'exercises'")
        )
    if request.items and request.format == "html":
        problems.append(
            where.problem("format", "a booklet prints as a PDF; ask for its items one at a time as html")
        )
    if request.items and request.note:
        problems.append(
            where.problem("note", "a booklet has no note box; give the note with a handout or program")
        )
    for i, item in enumerate(request.items, start=1):
        named = [k for k in ("handout", "program", "exercises") if getattr(item, k)]
        if len(named) != 1:
            problems.append(where.problem(f"items[{i}]", "give exactly one of handout, program or exercises"))
        if item.doses and not item.handout:
            problems.append(where.problem(f"items[{i}].doses", "dose changes go with a handout"))
    return problems


def personal_of(request: model.RenderRequest) -> model.Personal | None:
    personal = model.Personal(
        patient=request.patient or None,
        clinician=request.clinician or None,
        date=request.date or None,
        note=request.note or None,
    )
    return personal if any(dataclasses.astuple(personal)) else None


# --- rendering ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Document:
    data: bytes
    media_type: str
    filename: str
    pages: int


def render(request: model.RenderRequest, where: Where | None = None, root: Path | None = None) -> Document:
    """The document a request asks for. UnknownId for ids the library lacks (with the close
    matches), InvalidInput for anything else wrong, TooLong past MAX_PAGES."""
    where = where or Where(REQUEST)
    times = _file_times(root)  # the library's files looked at once per request
    _check_ids(request, where, _catalog(str(root) if root else None, times))
    personal = personal_of(request)
    fmt = request.format
    if request.handout:
        data = _handout(request.handout, request.doses, request, personal, where, root, times)
        name = request.handout
    elif request.program or request.exercises:
        data = _program(request.program, request.exercises, request, personal, where, root, times)
        name = request.program or "program"
    else:
        data = _booklet(request, personal, where, root, times)
        name = "booklet"
    pages = _pages(data) if fmt == "pdf" else 0
    if pages > MAX_PAGES:
        raise TooLong(f"the document would have {pages} pages; the desk prints at most {MAX_PAGES}")
    media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    return Document(bytes(data), media, f"{name}.{fmt}", pages)


def _pages(data: bytes) -> int:
    pages = getattr(data, "pages", None)
    if isinstance(pages, int):
        return pages
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _close(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=4, cutoff=0.5)
    if not close:
        close = [k for k in known if name.split("-")[0] in k][:4]
    return f"; did you mean {', '.join(close)}?" if close else ""


def _check_ids(request: model.RenderRequest, where: Where, cat: Catalog) -> None:
    """Every id the request names is in the library, or UnknownId names each with close matches."""
    handouts = [h.id for h in cat.handouts]
    exercises = [e.id for e in cat.exercises]
    programs = [p.id for p in cat.programs]
    layouts = [c.id for c in cat.layouts]
    wanted: list[tuple[str, str, str, list[str]]] = []  # field, id, kind, known

    def of(
        prefix: str,
        handout: str | None,
        doses: Sequence[model.ProgramItem],
        program: str | None,
        items: Sequence[model.ProgramItem],
    ) -> None:
        if handout:
            wanted.append((f"{prefix}handout", handout, "handout", handouts))
            card = cat.handout(handout)
            for i, dose in enumerate(doses, start=1):
                own = list(card.exercises) if card else []
                wanted.append(
                    (
                        f"{prefix}doses[{i}].exercise",
                        _full(dose.exercise, handout),
                        "exercise of this handout",
                        own,
                    )
                )
        if program:
            wanted.append((f"{prefix}program", program, "program", programs))
        for i, item in enumerate(items, start=1):
            wanted.append((f"{prefix}exercises[{i}].exercise", item.exercise, "exercise", exercises))

    of("", request.handout, request.doses, request.program, request.exercises)
    for n, item in enumerate(request.items, start=1):
        of(f"items[{n}].", item.handout, item.doses, item.program, item.exercises)
    if request.layout:
        wanted.append(("layout", request.layout, "layout", layouts))
    problems = [
        where.problem(field, f"no {kind} {name!r} in the library{_close(name, known)}")
        for field, name, kind, known in wanted
        if name not in known
    ]
    if problems:
        raise UnknownId(problems)


def _library_file(name: str, kind: str, root: Path | None) -> str:
    """The file of a library id: the library's own, else the built-in one; never a file of that
    name in the server's folder (an id is not a path)."""
    from .library import find_root, library_id

    return str(library_id(name, kind, find_root(Path.cwd(), root)))


def _full(exercise: str, handout: str) -> str:
    """A dose change's exercise: its library id, or its own id within the handout."""
    return exercise if "/" in exercise else f"{handout}/{exercise}"


def _changes(doses: Sequence[model.ProgramItem], handout: str) -> dict[str, model.DoseChange]:
    return {_full(d.exercise, handout): d.dose for d in doses}


@functools.lru_cache(maxsize=64)
def _inputs(
    handout: str,
    layout: str | None,
    paper: str | None,
    profile: str | None,
    root: str | None,
    times: tuple[tuple[str, int], ...],
) -> Any:
    from .handout import load_inputs

    given = Path(root) if root else None
    layout_file = _library_file(layout, "layouts", given) if layout else None
    return load_inputs(_library_file(handout, "handouts", given), layout_file, paper, profile, given)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=32)
def _blank(
    handout: str,
    layout: str | None,
    paper: str | None,
    profile: str | None,
    root: str | None,
    times: tuple[tuple[str, int], ...],
) -> tuple[bytes, dict[str, Any]]:
    """A handout laid out once with blank write-in lines, and where those lines are."""
    from .handout import render_handout

    fields: dict[str, Any] = {}
    data = render_handout(_inputs(handout, layout, paper, profile, root, times), None, fields)
    return data, fields


def _handout(
    handout: str,
    doses: Sequence[model.ProgramItem],
    request: model.RenderRequest,
    personal: model.Personal | None,
    where: Where,
    root: Path | None,
    times: tuple[tuple[str, int], ...],
) -> bytes:
    from .handout import render_handout, render_handout_html

    key = (
        handout,
        request.layout,
        request.paper,
        request.profile,
        str(root) if root else None,
        times,
    )
    inputs = _inputs(*key)
    if doses:
        inputs = dataclasses.replace(inputs, handout=_with_doses(inputs.handout, _changes(doses, handout)))
    if request.format == "html":
        return render_handout_html(inputs, personal)
    if personal or doses:  # a note and doses too: written on in their places
        exercises = inputs.handout.exercises if doses else None
        stamped = _stamped(_blank(*key), personal or model.Personal(), inputs.layout, exercises)
        if stamped is not None:
            return stamped
    return render_handout(inputs, personal, personal_where=where)


def _stamped(
    blank: tuple[bytes, dict[str, Any]],
    personal: model.Personal,
    layout: model.Layout,
    exercises: Sequence[model.Exercise] | None = None,
) -> bytes | None:
    """A copy laid out once with blank lines, the patient's details (and the doses that differ
    from the blank's) written on; None when they do not fit (the caller lays the copy out in
    full)."""
    from .output import PdfBytes
    from .render.stamp import stamp_personal

    base, fields = blank
    stamped = stamp_personal(base, fields, personal, layout, exercises)
    return PdfBytes(stamped, pages=getattr(base, "pages", None)) if stamped is not None else None


def _with_doses(handout: model.Handout, changes: dict[str, model.DoseChange]) -> model.Handout:
    from .exercises import exercise_id
    from .program import changed

    exercises = tuple(
        dataclasses.replace(e, dose=changed(e.dose, changes[f"{handout.id}/{exercise_id(e)}"]))
        if f"{handout.id}/{exercise_id(e)}" in changes
        else e
        for e in handout.exercises
    )
    return dataclasses.replace(handout, exercises=exercises)


@functools.lru_cache(maxsize=64)
def _program_inputs(
    program: str | None,
    exercises: tuple[model.ProgramItem, ...],
    title: str | None,
    layout: str | None,
    paper: str | None,
    profile: str | None,
    root: str | None,
    times: tuple[tuple[str, int], ...],
) -> Any:
    from .handout import apply_overrides, load_layout
    from .program import ProgramInputs, load_program, plan_program
    from .validate import COMMAND_LINE

    given = Path(root) if root else None
    where = Where(REQUEST)
    if program:
        plan_of, where = load_program(_library_file(program, "programs", given), given)
        if title:
            plan_of = dataclasses.replace(plan_of, title=title)
    else:
        plan_of = model.Program(exercises=exercises, title=title)
    plan = plan_program(plan_of, where if program else COMMAND_LINE, given, _library(root, times))
    loaded, layout_where = load_layout(
        _library_file(layout, "layouts", given) if layout else plan_of.layout, given
    )
    return ProgramInputs(plan, apply_overrides(loaded, paper, profile), layout_where)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=16)
def _blank_program(*key: Any) -> tuple[bytes, dict[str, Any]]:
    from .program import render_program_bytes

    fields: dict[str, Any] = {}
    return render_program_bytes(_program_inputs(*key), None, fields=fields), fields


def _program(
    program: str | None,
    exercises: Sequence[model.ProgramItem],
    request: model.RenderRequest,
    personal: model.Personal | None,
    where: Where,
    root: Path | None,
    times: tuple[tuple[str, int], ...],
) -> bytes:
    from .program import render_program_bytes, with_note

    key = (
        program,
        tuple(exercises),
        request.title,
        request.layout,
        request.paper,
        request.profile,
        str(root) if root else None,
        times,
    )
    inputs = _program_inputs(*key)
    if request.format == "pdf" and personal and not with_note(inputs, personal).note:
        stamped = _stamped(_blank_program(*key), personal, inputs.layout)
        if stamped is not None:
            return stamped
    return render_program_bytes(inputs, personal, request.format, personal_where=where)


def _booklet(
    request: model.RenderRequest,
    personal: model.Personal | None,
    where: Where,
    root: Path | None,
    times: tuple[tuple[str, int], ...],
) -> bytes:
    from .booklet import LoadedItem, build_booklet, quick_booklet
    from .handout import apply_overrides

    given = str(root) if root else None
    programs = {
        n: _program_inputs(
            item.program,
            tuple(item.exercises),
            None,
            request.layout,
            request.paper,
            request.profile,
            given,
            times,
        )
        for n, item in enumerate(request.items)
        if not item.handout
    }
    language = request.language
    if language is None and not any(item.handout for item in request.items):
        language = next(iter(programs.values())).language.split("-")[0]
    handouts = [item.handout for item in request.items if item.handout]
    files = [_library_file(h, "handouts", root) for h in handouts]
    layout_file = _library_file(request.layout, "layouts", root) if request.layout else None
    loaded = quick_booklet(files, layout_file, request.title, root, language)
    from_handouts = iter(loaded.items)
    items: list[LoadedItem] = []
    for n, item in enumerate(request.items):
        if item.handout:
            one = next(from_handouts)
            if item.doses and one.handout is not None:
                changes = _changes(item.doses, item.handout)
                one = dataclasses.replace(one, handout=_with_doses(one.handout, changes))
            items.append(one)
        else:
            items.append(LoadedItem(programs[n].title, program=programs[n]))
    layout = apply_overrides(loaded.layout, request.paper, request.profile)
    loaded = dataclasses.replace(loaded, items=tuple(items), layout=layout)
    return build_booklet(loaded, personal, personal_where=where)


# --- preview pictures --------------------------------------------------------------------------------


def preview(document: Document, dpi: int = PREVIEW_DPI) -> list[bytes]:
    """Every page as a small PNG, for the desk's preview."""
    from .pictures import page_pictures

    return page_pictures(document.data, dpi)


# --- bounded work in a worker process ------------------------------------------------------------------


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop the work in this (worker) process's main thread after ``seconds``: TooLong.

    The alarm raises wherever the work is, and some code there swallows or rewraps what it
    catches (a weak reference's callback, a PDF reader's "except Exception"). So the alarm
    rings again every 0.1 s until the work stops, anything the work raises after the time is
    up is TooLong, and work that finishes after it is TooLong as well, never half a result.
    An alarm swallowed where Python can only report it ("Exception ignored in ...") is not
    reported: the next one stops the work."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return
    expired = done = False

    def stop(signum: int, frame: object) -> None:
        nonlocal expired
        if not done:
            expired = True
            raise _Timeout

    reporter = sys.unraisablehook

    def report(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, _Timeout):
            reporter(unraisable)

    too_long = f"laying it out took longer than {seconds:g} seconds; try fewer items"
    previous = signal.signal(signal.SIGALRM, stop)
    sys.unraisablehook = report
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            done = True  # an alarm still on its way is ignored
            sys.unraisablehook = reporter
    except BaseException:
        signal.signal(signal.SIGALRM, previous)
        if expired:
            raise TooLong(too_long) from None
        raise
    signal.signal(signal.SIGALRM, previous)
    if expired:
        raise TooLong(too_long)


Outcome = tuple[Literal["ok"], Document, list[bytes]] | tuple[Literal["error"], int, list[dict[str, Any]]]


def problem_dict(p: Problem) -> dict[str, Any]:
    return {"file": p.path, "line": p.line, "column": p.col, "field": p.field, "message": p.message}


def work(body: bytes | str, root: str | None, seconds: float, pictures: bool = False) -> Outcome:
    """One request, answered in a worker process: the document (and its pictures), or an HTTP
    status and the problems. Picklable in and out; never raises for a user's mistake."""
    given = Path(root) if root else None
    try:
        with time_limit(seconds):
            request, where = parse_request(body, given)
            if pictures:
                request = dataclasses.replace(request, format="pdf")
            document = render(request, where, given)
            shown = preview(document) if pictures else []
        return ("ok", document, shown)
    except UnknownId as exc:
        return ("error", 404, [problem_dict(p) for p in exc.problems])
    except InvalidInput as exc:
        return ("error", 422, [problem_dict(p) for p in exc.problems])
    except TooLong as exc:
        return ("error", 413, [problem_dict(Problem(REQUEST, None, None, "", str(exc)))])
    except NotFound as exc:
        return ("error", 404, [problem_dict(Problem(REQUEST, None, None, "", str(exc)))])


def warm(root: str | None) -> None:
    """Make a worker ready before its first request: the libraries imported, the fonts and the
    library read, one handout laid out."""
    given = Path(root) if root else None
    cat = catalog(given)
    if cat.handouts:
        body = json.dumps({"handout": cat.handouts[0].id, "patient": "-"})
        work(body, root, 60.0)
