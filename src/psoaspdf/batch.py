"""Batch runs: a manifest → many PDFs, in parallel, incrementally, one bad item never stopping
the rest. Patient data stays out of logs, reports, metadata and file names (ids only).

The parent process reads and checks everything up front and decides what is out of date; workers
only render (pure: inputs in, bytes out) and write atomically, so any executor with ``map`` can
run them: a local process pool, or Dask for runs that outgrow one machine.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import io
import json
import logging
import os
import re
import string
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from . import __version__, model
from .booklet import build_booklet, load_booklet
from .errors import InvalidInput, NotFound, Problem, PsoasError
from .exercises import Library, load_library
from .handout import Inputs, load_inputs, render_handout
from .kinds import kind_of_file
from .library import Root, home_folder, library_id, located, looks_like_path, resolve_in
from .output import PART_SUFFIX, PdfBytes, ensure_folder, remove_leftovers, write_atomic
from .validate import COMMAND_LINE, Where, library_root, load, load_located

if TYPE_CHECKING:
    from .program import ProgramInputs

STATE_FILE = ".psoaspdf-batch.json"
OUTPUT_MARKER = ".psoaspdf-output"  # in every output folder a run made or took on; see claim_output_folder
_SURPLUS = "\0surplus"  # where csv puts the fields of a row beyond the header's
REPORT_FILE = "report.json"
PATIENT_COLUMNS = (
    "patient_id",
    "name",
    "clinician",
    "date",
    "language",
    "item",
    "clinic",
    "doses",
    "exercises",
    "note",
    "password",
)
REQUIRED_COLUMNS = ("patient_id", "item")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DOSE = re.compile(r"^\s*(\d+)\s*:\s*(.*)$")
T = TypeVar("T")
ItemKind = Literal["handout", "booklet", "program"]


@dataclasses.dataclass(frozen=True)
class Job:
    """One PDF to build: everything a worker needs, and nothing it has to look up."""

    key: str  # output path relative to the output folder; also the report's name for it
    target: str  # absolute output path
    kind: ItemKind
    source: str  # handout, booklet or program file ('' for a program of the row's own exercises)
    layout: str  # layout file ('' for the built-in one)
    paper: model.Paper | None = None
    root: str | None = None  # the library root given with --root, if any
    personal: model.Personal | None = None
    doses: tuple[tuple[int, tuple[tuple[str, int], ...]], ...] = ()  # (exercise number, (field, value)...)
    exercises: tuple[str, ...] = ()  # a patient's own program: exercise ids with dose changes
    password: str | None = None
    patient_id: str | None = None
    row: str | None = None  # the patients file and line, as messages name a patient's copy
    digest: str = ""


@dataclasses.dataclass(frozen=True)
class Outcome:
    key: str
    status: Literal["written", "skipped", "failed", "would-build"]
    reason: str = ""
    patient_id: str | None = None


def safe_name(value: str) -> str:
    """A value made safe for one path component: no separators, no dots at the ends."""
    return _SAFE.sub("-", value).strip(".-") or "_"


def read_patients_file(path: Path) -> str:
    """A patients file's text: UTF-8, with or without the byte-order mark Excel writes. Any other
    encoding is an error naming the first line that is not UTF-8 and how to save the file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            [Problem(str(path), None, None, "", f"cannot read: {exc.strerror or exc}")]
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = (
            "this line is not UTF-8 text (the file was saved in another encoding, such as Windows"
            " 'ANSI'); in Excel choose Save As > 'CSV UTF-8 (Comma delimited)', then run again"
        )
        raise InvalidInput([Problem(str(path), line, 1, "", message)]) from None


def _delimiter(header: str) -> str:
    """The separator the header line uses: a comma, or the semicolon or tab some Excel versions
    write (in countries where a comma is the decimal mark)."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _fill(template: str, field: str, values: dict[str, str], folder: Path, where: Where) -> Path:
    """The output file a path template gives, inside the output folder."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    unknown = names - set(values)
    if unknown:
        allowed = ", ".join("{" + v + "}" for v in values)
        raise InvalidInput(
            [where.problem(field, f"unknown placeholder {{{sorted(unknown)[0]}}}; use {allowed}")]
        )
    relative = template.format(**{k: safe_name(v) for k, v in values.items()})
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder.resolve()) or target.suffix.lower() != ".pdf":
        message = f"{template!r} must give a .pdf file inside the output folder"
        raise InvalidInput([where.problem(field, message)])
    return target


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _file_digest(path: str) -> str:
    try:
        info = Path(path).stat()
    except OSError:
        return "missing"
    return _content_digest(path, info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=4096)
def _content_digest(path: str, mtime_ns: int, size: int) -> str:
    """The file's hash; cached while its time and size stay the same (a changed file re-hashes)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _mtime(path: str | Path) -> int:
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return 0


def _cached(fn: Callable[[Path, Path | None], T]) -> Callable[[Path, Path | None], T]:
    """Memoise a loader on its file's path, the root and the file's modification time (a changed
    file is re-read)."""
    memo = functools.lru_cache(maxsize=256)(lambda path, root, mtime: fn(path, root))

    def cached(path: Path, root: Path | None) -> T:
        return memo(Path(path), root, _mtime(path))

    return functools.wraps(fn)(cached)


@_cached
def _kind(path: Path, root: Path | None) -> str | None:
    return kind_of_file(path)


@_cached
def load_handout_cached(path: Path, root: Path | None) -> model.Handout:
    return load(path, model.Handout, root)


@_cached
def _handout_files(path: Path, root: Path | None) -> list[str]:
    handout = load_handout_cached(path, root)
    images = [e.illustration.image for e in handout.exercises if e.illustration and e.illustration.image]
    return [str(path), *images]


@_cached
def _layout_files(path: Path, root: Path | None) -> list[str]:
    if not str(path):
        return []
    layout = load(path, model.Layout, root)
    f = layout.fonts
    logo = layout.clinic.logo
    return [str(path), *(p for p in (logo, f.regular, f.bold, f.italic, f.bold_italic) if p)]


@_cached
def _booklet_files(path: Path, root: Path | None) -> list[str]:
    loaded = load_booklet(path, root=root)
    files = [str(path)]
    for item in loaded.booklet.items:
        if item.pdf:
            files.append(item.pdf)
        if item.handout:
            files += _handout_files(located(item.handout, "handouts"), root)
    if loaded.booklet.layout:
        files += _layout_files(located(loaded.booklet.layout, "layouts"), root)
    return files


@_cached
def _program_files(path: Path, root: Path | None) -> list[str]:
    """A program file and the handout files (with their pictures) its exercises come from."""
    from .program import load_program

    program, where = load_program(str(path), root)
    return [str(path), *_exercise_files(tuple(item.exercise for item in program.exercises), root, where)]


def _exercise_files(ids: tuple[str, ...], root: Path | None, where: Where | None = None) -> list[str]:
    """The handout files (with their pictures) that exercises come from; InvalidInput naming
    each unknown id, with the close matches."""
    from .program import plan_program

    program = model.Program(exercises=tuple(model.ProgramItem(exercise=i) for i in ids))
    planned = plan_program(program, where or COMMAND_LINE, root, _library(root))
    handouts = dict.fromkeys(item.entry.where.file for item in planned.items)
    return [f for handout in handouts for f in _handout_files(Path(handout), root)]


@functools.lru_cache(maxsize=4)
def _library(root: Path | None) -> Library:
    """Every exercise the library knows, read once per run and process."""
    return load_library(root=root)


@dataclasses.dataclass
class Plan:
    jobs: list[Job]
    failed: list[Outcome]  # rows that could not even be planned
    output: Path


def plan(
    manifest_path: Path,
    output: Path | None = None,
    paper: model.Paper | None = None,
    root: Path | None = None,
) -> Plan:
    """Read a manifest and its patients file; list every PDF to build with its dependencies' digest.

    Everything the manifest names, and its output folder unless ``output`` is given, must be
    under its library root (see library.find_root); ``root`` is the one given with --root."""
    manifest, where = load_located(manifest_path, model.Manifest, root)
    library = library_root(manifest_path, root)
    folder = manifest_path.resolve().parent
    problems: list[Problem] = []
    out = (output or folder / manifest.output).resolve()
    if output is None and not library.contains(out):
        message = f"{manifest.output!r} leads outside {library}; give --out to write elsewhere"
        problems.append(where.problem("output", message))
    elif (unusable := output_folder_problem(output or out)) is not None:
        problems.append(
            Problem("--out", None, None, "", unusable) if output else where.problem("output", unusable)
        )
    clinics: dict[str, str] = {}
    for i, name in enumerate(manifest.clinics, start=1):
        try:
            layout_path = located(name, "layouts")
            _layout_files(layout_path, root)
            clinics[layout_path.stem] = str(layout_path)
        except (InvalidInput, PsoasError) as exc:
            problems += where.problems_of(exc, f"clinics[{i}]")
    items: dict[str, tuple[ItemKind, Path]] = {}
    listed: tuple[tuple[ItemKind, tuple[model.Ref, ...]], ...] = (
        ("handout", manifest.handouts),
        ("booklet", manifest.booklets),
        ("program", manifest.programs),
    )
    for kind, names in listed:
        for i, name in enumerate(names, start=1):
            try:
                path = located(name, f"{kind}s")
                _own_files(kind)(path, root)  # every file it names is read, and checked, now
                items[path.stem] = (kind, path)
            except (InvalidInput, PsoasError) as exc:
                problems += where.problems_of(exc, f"{kind}s[{i}]")
    if problems:
        raise InvalidInput(problems)
    paper = paper or manifest.paper
    options = (paper, __version__)
    given_root = str(root.resolve()) if root else None
    jobs: list[Job] = []
    for clinic, layout in clinics.items():
        for item, (kind, path) in items.items():
            target = _fill(manifest.path, "path", {"clinic": clinic, "item": item}, out, where)
            files = _deps(kind, path, layout, root)
            if (clash := _replaces_an_input(target, files, manifest_path, manifest.patients)) is not None:
                raise InvalidInput([where.problem("path", clash)])
            jobs.append(
                Job(
                    key=str(target.relative_to(out)),
                    target=str(target),
                    kind=kind,
                    source=str(path),
                    layout=layout,
                    paper=paper,
                    root=given_root,
                    digest=_digest(files, options),
                )
            )
    failed: list[Outcome] = []
    if manifest.patients:
        rows = Rows(Path(manifest.patients), manifest, clinics, library, root, out, where, paper, options)
        rows_jobs, failed = rows.jobs()
        jobs += rows_jobs
    return Plan(jobs, failed, out)


def _own_files(kind: ItemKind) -> Callable[[Path, Path | None], list[str]]:
    """The loader listing the files an item of ``kind`` is made from (itself first)."""
    return {"handout": _handout_files, "booklet": _booklet_files, "program": _program_files}[kind]


def _replaces_an_input(
    target: Path, files: list[tuple[str, str]], manifest: Path, patients: str | None
) -> str | None:
    """Why ``target`` may not be written: it is one of the files the run reads."""
    inputs = [Path(f) for f, _ in files] + [manifest] + ([Path(patients)] if patients else [])
    if any(target.resolve() == p.resolve() for p in inputs):
        return f"{target} would replace one of the run's own input files; change the path template or the output folder"
    return None


def _deps(
    kind: ItemKind, path: Path, layout: str, root: Path | None, exercise_ids: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    own = _exercise_files(exercise_ids, root) if exercise_ids else _own_files(kind)(path, root)
    files = [*own, *(_layout_files(Path(layout), root) if layout else [])]  # never the cached lists
    return [(f, _file_digest(f)) for f in files]


def parse_doses(text: str) -> tuple[tuple[int, tuple[tuple[str, int], ...]], ...]:
    """'1: sets=2 reps=10 hold=30 times=2/day; 3: reps=8' → overrides by exercise number."""
    names = {"sets": "sets", "reps": "reps", "hold": "hold_seconds", "minutes": "minutes", "times": "times"}
    limits = {
        f.name: (f.metadata["minimum"], f.metadata["maximum"])
        for f in dataclasses.fields(model.Dose)
        if "minimum" in f.metadata
    }
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _DOSE.match(part)
        if not match:
            raise ValueError(
                f"{part!r}: write exercise number, colon, then name=value, e.g. '1: sets=2 reps=10'"
            )
        changes: list[tuple[str, int]] = []
        for pair in match.group(2).split():
            name, _, value = pair.partition("=")
            if name not in names:
                raise ValueError(f"{name!r} is not a dose; use {', '.join(names)}")
            number, _, per = value.partition("/")
            if not number.isdigit():
                raise ValueError(f"{pair!r}: the value must be a whole number")
            field = names[name]
            low, high = limits[field]
            if not low <= int(number) <= high:
                raise ValueError(f"{pair!r}: {name} must be {low} to {high}")
            changes.append((field, int(number)))
            if per:
                if per not in ("day", "week"):
                    raise ValueError(f"{pair!r}: write times=N/day or times=N/week")
                changes.append(("per_week", int(per == "week")))
        out.append((int(match.group(1)), tuple(changes)))
    return tuple(out)


@dataclasses.dataclass(frozen=True)
class Rows:
    """A patients file, and what its rows need to become jobs."""

    csv_path: Path
    manifest: model.Manifest
    clinics: dict[str, str]  # clinic name → layout file
    library: Root  # the manifest's library root: an item column names a file under it
    root: Path | None  # the root given with --root
    out: Path
    where: Where  # the manifest, as messages name it
    paper: model.Paper | None
    options: tuple[Any, ...]

    def read(self) -> Iterator[tuple[int, dict[str, str] | str]]:
        """(line, row) for every row after checking the header; a row that cannot be read as
        the header says comes as (line, why) instead, so it fails alone."""
        text = read_patients_file(self.csv_path)
        delimiter = _delimiter(text.partition("\n")[0])
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, restkey=_SURPLUS)
        try:
            yield from self._rows(reader, delimiter)
        except csv.Error as exc:  # a stray quote or line break the csv module cannot read past
            message = f"cannot be read from this line on ({exc}); save the file again as CSV UTF-8"
            raise InvalidInput([Problem(str(self.csv_path), reader.line_num, 1, "", message)]) from None

    def _rows(
        self, reader: csv.DictReader[str], delimiter: str
    ) -> Iterator[tuple[int, dict[str, str] | str]]:
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        unknown = [c for c in header if c not in PATIENT_COLUMNS]
        if missing or unknown:
            message = f"missing column {missing[0]!r}" if missing else f"unknown column {unknown[0]!r}"
            columns = ", ".join(PATIENT_COLUMNS)
            raise InvalidInput(
                [Problem(str(self.csv_path), 1, 1, "", f"{message}; the columns are: {columns}")]
            )
        shown = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
        for row in reader:
            surplus: list[str] = row.pop(_SURPLUS, None) or []  # type: ignore[assignment]
            if surplus or any(value is None for value in row.values()):
                fields = sum(value is not None for value in row.values()) + len(surplus)
                yield (
                    reader.line_num,
                    (
                        f"has {fields} fields, the header {len(header)}; this row is not built."
                        f" A value holding a {shown} must be written in double quotes"
                    ),
                )
                continue
            yield reader.line_num, row

    def jobs(self) -> tuple[list[Job], list[Outcome]]:
        """A job for every good row; an outcome naming file:line for every bad one."""
        jobs: list[Job] = []
        failed: list[Outcome] = []
        seen: set[str] = set()
        name = self.csv_path.name
        for line, row in self.read():
            if isinstance(row, str):  # the row's shape is wrong: nothing in it can be trusted
                failed.append(Outcome(f"{name}:{line}", "failed", f"{name}:{line}: {row}"))
                continue
            pid = (row.get("patient_id") or "").strip()
            try:
                if not pid:
                    raise ValueError("patient_id is empty")
                if pid in seen:
                    raise ValueError(f"patient_id {pid!r} appears twice")
                seen.add(pid)
                jobs.append(self.job(pid, row, f"{name}:{line}"))
            except (ValueError, PsoasError) as exc:
                # the reason names the row and column, never the patient's details
                failed.append(Outcome(f"{name}:{line}", "failed", f"{name}:{line}: {exc}", pid or None))
        return jobs, failed

    def item(self, item_name: str) -> tuple[ItemKind, Path]:
        """The row's item: a handout, booklet or program file under the library root, or an id."""
        folder = self.csv_path.resolve().parent
        try:
            path = resolve_in(item_name, "handouts", folder, self.library)
        except NotFound:
            if looks_like_path(item_name):
                raise
            for kind in ("booklet", "program"):  # an id: a handout's, else a booklet's or a program's
                try:
                    return kind, library_id(item_name, f"{kind}s", self.library)
                except NotFound:
                    pass
            raise
        found = _kind(path, self.root)
        if found == "booklet":
            return "booklet", path
        if found == "program":
            return "program", path
        return "handout", path

    def job(self, pid: str, row: dict[str, str], where: str) -> Job:
        clinic = (row.get("clinic") or "").strip() or next(iter(self.clinics))
        if clinic not in self.clinics:
            raise ValueError(
                f"clinic {clinic!r} is not in the manifest's clinics ({', '.join(self.clinics)})"
            )
        item_name = (row.get("item") or "").strip()
        exercises = tuple((row.get("exercises") or "").split())
        kind: ItemKind
        if exercises:  # the patient's own program
            if item_name:
                raise ValueError("give an item or exercises, not both")
            kind, path, item_name = "program", Path(""), "program"
            ids = _exercise_ids(exercises, self.root)
        else:
            kind, path = self.item(item_name)
            ids = ()
        files = _deps(kind, path, self.clinics[clinic], self.root, ids)
        language = (row.get("language") or "").strip()
        target_name = {"clinic": clinic, "item": path.stem or item_name, "patient_id": pid}
        target = _fill(self.manifest.patient_path, "patient_path", target_name, self.out, self.where)
        message = _replaces_an_input(target, files, Path(self.where.file), str(self.csv_path))
        if message is not None:
            raise ValueError(message)
        if kind == "handout" and language:
            handout_language = load_handout_cached(path, self.root).language
            if language != handout_language:
                raise ValueError(
                    f"language {language!r}: the handout {item_name!r} is in {handout_language!r}"
                )
        personal = model.Personal(
            patient=(row.get("name") or "").strip() or None,
            clinician=(row.get("clinician") or "").strip() or None,
            date=(row.get("date") or "").strip() or None,
            note=" ".join((row.get("note") or "").split()) or None,
        )
        password = (row.get("password") or "").strip() or None
        if password and any(unicodedata.category(c).startswith("C") for c in password):
            # never quoted, not even the character: it is part of a secret
            raise ValueError(
                "password: has a control or invisible character; use letters, digits and symbols"
            )
        row_values = sorted((k, v) for k, v in row.items() if k and k != "password")
        # a new password rebuilds the copy; only a digest of everything reaches the state file
        secret = hashlib.sha256(password.encode("utf-8")).hexdigest() if password else None
        return Job(
            key=str(target.relative_to(self.out)),
            target=str(target),
            kind=kind,
            source="" if exercises else str(path),
            layout=self.clinics[clinic],
            paper=self.paper,
            root=str(self.root.resolve()) if self.root else None,
            personal=personal,
            doses=parse_doses(row.get("doses") or ""),
            exercises=exercises,
            password=password,
            patient_id=pid,
            row=where,
            digest=_digest(files, self.options, row_values, secret),
        )


def _exercise_ids(exercises: tuple[str, ...], root: Path | None) -> tuple[str, ...]:
    """The ids of a row's exercises (written with their dose changes, as ``psoaspdf program``
    takes them), each readable and in the library; ValueError saying what is wrong."""
    from .program import SYNTAX, BadDose, parse_item

    ids = []
    for text in exercises:
        try:
            ids.append(parse_item(text).exercise)
        except BadDose as exc:
            raise ValueError(f"exercises: {exc} (write {SYNTAX})") from None
    try:
        _exercise_files(tuple(ids), root)
    except InvalidInput as exc:
        reasons = "; ".join(problem.message for problem in exc.problems)
        raise ValueError(f"exercises: {reasons}") from None
    return tuple(ids)


# --- workers -----------------------------------------------------------------------------------


Doses = tuple[tuple[int, tuple[tuple[str, int], ...]], ...]


def _changed(doses: list[model.Dose], changes: Doses, what: str) -> list[model.Dose]:
    """The doses with a row's changes by exercise number (1-based) made."""
    out = list(doses)
    for number, pairs in changes:
        if not 1 <= number <= len(out):
            raise ValueError(f"doses: there is no exercise {number} (the {what} has {len(out)})")
        values: dict[str, Any] = {}
        for field, value in pairs:
            if field == "per_week":
                values["per"] = "week" if value else "day"
            else:
                values[field] = value
        out[number - 1] = dataclasses.replace(out[number - 1], **values)
    return out


def _apply_doses(handout: model.Handout, doses: Doses) -> model.Handout:
    new = _changed([e.dose for e in handout.exercises], doses, "handout")
    exercises = tuple(dataclasses.replace(e, dose=d) for e, d in zip(handout.exercises, new, strict=True))
    return dataclasses.replace(handout, exercises=exercises)


def _apply_program_doses(inputs: ProgramInputs, doses: Doses) -> ProgramInputs:
    items = inputs.plan.items
    new = _changed([item.dose for item in items], doses, "program")
    planned = tuple(dataclasses.replace(item, dose=d) for item, d in zip(items, new, strict=True))
    return dataclasses.replace(inputs, plan=dataclasses.replace(inputs.plan, items=planned))


@functools.lru_cache(maxsize=64)
def _program_inputs(
    source: str,
    exercises: tuple[str, ...],
    layout: str,
    paper: model.Paper | None,
    root: str | None,
    *mtimes: int,
) -> ProgramInputs:
    """A program (its file, or a row's exercise ids) planned once per worker process."""
    from .program import load_program_inputs

    given_root = Path(root) if root else None
    items = [source] if source else list(exercises)
    return load_program_inputs(items, layout or None, paper, root=given_root, library=_library(given_root))


@functools.lru_cache(maxsize=16)
def _blank_program(
    source: str,
    exercises: tuple[str, ...],
    layout: str,
    paper: model.Paper | None,
    root: str | None,
    *mtimes: int,
) -> tuple[bytes, dict[str, Any]]:
    """A program laid out with blank write-in lines, and where those lines are."""
    from .program import render_program_bytes

    fields: dict[str, Any] = {}
    inputs = _program_inputs(source, exercises, layout, paper, root, *mtimes)
    return render_program_bytes(inputs, None, fields=fields), fields


def _render_program(job: Job, copy: Where) -> bytes:
    from .program import render_program_bytes

    personal = job.personal
    mtimes = [_mtime(job.source)] if job.source else []
    key = (job.source, job.exercises, job.layout, job.paper, job.root, *mtimes, _mtime(job.layout))
    inputs = _program_inputs(*key)
    dosed = _apply_program_doses(inputs, job.doses) if job.doses else inputs
    if (personal or job.doses) and not (personal and personal.note):
        # laid out once per program and layout; each copy only has its details (and its own
        # doses) written on
        from .render.stamp import stamp_personal

        base, fields = _blank_program(*key)
        exercises = [item.exercise for item in dosed.plan.items] if job.doses else None
        stamped = stamp_personal(base, fields, personal or model.Personal(), inputs.layout, exercises)
        if stamped is not None:
            return PdfBytes(stamped, pages=getattr(base, "pages", None))
    return render_program_bytes(dosed, personal, personal_where=copy)


@functools.lru_cache(maxsize=64)
def _inputs(source: str, layout: str, paper: model.Paper | None, root: str | None, *mtimes: int) -> Inputs:
    """Validated inputs, read once per worker process (keyed on the files' modification times)."""
    return load_inputs(source, layout or None, paper, root=Path(root) if root else None)


@functools.lru_cache(maxsize=16)
def _blank_copy(
    source: str, layout: str, paper: model.Paper | None, root: str | None, *mtimes: int
) -> tuple[bytes, dict[str, Any]]:
    """A handout laid out with blank write-in lines, and where those lines are."""
    fields: dict[str, Any] = {}
    data = render_handout(_inputs(source, layout, paper, root, *mtimes), None, fields)
    return data, fields


def render_job(job: Job) -> bytes:
    """The PDF bytes for one job (pure apart from reading its input files)."""
    personal = job.personal
    root = Path(job.root) if job.root else None
    # a patient is named by the row and id, never by the details themselves
    copy = Where(f"{job.row} (patient {job.patient_id})") if job.row else Where("the copy")
    if job.kind == "booklet":
        loaded = load_booklet(Path(job.source), job.layout or None, root)
        data = build_booklet(loaded, personal, personal_where=copy)
    elif job.kind == "program":
        data = _render_program(job, copy)
    else:
        key = (job.source, job.layout, job.paper, job.root, _mtime(job.source), _mtime(job.layout))
        inputs = _inputs(*key)
        dosed = (
            dataclasses.replace(inputs, handout=_apply_doses(inputs.handout, job.doses))
            if job.doses
            else inputs
        )
        stamped = None
        if personal or job.doses:
            # laid out once per handout and layout; each copy only has its details (its note,
            # its own doses) written on
            from .render.stamp import stamp_personal

            base, fields = _blank_copy(*key)
            exercises = dosed.handout.exercises if job.doses else None
            stamped = stamp_personal(base, fields, personal or model.Personal(), inputs.layout, exercises)
        if stamped is not None:
            data = PdfBytes(stamped, pages=getattr(base, "pages", None))
        else:
            data = render_handout(dosed, personal, personal_where=copy)
    if job.password:
        data = PdfBytes(_encrypt(data, job.password), pages=getattr(data, "pages", None))
    return data


class _NoSecrets(logging.Filter):
    """pypdf logs a password's character when SASLprep normalisation fails: never let it out."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "SASLprep" not in record.getMessage()


logging.getLogger("pypdf._encryption").addFilter(_NoSecrets())


def _encrypt(data: bytes, password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    try:
        writer.encrypt(user_password=password, owner_password=None, algorithm="AES-256")
    except Exception as exc:  # pypdf raises DependencyError without the cryptography package
        raise ValueError(f"cannot encrypt: {exc}; install psoaspdf[crypto]") from None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def run_job(job: Job) -> Outcome:
    """Render and write one job; any failure becomes an Outcome, never an exception."""
    try:
        data = render_job(job)
        target = Path(job.target)
        ensure_folder(target.parent)
        # the run tidied leftovers of killed runs when it started: no folder scan per file
        write_atomic(target, data, mode=0o600 if job.personal else None, password=job.password, tidy=False)
        return Outcome(job.key, "written", patient_id=job.patient_id)
    except InvalidInput as exc:
        reason = "; ".join(str(p) for p in exc.problems[:3])
        return Outcome(job.key, "failed", reason, job.patient_id)
    except (PsoasError, ValueError, OSError) as exc:
        return Outcome(job.key, "failed", str(exc), job.patient_id)
    except Exception as exc:  # a bug; the run goes on and the report says so
        return Outcome(job.key, "failed", f"internal error: {type(exc).__name__}: {exc}", job.patient_id)


# --- executors ---------------------------------------------------------------------------------

Executor = Callable[[Callable[[Job], Outcome], list[Job]], Iterator[Outcome]]


def local_executor(jobs_count: int) -> Executor:
    """A process pool on this machine (or in-process for one job at a time)."""

    def run(fn: Callable[[Job], Outcome], jobs: list[Job]) -> Iterator[Outcome]:
        if jobs_count <= 1 or len(jobs) <= 1:
            yield from map(fn, jobs)
            return
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs_count) as pool:
            yield from pool.map(fn, jobs, chunksize=max(1, min(16, len(jobs) // (jobs_count * 4) or 1)))

    return run


def dask_executor(scheduler: str | None) -> Executor:
    """Dask distributed: a cluster at ``scheduler``, or a local cluster when none is given."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise PsoasError("the Dask executor needs the extra: pip install 'psoaspdf[dask]'") from None

    def run(fn: Callable[[Job], Outcome], jobs: list[Job]) -> Iterator[Outcome]:
        # one thread per worker process: ReportLab keeps some state per process, not per thread
        with Client(scheduler) if scheduler else Client(processes=True, threads_per_worker=1) as client:
            futures = client.map(fn, jobs, pure=False)
            for future in as_completed(futures):
                yield future.result()

    return run


# --- the run -----------------------------------------------------------------------------------


@dataclasses.dataclass
class Summary:
    outcomes: list[Outcome]
    output: Path
    seconds: float
    dry_run: bool = False  # nothing was written, not even the report

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def _load_state(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.get("built", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _save_state(out: Path, state: dict[str, str]) -> None:
    ensure_folder(out)
    text = json.dumps({"psoaspdf": __version__, "built": dict(sorted(state.items()))}, indent=1)
    write_atomic(out / STATE_FILE, text.encode("utf-8"), mode=0o600)


def output_folder_problem(out: Path) -> str | None:
    """Why psoaspdf may not use ``out`` as a batch output folder, or None. A run writes there and
    tidies its own leftovers there, so it must be a folder for psoaspdf's output only: new, empty,
    or made by psoaspdf before (it holds the marker file or an earlier run's state)."""
    resolved = out.resolve()
    if resolved == Path(resolved.anchor) or resolved == home_folder():
        return f"{out} is {'the file system root' if resolved == Path(resolved.anchor) else 'your home folder'}; give a folder for psoaspdf's output only"
    if not resolved.exists():
        return None
    if not resolved.is_dir():
        return f"{out} is not a folder"
    if (resolved / OUTPUT_MARKER).is_file() or (resolved / STATE_FILE).is_file():
        return None
    # a run killed while it marked the folder leaves only the marker's temporary file there
    marking = f".{OUTPUT_MARKER}."
    if any(not (p.name.startswith(marking) and p.name.endswith(PART_SUFFIX)) for p in resolved.iterdir()):
        return (
            f"{out} already holds files psoaspdf did not make; give an empty or new folder"
            f" (psoaspdf marks the folders it writes to with a {OUTPUT_MARKER} file)"
        )
    return None


def claim_output_folder(out: Path) -> None:
    """Make the output folder if needed and mark it as psoaspdf's."""
    problem = output_folder_problem(out)
    if problem is not None:  # checked when planning; the folder may have changed since
        raise InvalidInput([Problem(str(out), None, None, "", problem)])
    ensure_folder(out)
    if not (out / OUTPUT_MARKER).is_file():
        text = "This folder holds psoaspdf batch output; psoaspdf tidies only its own temporary files here.\n"
        write_atomic(out / OUTPUT_MARKER, text.encode("utf-8"))


def why_build(job: Job, state: dict[str, str], force: bool) -> str | None:
    """Why a job must be built (new, a changed input, a missing output, --force), or None when
    its output is up to date."""
    if force:
        return "rebuilt on request (--force)"
    if job.key not in state:
        return "new"
    if state[job.key] != job.digest:
        return "an input changed"
    if not Path(job.target).is_file():
        return "the output is missing"
    return None


def run(
    the_plan: Plan,
    executor: Executor,
    force: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Build what is out of date; record each result as it comes, so an interrupted run resumes.

    A dry run only says what would be built and why, and writes nothing (no report either)."""
    start = time.monotonic()
    out = the_plan.output
    state = _load_state(out)
    outcomes: list[Outcome] = list(the_plan.failed)
    todo: list[Job] = []
    reasons: dict[str, str] = {}
    for job in the_plan.jobs:
        reason = why_build(job, state, force)
        if reason is None:
            outcomes.append(Outcome(job.key, "skipped", "up to date", job.patient_id))
        else:
            todo.append(job)
            reasons[job.key] = reason
    if dry_run:
        outcomes += [Outcome(j.key, "would-build", reasons[j.key], j.patient_id) for j in todo]
        return Summary(outcomes, out, time.monotonic() - start, dry_run=True)
    claim_output_folder(out)
    # a run killed mid-write leaves a hidden temporary file: never a final path
    remove_leftovers(out, recursive=True)  # only files no live writer (another run) holds
    if force:
        state = {}
    digests = {job.key: job.digest for job in todo}
    done = 0
    last_save = time.monotonic()
    try:
        for outcome in executor(run_job, todo):
            outcomes.append(outcome)
            done += 1
            if outcome.status == "written":
                state[outcome.key] = digests[outcome.key]
            else:
                state.pop(outcome.key, None)
            if progress:
                progress(done, len(todo))
            if time.monotonic() - last_save > 2:
                _save_state(out, state)
                last_save = time.monotonic()
    finally:
        _save_state(out, state)
    summary = Summary(outcomes, out, time.monotonic() - start)
    write_report(summary)
    return summary


def write_report(summary: Summary) -> Path:
    """report.json: every item by its output path and patient id only, with its status and reason."""
    items = [
        {
            "item": o.key,
            "status": o.status,
            "reason": o.reason,
            **({"patient_id": o.patient_id} if o.patient_id else {}),
        }
        for o in sorted(summary.outcomes, key=lambda o: o.key)
    ]
    report = {
        "psoaspdf": __version__,
        "written": summary.count("written"),
        "skipped": summary.count("skipped"),
        "failed": summary.count("failed"),
        "seconds": round(summary.seconds, 2),
        "items": items,
    }
    path = summary.output / REPORT_FILE
    write_atomic(path, (json.dumps(report, indent=1) + "\n").encode("utf-8"), mode=0o600)
    return path


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
