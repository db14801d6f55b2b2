"""Which equipment a set is done with, and which checks apply to it.

A check may be about one piece of equipment (the deadlift's ``bar_drift`` is about a barbell's path). When the person
says what they lift with, checks about other equipment do not apply. When they do not say ("auto"), formcheck uses a
piece of equipment only where it sees it: a barbell is *seen* as a grip wider than the shoulders, held for a while,
both wrists visible (3-D world landmarks; front and oblique views). From the side the far wrist is hidden, so a
barbell is never seen there and the bar's path is left unjudged rather than guessed: a kettlebell held between the
legs moves the hands the way a drifting bar does (on unseen kettlebell deadlifts ``bar_drift`` fired on every rep).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from formcheck.exercises.spec import EQUIPMENT, EQUIPMENT_AUTO, Exercise
from formcheck.features import FEATURES, Body
from formcheck.judge import visible
from formcheck.report import NotChecked
from formcheck.reps import frame_step_s
from formcheck.types import FloatArray, FormcheckError

# Real barbell deadlifts seen from the front or obliquely read 1.3-1.9 shoulder widths between the wrists (median
# over the set); hands together on a kettlebell read well under 1, and dumbbells hanging at the sides about the width
# of the hips, under 1.2. Side views read 0.6-0.8 where the far wrist is found at all.
BAR_GRIP_MIN_RATIO = 1.2
MIN_BAR_GRIP_S = 1.0

EQUIPMENT_TITLES = {
    EQUIPMENT_AUTO: "Not said (formcheck uses what it sees)",
    "barbell": "Barbell",
    "trap_bar": "Trap (hex) bar",
    "kettlebell": "Kettlebell",
    "dumbbell": "Dumbbells",
    "none": "No weight",
}


@dataclass(frozen=True)
class EquipmentUse:
    chosen: str  # as the person said it, or "auto"
    used: str | None  # what the checks assumed: the chosen equipment, or what the clip showed; None: unknown
    not_checked: tuple[NotChecked, ...] = ()


def validate_equipment(name: str) -> str:
    if name != EQUIPMENT_AUTO and name not in EQUIPMENT:
        raise FormcheckError(f"unknown equipment {name!r}; choose one of: {', '.join((EQUIPMENT_AUTO, *EQUIPMENT))}")
    return name


def seen_equipment(body: Body, features: Mapping[str, FloatArray], t_s: FloatArray) -> str | None:
    """ "barbell" when a bar grip is seen for at least :data:`MIN_BAR_GRIP_S`; else None (nothing is assumed)."""
    grip = features["grip_width_ratio"]
    seen = np.isfinite(grip) & visible(body, FEATURES["grip_width_ratio"].landmarks(body))
    if seen.sum() * frame_step_s(t_s) < MIN_BAR_GRIP_S:
        return None
    return "barbell" if float(np.median(grip[seen])) >= BAR_GRIP_MIN_RATIO else None


def for_equipment(
    exercise: Exercise, chosen: str, body: Body, features: Mapping[str, FloatArray], t_s: FloatArray
) -> tuple[Exercise, EquipmentUse]:
    """``exercise`` without the checks that do not apply to the equipment, and what was assumed."""
    validate_equipment(chosen)
    if not exercise.equipment:
        return exercise, EquipmentUse(chosen, None)
    used = seen_equipment(body, features, t_s) if chosen == EQUIPMENT_AUTO else chosen
    kept, dropped = [], []
    for check in exercise.checks:
        if not check.equipment or used in check.equipment:
            kept.append(check)
        else:
            dropped.append(NotChecked(check.code, _why_not(check.equipment, chosen, used)))
    return replace(exercise, checks=tuple(kept)), EquipmentUse(chosen, used, tuple(dropped))


def _why_not(about: tuple[str, ...], chosen: str, used: str | None) -> str:
    about_text = " or ".join(EQUIPMENT_TITLES[name].lower() for name in about)
    if chosen == EQUIPMENT_AUTO:
        return (
            f"it is about a {about_text}, and formcheck could not see one in this clip — choose the equipment "
            "if you use one"
        )
    return f"it is about a {about_text}; this set was done with: {EQUIPMENT_TITLES[used or chosen].lower()}"
