"""Recognition names push-ups, lunges and no exercise at all rather than judging them as the nearest exercise, and
tells a hinge from a squat."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from formcheck import recognize
from formcheck.exercises import EXERCISES
from formcheck.exercises.deadlift import HANDS_LOW, HIPS_HIGH
from formcheck.exercises.glute_bridge import glute_bridge_pose
from formcheck.exercises.plank import plank_pose
from formcheck.features import Body, compute_features
from formcheck.recognize import (
    LUNGE,
    LUNGE_MIN_THIGH_SPLIT_DEG,
    NO_EXERCISE,
    PUSHUP,
    PUSHUP_MIN_ELBOW_RANGE_DEG,
    _looks_like_pushups,
    recognize_exercise,
)
from formcheck.testing.scenarios import SCENARIOS, lunges, push_ups, standing_still
from formcheck.testing.stick_scenario import FPS, Moment, symmetric, timeline
from formcheck.testing.synthetic_pose import Camera, Limbs, StickPose, render_sequence
from formcheck.types import Landmark, PoseSequence


def test_bending_elbows_face_down_are_pushups() -> None:
    t = np.linspace(0, 6, 120)
    pushups = {"elbow_deg": 125 + 50 * np.sin(2 * np.pi * 0.5 * t)}
    assert _looks_like_pushups(pushups)


def test_a_steady_plank_is_not() -> None:
    plank = {"elbow_deg": np.full(120, 75.0) + np.random.default_rng(0).normal(0, 3, 120)}
    assert not _looks_like_pushups(plank)
    shifting = {"elbow_deg": np.r_[np.full(100, 170.0), np.full(20, 170.0 - PUSHUP_MIN_ELBOW_RANGE_DEG - 20)]}
    assert not _looks_like_pushups(shifting)  # a brief change of grip is not a set of push-ups


def test_a_single_push_up_is_not_recognised_as_a_plank() -> None:
    # The elbow-swing rule does not fire (the arms here stay straight); the bobbing shoulders say it is no plank.
    pushing = recognize_exercise(compute_features(Body.from_sequence(push_ups(period_s=3.0))))
    assert (pushing.exercise, pushing.unsupported) == (None, PUSHUP)
    # The plank scenario kneels before and after its hold: getting down moves the shoulders once, it is no push-up.
    still = recognize_exercise(compute_features(Body.from_sequence(SCENARIOS["plank"].build(None))))
    assert (still.exercise, still.unsupported) == ("plank", None)


def test_quick_push_ups_are_named_as_push_ups() -> None:
    pushing = recognize_exercise(compute_features(Body.from_sequence(push_ups(period_s=1.5))))
    assert (pushing.exercise, pushing.unsupported, pushing.confidence) == (None, PUSHUP, 1.0)


def test_lunges_are_named_as_lunges_not_judged_as_squats() -> None:
    features = compute_features(Body.from_sequence(lunges()))
    assert np.nanmax(features["thigh_split_deg"]) == pytest.approx(70.0)
    lunging = recognize_exercise(features)
    assert (lunging.exercise, lunging.unsupported, lunging.confidence) == (None, LUNGE, 1.0)
    squat = compute_features(Body.from_sequence(SCENARIOS["squat"].build(None)))
    assert np.nanmax(squat["thigh_split_deg"]) < LUNGE_MIN_THIGH_SPLIT_DEG
    assert recognize_exercise(squat).unsupported is None


def test_standing_still_is_no_exercise() -> None:
    standing = recognize_exercise(compute_features(Body.from_sequence(standing_still())))
    assert (standing.exercise, standing.unsupported, standing.confidence) == (None, NO_EXERCISE, 1.0)


@pytest.mark.parametrize("exercise", sorted(SCENARIOS))
def test_the_five_exercises_are_not_called_unsupported(exercise: str) -> None:
    recognition = recognize_exercise(compute_features(Body.from_sequence(SCENARIOS[exercise].build(None))))
    assert (recognition.exercise, recognition.unsupported) == (exercise, None)


def _hands_on_knees(sequence: PoseSequence) -> PoseSequence:
    """The same movement with the hands just above the knees (a hinge without a bar, as in the rendered clips)."""
    landmarks, world = sequence.landmarks.copy(), sequence.world.copy()
    for side in ("LEFT", "RIGHT"):
        wrist, knee, hip = (Landmark[f"{side}_{joint}"] for joint in ("WRIST", "KNEE", "HIP"))
        landmarks[:, wrist, :3] = 0.7 * landmarks[:, knee, :3] + 0.3 * landmarks[:, hip, :3]
        world[:, wrist] = 0.7 * world[:, knee] + 0.3 * world[:, hip]
    return replace(sequence, landmarks=landmarks, world=world)


def test_a_hinge_with_the_hands_at_the_knees_is_a_deadlift() -> None:
    hinge = _hands_on_knees(SCENARIOS["deadlift"].build())
    features = compute_features(Body.from_sequence(hinge))
    deepest = features["shoulder_height_norm"] <= np.nanquantile(features["shoulder_height_norm"], 0.1)
    assert np.nanmedian(features["wrist_height_norm"][deepest]) > 0.5  # the hands alone do not say "deadlift"
    assert recognize_exercise(features).exercise == "deadlift"
    without_hinge = {name: exercise.looks for name, exercise in EXERCISES.items()}
    without_hinge["deadlift"] = replace(without_hinge["deadlift"], signs=(HANDS_LOW, HIPS_HIGH))
    assert recognize_exercise(features, without_hinge).exercise != "deadlift"  # hands and hips leave it undecided
    forward_lean = compute_features(Body.from_sequence(SCENARIOS["squat"].build("forward_lean")))
    assert recognize_exercise(forward_lean).exercise == "squat"  # a leaning squat is not mistaken for a hinge


def test_on_all_fours_with_a_low_reading_hip_is_a_bird_dog_posture_not_a_plank() -> None:
    frames = 20
    lying_face_down = {
        "body_to_horizontal_deg": np.full(frames, 10.0),
        "ventral_downward_ratio": np.full(frames, 0.9),
        "hip_height_norm": np.full(frames, 0.35),  # the world hip height read low, as on a rendered bird dog
        "shoulder_bob_norm": np.zeros(frames),
        "shoulder_swing_norm": np.zeros(frames),
        "left_side_down_ratio": np.zeros(frames),  # the left-right axis level: not lying on the side
    }
    kneeling = recognize._posture_masks({**lying_face_down, "world_knee_bend_deg": np.full(frames, 95.0)})
    straight = recognize._posture_masks({**lying_face_down, "world_knee_bend_deg": np.full(frames, 170.0)})
    assert kneeling["quadruped"].all() and not kneeling["prone"].any()
    assert straight["prone"].all() and not straight["quadruped"].any()


def _lying(pose_at: Callable[[Moment], StickPose], seconds: float = 5.0) -> PoseSequence:
    moments = timeline(0, rest_s=seconds, away_s=0.0, active_s=0.0, back_s=0.0)
    return render_sequence([pose_at(m) for m in moments], Camera(fps=FPS))


def test_lying_still_on_the_back_is_no_exercise() -> None:
    # Knees bent and hips down (a bridge's start, never lifted), or legs out straight: no exercise's motion.
    knees_bent = _lying(lambda m: glute_bridge_pose(replace(m, progress=0.0), None))
    legs_out = Limbs(upper_arm=-90.0, forearm=-90.0, thigh=90.0, shin=90.0, foot=0.0)
    flat = _lying(lambda m: symmetric(legs_out, trunk=-90.0))
    for sequence in (knees_bent, flat):
        lying = recognize_exercise(compute_features(Body.from_sequence(sequence)))
        assert (lying.exercise, lying.unsupported, lying.confidence) == (None, NO_EXERCISE, 1.0)


def test_holds_kept_still_from_the_first_frame_are_their_exercises() -> None:
    # Still is not "no exercise" where the posture is the exercise's own: the hips up, or a plank.
    bridge = _lying(lambda m: glute_bridge_pose(replace(m, progress=1.0, segment="active"), None))
    plank = _lying(lambda m: plank_pose(replace(m, segment="active"), None))
    for name, sequence in (("glute_bridge", bridge), ("plank", plank)):
        recognition = recognize_exercise(compute_features(Body.from_sequence(sequence)))
        assert (recognition.exercise, recognition.unsupported) == (name, None)
