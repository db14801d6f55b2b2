"""The motion registry: one module per exercise, every list derived from the modules' declarations."""

from __future__ import annotations

import pkgutil

import pytest

import formcheck.synth.motions as motions_package
from formcheck.commands import synth as synth_command
from formcheck.synth.generate import eval_specs
from formcheck.synth.motions import EXERCISES, FAULT_UNITS, FAULTS, MOTIONS, VARIANTS, ClipPlan
from formcheck.synth.truth import load_schema
from formcheck.types import FormcheckError


def test_every_motion_module_registers_the_exercise_it_is_named_after() -> None:
    modules = {info.name for info in pkgutil.iter_modules(motions_package.__path__)} - {"motion_script"}
    assert modules == {f"{name}_motion" for name in MOTIONS}
    assert tuple(MOTIONS) == EXERCISES
    for name, motion in MOTIONS.items():
        assert motion.exercise == name
        assert VARIANTS[name] == motion.variants and motion.variants
        assert FAULTS[name] == tuple(motion.faults) and motion.faults


def test_fault_units_cover_every_fault_with_one_unit() -> None:
    for name, motion in MOTIONS.items():
        for code, fault in motion.faults.items():
            assert FAULT_UNITS[code][0] == fault.unit, (name, code)
            assert fault.meaning in FAULT_UNITS[code][1]
    assert set(FAULT_UNITS) == {code for codes in FAULTS.values() for code in codes}


def test_a_code_two_exercises_plant_differently_names_both_meanings() -> None:
    shared = [
        code for code in FAULT_UNITS if len({m.faults[code].meaning for m in MOTIONS.values() if code in m.faults}) > 1
    ]
    for code in shared:
        for name, motion in MOTIONS.items():
            if code in motion.faults:
                assert f"{name}: {motion.faults[code].meaning}" in FAULT_UNITS[code][1]


def test_unknown_exercise_is_refused_with_the_registered_names() -> None:
    with pytest.raises(FormcheckError, match=f"choose from {', '.join(EXERCISES)}"):
        ClipPlan("pilates", "x").validate()


def test_eval_preset_takes_the_named_exercises_in_turn() -> None:
    specs = eval_specs(6, seed=3, exercises=("squat", "plank"))
    assert [spec.plan.exercise for spec in specs] == ["squat", "plank"] * 3
    assert {spec.plan.exercise for spec in eval_specs(len(EXERCISES), seed=3)} == set(EXERCISES)
    with pytest.raises(FormcheckError, match="unknown exercise"):
        eval_specs(2, seed=3, exercises=("pilates",))


def test_synth_command_help_lists_every_registered_exercise(capsys: pytest.CaptureFixture[str]) -> None:
    import argparse  # noqa: PLC0415 - only this test builds a parser

    parser = argparse.ArgumentParser()
    synth_command.register(parser.add_subparsers())
    with pytest.raises(SystemExit):
        parser.parse_args(["synth", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for name in EXERCISES:
        assert name in out
        assert f"{name}: {'/'.join(VARIANTS[name])}" in out


def test_truth_schema_names_every_registered_exercise_fault_and_unit() -> None:
    properties = load_schema()["properties"]
    fault = properties["labels"]["properties"]["faults"]["items"]["properties"]
    assert set(properties["exercise"]["enum"]) == set(EXERCISES)
    assert set(fault["code"]["enum"]) == set(FAULT_UNITS)
    assert set(fault["unit"]["enum"]) == {unit for unit, _ in FAULT_UNITS.values()}


def test_eval_preset_plants_back_care_faults_at_two_levels_with_the_side_plank_seen_from_the_front() -> None:
    from formcheck.synth.generate import _MAGNITUDE_LEVELS  # noqa: PLC0415 - the levels are the preset's own table

    specs = eval_specs(150, seed=5, exercises=("side_plank", "curl_up", "dead_bug"))
    planted = {(spec.plan.exercise, code, magnitude) for spec in specs for code, magnitude in spec.plan.faults.items()}
    assert planted == {(name, code, level) for (name, code), levels in _MAGNITUDE_LEVELS.items() for level in levels}
    assert all(spec.camera_yaw_deg >= 30.0 for spec in specs if spec.plan.exercise == "side_plank")
    assert all(spec.camera_yaw_deg <= 60.0 for spec in specs if spec.plan.exercise != "side_plank")
