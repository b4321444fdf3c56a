"""The layout a handout or program is printed with, as readers need it: body size, line length, contrast,
no justified text, and every character, picture and font printable."""

from __future__ import annotations

from collections.abc import Sequence

from .. import model
from ..handout import printable_problems, with_profile
from ..validate import MIN_CONTRAST, Where, contrast, contrast_pairs
from .report import Finding, LayoutFacts, LayoutItem, finding

MIN_BODY_SIZE = 12.0
MIN_LARGE_PRINT_SIZE = 16.0  # large print: 16 pt or more (most guidance asks for 16-18)
LINE_LENGTH = (45, 75)  # characters in a typical body line (PAGES.md)
WRAP_SHORTFALL = 0.92  # ragged-right lines end about 8 % short of what would fit


def layout_findings(
    documents: Sequence[tuple[Where, object]], layout: model.Layout, layout_where: Where
) -> tuple[LayoutFacts, list[Finding]]:
    """Body size, line length, contrast of text colours, justification, and glyphs the fonts
    cannot draw; each is listed as an item, passed or not. Contrast and justification are
    guaranteed before a check runs (a layout below 4.5:1 is refused on loading; psoaspdf's styles
    are ragged right, which tests/test_check.py keeps so): they are listed, not judged again."""
    findings: list[Finding] = []
    items: list[LayoutItem] = []
    layout = with_profile(layout)  # as printed: large print raises the size
    size = layout.fonts.size
    large = layout.profile == "large-print"
    least = MIN_LARGE_PRINT_SIZE if large else MIN_BODY_SIZE
    what = "large print needs" if large else "older readers need"
    items.append(LayoutItem(f"Body text {least:g} pt or more", size >= least, f"{size:g} pt"))
    if size < least:
        message = f"body text is {size:g} pt; {what} {least:g} pt or more"
        findings.append(finding("warning", "layout", layout_where, "fonts.size", message))
    from ..render.fonts import load_fonts
    from ..render.styles import characters_per_line

    fonts = load_fonts(layout.fonts)
    per_line = characters_per_line(layout, fonts) * WRAP_SHORTFALL
    fits = LINE_LENGTH[0] <= per_line <= LINE_LENGTH[1]
    items.append(
        LayoutItem(f"Lines of {LINE_LENGTH[0]}-{LINE_LENGTH[1]} characters", fits, f"about {per_line:.0f}")
    )
    if not fits:
        message = (
            f"a typical body line holds about {per_line:.0f} characters;"
            f" {LINE_LENGTH[0]}-{LINE_LENGTH[1]} read best (change fonts.size or page.margin_mm)"
        )
        findings.append(finding("warning", "layout", layout_where, "page.margin_mm", message))
    pairs = [(name, getattr(layout.colors, name), bg) for name, bg, _ in contrast_pairs(layout.colors)]
    lowest = min(contrast(fg, bg) for _, fg, bg in pairs)
    items.append(
        LayoutItem(
            f"Text colours reach {MIN_CONTRAST}:1 contrast", lowest >= MIN_CONTRAST, f"lowest {lowest:.1f}:1"
        )
    )
    # no contrast finding here: a layout file below the minimum is refused when it is loaded
    # (validate._contrast_checks, over the same pairs), so from the command line it never gets
    # this far; a Layout a program builds in code is not validated, and shows the item unmet
    items.append(LayoutItem("No justified text (ragged right)", True, "psoaspdf never justifies text"))
    printable = printable_problems(layout, layout_where, documents)
    note = (
        f"{len(printable)} problem(s)" if printable else "every character has a glyph in the embedded fonts"
    )
    items.append(LayoutItem("Printable: glyphs, pictures and fonts", not printable, note))
    for problem in printable:
        # the handout cannot be printed as it is: render would refuse it
        findings.append(
            Finding("error", "print", problem.path, problem.line, problem.col, problem.field, problem.message)
        )
    return LayoutFacts(layout.name, size, round(lowest, 2), tuple(items)), findings
