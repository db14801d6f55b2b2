"""Glute bridge: hips lifted from lying on the back, knees bent; side view, knees from the front."""

from formcheck.exercises.spec import Check, Exercise, Gate, Limit, Looks, Metric, Motion, Posture, Severity
from formcheck.geometry import SIDE_VIEW_MIN_YAW_FLOOR_DEG, View
from formcheck.testing.stick_scenario import Moment, Scenario, lerp, symmetric
from formcheck.testing.synthetic_pose import Limbs, StickPose

_SIDE = (View.SIDE,)
# The bridge's side-view angles hold on a low camera turned ~30° off the side, so its side checks accept estimated
# yaws down to here (the bridge's side view starts at 75°). Renders with the camera 0.2 m and 0.45 m high: 30° off
# reads 62-67°, 45° off 34-44°; at 30° off the shoulder-hip-knee line moves 0.6-2.9° from its side-on value and the
# knee angle 2-5°, at 45° off up to 14° and 10° (so 45° stays unjudged).
BRIDGE_SIDE_VIEW_MIN_YAW_DEG = 60.0

EXERCISE = Exercise(
    name="glute_bridge",
    title="Glute bridge",
    looks=Looks(Posture.SUPINE),
    description="Rep = hips up from the floor to the top and back down; the time at the top is a hold.",
    motion=Motion(
        driver="hip_lift_deg",
        active_when="above",
        # Lying flat reads 5-9° (hip landmarks sit above the floor); a bridge stopped 20° short of straight reads
        # 12°, and must still count as the top so that its incomplete extension is judged.
        enter=11.0,
        exit=7.0,
        phase_names={"rest": "down", "away": "lifting", "active": "top", "back": "lowering"},
        times_holds=True,
        # A top touched for less than half a second is the turnaround of a rep, not a hold (a real 44-s bridge
        # set listed "Hold 3: 0.0 s").
        min_hold_s=0.5,
        # The hips pass the enter line while still rising: the hold starts once they move less than this many degrees
        # a second. Rendered bridges (5 side and oblique clips, 20 fps) rise at 14-50°/s until ~0.1 s before they
        # settle, and move at most 7.4°/s over the first 0.2 s of the held top.
        hold_settled_max_rate=10.0,
        gates=(Gate("ventral_downward_ratio", max_value=-0.5), Gate("hip_knee_ankle_deg", max_value=150.0)),
        # Seen end-on from the feet, the raised knees hide the hips and trunk: MediaPipe lost rendered bridges
        # filmed from the feet with the camera at 0.45, 1.0 and 1.4 m (no pose, then legs read straight as if
        # standing), so the reps are followed from the side or at an angle only.
        views=(View.SIDE, View.OBLIQUE),
    ),
    checks=(
        Check(
            code="incomplete_extension",
            limits=(Limit("shoulder_hip_knee_deviation_deg", "min", "min_deg"),),
            thresholds={"min_deg": (-15.0, -10.0, -6.0)},
            # The typical hip position over the top (a bridge that sinks after a good start is incomplete).
            aggregate="median",
            phases=("top",),
            views=_SIDE,
            side_view_min_yaw_deg=BRIDGE_SIDE_VIEW_MIN_YAW_DEG,
            severity=Severity.LOW,
            cue="Drive your hips a little higher — a straight line from shoulders to knees.",
            why="Full hip extension is what trains the glutes that take load off your lower back.",
        ),
        Check(
            code="over_arch",
            limits=(Limit("shoulder_hip_knee_deviation_deg", "max", "max_deg"),),
            # Rendered over-arches read ~1.5 times their size (11° → 19°, 15° → 22°, 18° → 28°); clean renders up to
            # 11.4° on some bodies (the hip landmark sits high on them), correct real bridges -5 to +3°.
            thresholds={"max_deg": (18.0, 14.0, 10.0)},
            phases=("top",),
            views=_SIDE,
            side_view_min_yaw_deg=BRIDGE_SIDE_VIEW_MIN_YAW_DEG,
            severity=Severity.HIGH,
            cue="Don't push past straight — tuck your ribs down and squeeze your glutes.",
            why="Lifting past the line arches your lower back instead of working your hips.",
        ),
        Check(
            code="feet_position",
            limits=(
                Limit("hip_knee_ankle_deg", "min", "min_deg"),
                Limit("hip_knee_ankle_deg", "max", "max_deg"),
            ),
            # Aim: a right angle at the top. Correct real bridges read 65-66° (MediaPipe's knee sits forward of the
            # joint centre, so real knees read smaller than they are), clean renders 86-96°, renders with the feet
            # 22° and 30° too far 108° and 116°: "too far" starts 14° past the right angle. "Too near" stays wide,
            # because correct real bridges already read 25° under it.
            thresholds={"min_deg": (50.0, 56.0, 62.0), "max_deg": (115.0, 104.0, 100.0)},
            # The knee angle is only the feet's doing with the hips well up; on the way up and down it swings.
            only_when=(Gate("hip_lift_deg", min_value=15.0),),
            phases=("top",),
            views=_SIDE,
            side_view_min_yaw_deg=BRIDGE_SIDE_VIEW_MIN_YAW_DEG,
            severity=Severity.LOW,
            cue="Place your feet so your knees make a right angle at the top.",
            why="Feet too far away hand the work to your hamstrings; too close, to your thighs.",
        ),
        Check(
            code="knees_cave",
            limits=(Limit("knee_ankle_width_ratio", "min", "min_ratio"),),
            thresholds={"min_ratio": (0.75, 0.85, 0.90)},
            phases=("lifting", "top"),
            views=(View.FRONT,),
            severity=Severity.MEDIUM,
            cue="Keep your knees hip-width apart — press them gently outward.",
            why="Knees falling in twist the pelvis under your lower back.",
        ),
    ),
    metrics=(
        Metric("top_hip_deviation_deg", "shoulder_hip_knee_deviation_deg", "max", phases=("top",)),
        Metric("top_knee_angle_deg", "hip_knee_ankle_deg", "mean", phases=("top",)),
        Metric("top_hip_lift_deg", "hip_lift_deg", "max", phases=("top",)),
    ),
    side_view_min_yaw_deg=SIDE_VIEW_MIN_YAW_FLOOR_DEG,
)


# --- test motion: a stick figure doing the exercise, clean or with one planted fault ---------------------------


def glute_bridge_pose(m: Moment, fault: str | None) -> StickPose:
    p = m.progress
    lift, hip_bend = {"incomplete_extension": (18.0, -15.0), "over_arch": (30.0, 15.0)}.get(fault or "", (26.0, 0.0))
    knee_at_top = 130.0 if fault == "feet_position" else 90.0
    thigh_top = 90.0 - lift + hip_bend
    thigh = lerp(45.0, thigh_top, p)
    shin = lerp(135.0, thigh_top + 180.0 - knee_at_top, p)
    legs = Limbs(upper_arm=-90.0, forearm=-90.0, thigh=thigh, shin=shin, foot=30.0)
    knee_in = 0.07 * p if fault == "knees_cave" else 0.0
    return symmetric(legs, trunk=-90.0 - lift * p, stance_m=0.06, knee_in_m=knee_in, back_bulge=0.0)


SCENARIO = Scenario(glute_bridge_pose, reps=3, rest_s=0.8, away_s=0.8, active_s=1.2, back_s=0.8, holds=3)
