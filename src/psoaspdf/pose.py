"""A pose → the 2D points of a figure resting on the floor. Pure geometry, no ReportLab.

Units are the figure's standing height (1.0); y grows upwards and the floor is y = 0. The figure
is seen from its left side and faces right when it stands. Joint angles follow docs/poses.md: 0
everywhere is standing tall, arms hanging, feet at a right angle to the shins; bending forward
(and bending a knee or elbow) is positive.

A base position is a table of joint angles, a turn of the whole body (lying on the back is
standing turned a quarter turn) and the parts the body may rest on. ``solve`` chains the
segments outwards from the pelvis (forward kinematics, so lengths never change and joints always
connect), then lets the body settle on the floor as a rigid body would: it rolls towards its
centre of mass until that is over what it rests on, so a bridge lifts the pelvis and hands and
knees share the weight. Feet and hands that take weight are laid flat.

Side-lying is seen from the front and a little above, since from the side it would look like
lying on the front: the same body plane, turned to face the viewer and squeezed in depth.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Literal

from . import model

Side = Literal["left", "right", "centre"]
View = Literal["side", "front"]

JOINTS: tuple[str, ...] = tuple(f.name for f in fields(model.Joints))
SIDES: tuple[Literal["left", "right"], ...] = ("left", "right")
NEAR: Literal["left"] = "left"  # drawn on top, in full colour
FAR: Literal["right"] = "right"  # drawn behind the body, a shade greyer

# --- proportions ------------------------------------------------------------------------------
# Fractions of standing height, after Winter, Biomechanics and Motor Control of Human Movement:
# hip joint 0.530, knee 0.285, ankle 0.039, shoulder 0.818, upper arm 0.186, forearm 0.146.

PELVIS = 0.085  # hip joint to the bend of the lower back
TRUNK = 0.203  # lower back to the shoulder joint (hip to shoulder: 0.288)
NECK = 0.062  # shoulder joint to the base of the skull
HEAD_LIFT = 0.052  # base of the skull to the centre of the head
HEAD_FORWARD = 0.014  # the face is in front of the neck
THIGH = 0.245
SHANK = 0.246
ANKLE_HEIGHT = 0.039  # ankle joint above the sole
HEEL = 0.045  # heel behind the ankle
TOE = 0.115  # toes in front of the ankle
UPPER_ARM = 0.186
FOREARM = 0.146
HAND = 0.05  # wrist to the middle of the hand

LENGTHS: Mapping[str, tuple[str, str, float]] = {
    # segment: the points it joins and its length, for every segment forward kinematics chains
    "pelvis": ("hip", "lumbar", PELVIS),
    "trunk": ("lumbar", "shoulder", TRUNK),
    "neck": ("shoulder", "neck", NECK),
    "left_thigh": ("left_hip", "left_knee", THIGH),
    "right_thigh": ("right_hip", "right_knee", THIGH),
    "left_shank": ("left_knee", "left_ankle", SHANK),
    "right_shank": ("right_knee", "right_ankle", SHANK),
    "left_upper_arm": ("left_shoulder", "left_elbow", UPPER_ARM),
    "right_upper_arm": ("right_shoulder", "right_elbow", UPPER_ARM),
    "left_forearm": ("left_elbow", "left_wrist", FOREARM),
    "right_forearm": ("right_elbow", "right_wrist", FOREARM),
    "left_foot": ("left_heel", "left_toe", HEEL + TOE - 0.042),
    "right_foot": ("right_heel", "right_toe", HEEL + TOE - 0.042),
}

RADIUS: Mapping[str, float] = {
    # half the thickness of each part as drawn; the head is 0.132 tall, 1/7.6 of the height
    "head": 0.066,
    "neck": 0.028,
    "trunk": 0.064,
    "chest": 0.066,
    "pelvis": 0.06,
    "seat": 0.056,
    "upper_arm": 0.027,
    "forearm": 0.023,
    "hand": 0.021,
    "thigh": 0.044,
    "shank": 0.034,
    "foot": 0.021,
}

MASS: Mapping[str, float] = {
    # share of body mass per part (Winter); the neck's is counted in the head and trunk
    "head": 0.081,
    "neck": 0.0,
    "trunk": 0.355,
    "chest": 0.0,
    "pelvis": 0.142,
    "seat": 0.0,
    "upper_arm": 0.028,
    "forearm": 0.016,
    "hand": 0.006,
    "thigh": 0.100,
    "shank": 0.0465,
    "foot": 0.0145,
}

# --- base positions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseSpec:
    """A base position: joint angles, how the whole body is turned, and what it may rest on."""

    doc: str
    angles: Mapping[str, float]
    turn: float  # degrees anticlockwise from standing: lying on the back is +90 (head left)
    rests_on: frozenset[str]  # parts that may touch the floor
    roll: float  # how far (degrees) the body may roll to settle; 0 keeps it upright
    view: View = "side"
    # joints that may change, first that was not given, so that part b touches the floor when
    # part a does (the front foot of a half-kneeling figure whose back thigh is given)
    fit: tuple[tuple[str, ...], tuple[str, str], tuple[str, str]] | None = None
    limbs_rest: bool = False  # arms and legs not given lie on the floor (lying down)


def _angles(**changes: float) -> dict[str, float]:
    angles = dict.fromkeys(JOINTS, 0.0)
    for name, value in changes.items():
        if name in angles:
            angles[name] = value
        else:  # both sides at once: hip=90 means left_hip and right_hip
            angles[f"left_{name}"] = angles[f"right_{name}"] = value
    return angles


_LEGS = frozenset({"pelvis", "thigh", "shank", "foot"})
_ARM_PARTS = frozenset({"upper_arm", "forearm", "hand"})
_LEG_PARTS = frozenset({"thigh", "shank", "foot"})
_ALL = frozenset(RADIUS) - {"seat", "chest"}  # soft: they give instead of bearing weight

BASES: Mapping[model.Base, BaseSpec] = {
    "standing": BaseSpec("Standing tall, arms by the sides.", _angles(elbow=8), 0, frozenset({"foot"}), 0),
    "sitting": BaseSpec(
        "Sitting on a chair, feet flat, hands on the thighs.",
        _angles(hip=90, knee=90, shoulder=12, elbow=62),
        0,
        _LEGS,
        0,
    ),
    "kneeling": BaseSpec(
        "Kneeling upright on both knees, the tops of the feet on the floor.",
        _angles(knee=90, ankle=-68, elbow=8),
        0,
        _LEGS - {"pelvis"},
        0,
    ),
    "half-kneeling": BaseSpec(
        "Kneeling on the left knee, the right foot forward and flat, hands on the front knee.",
        _angles(left_knee=90, left_ankle=-68, right_hip=90, right_knee=90, shoulder=38, elbow=22),
        0,
        _LEGS - {"pelvis"},
        12,
        fit=(("right_hip", "right_knee"), ("left", "shank"), ("right", "foot")),
    ),
    "lying-on-back": BaseSpec(
        "Lying on the back, head to the left, legs straight, arms by the sides.",
        _angles(ankle=-25, elbow=5),
        90,
        _ALL,
        60,
        limbs_rest=True,
    ),
    "lying-on-front": BaseSpec(
        "Lying on the front, head to the right, arms by the sides.",
        _angles(ankle=-65, elbow=5, neck=-12),
        -90,
        _ALL,
        60,
        limbs_rest=True,
    ),
    "hands-and-knees": BaseSpec(
        "On hands and knees, head to the right, arms and thighs upright.",
        # the body settles about 10 degrees head-up (arms are longer than thighs): these angles
        # leave the thighs and arms upright and the shins on the floor
        _angles(hip=80, knee=90, ankle=-68, shoulder=80),
        -90,
        _ALL,
        45,
    ),
    "side-lying": BaseSpec(
        "Lying on the right side, seen from the front: knees bent, the top (left) arm in front.",
        _angles(
            hip=45, knee=70, ankle=-20, left_shoulder=60, left_elbow=60, right_shoulder=90, right_elbow=90
        ),
        90,
        frozenset(),
        0,
        "front",
    ),
}

FRONT_VIEW_PROPS = frozenset({"floor", "mat", "pillow", "towel"})


def joint_range(joint: str) -> tuple[float, float]:
    """The (lowest, highest) angle in degrees a joint may be given."""
    meta = {f.name: f.metadata for f in fields(model.Joints)}[joint]
    return float(meta["minimum"]), float(meta["maximum"])


def joint_angles(pose: model.Pose, *, start: bool = False) -> dict[str, float]:
    """Every joint's angle in degrees: the base's, then the pose's, then (start) the start's."""
    return {**BASES[pose.base].angles, **_given(pose, start)}


def _given(pose: model.Pose, start: bool) -> dict[str, float]:
    """The angles the pose names, the start's over the main position's."""
    layers = [pose.joints] + ([pose.start.joints] if start and pose.start else [])
    given: dict[str, float] = {}
    for layer in layers:
        for name in JOINTS:
            value = getattr(layer, name)
            if value is not None:
                given[name] = float(value)
    return given


# --- geometry ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float

    def __add__(self, other: Point) -> Point:
        return Point(self.x + other.x, self.y + other.y)

    def __sub__(self, other: Point) -> Point:
        return Point(self.x - other.x, self.y - other.y)

    def __mul__(self, k: float) -> Point:
        return Point(self.x * k, self.y * k)

    def rotated(self, degrees: float, about: Point | None = None) -> Point:
        """This point turned anticlockwise about ``about`` (the origin if not given)."""
        cx, cy = (about.x, about.y) if about else (0.0, 0.0)
        c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        dx, dy = self.x - cx, self.y - cy
        return Point(cx + dx * c - dy * s, cy + dx * s + dy * c)


def direction(degrees: float) -> Point:
    """Unit vector at an angle in degrees, anticlockwise from +x."""
    return Point(math.cos(math.radians(degrees)), math.sin(math.radians(degrees)))


@functools.lru_cache(maxsize=8)
def _circle(steps: int) -> tuple[tuple[float, float], ...]:
    return tuple((math.cos(2 * math.pi * i / steps), math.sin(2 * math.pi * i / steps)) for i in range(steps))


def _rotate_all(points: Iterable[Point], degrees: float, about: Point) -> list[Point]:
    """Points turned anticlockwise about a centre (one sine and cosine for all of them)."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return [
        Point(
            about.x + (p.x - about.x) * c - (p.y - about.y) * s,
            about.y + (p.x - about.x) * s + (p.y - about.y) * c,
        )
        for p in points
    ]


def distance(a: Point, b: Point) -> float:
    return math.hypot(a.x - b.x, a.y - b.y)


def heading(a: Point, b: Point) -> float:
    """The direction from a to b in degrees, -180..180 (0 points right)."""
    return math.degrees(math.atan2(b.y - a.y, b.x - a.x))


def _wrap(degrees: float) -> float:
    """An angle brought into -180..180."""
    return (degrees + 180) % 360 - 180


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def union(self, other: Box) -> Box:
        return Box(
            min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1)
        )


def bounds(points: Iterable[Point], pad: float = 0.0) -> Box:
    listed = list(points)
    xs, ys = [p.x for p in listed], [p.y for p in listed]
    return Box(min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)


@dataclass(frozen=True)
class Capsule:
    """A body part drawn as a rounded bar from a to b (a circle when a == b)."""

    part: str  # a key of RADIUS
    side: Side
    a: Point
    b: Point
    radius: float

    def outline(self, steps: int = 16) -> Iterator[Point]:
        """Points around both end circles; their convex hull is the capsule."""
        for centre in (self.a, self.b):
            for ux, uy in _circle(steps):
                yield Point(centre.x + ux * self.radius, centre.y + uy * self.radius)

    def moved(self, f: Callable[[Point], Point]) -> Capsule:
        return Capsule(self.part, self.side, f(self.a), f(self.b), self.radius)


@dataclass(frozen=True)
class PropShape:
    """One piece of a prop: a bar ('line', width = 2 x radius), 'rect', 'circle' or 'strap'."""

    prop: str
    kind: Literal["line", "rect", "circle", "strap"]
    points: tuple[Point, ...]  # line, strap: the path; rect: two corners; circle: the centre
    radius: float = 0.0  # line, strap: half the width; rect: corner radius; circle: radius

    def extent(self) -> Box:
        if self.kind == "rect":
            return bounds(self.points)
        return bounds(self.points, self.radius)


@dataclass(frozen=True)
class Skeleton:
    """A solved figure: named points, the parts to draw, the props and how it is seen.

    Points: head, neck, shoulder, lumbar (the bend of the lower back), hip, and for each side
    shoulder, elbow, wrist, hand, hip, knee, ankle, heel, toe. Seen from the side, both
    shoulders are at ``shoulder`` and both hips at ``hip``. ``plane`` holds the same points in the
    body's own plane before the front view squeezes it (for a side view, the same as ``points``).
    """

    points: Mapping[str, Point]
    plane: Mapping[str, Point]
    capsules: tuple[Capsule, ...]
    props: tuple[PropShape, ...]
    view: View

    @property
    def trunk(self) -> tuple[Point, Point, Point]:
        """The trunk segment: hip joint → bend of the lower back → shoulder joint."""
        return self.points["hip"], self.points["lumbar"], self.points["shoulder"]

    @property
    def mirrored(self) -> bool:
        """Whether the picture is the body plane seen from its other side (front view)."""
        return self.view == "front"

    @property
    def box(self) -> Box:
        """Everything drawn: body parts with their thickness, and the props."""
        box = bounds(p for c in self.capsules for p in c.outline(8))
        for prop in self.props:
            box = box.union(prop.extent())
        return box


def _moved_all(
    pts: Mapping[str, Point], caps: Iterable[Capsule], f: Callable[[Point], Point]
) -> tuple[dict[str, Point], list[Capsule]]:
    return {k: f(p) for k, p in pts.items()}, [c.moved(f) for c in caps]


# --- forward kinematics -----------------------------------------------------------------------


def _chain(
    angles: Mapping[str, float], turn: float, wrists: Mapping[str, float]
) -> tuple[dict[str, Point], list[Capsule]]:
    """Points and parts in the body's plane, the hip joint at the origin, turned by ``turn``.

    ``wrists`` turns a hand from the line of its forearm (degrees, anticlockwise), so a hand that
    takes weight can lie flat; it is not a joint people give.
    """
    pts: dict[str, Point] = {"hip": Point(0.0, 0.0)}
    up = 90.0 + turn  # the pelvis's long axis, towards the head
    pts["lumbar"] = pts["hip"] + direction(up) * PELVIS
    trunk = up - angles["trunk"]  # bending forward turns the trunk clockwise (it faces right)
    pts["shoulder"] = pts["lumbar"] + direction(trunk) * TRUNK
    neck = trunk - angles["neck"]
    pts["neck"] = pts["shoulder"] + direction(neck) * NECK
    pts["head"] = pts["neck"] + direction(neck) * HEAD_LIFT + direction(neck - 90) * HEAD_FORWARD
    # the back of a segment pointing headwards is on its left (the figure faces right)
    pelvis_back, trunk_back = direction(up + 90), direction(trunk + 90)
    caps = [
        Capsule("pelvis", "centre", pts["hip"], pts["lumbar"], RADIUS["pelvis"]),
        # the buttocks behind the hip joint, the chest in front of the spine: front and back
        # look different, so lying on the front never looks like lying on the back
        Capsule(
            "seat",
            "centre",
            pts["hip"] + pelvis_back * 0.024,
            pts["hip"] + pelvis_back * 0.02 + direction(up) * 0.03,
            RADIUS["seat"],
        ),
        # the trunk's bar stops short of the shoulder joint so the shoulders are not square
        Capsule("trunk", "centre", pts["lumbar"], pts["shoulder"] - direction(trunk) * 0.02, RADIUS["trunk"]),
        Capsule(
            "chest",
            "centre",
            pts["lumbar"] + direction(trunk) * 0.1 - trunk_back * 0.01,
            pts["shoulder"] - direction(trunk) * 0.05 - trunk_back * 0.008,
            RADIUS["chest"],
        ),
        Capsule("neck", "centre", pts["shoulder"], pts["neck"], RADIUS["neck"]),
        Capsule("head", "centre", pts["head"], pts["head"], RADIUS["head"]),
    ]
    for side in SIDES:
        hip, shoulder = pts["hip"], pts["shoulder"]
        thigh = up - 180 + angles[f"{side}_hip"]  # flexion swings the thigh forward: anticlockwise
        knee = hip + direction(thigh) * THIGH
        shank = thigh - angles[f"{side}_knee"]  # a bending knee takes the shin back: clockwise
        ankle = knee + direction(shank) * SHANK
        foot = shank + 90 + angles[f"{side}_ankle"]  # 0: at a right angle to the shin, toes forward
        sole = direction(foot - 90) * (ANKLE_HEIGHT - RADIUS["foot"])  # the foot bar's centre line
        heel = ankle + sole - direction(foot) * (HEEL - RADIUS["foot"])
        toe = ankle + sole + direction(foot) * (TOE - RADIUS["foot"])
        arm = trunk - 180 + angles[f"{side}_shoulder"]  # raising the arm forward: anticlockwise
        elbow = shoulder + direction(arm) * UPPER_ARM
        forearm = arm + angles[f"{side}_elbow"]
        wrist = elbow + direction(forearm) * FOREARM
        hand = wrist + direction(forearm + wrists.get(side, 0.0)) * HAND
        pts.update(
            {
                f"{side}_hip": hip,
                f"{side}_knee": knee,
                f"{side}_ankle": ankle,
                f"{side}_heel": heel,
                f"{side}_toe": toe,
                f"{side}_shoulder": shoulder,
                f"{side}_elbow": elbow,
                f"{side}_wrist": wrist,
                f"{side}_hand": hand,
            }
        )
        caps += [
            Capsule("thigh", side, hip, knee, RADIUS["thigh"]),
            Capsule("shank", side, knee, ankle, RADIUS["shank"]),
            Capsule("foot", side, heel, toe, RADIUS["foot"]),
            Capsule("upper_arm", side, shoulder, elbow, RADIUS["upper_arm"]),
            Capsule("forearm", side, elbow, wrist, RADIUS["forearm"]),
            Capsule("hand", side, wrist, hand, RADIUS["hand"]),
        ]
    return pts, caps


def centre_of_mass(capsules: Iterable[Capsule]) -> Point:
    total, x, y = 0.0, 0.0, 0.0
    for c in capsules:
        m = MASS[c.part]
        total += m
        x += m * (c.a.x + c.b.x) / 2
        y += m * (c.a.y + c.b.y) / 2
    return Point(x / total, y / total)


# --- settling on the floor --------------------------------------------------------------------

_TOUCH = 1e-6


def _roll(points: list[Point], com: Point, limit: float) -> float:
    """How far (degrees, anticlockwise) the body rolls on the floor before its centre of mass is
    over what it rests on; at most ``limit`` either way."""
    total = 0.0
    for _ in range(24):
        low = min(p.y for p in points)
        touching = [p for p in points if p.y - low < _TOUCH]
        lo = min(touching, key=lambda p: p.x)
        hi = max(touching, key=lambda p: p.x)
        if lo.x - _TOUCH <= com.x <= hi.x + _TOUCH:
            break
        # tip over the edge nearest the centre of mass until the next point lands
        pivot, sign = (hi, -1.0) if com.x > hi.x else (lo, 1.0)
        steps = [
            math.degrees(math.atan2(p.y - pivot.y, abs(p.x - pivot.x)))
            for p in points
            if (p.x - pivot.x) * -sign > _TOUCH
        ]
        if not steps:
            break
        step = min(min(steps), limit - abs(total))
        if step <= 0:
            break
        points = _rotate_all(points, sign * step, pivot)
        com = com.rotated(sign * step, pivot)
        total += sign * step
    return total


def _resting(caps: Iterable[Capsule], parts: Iterable[str], kneel: float = 0.0) -> list[Point]:
    """Outline points of the parts that may rest on the floor; knees ``kneel`` lower, as if the
    floor under them were raised by that much (a folded towel)."""
    wanted = set(parts)
    points: list[Point] = []
    for c in caps:
        if c.part not in wanted:
            continue
        steps = 16
        for i, p in enumerate(c.outline(steps)):
            at_knee = (c.part == "shank" and i < steps) or (c.part == "thigh" and i >= steps)
            points.append(Point(p.x, p.y - kneel) if at_knee else p)
    return points


def _settle(
    pts: dict[str, Point], caps: list[Capsule], spec: BaseSpec, kneel: float = 0.0
) -> tuple[dict[str, Point], list[Capsule]]:
    """The body rolled as it would come to rest, its lowest resting part on the floor (y = 0)."""
    resting = _resting(caps, spec.rests_on, kneel)
    turn = _roll(resting, centre_of_mass(caps), spec.roll) if spec.roll else 0.0
    lowest = min(p.y for p in _rotate_all(resting, turn, Point(0.0, 0.0)))

    def place(p: Point) -> Point:
        q = p.rotated(turn)
        return Point(q.x, q.y - lowest)

    return _moved_all(pts, caps, place)


_FLAT = 0.02  # a foot or hand this close to the floor takes weight
_NEAR_FLOOR = 0.1  # a foot this close to the floor is meant to be on it
_TOUCH_FLOOR = 0.001  # close enough to count as lying on the floor
_GIVE = 10.0  # degrees a given hip may change so that such a foot reaches the floor


def _fit(angles: dict[str, float], spec: BaseSpec, given: Mapping[str, float], kneel: float) -> None:
    """Change the first free joint of ``spec.fit`` so both its parts reach the floor together."""
    if spec.fit is None:
        return
    joints, (side_a, part_a), (side_b, part_b) = spec.fit

    def gap(joint: str, value: float) -> float:
        _, caps = _chain({**angles, joint: value}, spec.turn, {})

        def low(side: str, part: str) -> float:
            return min(p.y for p in _resting((c for c in caps if c.side == side), [part], kneel))

        return low(side_b, part_b) - low(side_a, part_a)

    for joint in joints:
        if joint in given:
            continue
        lo, hi = joint_range(joint)
        here = angles[joint]
        # the nearest change of sign either side of the base value, then halve the interval
        known = {here: gap(joint, here) > 0}
        for step in range(1, 46):
            for sign in (1, -1):
                a, b = here + sign * (step - 1), here + sign * step
                if not lo <= b <= hi:
                    continue
                known[b] = gap(joint, b) > 0
                if known[a] != known[b]:
                    above = known[a]
                    for _ in range(16):
                        middle = (a + b) / 2
                        a, b = (middle, b) if (gap(joint, middle) > 0) == above else (a, middle)
                    angles[joint] = (a + b) / 2
                    return
        return  # no fit with the first free joint: the body rolls a little instead


def _drop(
    pts: Mapping[str, Point], caps: list[Capsule], side: str, limb: frozenset[str], joint: str
) -> float:
    """The smallest turn (degrees, at most 90) about a joint that lays a raised limb on the floor."""
    centre = pts[f"{side}_{joint}"]
    points = [p for c in caps if c.side == side and c.part in limb for p in c.outline()]
    if min(p.y for p in points) <= _TOUCH_FLOOR or centre.y <= 0:
        return 0.0
    # a point at distance r and angle a from the joint touches the floor after turning by t
    # where centre.y + r sin(a + t) = 0
    turns: list[float] = []
    for p in points:
        r = distance(p, centre)
        if r <= centre.y:
            continue
        a = heading(centre, p)
        k = math.degrees(math.asin(centre.y / r))
        turns += [_wrap(-k - a), _wrap(180 + k - a)]
    up = min((t for t in turns if t > 0), default=180.0)
    down = max((t for t in turns if t < 0), default=-180.0)
    best = up if up <= -down else down
    return best if abs(best) <= 90 else 0.0


def _set(angles: dict[str, float], joint: str, value: float) -> bool:
    """Set a joint, kept in its range; whether that changed anything."""
    lo, hi = joint_range(joint)
    value = min(hi, max(lo, value))
    if abs(value - angles[joint]) <= 0.1:
        return False
    angles[joint] = value
    return True


def _flat_foot(angles: dict[str, float], pts: Mapping[str, Point], side: str) -> bool:
    """A foot standing on its sole is set flat."""
    heel, toe = pts[f"{side}_heel"], pts[f"{side}_toe"]
    tilt = heading(heel, toe)
    if min(heel.y, toe.y) - RADIUS["foot"] > _FLAT or not 0.5 < abs(tilt) < 60:
        return False
    return _set(angles, f"{side}_ankle", angles[f"{side}_ankle"] - tilt)


def _kneeling_shin(angles: dict[str, float], pts: Mapping[str, Point], side: str, kneel: float) -> bool:
    """A shin kneeling on the floor lies along it (down from a towel under the knee)."""
    knee, ankle = pts[f"{side}_knee"], pts[f"{side}_ankle"]
    along = _wrap(180 + math.degrees(math.asin(kneel / SHANK)) - heading(knee, ankle))
    if knee.y - RADIUS["shank"] - kneel > _FLAT or not 0.5 < abs(along) < 35:
        return False
    return _set(angles, f"{side}_knee", angles[f"{side}_knee"] - along)


def _flat_hand(wrists: dict[str, float], pts: Mapping[str, Point], side: str) -> bool:
    """A hand on the floor lies flat, fingers towards the head."""
    wrist, hand = pts[f"{side}_wrist"], pts[f"{side}_hand"]
    forearm = heading(pts[f"{side}_elbow"], wrist)
    if min(wrist.y, hand.y) - RADIUS["hand"] > _FLAT or abs(_wrap(forearm + 90)) >= 50:
        return False
    towards = 0.0 if pts["head"].x >= pts["hip"].x else 180.0
    wanted = _wrap(towards - forearm)
    if abs(wanted - wrists.get(side, 0.0)) <= 0.1:
        return False
    wrists[side] = wanted
    return True


def _resting_limbs(
    angles: dict[str, float],
    given: Mapping[str, float],
    pts: Mapping[str, Point],
    caps: list[Capsule],
    side: str,
) -> bool:
    """Lying down, arms and legs that were not given rest on the floor (arms beside a bridge,
    legs the buttocks would lift); a foot a little above the floor comes down to it even if its
    hip was given, by at most a few degrees, as a real leg would settle."""
    changed = False
    for joint, limb in (("shoulder", _ARM_PARTS), ("hip", _LEG_PARTS)):
        name = f"{side}_{joint}"
        turn = _drop(pts, caps, side, limb, joint)
        if name in given:
            foot = min(pts[f"{side}_heel"].y, pts[f"{side}_toe"].y) - RADIUS["foot"]
            if joint != "hip" or foot > _NEAR_FLOOR or abs(angles[name] + turn - given[name]) > _GIVE:
                continue
        changed |= _set(angles, name, angles[name] + turn)
    return changed


@functools.lru_cache(maxsize=64)
def _side_view(pose: model.Pose, start: bool) -> tuple[dict[str, Point], list[Capsule]]:
    """Forward kinematics and settling, with the body's contacts with the floor made good:
    feet and hands flat, kneeling shins along the floor, lying limbs down, joints given kept."""
    spec = BASES[pose.base]
    angles = joint_angles(pose, start=start)
    given = _given(pose, start)
    # kneeling on a folded towel: the knees rest that much higher
    kneel = TOWEL if "towel" in pose.props and pose.base in _KNEELING else 0.0
    _fit(angles, spec, given, kneel)
    wrists: dict[str, float] = {}
    pts, caps = _settle(*_chain(angles, spec.turn, wrists), spec, kneel)
    for _ in range(4):
        changed = False
        for side in SIDES:
            if f"{side}_ankle" not in given:
                changed |= _flat_foot(angles, pts, side)
            if f"{side}_knee" not in given:
                changed |= _kneeling_shin(angles, pts, side, kneel)
            changed |= _flat_hand(wrists, pts, side)
            if spec.limbs_rest:
                changed |= _resting_limbs(angles, given, pts, caps, side)
        if not changed:
            break
        pts, caps = _settle(*_chain(angles, spec.turn, wrists), spec, kneel)
    return pts, caps


# --- the front view (side-lying) --------------------------------------------------------------

ELEVATION = 40.0  # degrees the viewer looks down on a figure lying on its side
SPINE_HEIGHT = 0.105  # the middle of the body above the floor, lying on the side
LATERAL: Mapping[str, float] = {"shoulder": 0.08, "hip": 0.05}  # joints either side of the middle
# from the front the trunk is wider than it is deep from the side
FRONT_RADIUS: Mapping[str, float] = {"pelvis": 0.09, "trunk": 0.078, "chest": 0.094}


@dataclass(frozen=True)
class _Camera:
    """Where the front view puts a point of the body plane at a height above the floor."""

    shift: float = 0.0  # moves the picture up so the body's lowest point is at y = 0

    def at(self, p: Point, height: float) -> Point:
        up, towards = math.cos(math.radians(ELEVATION)), math.sin(math.radians(ELEVATION))
        return Point(p.x, height * up - p.y * towards + self.shift)


def _front_view(
    pose: model.Pose, start: bool, camera: _Camera | None = None
) -> tuple[dict[str, Point], dict[str, Point], list[Capsule], _Camera]:
    """The body plane lying on its right side, seen from the front and a little above.

    In the body plane x runs along the body and y towards its front; the viewer sees x across,
    height above the floor upwards, and the front coming towards them (downwards, squeezed).
    Returns picture points, body-plane points, parts, and the camera (give the main position's
    camera to draw its start in the same place).
    """
    spec = BASES[pose.base]
    plane, caps = _chain(joint_angles(pose, start=start), spec.turn, {})

    def height(name: str, part: str = "") -> float:
        side, _, rest = name.partition("_")
        if side not in SIDES:
            return SPINE_HEIGHT
        joint = "shoulder" if part in _ARM_PARTS or rest in ("shoulder", "elbow", "wrist", "hand") else "hip"
        return SPINE_HEIGHT + LATERAL[joint] * (1 if side == "left" else -1)

    def project(view: _Camera) -> tuple[dict[str, Point], list[Capsule]]:
        pts = {name: view.at(p, height(name)) for name, p in plane.items()}
        shown: list[Capsule] = []
        for c in caps:
            if c.side == "centre" and c.part not in ("head", "neck"):
                continue  # the trunk seen from the front is drawn below
            z = height(f"{c.side}_", c.part)
            shown.append(Capsule(c.part, c.side, view.at(c.a, z), view.at(c.b, z), c.radius))
        # from the front the trunk is broad at the shoulders and hips and narrow at the waist:
        # the outline of someone lying on their side
        hip, lumbar, shoulder = pts["hip"], pts["lumbar"], pts["shoulder"]
        axis = _unit(hip, shoulder)
        torso = [
            Capsule("pelvis", "centre", hip, hip + axis * 0.035, FRONT_RADIUS["pelvis"]),
            Capsule("trunk", "centre", hip + axis * 0.03, shoulder - axis * 0.07, FRONT_RADIUS["trunk"]),
            Capsule("chest", "centre", lumbar + axis * 0.12, shoulder - axis * 0.035, FRONT_RADIUS["chest"]),
        ]
        return pts, torso + shown

    if camera is None:
        _, parts = project(_Camera())
        camera = _Camera(-min(p.y for c in parts for p in c.outline()))
    pts, parts = project(camera)
    return pts, plane, parts, camera


# --- props ------------------------------------------------------------------------------------

MAT = 0.018  # mat thickness
TOWEL = 0.022  # a folded towel under the knees
_KNEELING = frozenset({"kneeling", "half-kneeling", "hands-and-knees"})
MARGIN = 0.05  # floor and mat beyond the body
_UPRIGHT = frozenset({"standing", "sitting", "kneeling", "half-kneeling"})


def _props(pose: model.Pose, pts: Mapping[str, Point], caps: list[Capsule]) -> list[PropShape]:
    """Props placed around a side-view figure; the floor is always drawn."""
    body = bounds(p for c in caps for p in c.outline(8))
    wanted = set(pose.props)
    shapes: list[PropShape] = []

    def low(part: str, side: Side | None = None) -> float:
        return min(p.y for c in caps if c.part == part and side in (None, c.side) for p in c.outline())

    floor_y = 0.0
    pelvis_low = low("pelvis")
    upright = pose.base in _UPRIGHT
    seated = pose.base == "sitting" and pelvis_low > 0.06
    if "mat" in wanted:
        floor_y = -MAT
        corners = (Point(body.x0 - MARGIN, -MAT), Point(body.x1 + MARGIN, 0.0))
        shapes.append(PropShape("mat", "rect", corners, 0.006))
    # a seated figure needs a seat: a chair unless it sits on the ball or a step
    if "chair" in wanted or (seated and not wanted & {"ball", "step"}):
        shapes += _chair(pts, caps, pelvis_low, seated, body)
    if "ball" in wanted:
        shapes.append(_ball(pts, pelvis_low, min(low("foot", "left"), low("foot", "right")), upright, body))
    if "step" in wanted:
        shapes.append(_step(pts))
    if "wall" in wanted:
        feet_ahead = max(pts["left_ankle"].x, pts["right_ankle"].x) > pts["hip"].x
        # behind an upright figure; at the feet of a lying one (legs up the wall)
        x = body.x0 - 0.004 if upright or not feet_ahead else body.x1 + 0.004
        shapes.append(
            PropShape("wall", "line", (Point(x, floor_y), Point(x, max(1.05, body.y1 + 0.05))), 0.012)
        )
    if "pillow" in wanted:
        head = pts["head"]
        top = max(low("head") + 0.012, 0.035)
        shapes.append(
            PropShape("pillow", "rect", (Point(head.x - 0.11, 0.0), Point(head.x + 0.11, top)), 0.03)
        )
    if "towel" in wanted:
        shapes += _towel(pose.base, pts)
    if "strap" in wanted:
        shapes += _strap(pts)
    xs = [body.x0, body.x1] + [p.x for s in shapes for p in s.points]
    floor = (Point(min(xs) - MARGIN, floor_y), Point(max(xs) + MARGIN, floor_y))
    shapes.insert(0, PropShape("floor", "line", floor, 0.004))
    return shapes


def _front_props(
    pose: model.Pose,
    pts: Mapping[str, Point],
    plane: Mapping[str, Point],
    caps: list[Capsule],
    camera: _Camera,
) -> list[PropShape]:
    """Floor or mat, pillow and towel for a figure lying on its side, seen from the front."""
    body = bounds(p for c in caps for p in c.outline(8))
    depth = [p.y for p in plane.values()]
    front = camera.at(Point(0.0, max(depth) + 0.06), 0.0).y
    back = camera.at(Point(0.0, min(depth) - 0.1), 0.0).y
    wanted = set(pose.props)
    floor = (Point(body.x0 - MARGIN, front), Point(body.x1 + MARGIN, back))
    shapes = [PropShape("mat" if "mat" in wanted else "floor", "rect", floor, 0.01)]
    if "pillow" in wanted:
        head = plane["head"]
        rest = SPINE_HEIGHT - RADIUS["head"]  # the head's lowest point above the floor
        near, far = (
            camera.at(Point(head.x, head.y + 0.09), 0.0),
            camera.at(Point(head.x, head.y - 0.09), rest),
        )
        shapes.append(
            PropShape("pillow", "rect", (Point(head.x - 0.1, near.y), Point(head.x + 0.1, far.y)), 0.03)
        )
    if "towel" in wanted:  # folded between the knees
        knees = [pts["left_knee"], pts["right_knee"]]
        centre = Point(sum(k.x for k in knees) / 2, sum(k.y for k in knees) / 2)
        shapes.append(PropShape("towel", "circle", (centre,), 0.035))
    return shapes


def _chair(
    pts: Mapping[str, Point], caps: list[Capsule], pelvis_low: float, seated: bool, body: Box
) -> list[PropShape]:
    bar = 0.012
    shank_low = min(p.y for c in caps if c.part == "shank" for p in c.outline())
    ankles = [pts["left_ankle"], pts["right_ankle"]]
    lying = pts["head"].y < 0.3 and not seated
    if lying and shank_low > 0.12:  # lying down, lower legs resting on the seat
        ahead = 1.0 if sum(a.x for a in ankles) / 2 > pts["hip"].x else -1.0
        knee = (pts["left_knee"].x + pts["right_knee"].x) / 2
        far = max(a.x * ahead for a in ankles) * ahead + ahead * 0.07  # beyond the heels
        seat_y = shank_low - bar  # the bar is drawn 2 x bar wide, its top touching the calves
        near = knee + ahead * 0.1  # the front legs show below the calves, clear of the thighs
        top = seat_y + 0.28
        return [
            PropShape("chair", "line", (Point(far, top), Point(far, 0.0)), bar),
            PropShape("chair", "line", (Point(near, seat_y), Point(far, seat_y)), bar),
            PropShape("chair", "line", (Point(near, seat_y), Point(near, 0.0)), bar),
        ]
    if seated:
        back = min(p.x for c in caps if c.part in ("pelvis", "trunk") for p in c.outline()) - 0.01
        seat_y = pelvis_low - bar
        front = max(back + 0.24, pts["hip"].x + 0.16)
        top = seat_y + 0.28
    else:  # beside a figure that stands or kneels: the chair's back where the hands are
        hands = [pts["left_hand"], pts["right_hand"]]
        back = max(max(h.x for h in hands), body.x1 - 0.05) + 0.01
        seat_y = 0.26
        front = back + 0.24
        top = max(0.5, min(0.62, max(h.y for h in hands) - 0.01))
    return [
        PropShape("chair", "line", (Point(back, top), Point(back, 0.0)), bar),
        PropShape("chair", "line", (Point(back, seat_y), Point(front, seat_y)), bar),
        PropShape("chair", "line", (Point(front, seat_y), Point(front, 0.0)), bar),
    ]


def _ball(
    pts: Mapping[str, Point], pelvis_low: float, feet_low: float, upright: bool, body: Box
) -> PropShape:
    if pelvis_low > 0.12:  # sitting on it
        r = pelvis_low / 2
        return PropShape("ball", "circle", (Point(pts["hip"].x - 0.02, r),), r)
    if feet_low > 0.12 and not upright:  # legs resting on it
        r = feet_low / 2
        return PropShape("ball", "circle", (Point((pts["left_ankle"].x + pts["right_ankle"].x) / 2, r),), r)
    r = 0.19  # a 65 cm ball, beside the figure
    return PropShape("ball", "circle", (Point(body.x1 + r + 0.04, r),), r)


def _step(pts: Mapping[str, Point]) -> PropShape:
    side = max(SIDES, key=lambda s: pts[f"{s}_toe"].x)
    heel, toe = pts[f"{side}_heel"], pts[f"{side}_toe"]
    sole = min(heel.y, toe.y) - RADIUS["foot"]
    if sole > 0.03:  # under the front foot
        return PropShape(
            "step",
            "rect",
            (Point(min(heel.x, toe.x) - 0.05, 0.0), Point(max(heel.x, toe.x) + 0.07, sole)),
            0.01,
        )
    x = max(heel.x, toe.x) + 0.05  # in front of it, to step up on to
    return PropShape("step", "rect", (Point(x, 0.0), Point(x + 0.28, 0.1)), 0.01)


def _towel(base: str, pts: Mapping[str, Point]) -> list[PropShape]:
    if base in _KNEELING:  # folded under the knees that are down
        return [
            PropShape("towel", "rect", (Point(k.x - 0.13, 0.0), Point(k.x + 0.08, TOWEL)), 0.008)
            for k in (pts[f"{s}_knee"] for s in SIDES)
            if k.y < 0.07 + TOWEL
        ]
    if base == "lying-on-back":  # rolled under the knees
        knee = min((pts[f"{s}_knee"] for s in SIDES), key=lambda p: p.y)
        r = max(0.022, (knee.y - RADIUS["thigh"]) / 2)
        return [PropShape("towel", "circle", (Point(knee.x, r),), r)]
    if base == "lying-on-front":  # folded under the forehead
        head = pts["head"]
        return [PropShape("towel", "rect", (Point(head.x - 0.09, 0.0), Point(head.x + 0.09, 0.025)), 0.008)]
    # sitting or standing: rolled behind the lower back
    lumbar, shoulder = pts["lumbar"], pts["shoulder"]
    up = direction(heading(lumbar, shoulder))
    back = Point(-up.y, up.x)
    return [PropShape("towel", "circle", (lumbar + up * 0.03 + back * (RADIUS["trunk"] + 0.02),), 0.026)]


def _strap(pts: Mapping[str, Point]) -> list[PropShape]:
    # round the foot that is highest (a raised leg), else the one nearest the hands
    hands = [pts["left_hand"], pts["right_hand"]]
    middle = Point((hands[0].x + hands[1].x) / 2, (hands[0].y + hands[1].y) / 2)
    side = max(SIDES, key=lambda s: pts[f"{s}_ankle"].y)
    if pts[f"{side}_ankle"].y < 0.1:
        side = min(SIDES, key=lambda s: distance(pts[f"{s}_ankle"], middle))
    heel, toe = pts[f"{side}_heel"], pts[f"{side}_toe"]
    along = direction(heading(heel, toe))
    ball = heel + (toe - heel) * 0.7 + Point(along.y, -along.x) * (RADIUS["foot"] + 0.004)
    return [PropShape("strap", "strap", (h, ball), 0.006) for h in hands]


# --- solve ------------------------------------------------------------------------------------


def _align(start: Mapping[str, Point], end: Mapping[str, Point]) -> float:
    """How far to shift the start sideways so that what stays on the floor stays put: the near
    side's and the body's points if any stay down (a kneeling knee), else any that do."""
    down = [n for n in end if end[n].y < 0.08 and start[n].y < 0.08]
    near = [n for n in down if not n.startswith(f"{FAR}_")]
    names = near or down or list(end)
    return sum(end[n].x - start[n].x for n in names) / len(names)


@functools.lru_cache(maxsize=256)
def solve(pose: model.Pose, *, start: bool = False) -> Skeleton:
    """The figure for a pose, resting on the floor. ``start=True`` gives the start position,
    placed where it meets the main one, without props. Results are cached and read-only."""
    if BASES[pose.base].view == "front":
        pts, plane, caps, camera = _front_view(pose, False)
        if start and pose.start is not None:
            spts, splane, scaps, _ = _front_view(pose, True, camera)
            return _skeleton(spts, splane, scaps, [], "front")
        return _skeleton(pts, plane, caps, _front_props(pose, pts, plane, caps, camera), "front")
    pts, caps = _side_view(pose, False)
    if start and pose.start is not None:
        spts, scaps = _side_view(pose, True)
        dx = _align(spts, pts)
        spts, scaps = _moved_all(spts, scaps, lambda p: Point(p.x + dx, p.y))
        return _skeleton(spts, spts, scaps, [], "side")
    return _skeleton(pts, pts, caps, _props(pose, pts, caps), "side")


def _skeleton(
    pts: Mapping[str, Point],
    plane: Mapping[str, Point],
    caps: list[Capsule],
    props: list[PropShape],
    view: View,
) -> Skeleton:
    return Skeleton(
        MappingProxyType(dict(pts)), MappingProxyType(dict(plane)), tuple(caps), tuple(props), view
    )


# --- muscles and movement ---------------------------------------------------------------------


def _unit(a: Point, b: Point) -> Point:
    return direction(heading(a, b))


def smooth(points: list[Point], steps: int = 8) -> list[Point]:
    """A Catmull-Rom curve through the points, as a polyline."""
    if len(points) < 3:
        return points
    ext = [points[0] + (points[0] - points[1]), *points, points[-1] + (points[-1] - points[-2])]
    out: list[Point] = []
    for i in range(1, len(ext) - 2):
        p0, p1, p2, p3 = ext[i - 1], ext[i], ext[i + 1], ext[i + 2]
        for k in range(steps):
            t = k / steps
            a = p1 * 2
            b = (p2 - p0) * t
            c = (p0 * 2 - p1 * 5 + p2 * 4 - p3) * (t * t)
            d = (p1 * 3 - p0 - p2 * 3 + p3) * (t * t * t)
            out.append((a + b + c + d) * 0.5)
    out.append(points[-1])
    return out


MUSCLE_WIDTH: Mapping[str, float] = {
    "iliopsoas": 0.026,
    "glutes": 0.05,
    "abdominals": 0.03,
    "hamstrings": 0.032,
    "lower-back": 0.032,
    "quadriceps": 0.034,
    "calf": 0.028,
    "neck": 0.02,
    "upper-back": 0.04,
    "shoulder": 0.026,
}


def muscle_path(skeleton: Skeleton, muscle: str, side: Literal["left", "right"] = NEAR) -> list[Point]:
    """The line a muscle follows on the figure, from where it starts to where it ends."""
    p = skeleton.points
    hip, lumbar, shoulder = p[f"{side}_hip"], p["lumbar"], p["shoulder"]
    knee, ankle = p[f"{side}_knee"], p[f"{side}_ankle"]
    pelvis_up, trunk_up = _unit(p["hip"], lumbar), _unit(lumbar, shoulder)
    thigh_down, shank_down = _unit(hip, knee), _unit(knee, ankle)

    # a figure facing right has the front of a headwards segment on its right-hand side, and of
    # a footwards one on its left; the front view sees the body plane from its other side
    def front(u: Point, headwards: bool) -> Point:
        turn = -90 if headwards != skeleton.mirrored else 90
        return u.rotated(turn)

    pelvis_front, trunk_front = front(pelvis_up, True), front(trunk_up, True)
    thigh_front, shank_front = front(thigh_down, False), front(shank_down, False)
    if muscle == "iliopsoas":
        # from the front of the lumbar spine, over the front of the pelvis, to the inner thigh
        points = [
            lumbar + trunk_up * 0.07 - trunk_front * 0.018,
            lumbar - pelvis_front * 0.008,
            hip + pelvis_up * 0.035 + pelvis_front * 0.03,
            hip + thigh_down * 0.08 - thigh_front * 0.004,
        ]
    elif muscle == "glutes":  # behind the pelvis, into the back of the thigh
        points = [
            hip + pelvis_up * 0.07 - pelvis_front * 0.036,
            hip + pelvis_up * 0.01 - pelvis_front * 0.044,
            hip + thigh_down * 0.085 - thigh_front * 0.024,
        ]
    elif muscle == "abdominals":  # the front of the trunk, ribs to pubic bone
        points = [
            lumbar + trunk_up * 0.12 + trunk_front * 0.042,
            lumbar + trunk_front * 0.045,
            hip + pelvis_up * 0.025 + pelvis_front * 0.04,
        ]
    elif muscle == "hamstrings":  # sitting bone, down the back of the thigh, to below the knee
        points = [
            hip - pelvis_up * 0.02 - pelvis_front * 0.03,
            hip + thigh_down * 0.12 - thigh_front * 0.026,
            knee - thigh_down * 0.04 - thigh_front * 0.022,
            knee + shank_down * 0.04 - shank_front * 0.016,
        ]
    elif muscle == "lower-back":  # beside the lower spine
        points = [
            hip + pelvis_up * 0.02 - pelvis_front * 0.04,
            lumbar - (pelvis_front + trunk_front) * 0.021,
            lumbar + trunk_up * 0.09 - trunk_front * 0.04,
        ]
    elif muscle == "quadriceps":  # down the front of the thigh to above the knee
        points = [
            hip + (knee - hip) * t + thigh_front * k for t, k in ((0.2, 0.03), (0.55, 0.034), (0.85, 0.026))
        ]
    elif muscle == "calf":  # the back of the lower leg, below the knee
        points = [
            knee + (ankle - knee) * t - shank_front * k
            for t, k in ((0.12, 0.022), (0.35, 0.028), (0.65, 0.018))
        ]
    elif muscle == "neck":  # the back of the neck, from between the shoulders to the skull
        neck = p["neck"]
        neck_up = _unit(shoulder, neck)
        neck_front = front(neck_up, True)
        points = [
            shoulder - trunk_up * 0.03 - trunk_front * 0.035,
            shoulder + (neck - shoulder) * 0.5 - neck_front * 0.02,
            neck + neck_up * 0.02 - neck_front * 0.03,
        ]
    elif muscle == "shoulder":  # the rotator cuff: over the shoulder blade, up to the top of the joint
        points = [
            shoulder - trunk_up * 0.1 - trunk_front * 0.05,
            shoulder - trunk_up * 0.04 - trunk_front * 0.052,
            shoulder + trunk_up * 0.012 - trunk_front * 0.02,
        ]
    elif muscle == "upper-back":  # between the shoulder blades
        points = [shoulder - trunk_up * t - trunk_front * 0.045 for t in (0.16, 0.09, 0.03)]
    else:
        raise ValueError(f"unknown muscle {muscle!r}")
    return smooth(points)


@dataclass(frozen=True)
class Arrow:
    """A movement arrow: the path of its shaft; the head is at the last point."""

    path: tuple[Point, ...]


ARROW_GAP = 0.07  # arrows run this far outside the limb they follow

_CHAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # each moving tip, and the joints it may turn about, nearest first
    ("left_hand", ("left_elbow", "left_shoulder")),
    ("right_hand", ("right_elbow", "right_shoulder")),
    ("left_toe", ("left_ankle", "left_knee", "left_hip")),
    ("right_toe", ("right_ankle", "right_knee", "right_hip")),
    ("head", ("shoulder", "lumbar")),
    ("hip", ()),
)


def _arc(centre: Point, radius: float, a0: float, a1: float) -> list[Point]:
    sweep = _wrap(a1 - a0)
    steps = max(4, int(abs(sweep) / 4))
    return [centre + direction(a0 + sweep * i / steps) * radius for i in range(steps + 1)]


def movement_arrows(end: Skeleton, start: Skeleton) -> list[Arrow]:
    """Arrows from the start position to the main one, at the tips that move most."""
    moves = {tip: distance(start.points[tip], end.points[tip]) for tip, _ in _CHAINS}
    # a tip that slides along the floor shows the movement only when nothing else moves
    lifted = [t for t, _ in _CHAINS if max(start.points[t].y, end.points[t].y) > 0.08 and moves[t] >= 0.06]
    most = max(moves[t] for t in lifted or moves)
    arrows: list[Arrow] = []
    drawn: list[tuple[Point, Point]] = []
    for tip, roots in _CHAINS:
        a, b = start.points[tip], end.points[tip]
        if moves[tip] < 0.06 or moves[tip] < 0.5 * most:
            continue
        if lifted and tip not in lifted:
            continue
        if any(distance(a, a2) < 0.03 and distance(b, b2) < 0.03 for a2, b2 in drawn):
            continue  # both arms (or legs) doing the same, one behind the other: one arrow
        if roots:  # a tip carried along by the body, not moving on it, gets no arrow
            carrier = roots[-1] if tip != "head" else "hip"
            carried = end.points[carrier] - start.points[carrier]
            if distance(b - a, carried) < 0.05:
                continue
        drawn.append((a, b))
        # turning about a joint that stays put: an arc around it; otherwise a straight arrow
        root = next(
            (
                r
                for r in roots
                if distance(start.points[r], end.points[r]) < 0.02
                and abs(distance(start.points[r], a) - distance(end.points[r], b)) < 0.02
            ),
            None,
        )
        if root is not None:
            centre = end.points[root]
            a0, a1 = heading(centre, a), heading(centre, b)
            trim = math.copysign(min(6.0, abs(_wrap(a1 - a0)) * 0.1), _wrap(a1 - a0))
            arrows.append(Arrow(tuple(_arc(centre, distance(centre, b) + ARROW_GAP, a0 + trim, a1 - trim))))
        else:
            u = _unit(a, b)
            clear = (RADIUS["pelvis"] if tip == "hip" else RADIUS["hand"]) + 0.035
            if tip == "hip" and abs(u.x) > abs(u.y):
                # hips pushed forward or back: the arrow behind them, pushing
                length = max(0.08, moves[tip])
                arrows.append(Arrow((b - u * (clear + length), b - u * clear)))
                continue
            # beside the moving part, on the side away from the rest of the body
            side = Point(-u.y, u.x)
            away = centre_of_mass(end.capsules) - b
            if side.x * away.x + side.y * away.y > 0:
                side = side * -1.0
            arrows.append(Arrow((a + side * clear + u * 0.01, b + side * clear - u * 0.01)))
    return arrows or _tilt_arrow(end, start)


def _tilt_arrow(end: Skeleton, start: Skeleton) -> list[Arrow]:
    """A small curved arrow at the front of the pelvis when it tilts without going anywhere."""
    hip = end.points["hip"]
    turn = _wrap(heading(hip, end.points["lumbar"]) - heading(start.points["hip"], start.points["lumbar"]))
    if abs(turn) < 3:
        return []
    front = heading(hip, end.points["lumbar"]) + (90 if end.mirrored else -90)
    sign = 1 if turn > 0 else -1
    return [Arrow(tuple(_arc(hip, RADIUS["pelvis"] + 0.035, front - sign * 35, front + sign * 35)))]
