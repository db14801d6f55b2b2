"""Leave-one-source-out: thresholds chosen on the other sources only, and the sweep that makes it cheap."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from formcheck import cli
from formcheck.analysis import analyze_sequence
from formcheck.calibration import (
    ClipSweep,
    Labelled,
    choose,
    faults_at,
    grid,
    leave_one_source_out,
    shipped_thresholds,
    sweep,
)
from formcheck.evaluation import cache_key
from formcheck.exercises import EXERCISES, get_exercise
from formcheck.testing.scenarios import SCENARIOS

BAR_DRIFT = get_exercise("deadlift").check("bar_drift")  # one parameter, max_norm: standard 0.18
LOCKOUT = get_exercise("deadlift").check("incomplete_lockout")  # two parameters: not swept


def test_the_grid_spans_past_every_profile_and_only_single_parameter_checks_are_swept() -> None:
    values = grid(BAR_DRIFT)
    assert {0.25, 0.18, 0.15} <= set(values)  # gentle, standard, strict
    assert min(values) == pytest.approx(0.15 - 0.10) and max(values) == pytest.approx(0.25 + 0.10)
    assert values == tuple(sorted(values))
    assert grid(LOCKOUT) == ()


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_at_the_shipped_thresholds_the_sweep_says_what_the_report_says(name: str) -> None:
    scenario = SCENARIOS[name]
    for fault in (None, *(check.code for check in EXERCISES[name].checks)):
        equipment = "barbell" if name == "deadlift" else "auto"
        sequence = scenario.build(fault)
        report = analyze_sequence(sequence, name, equipment=equipment)
        swept = sweep(sequence, name, equipment)
        assert faults_at(swept, shipped_thresholds(name)) == {f.code for f in report.faults}, fault


def _clip(source: str, faults: frozenset[str] | None, cued_at_or_below: float) -> tuple[Labelled, ClipSweep]:
    """A deadlift clip whose bar_drift fires for every threshold up to ``cued_at_or_below``."""
    decisions = {"bar_drift": {value: value <= cued_at_or_below for value in grid(BAR_DRIFT)}}
    return Labelled(source, "deadlift", faults), ClipSweep("deadlift", decisions, frozenset())


CLEAN, DRIFT = frozenset(), frozenset({"bar_drift"})


def test_no_labelled_fault_and_no_false_cue_keeps_the_shipped_value() -> None:
    training = [_clip("a", CLEAN, 0.10), _clip("a", CLEAN, 0.05)]
    assert choose(BAR_DRIFT, training, "deadlift") == 0.18


def test_a_false_cue_moves_the_limit_to_the_nearest_quiet_value() -> None:
    # A clean lift that reads as drift up to 0.20 is cued at 0.18: the nearest value above 0.20 is chosen.
    training = [_clip("a", CLEAN, 0.20)]
    chosen = choose(BAR_DRIFT, training, "deadlift")
    assert chosen > 0.20 and chosen == min(v for v in grid(BAR_DRIFT) if v > 0.20)


def test_recall_is_sought_only_among_quiet_values() -> None:
    # The faulty clip is found up to 0.16; 19 clean clips read up to 0.10, one up to 0.17: at 0.16 one clean clip of
    # twenty (5 %) is cued, which is allowed, so the limit tightens to the grid value that finds the fault (0.15).
    training = [_clip("a", DRIFT, 0.16), _clip("a", CLEAN, 0.17)] + [_clip("a", CLEAN, 0.10)] * 19
    assert choose(BAR_DRIFT, training, "deadlift") == 0.15
    # Two loud clean clips of twenty (10 %) forbid it: the shipped value stays.
    louder = [_clip("a", DRIFT, 0.16), _clip("a", CLEAN, 0.17), _clip("a", CLEAN, 0.17)] + [_clip("a", CLEAN, 0.1)] * 18
    assert choose(BAR_DRIFT, louder, "deadlift") == 0.18


def test_each_source_is_judged_with_values_chosen_without_it() -> None:
    # Source "loud" has a clean lift reading as drift up to 0.30; "quiet" has a drifting bar found up to 0.20.
    clips = [_clip("loud", CLEAN, 0.30), _clip("quiet", DRIFT, 0.20), _clip("quiet", CLEAN, 0.05)]
    held_out = {result.source: result for result in leave_one_source_out(clips)}
    # "loud" is judged with values chosen on "quiet" alone (shipped 0.18 finds its drift, cues nothing): still cued.
    assert held_out["loud"].thresholds == {} and held_out["loud"].faults == (DRIFT,)
    # "quiet" is judged with the value chosen on "loud", which had to move above 0.30: its drift is missed.
    assert held_out["quiet"].thresholds[("deadlift", "bar_drift")] > 0.30
    assert held_out["quiet"].faults == (frozenset(), frozenset())


def test_evaluate_prints_and_writes_the_held_out_figures(tmp_path: Path) -> None:
    """Two sources of synthetic clips through the command, with their landmarks placed in the cache beforehand."""
    cache = tmp_path / "cache"
    cache.mkdir()
    rows = []
    for number, (source, fault) in enumerate([("a", None), ("a", "rounded_back"), ("b", None), ("b", "bar_drift")]):
        video = tmp_path / f"clip{number}.mp4"
        video.write_bytes(f"clip {number}".encode())  # never decoded: its landmarks are in the cache
        SCENARIOS["deadlift"].build(fault).save_npz(cache / f"{cache_key(video, 'full', 10.0)}.npz")
        rows.append({"file": video.name, "exercise": "deadlift", "label": fault or "correct", "source": source})
    manifest = tmp_path / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["file", "exercise", "label", "source"])
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "scores.json"
    args = ["evaluate", str(manifest), "--fps", "10", "--cache", str(cache), "--equipment", "barbell"]
    assert cli.main([*args, "--quiet", "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    held_out = data["leave_one_source_out"]
    assert [row["source"] for row in held_out["by_source"]] == ["a", "b"]
    assert all(row["clean_clips_with_cues"] == 0 for row in held_out["by_source"])
    assert set(held_out["thresholds"]) == {"a", "b"}
    assert [row["source"] for row in data["by_source"]] == ["a", "b"]
