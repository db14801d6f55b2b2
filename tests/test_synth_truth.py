"""Committed sample clips: every truth file validates, labels match what was planted, the manifest is complete."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.synth.motions import FAULTS, FRONT_ONLY_FAULTS
from formcheck.synth.truth import load_truth, validate_truth
from formcheck.types import FormcheckError

pytest.importorskip("jsonschema")

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"
TRUTHS = sorted(SAMPLES.glob("*.truth.json"))
# Two curl-up lifts with their holds, and two dead-bug reaches lowered over 2 s each, take longer than one hold.
MAX_CLIP_S = {"curl_up": 10.0, "dead_bug": 9.0}


def test_there_are_at_least_30_clips_within_budget() -> None:
    assert len(TRUTHS) >= 30
    videos = [t.with_name(t.name.removesuffix(".truth.json") + ".mp4") for t in TRUTHS]
    assert all(v.exists() for v in videos)
    assert sum(v.stat().st_size for v in videos) <= 25 * 1024 * 1024


@pytest.mark.parametrize("path", TRUTHS, ids=lambda p: p.name.removesuffix(".truth.json"))
def test_truth_validates(path: Path) -> None:
    truth = load_truth(path)
    validate_truth(truth)
    duration = truth["frame_count"] / truth["fps"]
    assert 3.0 <= duration <= MAX_CLIP_S.get(truth["exercise"], 8.0)
    codes = {label["code"] for label in truth["labels"]["faults"]}
    assert codes == set(truth["faults_planted"])
    assert codes <= set(FAULTS[truth["exercise"]])
    if codes & FRONT_ONLY_FAULTS:
        assert truth["view"] == "front"
    for label in truth["labels"]["faults"]:
        assert label["magnitude"] == truth["faults_planted"][label["code"]]
    if truth["exercise"] in ("deadlift", "squat"):
        assert len(truth["labels"]["reps"]) >= 2
    elif truth["exercise"] == "dead_bug":
        assert [rep["side"] for rep in truth["labels"]["reps"]][:2] in (["left", "right"], ["right", "left"])
        assert truth["labels"]["holds"] == []
    elif truth["exercise"] == "curl_up":
        reps, holds = truth["labels"]["reps"], truth["labels"]["holds"]
        assert len(reps) == len(holds) >= 2
        for rep, hold in zip(reps, holds, strict=True):
            assert rep["start_s"] < hold["start_s"] < hold["end_s"] < rep["end_s"]
            assert 2.0 <= hold["end_s"] - hold["start_s"] <= 3.0
    else:
        hold = truth["labels"]["holds"][0]
        assert 3.0 <= hold["end_s"] - hold["start_s"] <= 6.0
        assert hold["start_s"] >= 0.5


def test_coverage_of_the_sample_set() -> None:
    truths = [load_truth(p) for p in TRUTHS]
    planted = {code for t in truths for code in t["faults_planted"]}
    assert planted == {code for codes in FAULTS.values() for code in codes}
    for exercise in FAULTS:
        assert any(t["exercise"] == exercise and not t["faults_planted"] for t in truths), exercise
    assert {t["view"] for t in truths} == {"side", "oblique", "front"}
    assert {20.0, 45.0} <= {t["camera_yaw_deg"] for t in truths}
    bodies = {json.dumps(t["body"]["phenotype"], sort_keys=True) for t in truths}
    assert len(bodies) >= 4


def test_planted_sag_is_exact_in_the_committed_truth() -> None:
    truth = load_truth(SAMPLES / "plank_forearm_hips_sag_15.truth.json")
    (label,) = truth["labels"]["faults"]
    plateau = [f for f in truth["frames"] if f["t_ms"] >= 1000 * (label["start_s"] + 0.5)]
    assert len(plateau) > 20
    sagittal = np.array([f["angles_sagittal"]["shoulder_hip_ankle_deg"] for f in plateau])
    signed = np.array([f["angles_sagittal"]["hip_line_deviation_deg"] for f in plateau])
    assert np.allclose(sagittal, 165.0, atol=0.01)
    assert np.allclose(signed, 15.0, atol=0.01)
    # The camera (exact side view, 0.45 m high, looking slightly down) sees the near shoulder's lateral offset as a
    # little height, so the image angle is within ~2° of the planted one, on the sag side.
    image = np.array([f["angles"]["hip_line_deviation_deg"] for f in plateau])
    assert np.all(np.abs(image - 15.0) < 2.5)


def test_manifest_lists_every_clip() -> None:
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(entry["clip"] for entry in manifest["clips"]) == sorted(
        p.name.removesuffix(".truth.json") + ".mp4" for p in TRUTHS
    )
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for entry in manifest["clips"]:
        assert entry["clip"] in readme


def test_validator_rejects_a_broken_truth() -> None:
    truth = load_truth(TRUTHS[0])
    truth["frames"] = truth["frames"][:-1]
    with pytest.raises(FormcheckError, match="frame_count"):
        validate_truth(truth)
    truth = load_truth(TRUTHS[0])
    truth["labels"]["faults"] = [{"code": "not_a_fault", "start_s": 0, "end_s": 1, "magnitude": 1, "unit": "deg"}]
    with pytest.raises(FormcheckError, match="does not match"):
        validate_truth(truth)
