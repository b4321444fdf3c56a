"""Figures drawn from a pose: geometry, validation, drawing, files, and the PDF form cache."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
import typing
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import REPO, needs_tool
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from reportlab.graphics.shapes import Drawing
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer

from psoaspdf import model
from psoaspdf.errors import InvalidInput
from psoaspdf.pose import (
    BASES,
    LENGTHS,
    RADIUS,
    Point,
    Skeleton,
    distance,
    joint_range,
    movement_arrows,
    muscle_path,
    solve,
)
from psoaspdf.render import figure
from psoaspdf.render.figure import figure_drawing, figure_file, figure_flowable
from psoaspdf.render.fonts import load_fonts
from psoaspdf.validate import from_node
from psoaspdf.yamlsrc import load_text
from tools import pose_docs

HERE = Path(__file__).resolve().parent
JOINT_NAMES = [f.name for f in dataclasses.fields(model.Joints)]
COLOURS = {"ink": "#1F4E79", "fill": "#FFFFFF", "accent": "#2E7D5B"}

# No example database: the tests must not write into the repository.
SETTINGS = settings(max_examples=30, deadline=None, database=None)


def pose(base: model.Base, start: dict[str, float] | None = None, **joints: float) -> model.Pose:
    return model.Pose(
        base=base,
        joints=model.Joints(**joints),
        start=model.PoseStart(joints=model.Joints(**start)) if start else None,
    )


def low(skeleton: Skeleton, part: str, side: str | None = None) -> float:
    """The lowest point of a body part (both sides unless one is named)."""
    return min(
        p.y for c in skeleton.capsules if c.part == part and side in (None, c.side) for p in c.outline(32)
    )


@st.composite
def poses(draw: st.DrawFn) -> model.Pose:
    """Any base, with any joints given any value in their range."""
    base = draw(st.sampled_from(list(BASES)))
    names = draw(st.lists(st.sampled_from(JOINT_NAMES), unique=True, max_size=len(JOINT_NAMES)))
    joints = {n: draw(st.integers(*(int(v) for v in joint_range(n)))) for n in names}
    return model.Pose(base=base, joints=model.Joints(**joints))


# --- geometry ---------------------------------------------------------------------------------


def assert_lengths(skeleton: Skeleton) -> None:
    for segment, (a, b, length) in LENGTHS.items():
        measured = distance(skeleton.plane[a], skeleton.plane[b])
        assert measured == pytest.approx(length, abs=1e-9), segment


@SETTINGS
@given(poses())
def test_limbs_keep_their_lengths_in_any_pose(p: model.Pose) -> None:
    assert_lengths(solve(p))


@pytest.mark.parametrize("base", list(BASES))
def test_limbs_keep_their_lengths_in_every_base_and_its_start(base: model.Base) -> None:
    moving = pose(base, left_hip=20, right_shoulder=90, start={"left_hip": 0, "right_shoulder": 0})
    assert_lengths(solve(moving))
    assert_lengths(solve(moving, start=True))


def test_side_views_are_drawn_true_to_size() -> None:
    for base, spec in BASES.items():
        if spec.view == "side":
            skeleton = solve(model.Pose(base=base))
            assert skeleton.points == skeleton.plane


# the parts of each limb and the named points they join, in order
CHAINS = {
    "thigh": ("hip", "knee"),
    "shank": ("knee", "ankle"),
    "foot": ("heel", "toe"),
    "upper_arm": ("shoulder", "elbow"),
    "forearm": ("elbow", "wrist"),
    "hand": ("wrist", "hand"),
}


@SETTINGS
@given(poses())
def test_joints_connect(p: model.Pose) -> None:
    skeleton = solve(p)
    for c in skeleton.capsules:
        if c.part in CHAINS:
            start, end = CHAINS[c.part]
            assert c.a == skeleton.points[f"{c.side}_{start}"], (c.part, c.side)
            assert c.b == skeleton.points[f"{c.side}_{end}"], (c.part, c.side)
    # the foot hangs from the ankle, and the trunk from the hips
    for side in ("left", "right"):
        assert distance(skeleton.plane[f"{side}_ankle"], skeleton.plane[f"{side}_heel"]) < 0.05
    hip, lumbar, shoulder = skeleton.trunk
    assert hip == skeleton.points["hip"] and shoulder == skeleton.points["shoulder"]
    assert distance(hip, lumbar) > 0 and distance(lumbar, shoulder) > 0


@SETTINGS
@given(poses())
def test_a_side_view_figure_rests_on_the_floor(p: model.Pose) -> None:
    skeleton = solve(p)
    if skeleton.view == "side":
        spec = BASES[p.base]
        resting = [c for c in skeleton.capsules if c.part in spec.rests_on]
        lowest = min(q.y for c in resting for q in c.outline(64))
        assert lowest == pytest.approx(0, abs=2e-3)


def test_the_head_is_about_one_seventh_and_a_half_of_the_height() -> None:
    standing = solve(model.Pose(base="standing"))
    top = max(q.y for c in standing.capsules for q in c.outline(64))
    assert top == pytest.approx(1.0, abs=0.01)
    assert 7 <= top / (2 * RADIUS["head"]) <= 8


def test_standing_feet_are_flat_on_the_floor() -> None:
    standing = solve(model.Pose(base="standing"))
    for side in ("left", "right"):
        heel, toe = standing.points[f"{side}_heel"], standing.points[f"{side}_toe"]
        assert heel.y == pytest.approx(RADIUS["foot"], abs=1e-3)
        assert toe.y == pytest.approx(RADIUS["foot"], abs=1e-3)
        assert toe.x > heel.x  # facing right


def test_constructive_rest_has_feet_flat_and_back_on_the_floor() -> None:
    rest = solve(pose("lying-on-back", left_hip=45, right_hip=45, left_knee=90, right_knee=90))
    for side in ("left", "right"):
        assert low(rest, "foot", side) == pytest.approx(0, abs=3e-3)
        heel, toe = rest.points[f"{side}_heel"], rest.points[f"{side}_toe"]
        assert abs(heel.y - toe.y) < 0.01  # flat
    assert low(rest, "trunk") == pytest.approx(0, abs=0.01)
    assert rest.points["left_knee"].y > 0.2


def test_legs_up_on_a_chair_rest_the_calves_on_the_seat() -> None:
    legs_up = dataclasses.replace(
        pose("lying-on-back", left_hip=90, right_hip=90, left_knee=90, right_knee=90), props=("chair",)
    )
    skeleton = solve(legs_up)
    lines = [prop for prop in skeleton.props if prop.prop == "chair"]
    seat = next(line for line in lines if line.points[0].y == line.points[1].y > 0)
    seat_y = seat.points[0].y
    # the seat is just under the calves, and runs from past the knees to beyond the heels
    assert seat_y + seat.radius == pytest.approx(low(skeleton, "shank"), abs=1e-3)
    xs = sorted(p.x for p in seat.points)
    knees = [skeleton.points[f"{side}_knee"].x for side in ("left", "right")]
    ankles = [skeleton.points[f"{side}_ankle"].x for side in ("left", "right")]
    assert xs[0] > max(knees) and xs[1] > max(ankles)
    # both chair legs stand on the floor
    assert sum(1 for line in lines if min(p.y for p in line.points) == 0.0) == 2


def test_a_bridge_lifts_the_hips_and_keeps_shoulders_and_feet_down() -> None:
    bridge = solve(pose("lying-on-back", left_hip=0, right_hip=0, left_knee=90, right_knee=90))
    assert bridge.points["hip"].y > 0.15
    assert low(bridge, "foot") == pytest.approx(0, abs=3e-3)
    assert min(low(bridge, "trunk"), low(bridge, "head")) == pytest.approx(0, abs=3e-3)
    # the arms lie on the floor beside it, not in the air along the trunk
    assert low(bridge, "hand", "left") == pytest.approx(0, abs=0.01)


def test_half_kneeling_keeps_the_back_knee_and_the_front_foot_down_and_the_trunk_upright() -> None:
    stretch = solve(pose("half-kneeling", trunk=5, left_hip=-15, right_knee=90))
    knee = min(low(stretch, "shank", "left"), low(stretch, "thigh", "left"))
    assert knee == pytest.approx(0, abs=3e-3)
    assert low(stretch, "foot", "right") == pytest.approx(0, abs=3e-3)
    hip, lumbar, _ = stretch.trunk
    assert abs(lumbar.x - hip.x) < 0.01  # the pelvis stays upright
    start = solve(
        pose("half-kneeling", trunk=5, left_hip=-15, right_knee=90, start={"left_hip": 0}), start=True
    )
    assert stretch.points["hip"].x - start.points["hip"].x > 0.04  # hips pushed forward
    assert distance(stretch.points["left_knee"], start.points["left_knee"]) < 0.01  # knee stays


def test_hands_and_knees_rests_on_hands_and_knees() -> None:
    figure_ = solve(model.Pose(base="hands-and-knees"))
    for side in ("left", "right"):
        assert low(figure_, "hand", side) == pytest.approx(0, abs=3e-3)
        assert figure_.points[f"{side}_knee"].y - RADIUS["shank"] < 0.01


def test_left_is_near_and_drawn_apart_from_right() -> None:
    half = solve(model.Pose(base="half-kneeling"))
    assert half.points["left_knee"].y < 0.1  # the near knee is down
    assert half.points["right_knee"].y > 0.2  # the far foot forward


@pytest.mark.parametrize("muscle", typing.get_args(model.Muscle))
@pytest.mark.parametrize("base", ["standing", "half-kneeling", "lying-on-back", "side-lying"])
def test_muscles_lie_on_the_body(muscle: str, base: model.Base) -> None:
    skeleton = solve(model.Pose(base=base))
    near = [c for c in skeleton.capsules if c.side in ("centre", "left")]
    for q in muscle_path(skeleton, muscle):
        assert any(_inside(q, c.a, c.b, c.radius + 0.01) for c in near), (muscle, q)


def test_iliopsoas_runs_from_the_lower_spine_in_front_of_the_hip_to_the_thigh() -> None:
    standing = solve(model.Pose(base="standing"))
    path = muscle_path(standing, "iliopsoas")
    hip, lumbar, _ = standing.trunk
    assert path[0].y > lumbar.y  # starts above the bend of the lower back
    assert path[-1].y < hip.y  # ends on the thigh
    assert max(q.x for q in path if abs(q.y - hip.y) < 0.05) > hip.x + 0.01  # in front of the hip


def _inside(q: Point, a: Point, b: Point, radius: float) -> bool:
    ab = Point(b.x - a.x, b.y - a.y)
    length2 = ab.x**2 + ab.y**2
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((q.x - a.x) * ab.x + (q.y - a.y) * ab.y) / length2))
    return distance(q, Point(a.x + ab.x * t, a.y + ab.y * t)) <= radius


def test_movement_arrows_follow_the_moving_part() -> None:
    bridge = pose(
        "lying-on-back",
        left_hip=0,
        right_hip=0,
        left_knee=90,
        right_knee=90,
        start={"left_hip": 45, "right_hip": 45},
    )
    arrows = movement_arrows(solve(bridge), solve(bridge, start=True))
    assert len(arrows) == 1
    tail, head = arrows[0].path[0], arrows[0].path[-1]
    assert head.y - tail.y > 0.08  # the hips go up
    knee = pose("sitting", left_knee=0, start={"left_knee": 90})
    (arc,) = movement_arrows(solve(knee), solve(knee, start=True))
    assert len(arc.path) > 4  # a curve round the knee
    assert arc.path[-1].y > arc.path[0].y  # the foot comes up


def test_pose_geometry_imports_no_reportlab() -> None:
    code = "import sys, psoaspdf.pose; print(any(m.startswith('reportlab') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- validation -------------------------------------------------------------------------------


def illustration(text: str) -> model.Illustration:
    return from_node(load_text(text, "ex.yaml"), model.Illustration, "ex.yaml", HERE)


def problems(text: str) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        illustration(text)
    return [str(p) for p in caught.value.problems]


def test_a_pose_is_read_with_negative_angles_and_flow_lists() -> None:
    result = illustration(
        "alt: Kneeling hip stretch\n"
        "pose:\n"
        "  base: half-kneeling\n"
        "  joints: {trunk: 5, left_hip: -15, right_knee: 90.5}\n"
        "  props: [mat, towel]\n"
        "  highlight: [iliopsoas]\n"
        "  start:\n"
        "    joints: {left_hip: 0}\n"
    )
    assert result.image is None and result.pose is not None
    assert result.pose.joints.left_hip == -15
    assert result.pose.joints.right_knee == 90.5
    assert result.pose.props == ("mat", "towel")
    assert result.pose.start is not None and result.pose.start.joints.left_hip == 0


@pytest.mark.parametrize(
    ("joint", "value", "expected"),
    [
        ("left_knee", "170", "170 is out of range; use 0 to 150"),
        ("right_hip", "-45", "-45 is out of range; use -30 to 140"),
        ("neck", "61", "61 is out of range; use -60 to 50"),
        ("left_ankle", "-80", "-80 is out of range; use -70 to 30"),
    ],
)
def test_an_angle_out_of_range_names_the_joint(joint: str, value: str, expected: str) -> None:
    text = f"alt: A figure\npose:\n  base: standing\n  joints:\n    {joint}: {value}\n"
    assert problems(text) == [f"ex.yaml:5:{len(joint) + 7}: pose.joints.{joint}: {expected}"]


def test_a_start_angle_out_of_range_names_the_joint_under_start() -> None:
    text = "alt: A figure\npose:\n  base: standing\n  start:\n    joints: {left_elbow: 151}\n"
    (problem,) = problems(text)
    assert "pose.start.joints.left_elbow: 151 is out of range; use 0 to 150" in problem


def test_negative_numbers_keep_their_old_message_where_they_were_never_allowed() -> None:
    with pytest.raises(InvalidInput) as caught:
        from_node(load_text("sets: -3\n", "d.yaml"), model.Dose, "d.yaml", Path("."))
    assert "sets: expected a whole number, got '-3'" in str(caught.value)


def test_illustration_needs_exactly_one_of_image_and_pose() -> None:
    (neither,) = problems("alt: A figure\n")
    assert "'image'" in neither and "'pose'" in neither
    (both,) = problems(f"alt: A figure\nimage: {Path(__file__).name}\npose:\n  base: standing\n")
    assert "'image'" in both and "'pose'" in both and "not both" in both


def test_alt_is_still_required() -> None:
    assert any("alt: is required" in p for p in problems("pose:\n  base: standing\n"))
    assert any("alt: is required" in p for p in problems("{}\n"))  # no image, no pose, no alt


def test_unknown_base_prop_and_muscle_list_what_is_allowed() -> None:
    found = problems("alt: A\npose:\n  base: lying\n  props: [mats]\n  highlight: [psoas]\n")
    assert any("pose.base: 'lying' is not allowed; use one of: standing, sitting" in p for p in found)
    assert any("pose.props[1]: 'mats' is not allowed; use one of: floor, mat" in p for p in found)
    assert any("pose.highlight[1]: 'psoas' is not allowed; use one of: iliopsoas" in p for p in found)


def test_a_misspelt_joint_suggests_the_right_one() -> None:
    (problem,) = problems("alt: A\npose:\n  base: standing\n  joints: {left_knees: 10}\n")
    assert "pose.joints.left_knees: unknown key. Did you mean 'left_knee'?" in problem


def test_pose_rules_across_fields() -> None:
    (same,) = problems("alt: A\npose:\n  base: sitting\n  start:\n    joints: {left_hip: 90}\n")
    assert "pose.start: is the same as the main position" in same
    (twice,) = problems("alt: A\npose:\n  base: standing\n  props: [mat, mat]\n")
    assert "pose.props: lists 'mat' more than once" in twice
    (side,) = problems("alt: A\npose:\n  base: side-lying\n  props: [chair]\n")
    assert "chair cannot be shown with side-lying" in side
    # a towel under the knees of a kneeling figure whose knees are not down would not be drawn
    straight = "alt: A\npose:\n  base: kneeling\n  joints: {left_hip: -30, right_hip: -30, left_knee: 0, right_knee: 0}\n"
    (towel,) = problems(straight + "  props: [towel]\n")
    assert "pose.props: towel cannot be drawn in this position of kneeling" in towel
    assert illustration(straight + "  props: [mat]\n").pose is not None  # a mat is drawn
    assert illustration("alt: A\npose:\n  base: kneeling\n  props: [towel]\n").pose is not None  # knees down


# --- drawing and files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def font() -> str:
    return load_fonts(model.Fonts()).regular


@pytest.mark.parametrize("base", list(BASES))
def test_every_base_draws_within_its_box(base: model.Base, font: str) -> None:
    drawing = figure_drawing(model.Pose(base=base, props=("mat",)), 200, 150, font_name=font, **COLOURS)
    assert isinstance(drawing, Drawing)
    assert 0 < drawing.width <= 200 + 1e-6 and 0 < drawing.height <= 150 + 1e-6
    assert drawing.width == pytest.approx(200) or drawing.height == pytest.approx(150)
    assert drawing.initialFontName == font


EVERYTHING = model.Pose(
    base="lying-on-back",
    joints=model.Joints(left_hip=80, left_knee=10, right_hip=45, right_knee=90),
    props=("mat", "pillow", "strap", "towel", "wall", "ball", "step", "chair", "floor"),
    highlight=("iliopsoas", "glutes", "abdominals", "hamstrings", "lower-back"),
    start=model.PoseStart(joints=model.Joints(left_hip=20)),
)


def test_svg_is_xml(font: str) -> None:
    svg = figure_file(EVERYTHING, "svg", font_name=font)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")


def test_png_opens(font: str) -> None:
    png = figure_file(EVERYTHING, "png", 200, 150, font_name=font, dpi=72)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size[0] == pytest.approx(200, abs=2) or image.size[1] == pytest.approx(150, abs=2)
        # not blank: the ink is there
        assert image.convert("L").getextrema()[0] < 80


def test_pdf_opens_and_is_reproducible(font: str) -> None:
    pdf = figure_file(EVERYTHING, "pdf", font_name=font)
    assert pdf == figure_file(EVERYTHING, "pdf", font_name=font)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1


def test_unknown_format_is_refused(font: str) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        figure_file(EVERYTHING, "gif", font_name=font)  # type: ignore[arg-type]


def _pdf_with(flowables: list[object], font: str) -> bytes:
    out = io.BytesIO()
    SimpleDocTemplate(out, invariant=1, initialFontName=font).build(flowables)
    return out.getvalue()


def _form_xobjects(data: bytes) -> list[int]:
    """Object numbers of the form XObjects the pages use (a figure used twice counts once)."""
    found: set[int] = set()
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        resources: Any = page["/Resources"]
        for ref in resources.get("/XObject", {}).values():
            if ref.get_object().get("/Subtype") == "/Form":
                found.add(ref.idnum)
    return sorted(found)


@pytest.fixture(scope="module")
def repeated_pdf(font: str) -> bytes:
    stretch = pose("half-kneeling", left_hip=-15, start={"left_hip": 0})
    kw = {"font_name": font, **COLOURS}
    return _pdf_with(
        [
            figure_flowable(stretch, 200, 150, **kw),
            Spacer(1, 12),
            figure_flowable(stretch, 200, 150, **kw),  # the same again: stored once
            figure_flowable(model.Pose(base="lying-on-back"), 200, 150, **kw),
            PageBreak(),
            figure_flowable(stretch, 200, 150, **kw),
        ],
        font,
    )


def test_the_same_figure_twice_is_stored_once(repeated_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(repeated_pdf))
    assert len(reader.pages) == 2
    assert len(_form_xobjects(repeated_pdf)) == 2  # the stretch and the lying figure
    content = b"".join(page.get_contents().get_data() for page in reader.pages)  # type: ignore[union-attr]
    assert content.count(b" Do") == 4


def test_a_figure_puts_no_font_in_the_pdf(repeated_pdf: bytes) -> None:
    text = repeated_pdf.decode("latin-1")
    assert "/Helvetica" not in text


@needs_tool("qpdf")
def test_qpdf_finds_nothing_wrong(repeated_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "figures.pdf"
    path.write_bytes(repeated_pdf)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_form_names_are_stable_and_tell_figures_apart() -> None:
    a = figure.form_name(model.Pose(base="standing"), 200, 150, "#000000")
    assert a == figure.form_name(model.Pose(base="standing"), 200, 150, "#000000")
    assert a != figure.form_name(model.Pose(base="sitting"), 200, 150, "#000000")
    assert a != figure.form_name(model.Pose(base="standing"), 200, 151, "#000000")


# --- docs/poses.md ----------------------------------------------------------------------------

DOC = REPO / "docs" / "poses.md"


def test_poses_doc_tables_are_fresh() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert pose_docs.refreshed_docs(text) == text, (
        "docs/poses.md is stale; run `python -m tools.pose_docs --docs`"
    )


def test_poses_doc_examples_are_valid_and_pictured() -> None:
    examples = pose_docs.doc_examples(DOC.read_text(encoding="utf-8"))
    assert len(examples) >= 5
    for name, body in examples:
        assert isinstance(pose_docs.example_pose(body), model.Pose), name
    for name in pose_docs.doc_pictures():
        assert (REPO / "docs" / "poses" / name).is_file(), (
            f"docs/poses/{name} is missing; run the --docs script"
        )


# --- contrast: lines that carry meaning reach 3:1 on white (WCAG 1.4.11) ------------------------


@pytest.mark.parametrize("layout_id", ["default", "riverbend"])
@pytest.mark.parametrize("profile", ["standard", "ink-saving", "large-print"])
def test_every_meaningful_line_of_a_figure_reaches_3_to_1(layout_id: str, profile: str) -> None:
    """The start position, highlighted muscles, arrows, props and straps (1.7:1 and 2.4:1 in the
    review of 2026-12-04), in every shipped layout and print profile; and read back from the
    rendered pixels of a figure that shows them all, so the drawing really uses these colours."""
    from psoaspdf import api
    from psoaspdf.render.figure import contrast_on_white, figure_file, layout_colors, meaning_colors

    layout = api.with_profile(api.load_inputs("iliopsoas-back-pain", layout_id).layout, profile)  # type: ignore[arg-type]
    drawn = layout_colors(layout)
    meaning = meaning_colors(drawn["ink"], drawn["fill"], drawn["accent"])
    weak = {what: round(contrast_on_white(c), 2) for what, c in meaning.items() if contrast_on_white(c) < 3.0}
    assert weak == {}
    # a shipped figure with a start position, a highlighted muscle and a movement arrow
    handout = api.load_inputs("iliopsoas-back-pain").handout
    poses = [e.illustration.pose for e in handout.exercises if e.illustration and e.illustration.pose]
    shown = next(p for p in poses if p.start and p.highlight)
    png = figure_file(shown, "png", 400, 200, dpi=288, font_name=None, **drawn)
    pixels = Image.open(io.BytesIO(png)).convert("RGB").getcolors(1 << 20) or []
    counts = {rgb: n for n, rgb in pixels}
    for what in ("start position", "highlighted muscles", "outline"):
        c = meaning[what]
        want = tuple(round(v * 255) for v in (c.red, c.green, c.blue))
        near = sum(
            n for rgb, n in counts.items() if max(abs(a - b) for a, b in zip(rgb, want, strict=True)) <= 3
        )
        assert near > 50, f"{what} {want} is not drawn"


def test_a_figure_is_built_once_per_process_and_prints_the_same() -> None:
    """Batch runs and the desk print the same figures for every copy: the second copy reuses
    them, and its PDF is byte-for-byte the first's."""
    from conftest import render_bytes

    from psoaspdf.render.figure import figure_drawing

    figure_drawing.cache_clear()
    first = render_bytes("neck-pain")
    built = figure_drawing.cache_info().misses
    second = render_bytes("neck-pain")
    info = figure_drawing.cache_info()
    assert built >= 3 and info.misses == built and info.hits >= built
    assert first == second
