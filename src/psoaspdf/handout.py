"""The handout pipeline, once: names → validated inputs → printable checks → PDF or HTML bytes.

``api`` (for the command line and other programs), ``booklet``, ``batch`` and ``check`` all go
through here, so a handout is loaded, checked and laid out the same way wherever it is printed.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import model
from .errors import InvalidInput, Problem
from .library import resolve_given, shown
from .validate import BUILT_IN, COMMAND_LINE, Where, load_located

if TYPE_CHECKING:
    from .render.document import ContentTooTall


@dataclasses.dataclass(frozen=True)
class Inputs:
    """A validated handout and layout, and where they came from (for messages)."""

    handout: model.Handout
    layout: model.Layout
    handout_where: Where
    layout_where: Where = BUILT_IN

    def sources(self) -> list[Path]:
        """Every file this copy is made from: the handout, the layout and the files they name."""
        files = [Path(w.file) for w in (self.handout_where, self.layout_where) if w is not BUILT_IN]
        return files + files_named(self.handout, self.layout)


def files_named(*documents: object) -> list[Path]:
    """Every file a validated model names (pictures, a logo, fonts, clinic PDFs, a patients file)."""
    found: list[Path] = []

    def walk(value: object) -> None:
        if isinstance(value, model.FilePath):
            found.append(Path(value))
        elif isinstance(value, tuple):
            for item in value:
                walk(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name))

    for document in documents:
        walk(document)
    return found


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


def with_profile(layout: model.Layout, profile: model.Profile | None = None) -> model.Layout:
    """The layout as printed under a profile: large print, or ink-saving line work."""
    profile = profile or layout.profile
    if profile == "large-print":
        fonts = dataclasses.replace(layout.fonts, size=max(layout.fonts.size, LARGE_PRINT_SIZE))
        return dataclasses.replace(layout, fonts=fonts, exercises="cards", profile=profile)
    if profile == "ink-saving":
        return dataclasses.replace(layout, colors=INK_SAVING, profile=profile)
    return layout


def apply_overrides(
    layout: model.Layout,
    paper: model.Paper | None = None,
    profile: model.Profile | None = None,
    leave_out: Sequence[model.OptionalPart] = (),
) -> model.Layout:
    """The layout with the paper, print profile and parts left out that a run asks for (the
    command line, a manifest)."""
    if paper:
        layout = dataclasses.replace(layout, page=dataclasses.replace(layout.page, paper=paper))
    if leave_out:
        chart = layout.chart and "chart" not in leave_out
        layout = dataclasses.replace(
            layout, chart=chart, sources=layout.sources and "sources" not in leave_out
        )
    return with_profile(layout, profile)


def load_layout(name: str | None, root: Path | None = None) -> tuple[model.Layout, Where]:
    """A layout with the positions of its values: a file, a built-in id or a resolved reference;
    the built-in default when ``name`` is empty."""
    if not name:
        return model.Layout(), BUILT_IN
    return load_located(Path(shown(resolve_given(name, "layouts", root))), model.Layout, root)


def load_inputs(
    handout: str,
    layout: str | None = None,
    paper: model.Paper | None = None,
    profile: model.Profile | None = None,
    root: Path | None = None,
    leave_out: Sequence[model.OptionalPart] = (),
) -> Inputs:
    """Resolve names (path or built-in id), load and validate both files; every problem of both
    is listed in one run."""
    problems: list[Problem] = []
    loaded: tuple[model.Handout, Where] | None = None
    try:
        loaded = load_located(resolve_given(handout, "handouts", root), model.Handout, root)
    except InvalidInput as exc:
        problems += exc.problems
    loaded_layout, layout_where = model.Layout(), BUILT_IN
    try:
        loaded_layout, layout_where = load_layout(layout, root)
    except InvalidInput as exc:
        problems += exc.problems
    if problems or loaded is None:
        raise InvalidInput(problems)
    layout_ = apply_overrides(loaded_layout, paper, profile, leave_out)
    return Inputs(loaded[0], layout_, loaded[1], layout_where)


def printable_problems(
    layout: model.Layout,
    layout_where: Where,
    documents: Sequence[tuple[Where, object]] = (),
    check_layout: bool = True,
) -> list[Problem]:
    """Images, fonts and glyphs, checked before layout so each failure names file, line and field.

    ``documents`` are (where, model object) pairs printed with this layout: handouts (whose
    pictures are checked too), a booklet, the personal details of a copy.
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


PERSONAL_FIELDS = {
    "patient": "the patient's name",
    "clinician": "the clinician's name",
    "date": "the date",
    "note": "the note",
}
SCRIPT_NAMES = {  # the first word of a character's Unicode name → what readers call its writing
    "CJK": "Chinese, Japanese or Korean",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "HANGUL": "Korean",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "DEVANAGARI": "Devanagari",
    "BENGALI": "Bengali",
    "TAMIL": "Tamil",
    "THAI": "Thai",
    "ETHIOPIC": "Ethiopic",
}


SHAPED = {"Devanagari", "Bengali", "Tamil", "Thai"}


def personal_problems(
    layout: model.Layout, personal: model.Personal | None, where: Where = COMMAND_LINE
) -> list[Problem]:
    """Personal details (a patient's name, the clinician, the date, a note) that cannot be
    printed. The messages name the field and the kind of writing, never the text: it is patient
    data, and messages reach consoles, logs and batch reports. ``where`` says which copy it is
    (the command line, or a patients file's row and patient id)."""
    import unicodedata

    from .render.fonts import load_fonts
    from .render.inline import missing_glyphs

    if not personal or not any(dataclasses.astuple(personal)):
        return []
    fonts = load_fonts(layout.fonts)
    problems = []
    for field, label in PERSONAL_FIELDS.items():
        text = getattr(personal, field)
        if not text:
            continue
        if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
            message = f"{label} is written right to left, which psoaspdf cannot print yet; nothing was made for this copy"
            problems.append(where.problem(field, message))
            continue
        missing = missing_glyphs(text, fonts)
        if missing:
            kinds = sorted(
                {SCRIPT_NAMES.get(unicodedata.name(c, "?").split(" ")[0], "other") for c in missing}
            )
            writing = " and ".join(k for k in kinds if k != "other") or "unusual"
            if set(kinds) & SHAPED:  # letters that change shape and order as they join
                advice = "psoaspdf cannot print this writing yet (it needs text shaping)"
            else:
                advice = (
                    "name a font file that has them in the layout's fonts.scripts (fonts.scripts.cjk"
                    " for Chinese, Japanese and Korean; see docs/layout-format.md)"
                )
            message = f"{label} has {writing} letters that no font of the layout can print; {advice}"
            problems.append(where.problem(field, message))
    return problems


@contextlib.contextmanager
def rendering(source: str | Where) -> Iterator[None]:
    """Turn what can only go wrong during layout into a user's error about ``source``: the
    handout (with the positions of its fields), or the booklet file that names the handouts."""
    from reportlab.platypus.doctemplate import LayoutError

    from .render.document import ContentTooTall
    from .render.inline import MissingGlyph

    try:
        yield
    except MissingGlyph:  # personal details: never quoted (patient data), see personal_problems
        message = "a personal detail of this copy has letters that no font of the layout can print"
        raise InvalidInput([COMMAND_LINE.problem("", message)]) from None
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


def check_printable(
    inputs: Inputs, personal: model.Personal | None = None, personal_where: Where = COMMAND_LINE
) -> None:
    """Raise InvalidInput naming every picture that cannot be read and every character the
    fonts cannot draw, in the handout, the layout and the personal details."""
    problems = printable_problems(
        inputs.layout, inputs.layout_where, [(inputs.handout_where, inputs.handout)]
    )
    problems += personal_problems(inputs.layout, personal, personal_where)
    if problems:
        raise InvalidInput(problems)


def render_handout(
    inputs: Inputs,
    personal: model.Personal | None = None,
    fields: dict[str, Any] | None = None,
    personal_where: Where = COMMAND_LINE,
) -> bytes:
    """Render validated inputs to PDF bytes (``fields``: see render_pdf; ``personal_where``:
    which copy the personal details belong to, for messages)."""
    from .render.document import render_pdf

    check_printable(inputs, personal, personal_where)
    with rendering(inputs.handout_where):
        return render_pdf(inputs.handout, inputs.layout, personal or model.Personal(), fields)


def render_handout_html(inputs: Inputs, personal: model.Personal | None = None) -> bytes:
    """The handout's accessible HTML twin: one self-contained page (UTF-8 bytes).

    The same checks as the PDF run first: every picture is readable and every character has a
    glyph in the fonts the page embeds.
    """
    from .htmlpage import render_html

    check_printable(inputs, personal)
    return render_html(inputs.handout, inputs.layout, personal)


def private_mode(personal: model.Personal | None) -> int | None:
    """0o600 for a patient's own copy (readable by its owner only, as batch writes them)."""
    return 0o600 if personal is not None and any(dataclasses.astuple(personal)) else None
