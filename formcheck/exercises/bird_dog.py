"""Bird dog: from all fours, reach one arm and the opposite leg out level with the trunk; counted per side.

A rep's side is the side of the reaching arm ("left" = left arm with right leg).
"""

from dataclasses import replace

from formcheck.exercises.spec import Check, Exercise, Gate, Limit, Looks, Metric, Motion, Posture, Severity, Unmeasured
from formcheck.geometry import SIDE_VIEW_MIN_YAW_FLOOR_DEG, View
from formcheck.testing.stick_scenario import Moment, Scenario, lerp
from formcheck.testing.synthetic_pose import Limbs, StickPose

_SIDE = (View.SIDE,)

EXERCISE = Exercise(
    name="bird_dog",
    title="Bird dog",
    looks=Looks(Posture.QUADRUPED),
    description="Rep = arm and opposite leg reach out (the reach is a hold) and return to all fours.",
    motion=Motion(
        driver="limb_reach_deg",
        active_when="above",
        enter=-30.0,
        exit=-50.0,
        phase_names={"rest": "all_fours", "away": "reaching", "active": "extended", "back": "returning"},
        times_holds=True,
        # An extension touched for less than half a second is the turnaround of a rep, not a hold (as for the
        # bridge's top).
        min_hold_s=0.5,
        side_feature="arm_raise_asymmetry_deg",
        gates=(Gate("ventral_downward_ratio", min_value=0.5),),
    ),
    checks=(
        Check(
            code="leg_too_high",
            limits=(Limit("leg_elevation_deg", "max", "max_deg"),),
            thresholds={"max_deg": (20.0, 12.0, 8.0)},
            phases=("extended",),
            views=_SIDE,
            severity=Severity.MEDIUM,
            cue="Lower your leg to hip height — reach back, not up.",
            why="Lifting the leg above the trunk arches your lower back.",
        ),
        Check(
            code="limb_below_level",
            limits=(Limit("arm_elevation_deg", "min", "min_arm_deg"), Limit("leg_elevation_deg", "min", "min_leg_deg")),
            # Judged on the typical level of each reach (its median), not frame by frame: the way in and out of a
            # reach is below level by definition, and a reach that touches level and then droops for the rest of the
            # hold is a reach below level (rendered 20° droop: arm -23°, leg -20° median, but -1°/+2° at its top
            # tenth, which the former near-maximum missed). Clean renders read -2° to +3°. The one real clip (judged
            # correct, hand and foot leaving a tight frame) reads -20° (arm) either way and stays a false cue.
            thresholds={"min_arm_deg": (-22.0, -15.0, -10.0), "min_leg_deg": (-22.0, -15.0, -10.0)},
            aggregate="median",
            phases=("extended",),
            views=_SIDE,
            severity=Severity.LOW,
            cue="Reach your arm and leg out until they are level with your back.",
            why="A full reach is what makes your back muscles hold the trunk steady.",
        ),
        Check(
            code="trunk_sag",
            limits=(Limit("back_sag_norm", "max", "max_norm"),),
            # The one real clip (correct) read 0.04. Rendered clips read 0.06-0.095 whether the trunk sags or not
            # (the outline of a rendered shirt does not follow the spine), so only a large dip is reported.
            thresholds={"max_norm": (0.14, 0.11, 0.06)},
            phases=("extended",),
            views=_SIDE,
            severity=Severity.HIGH,
            cue="Brace your belly so your back stays flat like a table.",
            why="A sagging trunk lets your lower back arch under the weight of the limbs.",
        ),
    ),
    metrics=(
        Metric("mean_arm_elevation_deg", "arm_elevation_deg", "mean", phases=("extended",)),
        Metric("mean_leg_elevation_deg", "leg_elevation_deg", "mean", phases=("extended",)),
    ),
    side_view_min_yaw_deg=SIDE_VIEW_MIN_YAW_FLOOR_DEG,
    # On all fours the yaw estimate reads side-on even from 45° (renders: 78-84°), and foreshortened reaches read as
    # a leg too high and an arm too low. The reaching thigh shows the turn: renders within 10° of the side read
    # 0.93-1.11 of its hanging length, 14-20° off 0.66-0.93, 24-53° off 0.19-0.83.
    side_view_requires=(Gate("raised_thigh_length_ratio", min_value=0.85),),
    # Hips turning open is not measured: from the side the far hip is a guess, and the world pelvis roll reads
    # 22-35° whenever the near leg is raised and 3-11° when the far one is, whatever the true turn (renders with 0-25°
    # rotation; a correct real bird dog 15°). A check passing on that reading would be a silent pass.
    unmeasured=(
        Unmeasured(
            "trunk_rotation",
            "one camera cannot see the hips turn yet (from the side the far hip is hidden); in a mirror, or with "
            "someone watching from your feet, keep the raised leg's hip level with the other",
        ),
    ),
)


# --- test motion: a stick figure doing the exercise, clean or with one planted fault ---------------------------


def bird_dog_pose(m: Moment, fault: str | None) -> StickPose:
    p = m.progress if m.rep > 0 else 0.0
    arm_target = 90.0 + (30.0 if fault == "limb_below_level" else 0.0)
    leg_target = 270.0 + (20.0 if fault == "leg_too_high" else 0.0)
    support = Limbs(upper_arm=180.0, forearm=180.0, thigh=180.0, shin=270.0, foot=270.0)
    reach_arm = lerp(180.0, arm_target, p)
    reach_leg = lerp(180.0, leg_target, p)
    reaching_arm = replace(support, upper_arm=reach_arm, forearm=reach_arm)
    reaching_leg = replace(support, thigh=reach_leg, shin=lerp(270.0, leg_target, p))
    left, right = (reaching_arm, reaching_leg) if m.side == "left" else (reaching_leg, reaching_arm)
    return StickPose(
        trunk=90.0,
        left=left,
        right=right,
        pelvis_roll=30.0 * p if fault == "trunk_rotation" else 0.0,
        back_bulge=-0.07 * p if fault == "trunk_sag" else 0.0,
    )


SCENARIO = Scenario(bird_dog_pose, reps=4, rest_s=0.8, away_s=0.6, active_s=1.5, back_s=0.6, holds=4)
