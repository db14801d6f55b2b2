"""The vocabulary an exercise file is written in: motion, phases, checks and threshold profiles.

Units live in names: a threshold parameter is called ``max_deg``, ``min_norm``, ``max_ratio`` … with the unit of
the feature it bounds; durations end in ``_s``. Every threshold has one value per profile, in the order of
:data:`PROFILES` (gentle, standard, strict): gentle lets more through, strict catches smaller deviations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import numpy as np

from formcheck.geometry import SIDE_VIEW_MIN_YAW_DEG, View
from formcheck.types import BoolArray, FloatArray

PROFILES = ("gentle", "standard", "strict")

# What a person may lift with, for exercises whose checks depend on it (a bar's path means nothing for a kettlebell
# held between the legs). "auto": not said; formcheck then uses a piece of equipment only where it sees it.
EQUIPMENT_AUTO = "auto"
EQUIPMENT = ("barbell", "trap_bar", "kettlebell", "dumbbell", "none")

# The four states of the motion machine (see formcheck.reps); each exercise gives them its own phase names.
MOTION_STATES = ("rest", "away", "active", "back")

Direction = Literal["above", "below"]
Aggregate = Literal["frame", "max", "min", "best", "median", "rise_from_extreme"]


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class Gate:
    """A range one feature must be in: for the motion to be tracked at all (lying face up for a bridge), for a check
    to apply (``Check.only_when``) or for a pose to be possible in the exercise (``Exercise.plausible``)."""

    feature: str
    min_value: float = float("-inf")
    max_value: float = float("inf")

    def rejects(self, values: FloatArray) -> BoolArray:
        """Frames whose reading is known and outside the range (an unknown reading is not rejected)."""
        with np.errstate(invalid="ignore"):
            return np.asarray((values < self.min_value) | (values > self.max_value), dtype=bool)


@dataclass(frozen=True)
class Motion:
    """A hysteresis machine on one driver feature.

    The person is *active* (bottom of a squat, top of a bridge, in a plank) once the driver passes ``enter`` in
    the ``active_when`` direction, and back at *rest* once it passes ``exit`` the other way; in between they are
    moving *away* from rest or *back* to it. ``phase_names`` names the four states for this exercise.
    """

    driver: str
    active_when: Direction
    enter: float
    exit: float
    phase_names: Mapping[str, str]
    counts_reps: bool = True
    times_holds: bool = False
    min_hold_s: float = 0.0
    # A deadlift clip may begin with the lifter already at the bar: that first pull is a rep.
    first_rep_may_start_active: bool = False
    # Feature whose sign during the active phase names the rep's (and the hold's) side (+ left, − right); None: no side.
    side_feature: str | None = None
    # The rate of change (per second, either way) of ``hold_settled_feature`` above which a hold has not settled yet:
    # the first and last active frames where it still moves faster are the way in and out (see
    # formcheck.reps.settle_holds). None: the whole active run is the hold.
    hold_settled_max_rate: float | None = None
    # What settles at the start of a hold when that is not the driver (a plank is flat before its hips are in line).
    hold_settled_feature: str | None = None
    gates: tuple[Gate, ...] = ()
    # Views from which the driver can be followed. When the motion is lost on another view, the report asks for
    # the first of these instead of a bare "no rep found".
    views: tuple[View, ...] = (View.SIDE, View.OBLIQUE, View.FRONT)


@dataclass(frozen=True)
class Limit:
    """One bound of a check: ``feature`` must stay ≤ (kind "max") or ≥ (kind "min") the parameter ``param``."""

    feature: str
    kind: Literal["max", "min"]
    param: str


@dataclass(frozen=True)
class Check:
    """One fault the exercise looks for; ``code`` is the fault code in reports.

    ``thresholds`` maps each limit's ``param`` to its (gentle, standard, strict) values. ``combine``: "any" —
    a fault when any limit is broken; "all_available" — a fault only when every limit whose feature can be
    measured in that frame is broken (cautious evidence fusion), unjudged when none can. ``aggregate``:
    "frame" judges every frame; "max"/"min" judge the near-extreme (90th/10th percentile, robust to one noisy
    frame) over each contiguous run of the check's phases; "best" the near-extreme in the person's favour for each
    limit (near-max for a lower bound, near-min for an upper bound: a fault only if even the best moment is out);
    "median" the typical value over such a run (for noisy evidence that separates only on average, like the back
    outline); "rise_from_extreme" judges how far the feature climbs after the run's deepest frame: where the motion
    driver went furthest, or where the feature ``rise_from_lowest`` is lowest.
    """

    code: str
    limits: tuple[Limit, ...]
    thresholds: Mapping[str, tuple[float, float, float]]
    phases: tuple[str, ...]
    views: tuple[View, ...]
    severity: Severity
    cue: str
    why: str
    combine: Literal["any", "all_available"] = "any"
    aggregate: Aggregate = "frame"
    min_duration_s: float = 0.3
    # Frames outside these ranges are not judged by this check at all (neither fault nor unjudged): the situation
    # the check is about is not happening, or the landmarks contradict each other (e.g. an ankle above the knee
    # of a standing person is a tracking error, not a shin angle).
    only_when: tuple[Gate, ...] = ()
    # When ``only_when`` leaves none of the check's frames because of how the whole set is done (not a tracking
    # error), the report lists the check as not checked with this reason, which says how to have it checked; None:
    # such sets are passed over silently.
    not_applicable_reason: str | None = None
    # Judge only after the first rep has ended: the finish of a rep, not the set-up before the first one.
    after_first_rep: bool = False
    # rise_from_extreme only: measure from the frame where this feature is lowest, not the motion's deepest frame.
    rise_from_lowest: str | None = None
    # The equipment this check is about (empty: any). With other equipment the check does not apply at all; with
    # "auto" it applies only when the clip shows that equipment (see formcheck.equipment).
    equipment: tuple[str, ...] = ()
    # For a check judged from the side, its own side-view boundary: the estimated camera yaw (see
    # formcheck.geometry.camera_yaw_deg) from which it counts as side-on. Below the exercise's
    # ``side_view_min_yaw_deg`` for a measure that stays close to its side-view value on cameras turned further off
    # the side; above it for a measure that a small turn already moves (it is judged only squarely side-on).
    # None: the exercise's boundary.
    side_view_min_yaw_deg: float | None = None


@dataclass(frozen=True)
class Metric:
    """A per-rep number: ``aggregate`` of ``feature`` over the rep's frames in ``phases`` (empty: the whole rep)."""

    name: str
    feature: str
    aggregate: Literal["max", "min", "mean"]
    phases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variant:
    """Tells variants apart by the median of ``feature`` over active frames (e.g. forearm vs high plank)."""

    feature: str
    split: float
    below: str
    above: str


class Posture(StrEnum):
    """How the body lies or stands most of a clip (see formcheck.recognize, which reads it from world landmarks)."""

    UPRIGHT = "upright"  # standing or hinged: the ankle-shoulder line steep
    SUPINE = "supine"  # lying face up
    PRONE = "prone"  # face down, hips low, shoulders still
    QUADRUPED = "quadruped"  # face down on hands and knees, hips high
    SIDE_LYING = "side_lying"  # lying with the front of the body facing sideways


@dataclass(frozen=True)
class Sign:
    """One piece of evidence that tells an exercise from others of the same posture: the median of ``feature``
    lies above ``above`` or below ``below``, softened over ``scale`` (in the feature's unit) into a vote in [0, 1].

    ``frames``: "posture" reads the frames in the exercise's posture, "deepest" the tenth of the clip where the
    shoulders are lowest (the bottom of a squat or a hinge). ``weight``: this sign's share of the vote. A
    ``one_sided`` sign only ever adds to the exercise's probability (taken from its rivals in the posture) when it is
    met, and says nothing when it is not: evidence whose absence is common in the exercise itself.
    """

    feature: str
    above: float | None = None
    below: float | None = None
    scale: float = 1.0
    weight: float = 1.0
    frames: Literal["posture", "deepest"] = "posture"
    one_sided: bool = False


@dataclass(frozen=True)
class Looks:
    """What the exercise looks like, for recognising it in a clip: its posture, and the signs that tell it from the
    other exercises of that posture (none needed when it is the only one)."""

    posture: Posture
    signs: tuple[Sign, ...] = ()


@dataclass(frozen=True)
class Unmeasured:
    """A fault the exercise is known for that no measure catches from one camera yet (shown on renders and real
    clips, see docs/evaluation.md). Every report lists it as not checked, with ``reason`` saying how to watch for it,
    so that formcheck's silence on it is not read as a pass."""

    code: str
    reason: str


@dataclass(frozen=True)
class Exercise:
    name: str
    title: str
    motion: Motion
    checks: tuple[Check, ...]
    looks: Looks
    metrics: tuple[Metric, ...] = ()
    variant: Variant | None = None
    description: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
    # A pose outside these ranges cannot happen in this exercise (a knee folded flat mid-deadlift): it is a tracking
    # error, and the frame is treated as one without a pose. Unknown readings (NaN) pass.
    plausible: tuple[Gate, ...] = ()
    # Estimated camera yaw from which frames count as a side view (see formcheck.geometry.camera_yaw_deg).
    side_view_min_yaw_deg: float = SIDE_VIEW_MIN_YAW_DEG
    # Readings a frame must also show to count as a side view (else it is oblique), for exercises whose body the
    # yaw estimate reads badly.
    side_view_requires: tuple[Gate, ...] = ()
    # The equipment the exercise may be done with (offered in the app, CLI and live coach); empty: not asked.
    equipment: tuple[str, ...] = ()
    unmeasured: tuple[Unmeasured, ...] = ()

    @property
    def phases(self) -> tuple[str, ...]:
        return tuple(self.motion.phase_names[state] for state in MOTION_STATES)

    @property
    def main_view(self) -> View:
        """The view most of the exercise's checks are judged from (the first named on a tie): where the camera goes."""
        views = Counter(check.views[0] for check in self.checks)
        return views.most_common(1)[0][0] if views else View.SIDE

    def check(self, code: str) -> Check:
        for check in self.checks:
            if check.code == code:
                return check
        raise KeyError(f"{self.name} has no check {code!r}")
