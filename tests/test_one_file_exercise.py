"""An exercise is one file: a throw-away exercise, written here as a single file (its declaration, the feature only
it reads, how it looks for recognition and its stick-figure test motion), is picked up everywhere with no other edit:
the registry and recognition, the command line's choices, ``formcheck evaluate`` (recognised and judged), and the
app's pickers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from formcheck.cli import build_parser, main
from formcheck.evaluation import cache_key
from formcheck.exercises import EXERCISES, ExerciseDefinitionError, load_exercise_file, scenario_of, unregister_exercise
from formcheck.features import FEATURES, Body, compute_features
from formcheck.recognize import recognize_exercise
from formcheck.testing.scenarios import SCENARIOS

SUPERMAN_FILE = '''
"""Superman hold: lying face down, arms reaching forward and legs lifted off the floor, held still."""

import numpy as np

from formcheck.exercises.spec import Check, Exercise, Gate, Limit, Looks, Motion, Posture, Severity, Sign
from formcheck.features import Body, Joint, feature
from formcheck.geometry import Side, View
from formcheck.testing.stick_scenario import Moment, Scenario, lerp
from formcheck.testing.synthetic_pose import Limbs, StickPose
from formcheck.types import FloatArray


def _lift_deg(body: Body, root: Joint, tip: Joint) -> FloatArray:
    """Mean over both sides of root->tip above the horizontal plane (world y points down)."""
    lifts = []
    for side in (Side.LEFT, Side.RIGHT):
        step = body.world_at(tip, side) - body.world_at(root, side)
        lifts.append(np.degrees(np.arctan2(-step[:, 1], np.hypot(step[:, 0], step[:, 2]))))
    return np.asarray(np.mean(lifts, axis=0), dtype=np.float64)


@feature(
    "lifted_limbs_deg",
    "the lower of the arms' and the legs' lift above the floor plane (world, any view)",
    (Joint.SHOULDER, Joint.WRIST, Joint.HIP, Joint.ANKLE),
    sides="both",
)
def _lifted_limbs(body: Body) -> FloatArray:
    arms = _lift_deg(body, Joint.SHOULDER, Joint.WRIST)
    legs = _lift_deg(body, Joint.HIP, Joint.ANKLE)
    return np.asarray(np.minimum(arms, legs), dtype=np.float64)


EXERCISE = Exercise(
    name="superman",
    title="Superman hold",
    looks=Looks(Posture.PRONE, signs=(Sign("lifted_limbs_deg", above=8.0, scale=2.0),)),
    motion=Motion(
        driver="lifted_limbs_deg",
        active_when="above",
        enter=10.0,
        exit=5.0,
        phase_names={"rest": "down", "away": "lifting", "active": "hold", "back": "lowering"},
        counts_reps=False,
        times_holds=True,
        min_hold_s=2.0,
        gates=(Gate("ventral_downward_ratio", min_value=0.5),),
    ),
    checks=(
        Check(
            code="neck_cranked",
            limits=(Limit("ear_shoulder_hip_signed_deg", "min", "min_deg"),),
            thresholds={"min_deg": (-30.0, -20.0, -15.0)},
            phases=("hold",),
            views=(View.SIDE,),
            severity=Severity.LOW,
            cue="Keep your neck long: look at the floor.",
            why="Throwing the head back pinches the neck.",
        ),
    ),
)


def superman_pose(m: Moment, fault: str | None) -> StickPose:
    lift = 20.0 * m.progress
    cranked = fault == "neck_cranked" and m.segment == "active" and 1 / 3 <= m.within < 2 / 3
    limbs = Limbs(upper_arm=90.0 - lift, forearm=90.0 - lift, thigh=270.0 + lift, shin=270.0 + lift, foot=180.0)
    return StickPose(trunk=90.0, neck=-40.0 if cranked else 0.0, back_bulge=0.0, left=limbs, right=limbs)


SCENARIO = Scenario(superman_pose, reps=0, rest_s=1.0, away_s=0.5, active_s=6.0, back_s=0.5, holds=1)
'''


@pytest.fixture
def superman(tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "superman.py"
    path.write_text(SUPERMAN_FILE, encoding="utf-8")
    load_exercise_file(path)
    yield "superman"
    unregister_exercise("superman")
    assert "superman" not in EXERCISES and "lifted_limbs_deg" not in FEATURES


def test_a_file_without_its_test_motion_is_refused_and_registers_nothing(tmp_path: Path) -> None:
    path = tmp_path / "superman.py"
    path.write_text(SUPERMAN_FILE.replace("SCENARIO = Scenario(", "_UNUSED = Scenario("), encoding="utf-8")
    with pytest.raises(ExerciseDefinitionError, match="must define SCENARIO"):
        load_exercise_file(path)
    assert "superman" not in EXERCISES and "lifted_limbs_deg" not in FEATURES


def test_the_file_registers_the_exercise_its_feature_and_its_test_motion(superman: str) -> None:
    assert EXERCISES[superman].title == "Superman hold"
    assert FEATURES["lifted_limbs_deg"].sides == "both"
    assert superman in SCENARIOS and scenario_of(superman).holds == 1


def test_recognition_tells_it_from_the_plank(superman: str) -> None:
    held = compute_features(Body.from_sequence(SCENARIOS[superman].build(None)))
    assert recognize_exercise(held).exercise == superman
    plank = compute_features(Body.from_sequence(SCENARIOS["plank"].build(None)))
    assert recognize_exercise(plank).exercise == "plank"


def test_the_command_line_offers_it(superman: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("analyze", "batch"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "superman" in capsys.readouterr().out
    video = tmp_path / "set.mp4"
    video.write_bytes(b"")
    assert build_parser().parse_args(["analyze", str(video), "--exercise", superman]).exercise == superman


def test_evaluate_recognises_and_judges_it(superman: str, tmp_path: Path) -> None:
    """``formcheck evaluate`` over a labelled clip whose landmarks (the stick figure's) are in the landmark cache."""
    clips, cache = tmp_path / "clips", tmp_path / "cache"
    clips.mkdir()
    cache.mkdir()
    video = clips / "superman_neck_cranked.mp4"
    video.write_bytes(b"stands in for a video: its landmarks are cached")
    truth = {"exercise": superman, "view": "side", "labels": {"faults": [{"code": "neck_cranked", "magnitude": 40}]}}
    (clips / "superman_neck_cranked.truth.json").write_text(json.dumps(truth), encoding="utf-8")
    SCENARIOS[superman].build("neck_cranked").save_npz(cache / f"{cache_key(video, 'full', None)}.npz")
    out = tmp_path / "scores.json"
    assert main(["evaluate", str(clips), "--cache", str(cache), "--json", str(out), "--quiet"]) == 0
    [clip] = json.loads(out.read_text(encoding="utf-8"))["clips"]
    assert (clip["recognised"], clip["judged_as"], clip["faults"]) == (superman, superman, ["neck_cranked"])


def test_the_app_offers_it(superman: str) -> None:
    script = (
        "from types import SimpleNamespace\n"
        "from formcheck.app.pages import live_page\n"
        "live_page.webrtc_streamer = lambda **_: SimpleNamespace(state=SimpleNamespace(playing=False))\n"
        "live_page.render()\n"
    )
    live = AppTest.from_string(script, default_timeout=60).run()
    assert "Superman hold" in live.selectbox(key="live_exercise").options
    review = AppTest.from_file(str(Path(__file__).parent.parent / "app.py"), default_timeout=60).run()
    assert "Superman hold" in review.sidebar.selectbox(key="exercise").options
