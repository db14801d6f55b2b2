"""Conventional deadlift, judged from the side: a hip hinge from the floor to standing tall."""

from formcheck.exercises.spec import Check, Exercise, Limit, Metric, Motion, Severity
from formcheck.geometry import View

_SIDE = (View.SIDE,)
_MOVING = ("lowering", "bottom", "pull")

EXERCISE = Exercise(
    name="deadlift",
    title="Deadlift",
    description="Rep = from standing, down to the bar and back to lockout; a clip may start at the bar.",
    motion=Motion(
        # Shoulder height (world metres over leg+trunk length) works from any view: 1 standing, ~0.6 at the bar.
        driver="shoulder_height_norm",
        active_when="below",
        enter=0.72,
        exit=0.88,
        phase_names={"rest": "lockout", "away": "lowering", "active": "bottom", "back": "pull"},
        first_rep_may_start_active=True,
    ),
    checks=(
        Check(
            code="rounded_back",
            # Head posture confounds the ear–shoulder–hip angle, so when the back outline is known both must agree.
            limits=(
                Limit("ear_shoulder_hip_signed_deg", "max", "max_deg"),
                Limit("back_bulge_norm", "max", "max_bulge_norm"),
            ),
            thresholds={"max_deg": (24.0, 18.0, 14.0), "max_bulge_norm": (0.07, 0.05, 0.035)},
            combine="all_available",
            phases=_MOVING,
            views=_SIDE,
            severity=Severity.HIGH,
            cue="Keep your chest proud and your back flat — brace before you pull.",
            why="A rounded back under load shifts the work from your hips onto your spine.",
        ),
        Check(
            code="hips_rise_first",
            limits=(Limit("trunk_to_vertical_deg", "max", "max_deg"),),
            thresholds={"max_deg": (12.0, 8.0, 5.0)},
            aggregate="rise_from_extreme",
            phases=("bottom", "pull"),
            views=_SIDE,
            severity=Severity.MEDIUM,
            cue="Push the floor away so your hips and shoulders rise together.",
            why="When the hips shoot up first your back ends up lifting the bar on its own.",
        ),
        Check(
            code="bar_drift",
            limits=(Limit("wrist_ahead_of_midfoot_norm", "max", "max_norm"),),
            thresholds={"max_norm": (0.15, 0.10, 0.07)},
            phases=_MOVING,
            views=_SIDE,
            severity=Severity.MEDIUM,
            cue="Keep the bar close — drag it up your shins and thighs.",
            why="Every centimetre the bar drifts forward adds leverage against your lower back.",
        ),
        Check(
            code="lockout_hyperextension",
            limits=(Limit("shoulder_hip_knee_deviation_deg", "max", "max_deg"),),
            thresholds={"max_deg": (15.0, 10.0, 6.0)},
            phases=("lockout",),
            views=_SIDE,
            severity=Severity.MEDIUM,
            cue="Finish by standing tall — squeeze your glutes, don't lean back.",
            why="Leaning back at the top arches and compresses your lower back.",
        ),
        Check(
            code="incomplete_lockout",
            limits=(Limit("shoulder_hip_knee_deviation_deg", "min", "min_deg"),),
            thresholds={"min_deg": (-15.0, -10.0, -6.0)},
            aggregate="max",
            phases=("lockout",),
            views=_SIDE,
            severity=Severity.LOW,
            cue="Stand all the way up — bring your hips through at the top.",
            why="Stopping short leaves your back holding the weight in a half-bent position.",
        ),
        Check(
            code="knee_dominant",
            limits=(Limit("shin_to_vertical_deg", "max", "max_deg"),),
            thresholds={"max_deg": (30.0, 24.0, 20.0)},
            aggregate="max",
            phases=("bottom",),
            views=_SIDE,
            severity=Severity.LOW,
            cue="Hinge, don't squat: push your hips back and keep your shins near vertical.",
            why="Squatting the bar puts your knees in its path, so it swings forward, away from your back.",
        ),
    ),
    metrics=(
        Metric("bottom_hip_angle_deg", "shoulder_hip_knee_deg", "min"),
        Metric("bottom_trunk_to_vertical_deg", "trunk_to_vertical_deg", "max"),
        Metric("bottom_shin_to_vertical_deg", "shin_to_vertical_deg", "max"),
        Metric("max_ear_shoulder_hip_signed_deg", "ear_shoulder_hip_signed_deg", "max"),
        Metric("max_wrist_ahead_of_midfoot_norm", "wrist_ahead_of_midfoot_norm", "max"),
    ),
)
