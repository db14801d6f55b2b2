"""Golden clips through the real model: rendered ``sample_videos/`` (exact truth) and, when present on this machine,
a few real clips from ``../shared/real_clips`` (labels there are partly visual judgement, so only clear cases)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.evaluation import LabelledClip, load_truth_folder
from formcheck.pipeline import AnalysisSettings, analyze_video

SAMPLE_VIDEOS = Path(__file__).resolve().parents[1] / "sample_videos"
GOLDEN_FPS = 15.0
# Faults planted at least this large must be found on side views; smaller ones may or may not be.
MIN_MAGNITUDE = 10.0
SIDE_MAX_YAW_DEG = 20.0


def _golden_clips() -> list[LabelledClip]:
    if not SAMPLE_VIDEOS.is_dir():
        return []
    clips = load_truth_folder(SAMPLE_VIDEOS, MIN_MAGNITUDE)
    side = [c for c in clips if c.camera_yaw_deg is not None and c.camera_yaw_deg <= SIDE_MAX_YAW_DEG]
    # A handful, one per exercise and fault where possible, so the suite stays minutes, not hours.
    chosen: dict[tuple[str, frozenset[str] | None], LabelledClip] = {}
    for clip in side:
        chosen.setdefault((clip.exercise, clip.faults), clip)
    return list(chosen.values())[:12]


GOLDEN = _golden_clips()


@pytest.mark.slow
@pytest.mark.skipif(not GOLDEN, reason="sample_videos/ has no rendered clips with truth files yet")
@pytest.mark.parametrize("clip", GOLDEN, ids=lambda clip: getattr(clip, "name", "clip"))
def test_rendered_clip_matches_its_truth(clip: LabelledClip) -> None:
    report = analyze_video(clip.path, AnalysisSettings(exercise=clip.exercise, target_fps=GOLDEN_FPS)).report
    found = {fault.code for fault in report.faults}
    assert clip.faults is not None
    expected = set(clip.faults - clip.ignored)
    assert expected <= found, f"missed {expected - found}"
    assert found - set(clip.faults) == set(), f"false cues {found - set(clip.faults)}"
    if clip.reps is not None:
        assert len(report.reps) == clip.reps


@pytest.mark.slow
@pytest.mark.skipif(not GOLDEN, reason="sample_videos/ has no rendered clips with truth files yet")
def test_rendered_clip_is_recognised() -> None:
    clip = GOLDEN[0]
    report = analyze_video(clip.path, AnalysisSettings(target_fps=GOLDEN_FPS)).report
    assert report.exercise == clip.exercise


# --- real clips (development set; not redistributable, never copied into the repository) ---------------------

REAL_CASES = [
    # file, exercise, faults that must be reported, verdict: exactly these faults
    ("plank/kaiakol_plank_correct_005.mp4", "plank", set()),
    ("deadlift/bichraix_good018.mp4", "deadlift", set()),
    ("deadlift/formfit_deadlift.mp4", "deadlift", set()),
    ("deadlift/bichraix_bad005.mp4", "deadlift", {"rounded_back"}),
    ("squat/kaiakol_squat_incorrect_003.mp4", "squat", {"forward_lean"}),
    ("squat/nikan_squat_video.mp4", "squat", set()),
]


@pytest.mark.slow
@pytest.mark.real_clips
@pytest.mark.parametrize(("file", "exercise", "faults"), REAL_CASES, ids=[case[0] for case in REAL_CASES])
def test_real_clip_is_recognised_and_judged(real_clips: Path, file: str, exercise: str, faults: set[str]) -> None:
    report = analyze_video(real_clips / file, AnalysisSettings(target_fps=10.0)).report
    assert report.exercise == exercise, json.dumps(dict(report.candidates))
    assert {fault.code for fault in report.faults} == faults
