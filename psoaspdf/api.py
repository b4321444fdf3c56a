"""What the CLI and other programs call. Loads inputs, renders, writes; no Click here."""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml

from . import model
from .bundled import bundled, resolve
from .errors import CannotWrite, InvalidInput, Problem
from .output import ensure_folder, refuse_overwriting_inputs, write_atomic
from .validate import Positions, from_node, load_handout, load_layout, load_with_positions, node_positions

Paper = Literal["letter", "a4"]
Format = Literal["pdf", "html"]


@dataclasses.dataclass(frozen=True)
class Where:
    """A file as messages name it, and the line and column of each value in it."""

    file: str
    positions: Positions = dataclasses.field(default_factory=dict)

    def problem(self, field: str, message: str) -> Problem:
        """A problem at ``field``, placed at the nearest value the file has a position for."""
        probe = field
        while probe and probe not in self.positions:
            probe = _PARENT.sub("", probe)
        line, col = self.positions.get(probe, (None, None))
        return Problem(self.file, line, col, field, message)


_PARENT = re.compile(r"(\.[^.\[]+|\[\d+\])$|^[^.\[]+$")
BUILT_IN = Where("built-in layout")


@dataclasses.dataclass(frozen=True)
class Inputs:
    """A validated handout and layout, and where they came from (for messages)."""

    handout: model.Handout
    layout: model.Layout
    handout_where: Where
    layout_where: Where = BUILT_IN


Profile = Literal["standard", "large-print", "ink-saving"]
LARGE_PRINT_SIZE = 18.0
INK_SAVING = model.Colors(
    primary=model.Color("#000000"),
    accent=model.Color("#555555"),
    text=model.Color("#000000"),
    tint=model.Color("#FFFFFF"),
    card_tint=model.Color("#FFFFFF"),
    warning=model.Color("#000000"),
    warning_tint=model.Color("#FFFFFF"),
)


def with_profile(layout: model.Layout, profile: Profile | None = None) -> model.Layout:
    """The layout as printed under a profile: large print, or ink-saving line work."""
    profile = profile or layout.profile
    if profile == "large-print":
        fonts = dataclasses.replace(layout.fonts, size=max(layout.fonts.size, LARGE_PRINT_SIZE))
        return dataclasses.replace(layout, fonts=fonts, exercises="cards", profile=profile)
    if profile == "ink-saving":
        return dataclasses.replace(layout, colors=INK_SAVING, profile=profile)
    return layout


def load_inputs(
    handout: str, layout: str | None = None, paper: Paper | None = None, profile: Profile | None = None
) -> Inputs:
    """Resolve names (path or bundled id), load and validate both files."""
    handout_path = resolve(handout, "handouts")
    layout_path = resolve(layout, "layouts") if layout else None
    problems: list[Problem] = []  # both files are checked, so one run lists every problem
    loaded_handout: model.Handout | None = None
    handout_positions: Positions = {}
    try:
        loaded_handout, handout_positions = load_with_positions(handout_path, model.Handout)
    except InvalidInput as exc:
        problems += exc.problems
    layout_where = BUILT_IN
    loaded_layout = model.Layout()
    if layout_path:
        try:
            loaded_layout, layout_positions = load_with_positions(layout_path, model.Layout)
            layout_where = Where(str(layout_path), layout_positions)
        except InvalidInput as exc:
            problems += exc.problems
    if problems or loaded_handout is None:
        raise InvalidInput(problems)
    if paper:
        page = dataclasses.replace(loaded_layout.page, paper=paper)
        loaded_layout = dataclasses.replace(loaded_layout, page=page)
    loaded_layout = with_profile(loaded_layout, profile)
    return Inputs(loaded_handout, loaded_layout, Where(str(handout_path), handout_positions), layout_where)


def printable_problems(
    layout: model.Layout,
    layout_where: Where,
    documents: Sequence[tuple[Where, object]] = (),
    check_layout: bool = True,
) -> list[Problem]:
    """Images, fonts and glyphs, checked before layout so each failure names file, line and field.

    ``documents`` are (where, model object) pairs printed with this layout: handouts (whose
    pictures are checked too), a booklet.
    """
    from os.path import relpath

    from .render.assets import BadImage, check_image
    from .render.document import unprintable
    from .render.fonts import BadFont, load_fonts

    problems: list[Problem] = []
    images: list[tuple[Where, str, str, str]] = []  # (file, field, what it is, image path)
    if layout.clinic.logo and check_layout:
        images.append((layout_where, "clinic.logo", "the logo", layout.clinic.logo))
    for where, document in documents:
        if isinstance(document, model.Handout):
            for i, exercise in enumerate(document.exercises, start=1):
                if exercise.illustration and exercise.illustration.image:
                    field = f"exercises[{i}].illustration.image"
                    owner = f"exercise {exercise.name!r}"
                    images.append((where, field, owner, exercise.illustration.image))
    for where, field, owner, image in images:
        try:
            check_image(image)
        except BadImage as exc:
            shown = relpath(image, Path(where.file).resolve().parent)  # as written, not made absolute
            problems.append(where.problem(field, f"{owner}: {shown}: {exc}"))
    try:
        fonts = load_fonts(layout.fonts)
    except BadFont as exc:
        return [*problems, layout_where.problem(f"fonts.{exc.field}", str(exc))] if check_layout else problems
    checked = [(layout_where, layout)] if check_layout else []
    for where, obj in [*checked, *documents]:
        problems += [where.problem(field, message) for field, message in unprintable(obj, fonts)]
    return problems


if TYPE_CHECKING:
    from .render.document import ContentTooTall


@contextlib.contextmanager
def rendering(source: str | Where) -> Iterator[None]:
    """Turn what can only go wrong during layout into a user's error about ``source``: the
    handout (with the positions of its fields), or the booklet file that names the handouts."""
    from reportlab.platypus.doctemplate import LayoutError

    from .render.document import ContentTooTall
    from .render.inline import MissingGlyph

    try:
        yield
    except MissingGlyph as exc:  # text given on the command line
        raise InvalidInput([Problem("command line", None, None, "", str(exc))]) from None
    except ContentTooTall as exc:
        raise InvalidInput([too_tall(source, exc)]) from None
    except LayoutError:  # not expected: every part of a handout is marked with its field
        message = (
            "a part of the handout is too tall to fit on one page (an exercise with many long steps,"
            " or a very long list); shorten it or split it in two"
        )
        file = source.file if isinstance(source, Where) else source
        raise InvalidInput([Problem(file, None, None, "", message)]) from None


def too_tall(source: str | Where, exc: ContentTooTall) -> Problem:
    """What could not be laid out, at the line and column of the field it prints."""
    what = exc.what or "a part of the handout"
    if not isinstance(source, Where):  # a booklet: its positions are not the handout's
        what = f"in the handout {exc.handout!r}, {what}" if exc.handout else what
        source = Where(source)
    message = (
        f"{what} does not fit on a page, even a page of its own (page {exc.page});"
        " shorten it or split it in two"
    )
    return source.problem(exc.field, message)


def check_printable(inputs: Inputs, personal: model.Personal | None = None) -> None:
    """Raise InvalidInput naming every picture that cannot be read and every character the
    fonts cannot draw, in the handout, the layout and the personal details."""
    problems = printable_problems(
        inputs.layout, inputs.layout_where, [(inputs.handout_where, inputs.handout)]
    )
    if personal:
        problems += printable_problems(
            inputs.layout, Where("command line"), [(Where("command line"), personal)], check_layout=False
        )
    if problems:
        raise InvalidInput(problems)


def render_handout(
    inputs: Inputs,
    personal: model.Personal | None = None,
    fields: dict[str, tuple[int, float, float, float]] | None = None,
) -> bytes:
    """Render validated inputs to PDF bytes (``fields``: see render_pdf)."""
    from .render.document import render_pdf

    check_printable(inputs, personal)
    with rendering(inputs.handout_where):
        return render_pdf(inputs.handout, inputs.layout, personal or model.Personal(), fields)


def render_to_file(
    handout: str,
    output: Path | None = None,
    layout: str | None = None,
    paper: Paper | None = None,
    personal: model.Personal | None = None,
    profile: Profile | None = None,
    fmt: Format = "pdf",
) -> Path:
    """Render a handout (path or bundled id) to a PDF, or its HTML twin, written atomically;
    return the path written."""
    inputs = load_inputs(handout, layout, paper, profile)
    target = pdf_target(output, Path(f"{inputs.handout.id}.{fmt}"), suffix=f".{fmt}")
    sources = [Path(inputs.handout_where.file), Path(inputs.layout_where.file)]
    refuse_overwriting_inputs(target, sources)
    data = render_handout(inputs, personal) if fmt == "pdf" else render_handout_html(inputs, personal)
    write_atomic(target, data, mode=private_mode(personal))
    return target


def render_handout_html(inputs: Inputs, personal: model.Personal | None = None) -> bytes:
    """The handout's accessible HTML twin: one self-contained page (UTF-8 bytes).

    The same checks as the PDF run first: every picture is readable and every character has a
    glyph in the fonts the page embeds.
    """
    from .htmlpage import render_html

    check_printable(inputs, personal)
    return render_html(inputs.handout, inputs.layout, personal)


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
    impose: Literal["saddle-stitch", "2-up"] | None = None,
    marks: bool = False,
) -> Path:
    """Build a booklet from one booklet file, or from handouts and PDFs in order; write it."""
    from .booklet import build_booklet, load_booklet, quick_booklet

    if len(items) == 1 and is_booklet_file(Path(items[0])):
        loaded = load_booklet(Path(items[0]), layout)
        target = pdf_target(output, Path(f"{Path(items[0]).stem}.pdf"))
    else:
        loaded = quick_booklet(items, layout, title)
        target = pdf_target(output, Path("booklet.pdf"))
    refuse_overwriting_inputs(target, [Path(i) for i in items])
    b = loaded.booklet
    named = model.Personal(patient=b.patient, clinician=b.clinician, date=b.date)
    mode = private_mode(personal) or private_mode(named)
    write_atomic(target, build_booklet(loaded, personal, impose, marks), mode=mode)
    return target


def private_mode(personal: model.Personal | None) -> int | None:
    """0o600 for a patient's own copy (readable by its owner only, as batch writes them)."""
    return 0o600 if personal is not None and any(dataclasses.astuple(personal)) else None


def yaml_files(paths: list[Path]) -> list[Path]:
    """Files as given, and the .yaml/.yml files inside folders (sorted, recursive)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.suffix.lower() in (".yaml", ".yml") and p.is_file()
            )
        else:
            found.append(path)
    return found


Kind = Literal["handout", "layout", "booklet", "manifest", "pose"]
KINDS: dict[str, type] = {
    "handout": model.Handout,
    "layout": model.Layout,
    "booklet": model.Booklet,
    "manifest": model.Manifest,
    "pose": model.Pose,
}
# keys only one kind of file has, for files whose keys fit several kinds
TELLING_KEYS = {
    "items": "booklet",
    "clinics": "manifest",
    "patients": "manifest",
    "base": "pose",
    "key_message": "handout",
}


def top_keys(node: yaml.Node) -> set[str]:
    if not isinstance(node, yaml.MappingNode):
        return set()
    return {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def detect_kind(path: Path, node: yaml.Node) -> Kind:
    """What a YAML file is, from its folder and its top-level keys (misspellings allowed)."""
    if path.parent.name == "layouts":
        return "layout"
    keys = top_keys(node)
    for key, kind in TELLING_KEYS.items():
        if key in keys:
            return kind  # type: ignore[return-value]
    fields = {kind: {f.name for f in dataclasses.fields(cls)} for kind, cls in KINDS.items()}
    fitting = [kind for kind, names in fields.items() if keys and keys <= names]
    if len(fitting) == 1:
        return fitting[0]  # type: ignore[return-value]
    if "layout" in fitting and "title" not in keys:
        return "layout"
    # unknown keys: the kind sharing most keys, a handout when in doubt
    best = max(fields, key=lambda kind: (len(keys & fields[kind]), kind == "handout"))
    return best if keys & fields[best] else "handout"  # type: ignore[return-value]


def validate_paths(paths: list[Path]) -> tuple[int, list[Problem]]:
    """Validate handouts and layouts; return (files checked, every problem found)."""
    from .yamlsrc import YamlProblem, load_file

    problems: list[Problem] = []
    files = yaml_files(paths)
    for path in files:
        try:
            node = load_file(path)
        except YamlProblem as exc:
            problems.append(exc.problem)
            continue
        where = Where(str(path), node_positions(node))
        folder = path.resolve().parent
        kind = detect_kind(path, node)
        try:
            if kind == "booklet":
                from .booklet import load_booklet

                load_booklet(path)  # checks the handouts, layout and PDFs it names too
            elif kind == "manifest":
                from .batch import plan

                # checks the clinics, handouts, booklets and patients file it names
                problems += [Problem(str(path), None, None, "patients", o.reason) for o in plan(path).failed]
            elif kind == "pose":
                from_node(node, model.Pose, str(path), folder)
            elif kind == "layout":
                layout = from_node(node, model.Layout, str(path), folder)
                problems += printable_problems(layout, where)
            else:
                handout = from_node(node, model.Handout, str(path), folder)
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
    """The bundled handouts and layouts with their titles (or the problem loading them)."""
    out: list[Listing] = []
    for path in bundled("handouts"):
        try:
            title = load_handout(path).title
        except InvalidInput as exc:
            title = f"(invalid: {exc.problems[0].message})"
        out.append(Listing("handout", path.stem, title, path))
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
) -> list[Path]:
    """Render a handout and write one PNG per page into out_dir; return the PNG paths."""
    import io

    import pypdfium2 as pdfium

    inputs = load_inputs(handout, layout, paper)
    data = render_handout(inputs, personal)
    ensure_folder(out_dir)
    written = []
    document = pdfium.PdfDocument(data)
    try:
        for index in range(len(document)):
            image = document[index].render(scale=dpi / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            target = out_dir / f"{inputs.handout.id}-page{index + 1}.png"
            write_atomic(target, buffer.getvalue())
            written.append(target)
    finally:
        document.close()
    return written


def is_booklet_file(path: Path) -> bool:
    """A YAML file that is a booklet rather than a handout."""
    from .yamlsrc import YamlProblem, load_file

    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        node = load_file(path)
    except YamlProblem:
        return False
    return detect_kind(path, node) == "booklet"


FIGURE_FORMATS = ("png", "svg", "pdf")


def draw_illustrations(
    target: str, output: Path | None = None, fmt: str | None = None, layout: str | None = None
) -> list[Path]:
    """Draw a pose file's figure, or every pose figure of a handout, as PNG, SVG or PDF files.

    A pose file holds one pose (``base:``, ``joints:``...); OUTPUT is then the file to write
    (its suffix gives the format). For a handout (file or bundled id), OUTPUT is a folder and
    each figure is written as ``<handout id>-<exercise number>.<format>``.
    """
    from .render.figure import figure_file, layout_colors
    from .yamlsrc import YamlProblem, load_file

    colors = layout_colors(load_layout(resolve(layout, "layouts")) if layout else model.Layout())
    path = Path(target)
    if path.is_file():
        try:
            node = load_file(path)
        except YamlProblem as exc:
            raise InvalidInput([exc.problem]) from None
        if detect_kind(path, node) == "pose":
            pose = from_node(node, model.Pose, str(path), path.resolve().parent)
            suffix = (output.suffix.lstrip(".").lower() if output else "") or fmt or "png"
            if suffix not in FIGURE_FORMATS:
                raise InvalidInput(
                    [Problem(str(output), None, None, "", "use a .png, .svg or .pdf file name")]
                )
            target_file = output or Path(f"{path.stem}.{suffix}")
            write_atomic(target_file, figure_file(pose, suffix, **colors))  # type: ignore[arg-type]
            return [target_file]
    inputs = load_inputs(target)
    suffix = (fmt or "png").lower()
    folder = output or Path(".")
    if folder.suffix and not folder.is_dir():
        raise InvalidInput([Problem(str(folder), None, None, "", "for a handout, -o names a folder")])
    ensure_folder(folder)
    written: list[Path] = []
    for number, exercise in enumerate(inputs.handout.exercises, start=1):
        if exercise.illustration and exercise.illustration.pose:
            target_file = folder / f"{inputs.handout.id}-{number}.{suffix}"
            write_atomic(target_file, figure_file(exercise.illustration.pose, suffix, **colors))  # type: ignore[arg-type]
            written.append(target_file)
    if not written:
        raise InvalidInput([inputs.handout_where.problem("exercises", "no exercise has a pose to draw")])
    return written
