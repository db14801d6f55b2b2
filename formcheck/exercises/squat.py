"""Bodyweight or loaded squat: depth, lean and heels from the side; knees from the front."""

from formcheck.exercises.spec import Check, Exercise, Limit, Metric, Motion, Severity
from formcheck.geometry import View

_MOVING = ("descent", "bottom", "ascent")

EXERCISE = Exercise(
    name="squat",
    title="Squat",
    description="Rep = from standing down to the bottom and back up.",
    motion=Motion(
        # Hip height over leg length (world metres) works from any view: 1 standing, ~0.45 at parallel.
        driver="hip_height_norm",
        active_when="below",
        enter=0.78,
        exit=0.90,
        phase_names={"rest": "standing", "away": "descent", "active": "bottom", "back": "ascent"},
    ),
    checks=(
        Check(
            code="shallow_depth",
            limits=(Limit("thigh_elevation_deg", "max", "max_deg"),),
            # Judged at the bottom only: a run of descent frames seen from the side says nothing about depth.
            # Correct real squats read up to 17° (the hip landmark sits above the joint centre).
            thresholds={"max_deg": (30.0, 20.0, 10.0)},
            aggregate="min",
            # A shallow squat only just reaches the bottom state: its bottom lasts 0.2 s (4 frames at 20 fps).
            min_duration_s=0.15,
            phases=("bottom",),
            views=(View.SIDE,),
            severity=Severity.LOW,
            cue="Sit a little deeper — aim for your thighs parallel to the floor.",
            why="Full range trains the hips and thighs that take load off your back.",
        ),
        Check(
            code="forward_lean",
            limits=(Limit("trunk_to_vertical_deg", "max", "max_deg"),),
            thresholds={"max_deg": (55.0, 48.0, 42.0)},
            phases=_MOVING,
            views=(View.SIDE,),
            severity=Severity.MEDIUM,
            cue="Keep your chest up — sit down between your heels rather than folding forward.",
            why="Folding forward turns the squat into a back-loaded good-morning.",
        ),
        Check(
            code="heels_lift",
            limits=(Limit("heel_lift_norm", "max", "max_norm"),),
            # Real clips: heel and toe landmarks are noisy (correct squats read up to 0.14, mostly from oblique
            # angles); only a clear lift is reported, and only while the heel is where a heel can be.
            thresholds={"max_norm": (0.2, 0.15, 0.1)},
            phases=_MOVING,
            views=(View.SIDE,),
            severity=Severity.MEDIUM,
            cue="Keep your heels down — press through the whole foot.",
            why="Lifted heels tip you forward and make your back work to keep balance.",
        ),
        Check(
            code="knees_cave",
            limits=(Limit("knee_ankle_width_ratio", "min", "min_ratio"),),
            thresholds={"min_ratio": (0.75, 0.85, 0.90)},
            phases=_MOVING,
            views=(View.FRONT,),
            severity=Severity.MEDIUM,
            cue="Push your knees out over your toes.",
            why="Caving knees shift the load unevenly through the hips and pelvis.",
        ),
    ),
    metrics=(
        Metric("bottom_thigh_elevation_deg", "thigh_elevation_deg", "min"),
        Metric("bottom_knee_angle_deg", "hip_knee_ankle_deg", "min"),
        Metric("max_trunk_to_vertical_deg", "trunk_to_vertical_deg", "max"),
        Metric("max_heel_lift_norm", "heel_lift_norm", "max"),
    ),
)
