"""Registry of exercises: every module in this package (except ``spec``) is one exercise.

Adding an exercise is adding one file, which holds everything about it: ``EXERCISE = Exercise(...)`` (motion,
checks with their thresholds, cues and whys, how it looks for recognition, equipment), the features only it reads
(registered with :func:`formcheck.features.feature` next to their functions), and ``SCENARIO``, its stick-figure
test motion (:mod:`formcheck.testing.stick_scenario`). Every list of exercises (command-line choices, the app's
pickers, recognition, evaluation, placement advice) is read from this registry. An exercise file outside the
package is added with :func:`load_exercise_file`.

The registry validates every declaration when it is added and raises
:class:`ExerciseDefinitionError` naming the exercise and the problem (unknown feature, duplicate name, unknown
phase, missing threshold profile …), so a broken declaration never reaches a user.

Thresholds: :func:`resolve_thresholds` picks a profile's values and applies per-person overrides, loaded by
:func:`load_overrides` from JSON or TOML shaped ``{exercise: {check_code: {param: value}}}``, e.g. ::

    [deadlift.rounded_back]
    max_deg = 20.0          # degrees, as the parameter name says
    min_duration_s = 0.5    # how long the fault must last before it is reported
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import pkgutil
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType, ModuleType

from formcheck.exercises.spec import EQUIPMENT, MOTION_STATES, PROFILES, Check, Exercise, Looks
from formcheck.features import FEATURES, unregister_feature
from formcheck.geometry import FRONT_VIEW_MAX_YAW_DEG, View
from formcheck.testing.stick_scenario import Scenario
from formcheck.types import FormcheckError

__all__ = [
    "DURATION_PARAM",
    "EXERCISES",
    "PROFILES",
    "ExerciseDefinitionError",
    "Overrides",
    "Thresholds",
    "get_exercise",
    "load_exercise_file",
    "load_overrides",
    "reads_back_outline",
    "resolve_thresholds",
    "scenario_of",
    "titles_in_words",
    "unregister_exercise",
]

DURATION_PARAM = "min_duration_s"
EXACT_SIDE_YAW_DEG = 90.0

Overrides = Mapping[str, Mapping[str, Mapping[str, float]]]
Thresholds = Mapping[str, Mapping[str, float]]  # check code -> param -> value


class ExerciseDefinitionError(ValueError):
    """An exercise file declares something inconsistent; raised at import."""


def _fail(exercise: str, problem: str) -> ExerciseDefinitionError:
    return ExerciseDefinitionError(f"exercise {exercise!r}: {problem}")


def _check_feature(exercise: str, where: str, name: str) -> None:
    if name not in FEATURES:
        raise _fail(exercise, f"{where} uses unknown feature {name!r} (known: {', '.join(sorted(FEATURES))})")


def _validate_check(exercise: Exercise, check: Check) -> None:
    where = f"check {check.code!r}"
    if not check.limits:
        raise _fail(exercise.name, f"{where} has no limits")
    for limit in check.limits:
        _check_feature(exercise.name, where, limit.feature)
        values = check.thresholds.get(limit.param)
        if values is None or len(values) != len(PROFILES):
            raise _fail(exercise.name, f"{where} needs {len(PROFILES)} values {PROFILES} for {limit.param!r}")
        if not limit.param.startswith(limit.kind):
            raise _fail(exercise.name, f"{where}: parameter {limit.param!r} must start with {limit.kind!r}")
    unused = set(check.thresholds) - {limit.param for limit in check.limits}
    if unused:
        raise _fail(exercise.name, f"{where} has thresholds no limit uses: {sorted(unused)}")
    unknown_phases = set(check.phases) - set(exercise.phases)
    if unknown_phases or not check.phases:
        raise _fail(exercise.name, f"{where} names unknown phases {sorted(unknown_phases)} (known {exercise.phases})")
    if not check.views:
        raise _fail(exercise.name, f"{where} needs at least one view")
    for gate in check.only_when:
        _check_feature(exercise.name, f"{where} only_when", gate.feature)
    if check.rise_from_lowest is not None:
        _check_feature(exercise.name, f"{where} rise_from_lowest", check.rise_from_lowest)
    if not set(check.equipment) <= set(exercise.equipment):
        raise _fail(exercise.name, f"{where} names equipment the exercise does not offer: {sorted(check.equipment)}")
    _validate_side_view_gate(exercise, check, where)


def _validate_side_view_gate(exercise: Exercise, check: Check, where: str) -> None:
    """A check's own side-view boundary, only for a check judged from the side, between the front view and the
    exact side view."""
    gate_deg = check.side_view_min_yaw_deg
    if gate_deg is None:
        return
    if View.SIDE not in check.views:
        raise _fail(exercise.name, f"{where} has a side_view_min_yaw_deg but is not judged from the side")
    if not FRONT_VIEW_MAX_YAW_DEG < gate_deg < EXACT_SIDE_YAW_DEG:
        raise _fail(
            exercise.name,
            f"{where}: side_view_min_yaw_deg {gate_deg:g} must lie above the front view ({FRONT_VIEW_MAX_YAW_DEG:g}°) "
            f"and below the exact side view ({EXACT_SIDE_YAW_DEG:g}°)",
        )


def _validate_looks(exercise: str, looks: Looks) -> None:
    for sign in looks.signs:
        where = f"recognition sign on {sign.feature!r}"
        _check_feature(exercise, where, sign.feature)
        if (sign.above is None) == (sign.below is None):
            raise _fail(exercise, f"{where} needs exactly one of 'above' and 'below'")
        if sign.scale <= 0 or sign.weight <= 0:
            raise _fail(exercise, f"{where} needs a positive scale and weight")


def validate_exercise(exercise: Exercise) -> None:
    motion = exercise.motion
    if set(motion.phase_names) != set(MOTION_STATES):
        raise _fail(exercise.name, f"phase_names must name exactly {MOTION_STATES}")
    if len(set(exercise.phases)) != len(exercise.phases):
        raise _fail(exercise.name, "two motion states share a phase name")
    gates = (*motion.gates, *exercise.plausible, *exercise.side_view_requires)
    for name in (motion.driver, motion.side_feature, motion.hold_settled_feature, *(g.feature for g in gates)):
        if name is not None:
            _check_feature(exercise.name, "motion", name)
    passes_enter_first = motion.enter > motion.exit if motion.active_when == "above" else motion.enter < motion.exit
    if not passes_enter_first:
        raise _fail(exercise.name, "motion hysteresis: 'exit' must lie on the rest side of 'enter'")
    codes = [check.code for check in exercise.checks] + [entry.code for entry in exercise.unmeasured]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise _fail(exercise.name, f"duplicate check codes {duplicates}")
    for check in exercise.checks:
        _validate_check(exercise, check)
    for metric in exercise.metrics:
        _check_feature(exercise.name, f"metric {metric.name!r}", metric.feature)
        if set(metric.phases) - set(exercise.phases):
            raise _fail(exercise.name, f"metric {metric.name!r} names unknown phases")
    if exercise.variant is not None:
        _check_feature(exercise.name, "variant", exercise.variant.feature)
    _validate_looks(exercise.name, exercise.looks)
    unknown_equipment = set(exercise.equipment) - set(EQUIPMENT)
    if unknown_equipment:
        raise _fail(exercise.name, f"unknown equipment {sorted(unknown_equipment)} (known: {', '.join(EQUIPMENT)})")


_REGISTRY: dict[str, Exercise] = {}
_SCENARIOS: dict[str, Scenario] = {}
# The features each exercise file registered beside the package's own, so that unregistering removes them too.
_OWN_FEATURES: dict[str, tuple[str, ...]] = {}
EXERCISES: Mapping[str, Exercise] = MappingProxyType(_REGISTRY)


def _add(module: ModuleType, features_before: frozenset[str]) -> Exercise:
    exercise = getattr(module, "EXERCISE", None)
    if not isinstance(exercise, Exercise):
        raise ExerciseDefinitionError(f"{module.__name__} must define EXERCISE = Exercise(...)")
    if exercise.name in _REGISTRY:
        raise _fail(exercise.name, f"defined twice (again in {module.__name__})")
    scenario = getattr(module, "SCENARIO", None)
    if not isinstance(scenario, Scenario):
        raise _fail(exercise.name, f"{module.__name__} must define SCENARIO = Scenario(...), its test motion")
    validate_exercise(exercise)
    _REGISTRY[exercise.name] = exercise
    _SCENARIOS[exercise.name] = scenario
    _OWN_FEATURES[exercise.name] = tuple(sorted(set(FEATURES) - features_before))
    return exercise


def _discover() -> None:
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if module_info.name == "spec" or module_info.name.startswith("_"):
            continue
        features_before = frozenset(FEATURES)
        _add(importlib.import_module(f"{__name__}.{module_info.name}"), features_before)


def load_exercise_file(path: Path) -> Exercise:
    """Add the exercise that the Python file ``path`` declares (as a file in this package would) to the registry."""
    module_name = f"formcheck_exercise_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise FormcheckError(f"cannot load exercise file {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    features_before = frozenset(FEATURES)
    try:
        spec.loader.exec_module(module)
        return _add(module, features_before)
    except ExerciseDefinitionError:
        for feature_name in set(FEATURES) - features_before:  # leave the registry as it was
            unregister_feature(feature_name)
        raise


def unregister_exercise(name: str) -> None:
    """Take an exercise (and the features its file registered) out of the registry again."""
    _REGISTRY.pop(name, None)
    _SCENARIOS.pop(name, None)
    for feature_name in _OWN_FEATURES.pop(name, ()):
        unregister_feature(feature_name)


def scenario_of(name: str) -> Scenario:
    """The stick-figure test motion the exercise's file declares."""
    get_exercise(name)
    return _SCENARIOS[name]


_discover()


def get_exercise(name: str) -> Exercise:
    if name not in EXERCISES:
        raise FormcheckError(f"unknown exercise {name!r}; choose one of: {', '.join(EXERCISES)}")
    return EXERCISES[name]


def titles_in_words(conjunction: str = "and") -> str:
    """Every registered exercise by its title, for sentences: "deadlift, plank, … and squat"."""
    titles = [exercise.title.lower() for exercise in EXERCISES.values()]
    return titles[0] if len(titles) == 1 else f"{', '.join(titles[:-1])} {conjunction} {titles[-1]}"


def reads_back_outline(exercise: Exercise) -> bool:
    """Whether a check of ``exercise`` reads the back outline, which needs the landmarker's segmentation mask."""
    return any(FEATURES[limit.feature].needs_back_bulge for check in exercise.checks for limit in check.limits)


def resolve_thresholds(exercise: Exercise, profile: str = "standard", overrides: Overrides | None = None) -> Thresholds:
    """Every check's parameters (thresholds and ``min_duration_s``) for ``profile``, with ``overrides`` applied."""
    if profile not in PROFILES:
        raise FormcheckError(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}")
    index = PROFILES.index(profile)
    resolved: dict[str, dict[str, float]] = {}
    for check in exercise.checks:
        params = {param: values[index] for param, values in check.thresholds.items()}
        params[DURATION_PARAM] = check.min_duration_s
        resolved[check.code] = params
    for code, override in (overrides or {}).get(exercise.name, {}).items():
        if code not in resolved:
            raise FormcheckError(f"override for unknown check {exercise.name}.{code}")
        for param, value in override.items():
            if param not in resolved[code]:
                known = ", ".join(resolved[code])
                raise FormcheckError(f"override {exercise.name}.{code}.{param}: unknown parameter (known: {known})")
            resolved[code][param] = float(value)
    return resolved


def load_overrides(path: Path) -> Overrides:
    """Per-person thresholds from a ``.json`` or ``.toml`` file (see module docstring), validated by name."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (OSError, ValueError) as error:
        raise FormcheckError(f"cannot read overrides {path}: {error}") from error
    if not isinstance(data, dict):
        raise FormcheckError(f"{path}: expected a table of exercises")
    overrides: dict[str, dict[str, dict[str, float]]] = {}
    for exercise_name, checks in data.items():
        exercise = get_exercise(exercise_name)
        if not isinstance(checks, dict):
            raise FormcheckError(f"{path}: {exercise_name} must be a table of checks")
        overrides[exercise_name] = {
            code: _numbers(path, exercise.name, code, params) for code, params in checks.items()
        }
        resolve_thresholds(exercise, overrides=overrides)  # reject unknown checks and parameters now
    return overrides


def _numbers(path: Path, exercise: str, code: str, params: object) -> dict[str, float]:
    if not isinstance(params, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in params.values()
    ):
        raise FormcheckError(f"{path}: {exercise}.{code} must map parameter names to numbers")
    return {str(key): float(value) for key, value in params.items()}
