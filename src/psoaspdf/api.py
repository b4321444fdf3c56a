"""What the command line and other programs call: one function per task, each loading its inputs,
running the pipeline and writing atomically. No Click here, and no pipeline of its own: handouts
go through ``handout``, booklets through ``booklet``, batch runs through ``batch``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from . import model
from .errors import CannotWrite, FileExists, InvalidInput, NotFound, Problem
from .handout import (
    INK_SAVING,
    LARGE_PRINT_SIZE,
    Inputs,
    apply_overrides,
    check_printable,
    load_inputs,
    printable_problems,
    private_mode,
    render_handout,
    render_handout_html,
    with_profile,
)
from .kinds import detect_kind, is_booklet_file, yaml_files
from .library import bundled, find_root, library_id, looks_like_path, resolve_given
from .output import ensure_folder, refuse_overwriting_inputs, write_atomic
from .pictures import page_pictures
from .validate import (
    BUILT_IN,
    COMMAND_LINE,
    Where,
    from_node,
    library_root,
    load_handout,
    load_layout,
    load_located,
    node_positions,
)

if TYPE_CHECKING:
    from .batch import Executor, Summary
    from .check import Report as CheckReport

# the pipeline's names, for programs that used them from here
__all__ = [
    "BUILT_IN",
    "INK_SAVING",
    "LARGE_PRINT_SIZE",
    "Format",
    "Inputs",
    "Paper",
    "Profile",
    "Where",
    "apply_overrides",
    "booklet_to_file",
    "check_handouts",
    "check_printable",
    "check_text",
    "detect_kind",
    "draw_illustrations",
    "is_booklet_file",
    "list_bundled",
    "load_inputs",
    "new_handout",
    "pdf_target",
    "preview",
    "printable_problems",
    "private_mode",
    "render_handout",
    "render_handout_html",
    "render_to_file",
    "run_batch",
    "validate_paths",
    "with_profile",
    "write_worksheet",
    "yaml_files",
]

Paper = model.Paper
Profile = model.Profile
Format = model.Format


def render_to_file(
    handout: str,
    output: Path | None = None,
    layout: str | None = None,
    paper: Paper | None = None,
    personal: model.Personal | None = None,
    profile: Profile | None = None,
    fmt: Format = "pdf",
    root: Path | None = None,
    leave_out: Sequence[model.OptionalPart] = (),
) -> Path:
    """Render a handout (path or built-in id) to a PDF, or its HTML twin, written atomically;
    return the path written. ``leave_out``: 'chart' and/or 'sources', whatever the layout says."""
    inputs = load_inputs(handout, layout, paper, profile, root, leave_out)
    target = pdf_target(output, Path(f"{inputs.handout.id}.{fmt}"), suffix=f".{fmt}")
    refuse_overwriting_inputs(target, inputs.sources())
    data = render_handout(inputs, personal) if fmt == "pdf" else render_handout_html(inputs, personal)
    write_atomic(target, data, mode=private_mode(personal))
    return target


def list_exercises(
    paths: Sequence[Path] = (), root: Path | None = None
) -> tuple[list[dict[str, str]], list[Problem]]:
    """The exercise library (every exercise of the handouts given, or of the library of the
    current folder and the built-in handouts), as rows: id, title, handout, region, figure; and
    the problems of files that are not valid handouts."""
    from .exercises import load_library

    library = load_library(paths, root)
    return [entry.as_dict() for entry in library.entries.values()], library.problems


def program_to_file(
    items: Sequence[str],
    output: Path | None = None,
    layout: str | None = None,
    paper: Paper | None = None,
    personal: model.Personal | None = None,
    profile: Profile | None = None,
    fmt: Format = "pdf",
    root: Path | None = None,
) -> Path:
    """Print a home-exercise program, from exercise ids (with dose changes, see
    docs/program-format.md) or one program file or id, to a PDF or its HTML twin; return the path
    written."""
    from .program import load_program_inputs, render_program_bytes

    inputs = load_program_inputs(items, layout, paper, profile, root)
    stem = Path(inputs.plan.where.file).stem if inputs.plan.where is not COMMAND_LINE else "program"
    target = pdf_target(output, Path(f"{stem}.{fmt}"), suffix=f".{fmt}")
    refuse_overwriting_inputs(target, inputs.sources())
    data = render_program_bytes(inputs, personal, fmt)
    write_atomic(target, data, mode=private_mode(personal))
    return target


def pdf_target(output: Path | None, default: Path, suffix: str = ".pdf") -> Path:
    """The output path: the default, or the one given, which must end in ``suffix``."""
    if output is None:
        return default
    if output.suffix.lower() != suffix and not output.is_dir():
        raise CannotWrite(f"{output}: give a file name ending in {suffix}")
    return output


def booklet_to_file(
    items: list[str],
    output: Path | None = None,
    layout: str | None = None,
    title: str | None = None,
    personal: model.Personal | None = None,
    impose: model.Imposition | None = None,
    marks: bool = False,
    root: Path | None = None,
    language: str | None = None,
) -> Path:
    """Build a booklet from one booklet file (or built-in booklet id), or from handouts and PDFs
    in order (``language``: of the cover and contents; the first handout's by default); write it."""
    booklet_file = _booklet_file(items[0], root) if len(items) == 1 else None
    if booklet_file is not None:
        from .booklet import build_booklet, load_booklet, quick_booklet  # pypdf: only for booklets

        loaded = load_booklet(booklet_file, layout, root)
        target = pdf_target(output, Path(f"{booklet_file.stem}.pdf"))
        items = [str(booklet_file)]
    else:
        from .booklet import build_booklet, quick_booklet

        loaded = quick_booklet(items, layout, title, root, language)
        target = pdf_target(output, Path("booklet.pdf"))
    refuse_overwriting_inputs(target, [*loaded.sources, *(Path(i) for i in items)])
    b = loaded.booklet
    named = model.Personal(patient=b.patient, clinician=b.clinician, date=b.date)
    mode = private_mode(personal) or private_mode(named)
    write_atomic(target, build_booklet(loaded, personal, impose, marks), mode=mode)
    return target


def _booklet_file(name: str, root: Path | None) -> Path | None:
    """A booklet named on the command line: its file, or the id of one in the library of the
    current folder or built in; None when ``name`` is a handout or a PDF."""
    path = Path(name)
    if is_booklet_file(path):
        return path
    if looks_like_path(name) or path.exists() or name.lower().endswith(".pdf"):
        return None
    try:
        return library_id(name, "booklets", find_root(Path.cwd(), root))
    except NotFound:
        return None


def validate_paths(paths: list[Path], root: Path | None = None) -> tuple[int, list[Problem]]:
    """Validate handout, layout, booklet, manifest and pose files (or folders of them); return
    (files checked, every problem found). A booklet or manifest is checked with all it names."""
    from .yamlsrc import YamlProblem, load_file

    problems: list[Problem] = []
    files = yaml_files(paths)
    for path in files:
        try:
            library = library_root(path, root)
            node = load_file(path)
        except InvalidInput as exc:
            problems += exc.problems
            continue
        except YamlProblem as exc:
            problems.append(exc.problem)
            continue
        where = Where(str(path), node_positions(node))
        folder = path.resolve().parent
        try:
            kind = detect_kind(path, node)
            if kind == "booklet":
                from .booklet import load_booklet

                load_booklet(path, root=root)  # checks the handouts, layout and PDFs it names too
            elif kind == "manifest":
                # checks the clinics, handouts, booklets and patients file it names
                from .batch import plan

                failed = plan(path, root=root).failed
                problems += [Problem(str(path), None, None, "patients", o.reason) for o in failed]
            elif kind == "pose":
                from_node(node, model.Pose, str(path), folder, library)
            elif kind == "program":
                from .program import load_program_inputs

                load_program_inputs([str(path)], root=root)  # every exercise id and the layout too
            elif kind == "layout":
                layout = from_node(node, model.Layout, str(path), folder, library)
                problems += printable_problems(layout, where)
            else:
                handout = from_node(node, model.Handout, str(path), folder, library)
                problems += printable_problems(
                    model.Layout(), BUILT_IN, [(where, handout)], check_layout=False
                )
        except InvalidInput as exc:
            problems += exc.problems
    return len(files), problems


@dataclasses.dataclass(frozen=True)
class Listing:
    kind: str
    name: str
    title: str
    path: Path


def list_bundled() -> list[Listing]:
    """The built-in handouts, booklets, programs and layouts with their titles (or the problem
    loading them)."""
    out: list[Listing] = []
    for path in bundled("handouts"):
        try:
            title = load_handout(path).title
        except InvalidInput as exc:
            title = f"(invalid: {exc.problems[0].message})"
        out.append(Listing("handout", path.stem, title, path))
    for path in bundled("booklets"):
        try:
            title = load_located(path, model.Booklet)[0].title
        except InvalidInput as exc:
            title = f"(invalid: {exc.problems[0].message})"
        out.append(Listing("booklet", path.stem, title, path))
    for path in bundled("programs"):
        try:
            program = load_located(path, model.Program)[0]
            from .wording import labels

            name = program.title or str(labels(program.language or "en")["program_title"])
            title = f"{name} ({len(program.exercises)} exercises)"
        except InvalidInput as exc:
            title = f"(invalid: {exc.problems[0].message})"
        out.append(Listing("program", path.stem, title, path))
    for path in bundled("layouts"):
        try:
            layout = load_layout(path)
            title = f"{layout.name} ({layout.clinic.name})"
        except InvalidInput as exc:
            title = f"(invalid: {exc.problems[0].message})"
        out.append(Listing("layout", path.stem, title, path))
    return out


def preview(
    handout: str,
    out_dir: Path,
    layout: str | None = None,
    paper: Paper | None = None,
    dpi: int = 80,
    personal: model.Personal | None = None,
    root: Path | None = None,
) -> list[Path]:
    """Render a handout and write one PNG per page into out_dir; return the PNG paths."""
    inputs = load_inputs(handout, layout, paper, root=root)
    pictures = page_pictures(render_handout(inputs, personal), dpi)
    ensure_folder(out_dir)
    written = []
    targets = [out_dir / f"{inputs.handout.id}-page{n}.png" for n in range(1, len(pictures) + 1)]
    for target in targets:  # checked before anything is written: all or nothing
        refuse_overwriting_inputs(target, inputs.sources())
    for target, png in zip(targets, pictures, strict=True):
        write_atomic(target, png)
        written.append(target)
    return written


FIGURE_FORMATS = ("png", "svg", "pdf")


def draw_illustrations(
    target: str,
    output: Path | None = None,
    fmt: str | None = None,
    layout: str | None = None,
    root: Path | None = None,
) -> list[Path]:
    """Draw a pose file's figure, or every pose figure of a handout, as PNG, SVG or PDF files.

    A pose file holds one pose (``base:``, ``joints:``...); OUTPUT is then the file to write
    (its suffix gives the format). For a handout (file or built-in id), OUTPUT is a folder and
    each figure is written as ``<handout id>-<exercise number>.<format>``.
    """
    from .render.figure import figure_file, layout_colors
    from .yamlsrc import YamlProblem, load_file

    colors = layout_colors(
        load_layout(resolve_given(layout, "layouts", root), root) if layout else model.Layout()
    )
    path = Path(target)
    if path.is_file():
        try:
            node = load_file(path)
        except YamlProblem as exc:
            raise InvalidInput([exc.problem]) from None
        if detect_kind(path, node) == "pose":
            folder = path.resolve().parent
            pose = from_node(node, model.Pose, str(path), folder, library_root(path, root))
            suffix = (output.suffix.lstrip(".").lower() if output else "") or fmt or "png"
            if suffix not in FIGURE_FORMATS:
                raise InvalidInput(
                    [Problem(str(output), None, None, "", "use a .png, .svg or .pdf file name")]
                )
            target_file = output or Path(f"{path.stem}.{suffix}")
            refuse_overwriting_inputs(target_file, [path])
            write_atomic(target_file, figure_file(pose, suffix, **colors))  # type: ignore[arg-type]
            return [target_file]
    inputs = load_inputs(target, root=root)
    suffix = (fmt or "png").lower()
    folder = output or Path(".")
    if folder.suffix and not folder.is_dir():
        raise InvalidInput([Problem(str(folder), None, None, "", "for a handout, -o names a folder")])
    ensure_folder(folder)
    figures = {
        folder / f"{inputs.handout.id}-{number}.{suffix}": exercise.illustration.pose
        for number, exercise in enumerate(inputs.handout.exercises, start=1)
        if exercise.illustration and exercise.illustration.pose
    }
    for target_file in figures:  # checked before anything is written: all or nothing
        refuse_overwriting_inputs(target_file, inputs.sources())
    written: list[Path] = []
    for target_file, pose in figures.items():
        write_atomic(target_file, figure_file(pose, suffix, **colors))  # type: ignore[arg-type]
        written.append(target_file)
    if not written:
        raise InvalidInput([inputs.handout_where.problem("exercises", "no exercise has a pose to draw")])
    return written


def run_batch(
    manifest: Path,
    executor: Executor,
    output: Path | None = None,
    paper: Paper | None = None,
    force: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    root: Path | None = None,
) -> Summary:
    """Plan a manifest's run and build what is out of date (see batch.run)."""
    from .batch import plan, run

    return run(plan(manifest, output, paper, root), executor, force=force, dry_run=dry_run, progress=progress)


def new_handout(name: str, output: Path | None = None, force: bool = False) -> Path:
    """Write a commented starter handout called ``name``; return the path written."""
    from .starter import starter_handout

    target = output or Path(f"{name}.yaml")
    if target.exists() and not force:
        raise FileExists(f"{target} exists; use --force to replace it")
    text = starter_handout(name)  # ValueError for a name that is not an id
    write_atomic(target, text.encode("utf-8"))
    return target


def check_handouts(
    names: list[str],
    layout: str | None = None,
    grade: float = 8.0,
    profile: Profile | None = None,
    root: Path | None = None,
    allow_drafts: bool = False,
) -> tuple[list[CheckReport], list[Problem]]:
    """Plain-language reports for handouts named by file, folder or built-in id, and the
    problems of those that are not valid handouts; ``allow_drafts``: drafts are expected."""
    from .check import check_paths

    return check_paths(names, layout, grade, profile, root, allow_drafts)


def check_text(
    reports: list[CheckReport], fmt: Literal["table", "json"] = "table", invalid: list[Problem] | None = None
) -> str:
    """Reports as a table for people or as JSON for programs."""
    from .check import table

    if fmt == "json":
        import json

        data = {"reports": [r.as_dict() for r in reports], "invalid": [str(p) for p in invalid or []]}
        return json.dumps(data, indent=2, ensure_ascii=False)
    return table(reports)


def write_worksheet(report: CheckReport, output: Path) -> Path:
    """Write the PEMAT-P reviewer worksheet for one checked handout."""
    from .check import worksheet

    target = pdf_target(output, output)
    write_atomic(target, worksheet(report))
    return target
