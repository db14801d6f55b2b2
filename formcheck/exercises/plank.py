"""Plank hold, forearm or high (straight-arm), judged from the side."""

from dataclasses import replace

from formcheck.exercises.spec import Check, Exercise, Gate, Limit, Looks, Motion, Posture, Severity, Variant
from formcheck.features import STILL_MAX_SHOULDER_BOB_NORM
from formcheck.geometry import SIDE_VIEW_MIN_YAW_FLOOR_DEG, View
from formcheck.testing.stick_scenario import Moment, Scenario, symmetric
from formcheck.testing.synthetic_pose import Limbs, StickPose

_SIDE = (View.SIDE,)
HEAD_SIDE_VIEW_MIN_YAW_DEG = 83.0
# The hip line holds on a low camera turned off the side, so the hip checks accept estimated yaws down to here (the
# plank's side view starts at 75°). Renders with the camera 0.2 m and 0.45 m high, 0-45° off the side: the yaw
# estimate reads 74-85° within 30° off, 58-61° at 45° off, and the hip line stays within 3° of its side-view value
# at 45° (15° sag: 18.5° side-on, 21.0° at 45°; straight: 4.6°, 1.7°). A real elbow plank filmed ~30° off the side
# reads 53-60° (real bodies read lower than renders); 282 real correct plank stills (plank-landmarks) reading
# 60-75° got no hip cue. The head and the supporting arm move 10-17° by 25-45° off the side and keep the 75° gate.
HIP_LINE_SIDE_VIEW_MIN_YAW_DEG = 55.0

EXERCISE = Exercise(
    name="plank",
    title="Plank",
    looks=Looks(Posture.PRONE),
    description="Hold = face down, legs straight, body within 30° of horizontal and still for at least 2 s.",
    motion=Motion(
        driver="body_to_horizontal_deg",
        active_when="below",
        enter=30.0,
        exit=40.0,
        phase_names={"rest": "out", "away": "getting_in", "active": "hold", "back": "getting_out"},
        counts_reps=False,
        times_holds=True,
        min_hold_s=2.0,
        # The body is level before the plank is set: the way in is the hips coming into line (a pike or a sag
        # straightening). The hold starts once the hip line moves less than this many degrees a second. Rendered
        # planks (8 clips, 20 fps) straighten at 24-73°/s over their set-up and move at most 18°/s over the first
        # 0.2 s of the hold.
        hold_settled_max_rate=20.0,
        hold_settled_feature="hip_line_deviation_deg",
        gates=(
            Gate("ventral_downward_ratio", min_value=0.5),
            Gate("hip_knee_ankle_deg", min_value=140.0),
            # A hold is still, so push-ups are not timed or judged as a plank.
            Gate("shoulder_bob_norm", max_value=STILL_MAX_SHOULDER_BOB_NORM),
        ),
    ),
    checks=(
        Check(
            code="hips_sag",
            limits=(Limit("hip_line_deviation_deg", "max", "max_deg"),),
            thresholds={"max_deg": (15.0, 10.0, 6.0)},
            phases=("hold",),
            views=_SIDE,
            side_view_min_yaw_deg=HIP_LINE_SIDE_VIEW_MIN_YAW_DEG,
            severity=Severity.HIGH,
            cue="Lift your hips a little — squeeze your glutes and brace your belly.",
            why="Sagging hips hang your weight on the joints of your lower back.",
        ),
        Check(
            code="hips_pike",
            limits=(Limit("hip_line_deviation_deg", "min", "min_deg"),),
            # Real planks judged correct read down to -23° (MediaPipe places the hip high on a real body; renders
            # read ~0°): a pike is reported only well beyond that.
            thresholds={"min_deg": (-30.0, -26.0, -21.0)},
            # The way into a plank passes through a pike (rendered set-ups read below -26° for their first 0.3 s):
            # only a pike held for longer is the hold's form.
            min_duration_s=0.5,
            phases=("hold",),
            views=_SIDE,
            side_view_min_yaw_deg=HIP_LINE_SIDE_VIEW_MIN_YAW_DEG,
            severity=Severity.LOW,
            cue="Lower your hips until you are one straight line from head to heels.",
            why="Piked hips take the work away from the trunk muscles that protect your back.",
        ),
        Check(
            code="head_drop",
            limits=(Limit("ear_shoulder_hip_signed_deg", "max", "max_deg"),),
            # Correct real planks read up to 20°; dropped heads 45-70°; a rendered 30° head drop reads 26° (from ~5°
            # with the head in line).
            thresholds={"max_deg": (30.0, 23.0, 21.0)},
            phases=("hold",),
            views=_SIDE,
            # The head angle in the picture grows as the camera turns off the side and sits low: clean rendered
            # planks 15-35° off the side, camera 0.2-0.45 m high, read 15-25° (side-on 7-12°) at estimated yaws of
            # 77-82°, and four of eight were cued. Judged only squarely side-on; the hip line keeps its wider gate.
            side_view_min_yaw_deg=HEAD_SIDE_VIEW_MIN_YAW_DEG,
            severity=Severity.LOW,
            cue="Keep your head in line — look at the floor just ahead of your hands.",
            why="A hanging head pulls your upper back out of its neutral line.",
        ),
        Check(
            code="shoulders_not_stacked",
            limits=(
                Limit("support_arm_to_vertical_deg", "min", "min_deg"),
                Limit("support_arm_to_vertical_deg", "max", "max_deg"),
                Limit("straight_arm_to_vertical_deg", "min", "min_straight_arm_deg"),
                Limit("straight_arm_to_vertical_deg", "max", "max_straight_arm_deg"),
            ),
            # Correct real planks read up to 26° (elbow landmarks on forearm planks are loose). Straight-arm planks
            # (wrist under the shoulder, a firm landmark) get a stricter limit: correct real and rendered high planks
            # read within ±4° over the hold, the rendered 15° shoulder lean 15°.
            thresholds={
                "min_deg": (-35.0, -30.0, -25.0),
                "max_deg": (35.0, 30.0, 25.0),
                "min_straight_arm_deg": (-14.0, -10.0, -8.0),
                "max_straight_arm_deg": (14.0, 10.0, 8.0),
            },
            phases=("hold",),
            views=_SIDE,
            severity=Severity.LOW,
            cue="Stack your shoulders right over your elbows (or wrists).",
            why="Stacked shoulders let the trunk, not the shoulders, hold you up.",
        ),
    ),
    variant=Variant(feature="elbow_deg", split=135.0, below="forearm", above="high"),
    side_view_min_yaw_deg=SIDE_VIEW_MIN_YAW_FLOOR_DEG,
)


# --- test motion: a stick figure doing the exercise, clean or with one planted fault ---------------------------


def plank_pose(m: Moment, fault: str | None, high: bool = False) -> StickPose:
    if m.segment != "active":  # kneeling before and after the hold
        kneel = Limbs(upper_arm=180.0, forearm=90.0, thigh=180.0, shin=270.0, foot=270.0)
        return symmetric(kneel, trunk=80.0, back_bulge=0.0)
    # The fault fills the middle third of the hold.
    faulty = fault is not None and 1 / 3 <= m.within < 2 / 3
    incline = 20.0 if high else 9.0
    sag = {"hips_sag": 15.0, "hips_pike": -32.0}.get(fault or "", 0.0) if faulty else 0.0
    base = 90.0 - incline
    stack = 36.0 if faulty and fault == "shoulders_not_stacked" else 0.0
    arms = Limbs(upper_arm=180.0 + stack, forearm=180.0 + stack if high else 90.0)
    legs = {"thigh": base + 180.0 + sag / 2.0, "shin": base + 180.0 + sag / 2.0, "foot": 180.0}
    return StickPose(
        trunk=base - sag / 2.0,
        neck=32.0 if faulty and fault == "head_drop" else 0.0,
        back_bulge=0.0,
        left=replace(arms, **legs),
        right=replace(arms, **legs),
    )


SCENARIO = Scenario(plank_pose, reps=0, rest_s=1.0, away_s=0.3, active_s=6.0, back_s=0.3, holds=1)
