"""Recognise which of the five exercises a clip shows, from view-independent (world-landmark) features.

Each frame with a pose gets a posture: *upright* (standing or hinged: the ankle–shoulder line within 40° of
vertical), *supine* (face up, lying), *quadruped* (face down, hips high over the ankles) or *prone* (face down,
hips low and the shoulders still: a plank; bobbing shoulders are push-ups and count for no posture). Upright clips
are split into deadlift and squat at their deepest frames: a deadlift holds the bar low (wrists below ~half leg
length) and keeps the hips high, a squat sits the hips down.

Confidence is a probability-like score in [0, 1]; below :data:`MIN_CONFIDENCE` the caller should ask the person to
choose instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from formcheck.features import STILL_MAX_SHOULDER_BOB_NORM
from formcheck.types import FloatArray

MIN_CONFIDENCE = 0.6

UPRIGHT_MIN_BODY_TO_HORIZONTAL_DEG = 50.0
FACE_DOWN_MIN_RATIO = 0.5
QUADRUPED_MIN_HIP_HEIGHT_NORM = 0.42
# Upright clips whose shoulders never drop below this (fraction of standing height) did not exercise.
MOVED_MAX_SHOULDER_HEIGHT_NORM = 0.85
DEEPEST_SHARE = 0.1
DEADLIFT_MAX_WRIST_HEIGHT_NORM = 0.5
DEADLIFT_MIN_HIP_HEIGHT_NORM = 0.6
WRIST_WEIGHT = 0.7
HINGE_WEIGHT = 0.3  # knees bent much less than the hips fold: a hinge, whatever the hands hold
HINGE_MIN_KNEE_MINUS_HIP_DEG = 30.0
# Face down with the elbows bending and straightening through this range (10th–90th percentile) is a push-up, which
# formcheck does not judge: a plank holds its elbows still (real planks: ≤ 20°; real push-ups: 50–90°).
PUSHUP_MIN_ELBOW_RANGE_DEG = 40.0
PUSHUP_MIN_ELBOW_SWINGS = 3  # bent → straight → bent: at least one and a half push-ups
# A third of the frames may be spent walking in, lying down or getting up before confidence suffers.
MIN_POSTURE_SHARE = 0.67


@dataclass(frozen=True)
class Recognition:
    exercise: str | None  # None when no exercise reached MIN_CONFIDENCE
    confidence: float
    scores: Mapping[str, float]

    @property
    def best_guess(self) -> str:
        return max(self.scores, key=lambda name: self.scores[name])


def _logistic(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-x)))


def _posture_shares(features: Mapping[str, FloatArray]) -> dict[str, float]:
    body_angle = features["body_to_horizontal_deg"]
    facing_down = features["ventral_downward_ratio"]
    hip_height = features["hip_height_norm"]
    known = ~np.isnan(body_angle) & ~np.isnan(facing_down)
    with np.errstate(invalid="ignore"):
        upright = known & (body_angle >= UPRIGHT_MIN_BODY_TO_HORIZONTAL_DEG)
        lying = known & ~upright
        supine = lying & (facing_down <= -FACE_DOWN_MIN_RATIO)
        prone = lying & (facing_down >= FACE_DOWN_MIN_RATIO)
        quadruped = prone & (hip_height >= QUADRUPED_MIN_HIP_HEIGHT_NORM)
        # Face down with the shoulders bobbing is push-ups, not a plank: such frames count for no posture.
        moving = features["shoulder_bob_norm"] > STILL_MAX_SHOULDER_BOB_NORM
    total = max(int(known.sum()), 1)
    return {
        "upright": upright.sum() / total,
        "supine": supine.sum() / total,
        "quadruped": quadruped.sum() / total,
        "prone": (prone & ~quadruped & ~moving).sum() / total,
    }


def _median_where(chosen: npt.NDArray[np.bool_], values: FloatArray) -> float:
    """Median of ``values`` on the chosen frames; NaN (quietly) when none of them has a value."""
    picked = values[chosen & np.isfinite(values)]
    return float(np.median(picked)) if picked.size else float("nan")


def _deadlift_probability(features: Mapping[str, FloatArray]) -> float | None:
    """P(deadlift | upright and moving), from the deepest frames; None if the person never went down."""
    shoulder = features["shoulder_height_norm"]
    if np.all(np.isnan(shoulder)) or np.nanmin(shoulder) > MOVED_MAX_SHOULDER_HEIGHT_NORM:
        return None
    deep = shoulder <= np.nanquantile(shoulder, DEEPEST_SHARE)
    wrist = _median_where(deep, features["wrist_height_norm"])
    hips = _median_where(deep, features["hip_height_norm"])
    hinge = _median_where(deep, features["world_knee_minus_hip_deg"])
    wrist_vote = _logistic((DEADLIFT_MAX_WRIST_HEIGHT_NORM - wrist) / 0.08) if np.isfinite(wrist) else 0.5
    hip_vote = _logistic((hips - DEADLIFT_MIN_HIP_HEIGHT_NORM) / 0.04) if np.isfinite(hips) else 0.5
    # Hands low at the bottom is the stronger sign (a bar on the floor); hip height separates hinge from squat
    # less reliably, since a squatted deadlift (a fault we must still judge) sits the hips low too.
    deadlift = WRIST_WEIGHT * wrist_vote + (1.0 - WRIST_WEIGHT) * hip_vote
    # A clear hinge shape (hips folded far more than the knees bend) moves an undecided clip toward the deadlift,
    # e.g. a hinge with the hands only to the knees. One-sided: world landmarks of real lifters behind a loaded bar
    # often read the knees as bent as the hips, so its absence is not evidence against a deadlift.
    if np.isfinite(hinge):
        clear_hinge = 2.0 * _logistic((hinge - HINGE_MIN_KNEE_MINUS_HIP_DEG) / 6.0) - 1.0
        deadlift += (1.0 - deadlift) * HINGE_WEIGHT * max(0.0, clear_hinge)
    return deadlift


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


def recognize_exercise(features: Mapping[str, FloatArray]) -> Recognition:
    shares = _posture_shares(features)
    coverage = min(1.0, max(shares.values()) / MIN_POSTURE_SHARE)
    scores = {
        "glute_bridge": shares["supine"],
        "bird_dog": shares["quadruped"],
        "plank": 0.0 if _looks_like_pushups(features) else shares["prone"],
        "deadlift": 0.0,
        "squat": 0.0,
    }
    deadlift = _deadlift_probability(features)
    if deadlift is not None:
        scores["deadlift"] = shares["upright"] * deadlift
        scores["squat"] = shares["upright"] * (1.0 - deadlift)
    total = sum(scores.values())
    if total <= 0:
        return Recognition(exercise=None, confidence=0.0, scores=scores)
    normalised = {name: coverage * score / total for name, score in scores.items()}
    best = max(normalised, key=lambda name: normalised[name])
    confidence = normalised[best]
    return Recognition(
        exercise=best if confidence >= MIN_CONFIDENCE else None, confidence=confidence, scores=normalised
    )
