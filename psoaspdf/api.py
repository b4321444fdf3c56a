"""What the CLI and other programs call. Loads inputs, renders, writes; no Click here."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

from . import model
from .bundled import bundled, resolve
from .errors import InvalidInput, Problem
from .output import write_atomic
from .validate import load_handout, load_layout

Paper = Literal["letter", "a4"]


@dataclasses.dataclass(frozen=True)
class Inputs:
    """A validated handout and layout, with the files they came from (for messages)."""

    handout: model.Handout
    handout_path: Path
    layout: model.Layout
    layout_path: Path | None


def load_inputs(handout: str, layout: str | None = None, paper: Paper | None = None) -> Inputs:
    """Resolve names (path or bundled id), load and validate both files."""
    handout_path = resolve(handout, "handouts")
    layout_path = resolve(layout, "layouts") if layout else None
    problems: list[Problem] = []
    loaded_handout = loaded_layout = None
    try:
        loaded_handout = load_handout(handout_path)
    except InvalidInput as exc:
        problems += exc.problems
    try:
        loaded_layout = load_layout(layout_path) if layout_path else model.Layout()
    except InvalidInput as exc:
        problems += exc.problems
    if problems or loaded_handout is None or loaded_layout is None:
        raise InvalidInput(problems)
    if paper:
        page = dataclasses.replace(loaded_layout.page, paper=paper)
        loaded_layout = dataclasses.replace(loaded_layout, page=page)
    return Inputs(loaded_handout, handout_path, loaded_layout, layout_path)


def printable_problems(
    handout: model.Handout | None, handout_file: str, layout: model.Layout, layout_file: str
) -> list[Problem]:
    """Images and glyphs, checked before layout so each failure names its file and field."""
    from .render.assets import BadImage, check_image
    from .render.document import unprintable
    from .render.fonts import load_fonts

    problems: list[Problem] = []
    images: list[tuple[str, str, str, str]] = []  # (file, field, what it is, image path)
    if layout.clinic.logo:
        images.append((layout_file, "clinic.logo", "the logo", layout.clinic.logo))
    for i, exercise in enumerate(handout.exercises if handout else (), start=1):
        if exercise.illustration and exercise.illustration.image:
            field = f"exercises[{i}].illustration.image"
            images.append((handout_file, field, f"exercise {exercise.name!r}", exercise.illustration.image))
    for file, field, owner, image in images:
        try:
            check_image(image)
        except BadImage as exc:
            problems.append(Problem(file, None, None, field, f"{owner}: {image}: {exc}"))
    try:
        fonts = load_fonts(layout.fonts)
    except InvalidInput as exc:
        return problems + list(exc.problems)
    checked = [(layout_file, layout)] + ([(handout_file, handout)] if handout else [])
    for file, obj in checked:
        problems += [Problem(file, None, None, field, message) for field, message in unprintable(obj, fonts)]
    return problems


def render_handout(inputs: Inputs, personal: model.Personal | None = None) -> bytes:
    """Render validated inputs to PDF bytes."""
    from reportlab.platypus.doctemplate import LayoutError

    from .render.document import render_pdf
    from .render.inline import MissingGlyph

    layout_file = str(inputs.layout_path or "built-in layout")
    problems = printable_problems(inputs.handout, str(inputs.handout_path), inputs.layout, layout_file)
    if problems:
        raise InvalidInput(problems)
    personal = personal or model.Personal()
    try:
        return render_pdf(inputs.handout, inputs.layout, personal)
    except MissingGlyph as exc:  # text given on the command line
        raise InvalidInput([Problem("command line", None, None, "", str(exc))]) from None
    except LayoutError as exc:
        message = f"a part of the handout does not fit on one page; shorten it ({str(exc)[:120]})"
        raise InvalidInput([Problem(str(inputs.handout_path), None, None, "", message)]) from None


def render_to_file(
    handout: str,
    output: Path | None = None,
    layout: str | None = None,
    paper: Paper | None = None,
    personal: model.Personal | None = None,
) -> Path:
    """Render a handout (path or bundled id) and write the PDF atomically; return its path."""
    inputs = load_inputs(handout, layout, paper)
    data = render_handout(inputs, personal)
    target = output or Path(f"{inputs.handout.id}.pdf")
    write_atomic(target, data)
    return target


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


LAYOUT_ONLY_KEYS = {"clinic", "colors", "fonts", "page", "footer"}


def looks_like_layout(path: Path) -> bool:
    """A file in a 'layouts' folder, or one whose top-level keys are layout keys."""
    if path.parent.name == "layouts":
        return True
    if path.parent.name == "handouts":
        return False
    from .yamlsrc import YamlProblem, load_file

    try:
        node = load_file(path)
    except YamlProblem:
        return False
    keys = {
        k.value for k, _ in getattr(node, "value", []) if hasattr(k, "value") and isinstance(k.value, str)
    }
    return bool(keys & LAYOUT_ONLY_KEYS) and "title" not in keys


def validate_paths(paths: list[Path]) -> tuple[int, list[Problem]]:
    """Validate handouts and layouts; return (files checked, every problem found)."""
    problems: list[Problem] = []
    files = yaml_files(paths)
    for path in files:
        if not path.exists():
            problems.append(Problem(str(path), None, None, "", "file not found"))
            continue
        try:
            if looks_like_layout(path):
                problems += printable_problems(None, "", load_layout(path), str(path))
            else:
                problems += printable_problems(
                    load_handout(path), str(path), model.Layout(), "built-in layout"
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
    out_dir.mkdir(parents=True, exist_ok=True)
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
