"""Motion scripts: per exercise, a posture per frame (``PoseSpec``) with planted faults and their labels.

Every module of this package except ``motion_script`` (what they share) is one exercise's script, named
``EXERCISE_motion``: it declares ``MOTION = ExerciseMotion(...)`` (its variants, its faults with their units and
meanings, its builder), and every list of exercises, variants and faults below is read from those declarations.

Every fault is planted as an exact change of one angle (or distance, or time), by ``magnitude`` in its unit;
``FAULT_UNITS`` says what the number means. A fault's per-frame intensity (0 … magnitude) is kept, and its label
spans the frames where the intensity is at least half the magnitude.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from types import MappingProxyType

from formcheck.synth.kinematics import Skeleton
from formcheck.synth.motions.motion_script import ClipPlan, ExerciseMotion, MotionScript, PlantedFault, ease, lerp

__all__ = [
    "EXERCISES",
    "FAULTS",
    "FAULT_UNITS",
    "FRONT_ONLY_FAULTS",
    "MOTIONS",
    "VARIANTS",
    "ClipPlan",
    "ExerciseMotion",
    "MotionScript",
    "PlantedFault",
    "build_motion",
    "ease",
    "lerp",
]

_SHARED_MODULES = frozenset({"motion_script"})


def _discover() -> dict[str, ExerciseMotion]:
    found: dict[str, ExerciseMotion] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name in _SHARED_MODULES:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        motion = getattr(module, "MOTION", None)
        if not isinstance(motion, ExerciseMotion):
            raise TypeError(f"{module.__name__} must define MOTION = ExerciseMotion(...)")
        if motion.exercise in found:
            raise TypeError(f"{module.__name__}: exercise {motion.exercise!r} is declared twice")
        found[motion.exercise] = motion
    return found


def _fault_units(motions: Mapping[str, ExerciseMotion]) -> dict[str, tuple[str, str]]:
    """code -> (unit, meaning); a code several exercises use keeps one unit, its meanings are named per exercise."""
    by_code: dict[str, list[tuple[str, PlantedFault]]] = {}
    for motion in motions.values():
        for code, fault in motion.faults.items():
            by_code.setdefault(code, []).append((motion.exercise, fault))
    units: dict[str, tuple[str, str]] = {}
    for code, uses in by_code.items():
        if len({fault.unit for _, fault in uses}) > 1:
            raise TypeError(f"fault {code!r} has different units in {', '.join(name for name, _ in uses)}")
        meanings = {fault.meaning for _, fault in uses}
        meaning = uses[0][1].meaning if len(meanings) == 1 else "; ".join(f"{name}: {f.meaning}" for name, f in uses)
        units[code] = (uses[0][1].unit, meaning)
    return units


MOTIONS: Mapping[str, ExerciseMotion] = MappingProxyType(_discover())
EXERCISES: tuple[str, ...] = tuple(MOTIONS)
VARIANTS: dict[str, tuple[str, ...]] = {name: motion.variants for name, motion in MOTIONS.items()}
FAULTS: dict[str, tuple[str, ...]] = {name: tuple(motion.faults) for name, motion in MOTIONS.items()}
FAULT_UNITS: dict[str, tuple[str, str]] = _fault_units(MOTIONS)
FRONT_ONLY_FAULTS = frozenset(
    code for motion in MOTIONS.values() for code, fault in motion.faults.items() if fault.front_only
)


def build_motion(plan: ClipPlan, skeleton: Skeleton) -> MotionScript:
    plan.validate()
    return MOTIONS[plan.exercise].build(plan, skeleton)
