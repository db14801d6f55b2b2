"""Recognise which registered exercise a clip shows, from view-independent (world-landmark) features.

Each frame with a pose gets a posture (:class:`formcheck.exercises.spec.Posture`): *upright* (standing or hinged:
the ankle–shoulder line within 40° of vertical), *supine* (face up, lying), *side-lying* (lying, the front of the
body facing sideways and the left–right axis upright), *quadruped* (face down, hips high over the ankles) or
*prone* (face down, hips low and the shoulders still: a plank; bobbing shoulders are push-ups and count for no
posture). Each exercise declares its posture and the signs that tell it from the other exercises of that posture
(``Exercise.looks``: a deadlift holds the hands low at the bottom and keeps the hips high, a squat sits the hips
down); nothing here names an exercise.

Some clips show something formcheck does not check, and are named as such (:attr:`Recognition.unsupported`) rather
than judged as the nearest exercise: push-ups (face down with the shoulders bobbing), lunges (upright, going down
with one thigh level and the other pointing down) and no exercise at all (upright and never going down: standing,
walking; or lying in a posture whose exercises' motions it never makes: lying still on the back with the hips down).

Confidence is a probability-like score in [0, 1]; below :data:`MIN_CONFIDENCE` the caller should ask the person to
choose instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from formcheck import geometry
from formcheck.exercises import EXERCISES
from formcheck.exercises.spec import Exercise, Looks, Motion, Posture, Sign
from formcheck.features import STILL_MAX_SHOULDER_BOB_NORM
from formcheck.reps import motion_progress
from formcheck.types import FloatArray

_Frames = npt.NDArray[np.bool_] | None

MIN_CONFIDENCE = 0.6

UPRIGHT_MIN_BODY_TO_HORIZONTAL_DEG = 50.0
FACE_DOWN_MIN_RATIO = 0.5
# Lying on the side stands the left–right axis up (a side plank: sine ~0.96); a deep hinge whose front reads sideways
# keeps it level (a real deadlift's "side-lying" frames read at most 0.06).
SIDE_LYING_MIN_LEFT_SIDE_DOWN_RATIO = float(np.sin(np.radians(geometry.SIDE_LYING_MIN_TILT_DEG)))
QUADRUPED_MIN_HIP_HEIGHT_NORM = 0.42
# A rendered bird dog with its limbs below level read its hips under 0.42 on 62 % of its frames (so "prone": a plank),
# its support knee at ~90°; planks hold their knees straight (real and rendered planks: 150-180°).
QUADRUPED_MAX_KNEE_DEG = 130.0
# Upright clips whose shoulders never drop below this (fraction of standing height) did not exercise.
MOVED_MAX_SHOULDER_HEIGHT_NORM = 0.85
DEEPEST_SHARE = 0.1
# Face down with the elbows bending and straightening through this range (10th–90th percentile) is a push-up, which
# formcheck does not judge: a plank holds its elbows still (real planks: ≤ 20°; real push-ups: 50–90°).
PUSHUP_MIN_ELBOW_RANGE_DEG = 40.0
PUSHUP_MIN_ELBOW_SWINGS = 3  # bent → straight → bent: at least one and a half push-ups
# A third of the frames may be spent walking in, lying down or getting up before confidence suffers.
MIN_POSTURE_SHARE = 0.67

# What recognition names that formcheck does not check (``Recognition.unsupported``).
PUSHUP, LUNGE, NO_EXERCISE = "pushup", "lunge", "no_exercise"
UNSUPPORTED = (PUSHUP, LUNGE, NO_EXERCISE)
# A clip face down is push-ups when its shoulders both move (shoulder_bob_norm above a held plank's
# STILL_MAX_SHOULDER_BOB_NORM) and swing down and up again (shoulder_swing_norm above the same), each on at least
# these shares of the face-down frames; getting down into a plank moves them too, but in one step with no swing.
# Chosen on the kaiakol/computervision clips (planks 0.00 and 0.00; push-ups 0.23-0.65 and 0.14-0.28). Held out:
# planks of seven other sources read at most 0.05 and 0.00, the bird dog 0.06 and 0.08, push-ups of two other
# sources 0.65-0.66 and 0.62-0.78.
PUSHUP_MIN_MOVING_SHARE = 0.15
PUSHUP_MIN_SWING_SHARE = 0.1
# Thighs this far apart at the deepest frames are a lunge's split stance. Chosen on the Prakhar-Singh-OP/
# FitnessTransformer lunges (55°, 75°) and the kaiakol/computervision squats (≤ 23°); held out: squats and deadlifts
# of eight other sources read at most 25°.
LUNGE_MIN_THIGH_SPLIT_DEG = 40.0
# Upright clips need this share of frames with a shoulder height before "never went down" means no exercise.
MIN_MEASURED_SHARE = 0.5
# A lying clip is an exercise's when that exercise's driver swings through its hysteresis (enter to exit) between
# these percentiles of its readings (a rep, a lift into a hold), or, for an exercise with holds, stays in its active
# state on at least HELD_MIN_ACTIVE_SHARE of them (a plank, a bridge or a side plank held still from the first frame).
# Measured over the posture's frames: rendered lying exercises swing their own driver 1.4-20 times its hysteresis (the
# oblique bridge least, and it is active on 100 % of them), rendered and real planks hold theirs active on 100 %, real
# bridges swing 4.8-7.9 times, the real bird dog 1.3 times; a body lying still swings them 0 times. None of these
# clips changes its recognition; the front-on rendered bridge, which MediaPipe reads as kneeling still (its bridge
# driver unreadable, no driver moving), is now "no exercise" instead of a bird dog.
# A body whose every exercise driver stays within its hysteresis makes no exercise's motion: lying there is no
# exercise. These are the motions' own limits; no threshold is set here.
MOVING_PERCENTILES = (5.0, 95.0)
HELD_MIN_ACTIVE_SHARE = 0.5


@dataclass(frozen=True)
class Recognition:
    exercise: str | None  # None when no exercise reached MIN_CONFIDENCE, or the clip shows an unsupported one
    confidence: float
    scores: Mapping[str, float]
    # What the clip looks like when it is none of the exercises formcheck checks: one of UNSUPPORTED, else None.
    unsupported: str | None = None


def _logistic(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-x)))


def _posture_masks(features: Mapping[str, FloatArray]) -> dict[str, npt.NDArray[np.bool_]]:
    body_angle = features["body_to_horizontal_deg"]
    facing_down = features["ventral_downward_ratio"]
    hip_height = features["hip_height_norm"]
    known = ~np.isnan(body_angle) & ~np.isnan(facing_down)
    with np.errstate(invalid="ignore"):
        upright = known & (body_angle >= UPRIGHT_MIN_BODY_TO_HORIZONTAL_DEG)
        lying = known & ~upright
        face_down = lying & (facing_down >= FACE_DOWN_MIN_RATIO)
        # Face down with the shoulders bobbing is push-ups, not a plank: such frames count for no posture.
        moving = features["shoulder_bob_norm"] > STILL_MAX_SHOULDER_BOB_NORM
        # On all fours the hips stand high over the knees, or (where the world hip height reads low) a knee is
        # folded under still shoulders; a plank's legs are straight. (Moving, such a frame is the bottom of a lift.)
        kneeling = (features["world_knee_bend_deg"] <= QUADRUPED_MAX_KNEE_DEG) & ~moving
        quadruped = face_down & ((hip_height >= QUADRUPED_MIN_HIP_HEIGHT_NORM) | kneeling)
    return {
        "known": known,
        "upright": upright,
        "supine": lying & (facing_down <= -FACE_DOWN_MIN_RATIO),
        "quadruped": quadruped,
        "prone": face_down & ~quadruped & ~moving,
        "side_lying": lying
        & (np.abs(facing_down) < FACE_DOWN_MIN_RATIO)
        & (np.abs(features["left_side_down_ratio"]) >= SIDE_LYING_MIN_LEFT_SIDE_DOWN_RATIO),
        "face_down": face_down,
        "face_down_moving": face_down & moving,
        "face_down_swinging": face_down & (features["shoulder_swing_norm"] > STILL_MAX_SHOULDER_BOB_NORM),
    }


def _posture_shares(masks: Mapping[str, npt.NDArray[np.bool_]]) -> dict[Posture, float]:
    total = max(int(masks["known"].sum()), 1)
    return {posture: masks[posture].sum() / total for posture in Posture}


def _median_where(chosen: npt.NDArray[np.bool_], values: FloatArray) -> float:
    """Median of ``values`` on the chosen frames; NaN (quietly) when none of them has a value."""
    picked = values[chosen & np.isfinite(values)]
    return float(np.median(picked)) if picked.size else float("nan")


def _looks_like_pushups(features: Mapping[str, FloatArray]) -> bool:
    """Elbows bending and straightening again and again (not one change of grip, e.g. high plank → forearms)."""
    elbow = features["elbow_deg"][np.isfinite(features["elbow_deg"])]
    if elbow.size < 10:
        return False
    low, high = np.percentile(elbow, [10, 90])
    if high - low < PUSHUP_MIN_ELBOW_RANGE_DEG:
        return False
    middle, band = (low + high) / 2, (high - low) / 4
    states = np.where(elbow < middle - band, -1, np.where(elbow > middle + band, 1, 0))
    decided = states[states != 0]
    changes = int(np.count_nonzero(np.diff(decided)))
    return changes >= PUSHUP_MIN_ELBOW_SWINGS


def _looks_like_pushing(features: Mapping[str, FloatArray], masks: Mapping[str, npt.NDArray[np.bool_]]) -> bool:
    """The shoulders of the face-down frames (with readings) both bob and swing like push-ups."""
    measured = masks["face_down"] & np.isfinite(features["shoulder_bob_norm"])
    count = max(int(measured.sum()), 1)
    moving = (masks["face_down_moving"] & measured).sum() / count
    swinging = (masks["face_down_swinging"] & measured).sum() / count
    return bool(moving >= PUSHUP_MIN_MOVING_SHARE and swinging >= PUSHUP_MIN_SWING_SHARE)


def _upright_unsupported(features: Mapping[str, FloatArray], upright: npt.NDArray[np.bool_]) -> str | None:
    """LUNGE, NO_EXERCISE or None for a clip that is mostly upright."""
    shoulder = features["shoulder_height_norm"]
    measured = upright & np.isfinite(shoulder)
    if measured.sum() < MIN_MEASURED_SHARE * upright.sum():
        return None  # the feet are too often unseen to say the person never went down
    if np.nanmin(shoulder[measured]) > MOVED_MAX_SHOULDER_HEIGHT_NORM:
        return NO_EXERCISE
    deep = measured & (shoulder <= np.nanquantile(shoulder[measured], DEEPEST_SHARE))
    split = _median_where(deep, features["thigh_split_deg"])
    return LUNGE if np.isfinite(split) and split >= LUNGE_MIN_THIGH_SPLIT_DEG else None


def _swings(progress: FloatArray, motion: Motion) -> bool:
    """The driver's readings swing through the motion's hysteresis (enter to exit): a rep, or a lift into a hold."""
    low, high = np.percentile(progress, MOVING_PERCENTILES)
    return bool(high - low >= abs(motion.enter - motion.exit))


def _makes_motion_of(exercise: Exercise, features: Mapping[str, FloatArray], frames: npt.NDArray[np.bool_]) -> bool:
    """The exercise's driver, on ``frames`` and within its gates, swings or (for a held exercise) stays active."""
    motion = exercise.motion
    progress = motion_progress(motion, features)[frames]
    progress = progress[np.isfinite(progress)]
    if progress.size == 0:
        return False  # its gates never let the driver be read: the body never took the exercise's position
    enter = motion.enter if motion.active_when == "above" else -motion.enter
    held = motion.times_holds and np.mean(progress >= enter) >= HELD_MIN_ACTIVE_SHARE
    return _swings(progress, motion) or bool(held)


def _moves_like_any_exercise(features: Mapping[str, FloatArray], frames: npt.NDArray[np.bool_]) -> bool:
    """Some exercise's driver, read without its gates, swings on ``frames``: the body moves as in an exercise, even
    where the posture is misread (a bridge filmed from the feet can read face down)."""
    for exercise in EXERCISES.values():
        driver = features[exercise.motion.driver][frames]
        driver = driver[np.isfinite(driver)]
        if driver.size and _swings(driver, exercise.motion):
            return True
    return False


def _lying_unsupported(features: Mapping[str, FloatArray], masks: Mapping[str, npt.NDArray[np.bool_]]) -> float:
    """Share of the clip in a lying posture where the body makes none of the exercises' motions (0 when it does)."""
    total = max(int(masks["known"].sum()), 1)
    for posture in Posture:
        share = masks[posture].sum() / total
        exercises = [e for e in EXERCISES.values() if e.looks.posture is posture]
        if posture is Posture.UPRIGHT or share < MIN_POSTURE_SHARE or not exercises:
            continue
        frames = masks[posture]
        if not any(_makes_motion_of(e, features, frames) for e in exercises):
            return 0.0 if _moves_like_any_exercise(features, frames) else float(share)
    return 0.0


def recognize_unsupported(features: Mapping[str, FloatArray]) -> Recognition | None:
    """A recognition naming what the clip shows when that is none of the exercises formcheck checks, else None."""
    masks = _posture_masks(features)
    total = max(int(masks["known"].sum()), 1)
    face_down = masks["face_down"].sum() / total
    if face_down >= MIN_POSTURE_SHARE and _looks_like_pushing(features, masks):
        return Recognition(exercise=None, confidence=float(face_down), scores={}, unsupported=PUSHUP)
    upright = masks["upright"].sum() / total
    if upright >= MIN_POSTURE_SHARE:
        unsupported = _upright_unsupported(features, masks["upright"])
        if unsupported is not None:
            return Recognition(exercise=None, confidence=float(upright), scores={}, unsupported=unsupported)
    lying_still = _lying_unsupported(features, masks)
    if lying_still > 0:
        return Recognition(exercise=None, confidence=lying_still, scores={}, unsupported=NO_EXERCISE)
    return None


def _deepest_frames(features: Mapping[str, FloatArray]) -> npt.NDArray[np.bool_] | None:
    """The tenth of the clip where the shoulders are lowest; None when the person never went down."""
    shoulder = features["shoulder_height_norm"]
    if np.all(np.isnan(shoulder)) or np.nanmin(shoulder) > MOVED_MAX_SHOULDER_HEIGHT_NORM:
        return None
    with np.errstate(invalid="ignore"):
        return np.asarray(shoulder <= np.nanquantile(shoulder, DEEPEST_SHARE), dtype=bool)


def _sign_vote(sign: Sign, features: Mapping[str, FloatArray], frames: npt.NDArray[np.bool_]) -> float:
    """How well the median of the sign's feature over ``frames`` meets it, in [0, 1]; 0.5 when it cannot be read."""
    value = _median_where(frames, features[sign.feature])
    if not np.isfinite(value):
        return 0.5
    if sign.above is not None:
        return _logistic((value - sign.above) / sign.scale)
    assert sign.below is not None  # the registry checks that a sign has exactly one bound
    return _logistic((sign.below - value) / sign.scale)


def _looks_vote(
    looks: Looks, features: Mapping[str, FloatArray], posture: npt.NDArray[np.bool_], deepest: _Frames
) -> tuple[float | None, float]:
    """(vote in [0, 1] from the two-sided signs, or None without any; bonus in [0, 1] from the one-sided ones)."""
    votes: list[tuple[float, float]] = []
    bonus = 0.0
    for sign in looks.signs:
        frames = posture if sign.frames == "posture" else deepest
        if frames is None:
            return 0.0, 0.0  # a sign read at the bottom of a movement that never happened
        vote = _sign_vote(sign, features, frames)
        if sign.one_sided:
            bonus = max(bonus, sign.weight * max(0.0, 2.0 * vote - 1.0))
        else:
            votes.append((vote, sign.weight))
    if not votes:
        return None, bonus
    return sum(v * w for v, w in votes) / sum(w for _, w in votes), bonus


def _posture_probabilities(
    rivals: Mapping[str, Looks], features: Mapping[str, FloatArray], posture: npt.NDArray[np.bool_], deepest: _Frames
) -> dict[str, float]:
    """P(exercise | posture) over the exercises that share a posture: their votes normalised, then each met
    one-sided sign moves probability to its exercise from the others in proportion. An exercise without signs of
    its own is what the posture is when no rival's signs are met: its vote is one minus the best rival's (a face-down
    still body is a plank unless it shows another exercise's signs). The only exercise of a posture that declares
    signs keeps its vote as its probability: its signs unmet, the posture is something else (a body tracked lying
    on its side for a moment of a deadlift is no side plank)."""
    scored = {name: _looks_vote(looks, features, posture, deepest) for name, looks in rivals.items()}
    if len(scored) == 1:
        ((name, (vote, _)),) = scored.items()
        return {name: 1.0 if vote is None else vote}
    best_signed = max((vote for vote, _ in scored.values() if vote is not None), default=0.0)
    votes = {name: (1.0 - best_signed if vote is None else vote) for name, (vote, _) in scored.items()}
    total = sum(votes.values())
    if total <= 0:
        return dict.fromkeys(rivals, 0.0)
    probabilities = {name: vote / total for name, vote in votes.items()}
    for name, (_, bonus) in scored.items():
        rest = 1.0 - probabilities[name]
        if bonus <= 0 or rest <= 0:
            continue
        gain = rest * bonus
        for other in probabilities:
            if other != name:
                probabilities[other] *= (rest - gain) / rest
        probabilities[name] += gain
    return probabilities


def recognize_exercise(features: Mapping[str, FloatArray], exercises: Mapping[str, Looks] | None = None) -> Recognition:
    """Which registered exercise (or ``exercises``: name -> looks) the clip shows, from its posture and signs."""
    unsupported = recognize_unsupported(features)
    if unsupported is not None:
        return unsupported
    candidates = exercises if exercises is not None else {name: e.looks for name, e in EXERCISES.items()}
    masks = _posture_masks(features)
    if _looks_like_pushups(features):
        masks[Posture.PRONE] = np.zeros_like(masks[Posture.PRONE])  # face down, elbows swinging: push-ups
    shares = _posture_shares(masks)
    # Confidence needs most of the clip in a posture some exercise has: a clip spent lying on the side is not
    # a bridge because a few of its frames are face up.
    claimed = {looks.posture for looks in candidates.values()}
    coverage = min(1.0, max((shares[posture] for posture in claimed), default=0.0) / MIN_POSTURE_SHARE)
    deepest = _deepest_frames(features)
    scores: dict[str, float] = {}
    for posture in Posture:
        rivals = {name: looks for name, looks in candidates.items() if looks.posture is posture}
        for name, probability in _posture_probabilities(rivals, features, masks[posture], deepest).items():
            scores[name] = shares[posture] * probability
    total = sum(scores.values())
    if total <= 0:
        return Recognition(exercise=None, confidence=0.0, scores=scores)
    normalised = {name: coverage * score / total for name, score in scores.items()}
    best = max(normalised, key=lambda name: normalised[name])
    confidence = normalised[best]
    return Recognition(
        exercise=best if confidence >= MIN_CONFIDENCE else None, confidence=confidence, scores=normalised
    )
