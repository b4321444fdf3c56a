"""Line-art figures drawn from a pose: a ReportLab Drawing, a Flowable drawn once per PDF, files.

Every part is a round-capped bar: a wide stroke in ink, then a narrower one in the fill colour,
so each limb has an outline and the parts of one limb merge. Drawing order makes the depth: props,
the faint start position, the far (right) limbs a shade greyer, the body, the near (left) leg,
highlighted muscles, the near arm, a strap, movement arrows. Geometry comes from psoaspdf.pose.

The pictures and tables of docs/poses.md are drawn from here by ``python -m tools.pose_docs``.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Sequence
from typing import Literal

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect
from reportlab.lib import colors

from .. import model
from ..pose import (
    FAR,
    MUSCLE_WIDTH,
    NEAR,
    RADIUS,
    Box,
    Capsule,
    Point,
    Skeleton,
    direction,
    heading,
    movement_arrows,
    muscle_path,
    solve,
)
from .assets import FormFlowable, form_name

Format = Literal["svg", "png", "pdf"]

OUTLINE = 0.0085  # outline width, in figure heights; never thinner than MIN_OUTLINE points
MIN_OUTLINE = 0.6
# Lines that carry meaning (the start position, props, straps, arrows, highlighted muscles) reach
# 3:1 against white paper, as WCAG 1.4.11 asks of graphics; only fills are lighter
MIN_GRAPHIC_CONTRAST = 3.0
PROP_FILL = colors.HexColor("#E6E9ED")
PROP_LINE = colors.HexColor("#858E98")  # 3.3:1
STRAP = colors.HexColor("#7D8791")  # 3.7:1
GHOST = colors.HexColor("#858E98")  # the start position: lighter than the figure, still 3.3:1
PAPER = colors.white
HIGHLIGHT_ALPHA = 0.6
ARROW_WIDTH = 0.016
ARROW_HEAD = 0.055

DEFAULT_INK = "#1F2A36"
DEFAULT_FILL = "#FFFFFF"
DEFAULT_ACCENT = "#D1495B"


def _mix(a: colors.Color, b: colors.Color, t: float) -> colors.Color:
    """a, moved a share t of the way to b."""
    return colors.Color(
        a.red + (b.red - a.red) * t, a.green + (b.green - a.green) * t, a.blue + (b.blue - a.blue) * t
    )


def contrast_on_white(c: colors.Color) -> float:
    """WCAG contrast ratio of a colour against white paper (as layouts' colours are checked)."""
    from ..validate import contrast

    return contrast(f"#{c.hexval()[2:]}", "#FFFFFF")


def graphic(c: colors.Color) -> colors.Color:
    """The colour, darkened just enough (towards black) to reach 3:1 on white."""
    for step in range(21):
        darker = _mix(c, colors.black, step * 0.05)
        if contrast_on_white(darker) >= MIN_GRAPHIC_CONTRAST:
            return darker
    return colors.black


def meaning_colors(ink: str, fill: str, accent: str) -> dict[str, colors.Color]:
    """The colour of every line in a figure that carries meaning, by what it shows."""
    ink_c, fill_c, accent_c = colors.HexColor(ink), colors.HexColor(fill), colors.HexColor(accent)
    return {
        "outline": ink_c,
        "far limbs": _mix(ink_c, colors.white, 0.15),
        "start position": GHOST,
        "highlighted muscles": graphic(_mix(accent_c, fill_c, 1 - HIGHLIGHT_ALPHA)),
        "arrows": graphic(accent_c),
        "props": PROP_LINE,
        "straps": STRAP,
    }


def _bar(a: Point, b: Point, width: float, color: colors.Color) -> Line | Circle:
    if a == b:  # a zero-length round-capped line is not drawn by every renderer
        return Circle(a.x, a.y, width / 2, fillColor=color, strokeColor=None)
    return Line(a.x, a.y, b.x, b.y, strokeColor=color, strokeWidth=width, strokeLineCap=1)


def _part(capsules: Iterable[Capsule], ink: colors.Color, fill: colors.Color, outline: float) -> Group:
    """Parts outlined as one: every ink bar first, then every fill bar on top."""
    listed = list(capsules)
    group = Group()
    for c in listed:
        group.add(_bar(c.a, c.b, 2 * c.radius + 2 * outline, ink))
    for c in listed:
        group.add(_bar(c.a, c.b, 2 * c.radius, fill))
    return group


def _polyline(points: Sequence[Point], width: float, color: colors.Color) -> PolyLine:
    return PolyLine(
        [v for p in points for v in (p.x, p.y)],
        strokeColor=color,
        strokeWidth=width,
        strokeLineCap=1,
        strokeLineJoin=1,
    )


def _props(skeleton: Skeleton, outline: float, *, strap: bool) -> Group:
    group = Group()
    for shape in skeleton.props:
        if (shape.kind == "strap") != strap:
            continue
        if shape.kind == "rect":
            a, b = shape.points
            group.add(
                Rect(
                    a.x,
                    a.y,
                    b.x - a.x,
                    b.y - a.y,
                    rx=shape.radius,
                    ry=shape.radius,
                    fillColor=PROP_FILL,
                    strokeColor=PROP_LINE,
                    strokeWidth=outline,
                )
            )
        elif shape.kind == "circle":
            (c,) = shape.points
            group.add(
                Circle(
                    c.x, c.y, shape.radius, fillColor=PROP_FILL, strokeColor=PROP_LINE, strokeWidth=outline
                )
            )
        elif shape.kind == "strap":
            group.add(_polyline(shape.points, 2 * shape.radius, STRAP))
        else:
            group.add(_polyline(shape.points, 2 * shape.radius, PROP_LINE))
    return group


def _nose(skeleton: Skeleton) -> Capsule:
    """A small bump on the face, so the figure plainly faces one way."""
    head, neck = skeleton.points["head"], skeleton.points["neck"]
    up = direction(heading(neck, head))
    front = up.rotated(90 if skeleton.mirrored else -90)
    r = RADIUS["head"]
    tip = head + front * (r * 0.93) - up * (r * 0.08)
    return Capsule("nose", "centre", tip, tip, r * 0.22)


def _figure(
    skeleton: Skeleton, ink: colors.Color, fill: colors.Color, outline: float, highlight: Group
) -> Group:
    """The solid figure: far limbs, body, near leg, highlighted muscles, near arm."""
    # far limbs: a grey fill, but a firm outline, so a moving far arm never reads as a ghost
    far_ink, far_fill = _mix(ink, colors.white, 0.15), _mix(fill, ink, 0.24)
    group = Group()
    caps = skeleton.capsules

    def limb(side: str, parts: tuple[str, ...]) -> list[Capsule]:
        return [c for c in caps if c.side == side and c.part in parts]

    arm, leg = ("upper_arm", "forearm", "hand"), ("thigh", "shank", "foot")
    group.add(_part(limb(FAR, arm), far_ink, far_fill, outline))
    group.add(_part(limb(FAR, leg), far_ink, far_fill, outline))
    # seen from the front, the face looks at the reader: no nose in profile
    body = [c for c in caps if c.side == "centre"] + ([] if skeleton.mirrored else [_nose(skeleton)])
    group.add(_part(body, ink, fill, outline))
    group.add(_part(limb(NEAR, leg), ink, fill, outline))
    group.add(highlight)  # the muscles lie under the near arm
    group.add(_part(limb(NEAR, arm), ink, fill, outline))
    return group


def _arrow(path: Sequence[Point], color: colors.Color) -> Group:
    group = Group()
    end, before = path[-1], path[-2]
    dx, dy = end.x - before.x, end.y - before.y
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    ux, uy = dx / length, dy / length
    base = Point(end.x - ux * ARROW_HEAD, end.y - uy * ARROW_HEAD)
    shaft = [*path[:-1], base] if len(path) > 2 else [path[0], base]
    group.add(_polyline(shaft, ARROW_WIDTH, color))
    half = ARROW_HEAD * 0.55
    tip = Point(end.x + ux * ARROW_WIDTH * 0.5, end.y + uy * ARROW_WIDTH * 0.5)
    group.add(
        Polygon(
            [tip.x, tip.y, base.x - uy * half, base.y + ux * half, base.x + uy * half, base.y - ux * half],
            fillColor=color,
            strokeColor=color,
            strokeWidth=ARROW_WIDTH * 0.5,
            strokeLineJoin=1,
        )
    )
    return group


@functools.lru_cache(maxsize=64)
def figure_drawing(
    pose: model.Pose,
    width: float,
    height: float,
    *,
    ink: str,
    fill: str,
    accent: str,
    font_name: str,
) -> Drawing:
    """The figure for a pose, scaled to fit in width x height points with its proportions kept;
    the drawing is as large as the figure needs, no larger. Built once per process for each pose,
    size and colours (a batch run or the desk draws the same figures for every copy); drawing it
    changes nothing in it."""
    end = solve(pose)
    start = solve(pose, start=True) if pose.start else None
    arrows = movement_arrows(end, start) if start else []
    box = end.box
    if start:
        box = box.union(start.box)
    for arrow in arrows:
        for p in arrow.path:
            box = box.union(Box(p.x - ARROW_HEAD, p.y - ARROW_HEAD, p.x + ARROW_HEAD, p.y + ARROW_HEAD))
    # room for the outline round the parts at the edge (its width depends on the scale)
    pad = OUTLINE * 1.5
    box = Box(box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad)
    scale = min(width / box.width, height / box.height)
    drawing = Drawing(box.width * scale, box.height * scale)
    # a drawing starts by selecting Helvetica, which would put an unembedded font in the PDF
    drawing.initialFontName = font_name
    outline = max(OUTLINE, MIN_OUTLINE / scale)
    ink_c, fill_c = colors.HexColor(ink), colors.HexColor(fill)
    meaning = meaning_colors(ink, fill, accent)
    group = Group()
    group.add(_props(end, outline, strap=False))
    if start:
        # the start position faint and hollow, under the main one
        group.add(_part(start.capsules, GHOST, PAPER, outline))
        if not start.mirrored:
            group.add(_part([_nose(start)], GHOST, PAPER, outline))
    muscles = Group()
    # blended with the fill rather than drawn translucent: a translucent colour needs an ExtGState,
    # which ReportLab leaves out of a form's resources (poppler then reports 'ExtGState unknown')
    shade = meaning["highlighted muscles"]
    for muscle in dict.fromkeys(pose.highlight):
        muscles.add(_polyline(muscle_path(end, muscle), MUSCLE_WIDTH[muscle], shade))
    group.add(_figure(end, ink_c, fill_c, outline, muscles))
    group.add(_props(end, outline, strap=True))
    for arrow in arrows:
        group.add(_arrow(arrow.path, meaning["arrows"]))
    group.transform = (scale, 0, 0, scale, -box.x0 * scale, -box.y0 * scale)
    drawing.add(group)
    return drawing


def layout_colors(layout: model.Layout) -> dict[str, str]:
    """The colours a figure is drawn in under a layout: its text colour on white, its accent."""
    return {"ink": layout.colors.text, "fill": "#FFFFFF", "accent": layout.colors.accent}


def figure_flowable(
    pose: model.Pose,
    width: float,
    height: float,
    *,
    ink: str,
    fill: str,
    accent: str,
    font_name: str,
) -> FormFlowable:
    """The figure as a flowable; the same pose at the same size and colours is stored once."""
    drawing = figure_drawing(pose, width, height, ink=ink, fill=fill, accent=accent, font_name=font_name)
    return FormFlowable(drawing, form_name(pose, width, height, ink, fill, accent, font_name))


def _default_font() -> str:
    from .fonts import load_fonts

    return load_fonts(model.Fonts()).regular


def figure_file(
    pose: model.Pose,
    fmt: Format,
    width: float = 240.0,
    height: float = 240.0,
    *,
    ink: str = DEFAULT_INK,
    fill: str = DEFAULT_FILL,
    accent: str = DEFAULT_ACCENT,
    font_name: str | None = None,
    dpi: float = 144.0,
) -> bytes:
    """The figure as an SVG, PNG or one-page PDF file's bytes (width and height in points)."""
    drawing = figure_drawing(
        pose, width, height, ink=ink, fill=fill, accent=accent, font_name=font_name or _default_font()
    )
    if fmt == "svg":
        from reportlab.graphics import renderSVG

        return str(renderSVG.drawToString(drawing)).encode("utf-8")
    pdf = bytes(renderPDF.drawToString(drawing, invariant=1))
    if fmt == "pdf":
        return pdf
    if fmt == "png":
        import pypdfium2

        document = pypdfium2.PdfDocument(pdf)
        try:
            image = document[0].render(scale=dpi / 72).to_pil()
        finally:
            document.close()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    raise ValueError(f"unknown format {fmt!r}; use svg, png or pdf")
