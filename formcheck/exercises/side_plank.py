"""Side plank on the forearm, held on one side, judged with the camera facing the person's front or back.

From the front the picture shows the body's line from shoulders to ankles, so a hip dropping toward the floor and
the supporting upper arm are read in the image. A hold's side is the side that is down (the lower shoulder in world
coordinates); each hold reports it, so the sides are timed separately.

Guidance the checks follow: the body in one straight line from head to feet with the hips lifted, neither sagging
nor pushed back, the shoulders and hips stacked (not rolled forward or back), and the elbow directly under the
shoulder (McGill, *Low Back Disorders*, 3rd ed., Human Kinetics 2016, the side bridge; ACE Exercise Library,
"Side Plank"; NASM, "Side Plank" technique). None of them gives an angle: the numbers below are set like the plank's
own (its hip line reports 10° at the standard profile) and checked on the rendered side planks, whose faults are
planted with a known magnitude (formcheck/synth/motions/side_plank_motion.py).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np

from formcheck import geometry
from formcheck.exercises.spec import Check, Exercise, Gate, Limit, Looks, Motion, Posture, Severity, Sign
from formcheck.features import STILL_MAX_SHOULDER_BOB_NORM, Body, Joint, feature
from formcheck.geometry import Side, View
from formcheck.testing.stick_scenario import Moment, Scenario, lerp
from formcheck.testing.synthetic_pose import Limbs, StickPose, body_points
from formcheck.types import FloatArray, Landmark

_FRONT = (View.FRONT,)
_LINE = (Joint.SHOULDER, Joint.HIP, Joint.ANKLE)
_IMAGE_DOWN = np.array([0.0, 1.0])  # image y grows toward the floor
_WORLD_DOWN = np.array([0.0, 1.0, 0.0])  # world y points down


# --- features only the side plank reads ---------------------------------------------------------------------------


def _mid_image(body: Body, joint: Joint) -> FloatArray:
    return geometry.midpoint(body.at(joint, Side.LEFT), body.at(joint, Side.RIGHT))


def _mid_world(body: Body, joint: Joint) -> FloatArray:
    return (body.world_at(joint, Side.LEFT) + body.world_at(joint, Side.RIGHT)) / 2.0


def _unit(vectors: FloatArray) -> FloatArray:
    length = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.asarray(vectors / np.where(length > 1e-9, length, np.nan), dtype=np.float64)


def _deviation_toward_deg(a: FloatArray, b: FloatArray, c: FloatArray, toward: FloatArray) -> FloatArray:
    """How far ``b`` bends off the line ``a–c`` (world, (T, 3)) in the plane of that line and ``toward``, signed +
    toward it: the bend another camera would see looking along the third direction."""
    along = _unit(c - a)
    across = _unit(toward - np.sum(toward * along, axis=-1, keepdims=True) * along)

    def flat(point: FloatArray) -> FloatArray:
        offset = point - a
        return np.stack([np.sum(offset * along, axis=-1), np.sum(offset * across, axis=-1)], axis=-1)

    return geometry.signed_line_deviation_deg(flat(a), flat(b), flat(c), np.array([0.0, 1.0]))


@feature(
    "hip_below_body_line_deg",
    "mid-hip off the line from mid-shoulders to mid-ankles in the picture: + toward the floor (hips dropping), "
    "− toward the ceiling",
    _LINE,
    sides="both",
)
def _hip_below_body_line(body: Body) -> FloatArray:
    shoulder, hip, ankle = (_mid_image(body, joint) for joint in _LINE)
    return geometry.signed_line_deviation_deg(shoulder, hip, ankle, _IMAGE_DOWN)


@feature(
    "hip_below_body_line_world_deg",
    "mid-hip below the line from mid-shoulders to mid-ankles, in the upright plane through that line (world, any "
    "view): + toward the floor",
    _LINE,
    sides="both",
)
def _hip_below_body_line_world(body: Body) -> FloatArray:
    shoulder, hip, ankle = (_mid_world(body, joint) for joint in _LINE)
    return _deviation_toward_deg(shoulder, hip, ankle, np.broadcast_to(_WORLD_DOWN, shoulder.shape))


@feature(
    "shoulder_width_ratio",
    "the shoulders' width in the picture over the trunk's length, against its median over the set's side-lying "
    "frames (front view): below 1 the shoulder line has turned out of the picture, rolling forward or back",
    (Joint.SHOULDER, Joint.HIP),
    sides="both",
    fraction_of="your own shoulder width in the picture in this set",
    reference="your own shoulder width in the picture (against your trunk) over this set",
)
def _shoulder_width(body: Body) -> FloatArray:
    shoulders = np.linalg.norm(body.at(Joint.SHOULDER, Side.LEFT) - body.at(Joint.SHOULDER, Side.RIGHT), axis=-1)
    trunk = np.linalg.norm(_mid_image(body, Joint.SHOULDER) - _mid_image(body, Joint.HIP), axis=-1)
    ratio = shoulders / np.where(trunk > 1e-6, trunk, np.nan)
    own = ratio[geometry.lying_on_side(body.world) & np.isfinite(ratio)]
    if own.size == 0:
        return np.full(len(ratio), np.nan)
    return np.asarray(ratio / float(np.median(own)), dtype=np.float64)


@feature(
    "down_upper_arm_to_vertical_deg",
    "the supporting (lower) upper arm, elbow→shoulder, from straight up in the picture: + elbow out toward the "
    "head, − toward the feet",
    (Joint.SHOULDER, Joint.ELBOW, Joint.HIP),
    sides="both",
)
def _down_upper_arm_to_vertical(body: Body) -> FloatArray:
    left_down = (geometry.left_side_down_ratio(body.world) > 0)[:, None]
    shoulder = np.where(left_down, body.at(Joint.SHOULDER, Side.LEFT), body.at(Joint.SHOULDER, Side.RIGHT))
    elbow = np.where(left_down, body.at(Joint.ELBOW, Side.LEFT), body.at(Joint.ELBOW, Side.RIGHT))
    head_x = _mid_image(body, Joint.SHOULDER)[:, 0] - _mid_image(body, Joint.HIP)[:, 0]
    toward_head = np.sign((elbow[:, 0] - shoulder[:, 0]) * head_x)
    return np.asarray(geometry.segment_angle_to_vertical_deg(elbow, shoulder) * toward_head, dtype=np.float64)


# --- the exercise -------------------------------------------------------------------------------------------------

EXERCISE = Exercise(
    name="side_plank",
    title="Side plank",
    # Held up in a line, and still, for most of the time spent on the side: rendered side planks read a median of
    # 0-20° (clean to a 20° drop) over their side-lying frames, lying with the hips on the floor 31°. Real deadlifts
    # that MediaPipe tracked lying on their side for up to 0.8 s read the hip 65-105° above the line (folded) or
    # not at all, with the shoulders moving (0.29-0.42 of leg length in 0.8 s; a held plank moves them at most 0.08).
    looks=Looks(
        Posture.SIDE_LYING,
        signs=(
            Sign("hip_below_body_line_world_deg", below=25.0, scale=2.0),
            Sign("hip_below_body_line_world_deg", above=-25.0, scale=2.0),
            Sign("shoulder_bob_norm", below=STILL_MAX_SHOULDER_BOB_NORM, scale=0.02),
        ),
    ),
    description=(
        "Hold = lying on one side, propped on the forearm, hips lifted into a straight line for at least 2 s; the "
        "side that is down is the hold's side."
    ),
    motion=Motion(
        driver="hip_below_body_line_world_deg",
        active_when="below",
        # Lying on the side with the hips on the floor reads ~31° (renders: the legs bent 31° at the hips); a held
        # side plank ~0°. The hold must survive a dropped hip (a 15° drop is a fault, not the end of the hold).
        enter=20.0,
        exit=25.0,
        phase_names={"rest": "down", "away": "lifting", "active": "hold", "back": "lowering"},
        counts_reps=False,
        times_holds=True,
        min_hold_s=2.0,
        # The hips pass the enter line well before they arrive (a rendered clean hold: 20° at 1.1 s, settled at 1°
        # by 1.8 s, when the rendered hold starts): the hold starts once they move less than this many degrees a
        # second. The rendered rise peaks at ~37°/s; held hips (a dropped one too) move at most a few degrees a second.
        hold_settled_max_rate=10.0,
        side_feature="left_side_down_ratio",
        gates=(
            Gate("ventral_downward_ratio", min_value=-0.5, max_value=0.5),
            Gate("body_to_horizontal_deg", max_value=40.0),
        ),
        # The hips are followed in world landmarks from anywhere; the checks need the front or the back.
        views=(View.FRONT, View.OBLIQUE, View.SIDE),
    ),
    checks=(
        Check(
            code="hips_drop",
            limits=(Limit("hip_below_body_line_deg", "max", "max_deg"),),
            # Rendered holds (median over the hold): clean 0.3° (front) and -0.1° to 0.4° before a planted fault; a
            # planted 15° drop reads 12.6°, so a 10° drop ~8°. The plank's hip line reports 10° at the standard
            # profile; here the picture reads the drop a little short, so 7°.
            thresholds={"max_deg": (10.0, 7.0, 5.0)},
            # The typical line over the hold, not every frame: the way up and down passes through a dropped hip.
            aggregate="median",
            phases=("hold",),
            views=_FRONT,
            severity=Severity.HIGH,
            cue="Lift your hips until you are one straight line from shoulders to feet.",
            why="Dropped hips hang your weight on the side of your lower back instead of the muscles that guard it.",
        ),
        Check(
            code="hips_pike",
            limits=(Limit("hip_below_body_line_deg", "min", "min_deg"),),
            # Hips hiked toward the ceiling, above the line from shoulders to feet (the hips_drop line read the other
            # way). Rendered holds from the front (median over the hold): clean -0.1° to 0.4°; a planted 20° raise
            # reads -18.6°. Set as hips_drop's limits mirrored.
            thresholds={"min_deg": (-10.0, -7.0, -5.0)},
            aggregate="median",
            phases=("hold",),
            views=_FRONT,
            severity=Severity.LOW,
            cue="Lower your hips a little until you are one straight line from shoulders to feet.",
            why="Hips hiked toward the ceiling take the work away from the side of your trunk that guards your back.",
        ),
        Check(
            code="trunk_rotation",
            limits=(Limit("shoulder_width_ratio", "min", "min_ratio"),),
            # Rendered holds (median over the hold): clean 0.99-1.00; a planted 20° roll 0.91 (0.83 on steady
            # frames: MediaPipe swaps the rolled shoulders now and then, hence the median). cos 20° would be 0.94.
            thresholds={"min_ratio": (0.92, 0.95, 0.97)},
            aggregate="median",
            phases=("hold",),
            views=_FRONT,
            severity=Severity.MEDIUM,
            cue="Stack your shoulders over your hips — don't roll forward or back.",
            why="Rolling turns a side hold into a twist and loads your lower back unevenly.",
        ),
        Check(
            code="shoulder_not_stacked",
            limits=(
                Limit("down_upper_arm_to_vertical_deg", "min", "min_deg"),
                Limit("down_upper_arm_to_vertical_deg", "max", "max_deg"),
            ),
            # Rendered holds: clean -8.5° to +0.9° (elbows read a little toward the feet; -12.6° under a rolled
            # trunk), a planted 15° lean of the upper arm toward the head +8.0° to +8.7° (from -1° before it): the
            # picture reads ~60% of the lean. Guidance warns of the elbow out toward the head; toward the feet only a
            # large lean is reported.
            thresholds={"min_deg": (-25.0, -20.0, -15.0), "max_deg": (8.0, 5.0, 3.0)},
            # Typical over the hold: while MediaPipe swaps the shoulders of a rolled trunk (0.55 s of a render) the
            # lower arm reads -63°.
            aggregate="median",
            phases=("hold",),
            views=_FRONT,
            severity=Severity.MEDIUM,
            cue="Put your elbow right under your shoulder.",
            why="A stacked elbow carries you on the bones of the arm, not on a straining shoulder.",
        ),
    ),
)


# --- test motion: a stick figure doing the exercise, clean or with one planted fault ---------------------------

# Lying on the side with the hips on the floor: the legs bent sideways this far at the hips (as the renders).
HIPS_DOWN_DEG = 31.0
_FAULTS = {"hips_drop": 15.0, "hips_pike": 25.0, "trunk_rotation": 30.0, "shoulder_not_stacked": 15.0}


def _pose(down: Side, drop_deg: float, roll_deg: float, arm_lean_deg: float, lean: float) -> StickPose:
    up_side = Side.RIGHT if down is Side.LEFT else Side.LEFT
    support = Limbs(upper_arm=180.0, forearm=90.0, arm_out=abs(lean) + arm_lean_deg)
    resting = Limbs(upper_arm=180.0, forearm=180.0)
    legs = {"thigh": 180.0, "shin": 180.0, "foot": 90.0}
    # The legs swing toward the up side: the hips sink below the line from shoulders to feet (above it when
    # ``drop_deg`` is negative).
    limbs = {
        down: replace(support, **legs, leg_out=-drop_deg),
        up_side: replace(resting, **legs, leg_out=drop_deg),
    }
    return StickPose(trunk=0.0, left=limbs[Side.LEFT], right=limbs[Side.RIGHT], shoulder_roll=roll_deg, side_lean=lean)


@lru_cache(maxsize=256)
def _propped_lean_deg(down: Side, drop_deg: float, arm_lean_deg: float) -> float:
    """The lean that rests the down elbow and the down ankle at one height (both on the floor)."""
    elbow = Landmark.LEFT_ELBOW if down is Side.LEFT else Landmark.RIGHT_ELBOW
    ankle = Landmark.LEFT_ANKLE if down is Side.LEFT else Landmark.RIGHT_ANKLE
    sign = 1.0 if down is Side.LEFT else -1.0
    low, high = 20.0, 89.0  # the elbow above the ankle at 20°, below it at 89°
    for _ in range(40):
        lean = (low + high) / 2.0
        points = body_points(_pose(down, drop_deg, 0.0, arm_lean_deg, sign * lean))
        low, high = (lean, high) if points[elbow, 1] > points[ankle, 1] else (low, lean)
    return sign * (low + high) / 2.0


def side_plank_pose(m: Moment, fault: str | None) -> StickPose:
    down = Side(m.side)
    # The fault fills the hold from its first third on (a rolled set is measured against its own square frames).
    faulty = fault is not None and m.segment == "active" and m.within >= 1 / 3
    magnitude = _FAULTS.get(fault or "", 0.0) if faulty else 0.0
    hip_shift = {"hips_drop": magnitude, "hips_pike": -magnitude}.get(fault or "", 0.0)  # + toward the floor
    drop = lerp(HIPS_DOWN_DEG, 0.0, m.progress) + hip_shift
    arm_lean = magnitude if fault == "shoulder_not_stacked" else 0.0
    roll = magnitude if fault == "trunk_rotation" else 0.0
    lean = _propped_lean_deg(down, round(drop, 3), arm_lean)
    return _pose(down, drop, roll, arm_lean, lean)


SCENARIO = Scenario(side_plank_pose, reps=0, rest_s=1.0, away_s=1.0, active_s=6.0, back_s=1.0, holds=1)
