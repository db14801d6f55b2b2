"""Scoring math of ``formcheck evaluate`` on hand-made predictions (no model, no video)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from formcheck.evaluation import (
    LabelledClip,
    Prediction,
    TimedHold,
    cached_landmarks,
    load_manifest,
    load_truth_folder,
    score,
    with_corrected_labels,
    with_rep_counts,
)
from formcheck.types import FormcheckError, PoseSequence, empty_pose_arrays


def clip(exercise: str, faults: set[str] | None, reps: int | None = None, labelled: bool = True) -> LabelledClip:
    return LabelledClip(
        Path(f"{exercise}.mp4"), exercise, None if faults is None else frozenset(faults), reps=reps, labelled=labelled
    )


def said(
    faults: set[str],
    reps: int = 0,
    exercise: str | None = "squat",
    unjudged: set[str] = frozenset(),  # type: ignore[assignment]
    checks: int = 4,
    recognised: str | None = "squat",
) -> Prediction:
    return Prediction(
        exercise=exercise,
        faults=frozenset(faults),
        cues=len(faults),
        reps=reps,
        unjudged_checks=frozenset(unjudged),
        checks=checks,
        recognised=recognised,
    )


def test_per_fault_precision_recall_f1_and_support() -> None:
    pairs = [
        (clip("squat", {"heels_lift"}), said({"heels_lift"})),  # tp
        (clip("squat", {"heels_lift"}), said(set())),  # fn
        (clip("squat", set()), said({"heels_lift"})),  # fp (and a false cue on a clean clip)
        (clip("squat", {"forward_lean"}), said({"forward_lean", "heels_lift"})),  # tp lean, fp heels
        (clip("squat", None), said({"heels_lift"})),  # "incorrect": not in per-fault rows
    ]
    scores = score(pairs, ["squat"])
    rows = {(r.exercise, r.fault): r for r in scores.per_fault}
    heels = rows[("squat", "heels_lift")]
    assert (heels.tp, heels.fp, heels.fn, heels.support) == (1, 2, 1, 2)
    assert heels.precision == pytest.approx(1 / 3)
    assert heels.recall == pytest.approx(1 / 2)
    assert heels.f1 == pytest.approx(2 * 1 / (2 * 1 + 2 + 1))
    lean = rows[("squat", "forward_lean")]
    assert (lean.tp, lean.fp, lean.fn, lean.support) == (1, 0, 0, 1)
    assert lean.f1 == 1.0
    # Any-fault: "incorrect" counts as faulty; 4 faulty clips, 1 clean.
    anyf = scores.any_fault[0]
    assert (anyf.tp, anyf.fp, anyf.fn, anyf.support) == (3, 1, 1, 4)
    assert scores.clean_clips == 1 and scores.clean_clips_with_cues == 1 and scores.clean_clip_cues == 1
    # Pooled over every (clip, code) decision: heels 1/2/1 + lean 1/0/0.
    pooled = scores.pooled
    assert (pooled.tp, pooled.fp, pooled.fn, pooled.support) == (2, 2, 1, 3)
    assert scores.to_json_dict()["pooled_faults"]["f1"] == pytest.approx(4 / 7, abs=1e-4)


def test_undefined_ratios_are_none_and_listed_codes_appear() -> None:
    scores = score([(clip("plank", set()), said(set(), exercise="plank"))], ["plank"], {"plank": ["hips_sag"]})
    row = scores.per_fault[0]
    assert (row.fault, row.support, row.precision, row.recall, row.f1) == ("hips_sag", 0, None, None, None)
    data = scores.to_json_dict()
    assert data["per_fault"][0]["precision"] is None
    assert data["clean_clip_false_cues"] == {
        "clips": 1,
        "clips_with_cues": 0,
        "cues": 0,
        "rate": 0.0,
        "by_exercise": {"plank": {"clips": 1, "clips_with_cues": 0}},
    }
    json.dumps(data, allow_nan=False)


def test_rep_counts_unjudged_rates_and_recognition() -> None:
    pairs = [
        (clip("squat", set(), reps=3), said(set(), reps=3)),
        (clip("squat", set(), reps=3), said(set(), reps=2, unjudged={"knees_cave"})),
        (clip("squat", set()), said(set(), reps=5, recognised=None)),  # no true count: not in the rate
        (clip("deadlift", set(), reps=1), said(set(), exercise=None, checks=0, recognised=None)),  # unsure
        (clip("lunge", None, labelled=False), said(set(), recognised="squat")),  # not one of the five
    ]
    scores = score(pairs, ["squat", "deadlift"])
    assert (scores.rep_count_exact.hits, scores.rep_count_exact.total) == (1, 3)
    assert {name: (r.hits, r.total) for name, r in scores.by_exercise_reps.items()} == {
        "squat": (1, 2),
        "deadlift": (0, 1),
    }
    assert scores.to_json_dict()["rep_count_exact"]["by_exercise"]["squat"] == {"hits": 1, "total": 2, "rate": 0.5}
    assert (scores.unjudged_checks.hits, scores.unjudged_checks.total) == (1, 16)
    assert (scores.unjudged_clips.hits, scores.unjudged_clips.total) == (1, 5)
    assert (scores.recognition.hits, scores.recognition.total) == (2, 4)
    assert (scores.recognition_unsure.hits, scores.recognition_unsure.total) == (2, 4)
    # The unlabelled lunge is neither clean nor faulty.
    assert scores.clean_clips == 4
    assert {row.exercise for row in scores.any_fault} == {"squat", "deadlift"}
    assert scores.to_json_dict()["unjudged_rate"] == pytest.approx(1 / 16, abs=1e-4)


def test_side_view_checks_unjudged_on_side_ish_clips_only() -> None:
    side_checks = frozenset({"forward_lean", "depth", "heels_lift"})
    judged = replace(said(set(), unjudged={"depth", "knees_cave"}), side_view_checks=side_checks)
    pairs = [
        (replace(clip("squat", set()), view="side"), judged),  # depth counts; knees_cave is not a side-view check
        (replace(clip("squat", set()), view="oblique"), replace(judged, unjudged_checks=frozenset())),
        (replace(clip("squat", set()), view="front"), replace(judged, unjudged_checks=side_checks)),  # not side-ish
        (replace(clip("deadlift", set()), view="side"), said(set(), exercise=None, checks=0, recognised=None)),
    ]
    scores = score(pairs, ["squat", "deadlift"])
    assert {name: (r.hits, r.total) for name, r in scores.by_exercise_side_unjudged.items()} == {"squat": (1, 6)}
    assert scores.to_json_dict()["side_view_unjudged_checks"] == {
        "hits": 1,
        "total": 6,
        "rate": round(1 / 6, 4),
        "views": ["oblique", "side"],
        "by_exercise": {"squat": {"hits": 1, "total": 6, "rate": round(1 / 6, 4)}},
    }


def test_unsupported_exercises_refused_apart_from_recognition_of_the_five() -> None:
    def named(unsupported: str | None, recognised: str | None = None) -> Prediction:
        return replace(said(set(), exercise=None, checks=0, recognised=recognised), unsupported=unsupported)

    pairs = [
        (clip("pushup", None, labelled=False), named("pushup")),  # refused and named
        (clip("lunge", None, labelled=False), named("no_exercise")),  # refused, named as something else
        (clip("lunge", None, labelled=False), named(None, recognised="squat")),  # judged as the nearest exercise
        (clip("squat", set()), named("lunge")),  # a squat called a lunge is a recognition miss
    ]
    scores = score(pairs, ["squat", "deadlift"])
    assert (scores.unsupported_refused.hits, scores.unsupported_refused.total) == (2, 3)
    assert (scores.unsupported_named.hits, scores.unsupported_named.total) == (1, 3)
    assert (scores.recognition.hits, scores.recognition.total) == (0, 1)
    assert scores.to_json_dict()["unsupported_refused"] == {"hits": 2, "total": 3, "rate": 0.6667}


def test_errors_are_counted_not_scored() -> None:
    broken = Prediction(None, frozenset(), 0, 0, frozenset(), 0, error="cannot decode")
    scores = score([(clip("squat", {"heels_lift"}), broken)], ["squat"])
    assert scores.errors == 1
    assert scores.per_fault == ()


def test_manifest_labels(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "file,exercise,label,view\n"
        "a.mp4,squat,correct,side\n"
        "b.mp4,deadlift,rounded_back;bar_drift,side\n"
        "c.mp4,deadlift,incorrect,front\n"
        "d.mp4,plank,unlabeled,side\n",
        encoding="utf-8",
    )
    clips = load_manifest(manifest)
    assert [(c.name, c.faults, c.view) for c in clips] == [
        ("a.mp4", frozenset(), "side"),
        ("b.mp4", frozenset({"rounded_back", "bar_drift"}), "side"),
        ("c.mp4", None, "front"),
    ]
    assert clips[0].path == tmp_path / "a.mp4" and clips[0].clean and clips[2].faulty
    with_unlabeled = load_manifest(manifest, include_unlabeled=True)
    assert len(with_unlabeled) == 4 and not with_unlabeled[3].labelled and not with_unlabeled[3].faulty
    bad = tmp_path / "bad.csv"
    bad.write_text("file,label\nx.mp4,correct\n", encoding="utf-8")
    with pytest.raises(FormcheckError, match="exercise"):
        load_manifest(bad)


def test_real_rep_counts_come_from_the_manifest_or_a_separate_file(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "file,exercise,label,reps\na.mp4,squat,correct,3\nb.mp4,squat,correct,\nc.mp4,deadlift,correct,\n",
        encoding="utf-8",
    )
    clips = load_manifest(manifest)
    assert [c.reps for c in clips] == [3, None, None]
    counts = tmp_path / "reps.csv"
    counts.write_text("file,exercise,reps,sure\nb.mp4,squat,2,yes\nc.mp4,deadlift,1,no\n", encoding="utf-8")
    # An unsure count stays unknown rather than blurring the score; a count the file lacks is kept.
    assert [c.reps for c in with_rep_counts(clips, counts)] == [3, 2, None]
    counts.write_text("file,reps\nb.mp4,two\n", encoding="utf-8")
    with pytest.raises(FormcheckError, match="whole number"):
        with_rep_counts(clips, counts)
    counts.write_text("file,count\nb.mp4,2\n", encoding="utf-8")
    with pytest.raises(FormcheckError, match="reps"):
        with_rep_counts(clips, counts)


def test_a_corrected_label_replaces_the_manifest_one_only_with_its_evidence(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,exercise,label\na.mp4,plank,correct\nb.mp4,plank,correct\n", encoding="utf-8")
    fixes = tmp_path / "labels.csv"
    fixes.write_text("file,label,evidence\na.mp4,hips_sag,the hips drop from 16 to 18 s\n", encoding="utf-8")
    clips = with_corrected_labels(load_manifest(manifest), fixes)
    assert [clip.faults for clip in clips] == [frozenset({"hips_sag"}), frozenset()]
    fixes.write_text("file,label,evidence\na.mp4,hips_sag,\n", encoding="utf-8")
    with pytest.raises(FormcheckError, match="evidence"):
        with_corrected_labels(load_manifest(manifest), fixes)


def test_truth_folder_reps_faults_and_magnitude_floor(tmp_path: Path) -> None:
    truth = {
        "exercise": "plank",
        "view": "side",
        "camera_yaw_deg": 10.0,
        "labels": {
            "reps": [],
            "holds": [{"start_s": 1.0, "end_s": 5.0}],
            "faults": [
                {"code": "hips_sag", "start_s": 2.0, "end_s": 3.0, "magnitude": 15.0, "unit": "deg"},
                {"code": "head_drop", "start_s": 2.0, "end_s": 3.0, "magnitude": 5.0, "unit": "deg"},
                # Seconds, not degrees: the floor does not apply (a 1-s lowering is a fault however "small").
                {"code": "shoulders_not_stacked", "start_s": 2.0, "end_s": 3.0, "magnitude": 1.0, "unit": "s"},
            ],
        },
    }
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "p1.truth.json").write_text(json.dumps(truth), encoding="utf-8")
    (tmp_path / "sub" / "p1.mp4").write_bytes(b"")
    (tmp_path / "orphan.truth.json").write_text(json.dumps(truth), encoding="utf-8")  # no video: skipped
    [loaded] = load_truth_folder(tmp_path, min_magnitude=10.0)
    assert loaded.name == "sub/p1.mp4" and loaded.reps is None and loaded.camera_yaw_deg == 10.0
    assert loaded.faults == frozenset({"hips_sag", "head_drop", "shoulders_not_stacked"})
    assert loaded.ignored == frozenset({"head_drop"})
    # An ignored fault is neither a hit nor a false alarm.
    scores = score([(loaded, said({"hips_sag", "head_drop"}, exercise="plank"))], ["plank"])
    rows = {r.fault: r for r in scores.per_fault}
    assert (rows["head_drop"].tp, rows["head_drop"].fp, rows["head_drop"].fn) == (0, 0, 0)
    assert rows["hips_sag"].tp == 1
    assert loaded.holds == (TimedHold(1.0, 5.0),)


def test_holds_are_on_time_within_half_a_second_and_on_their_side() -> None:
    true = (TimedHold(1.8, 5.3, "left"), TimedHold(8.0, 12.0, "right"))
    side_plank = replace(clip("side_plank", set()), holds=true)
    found = {
        "on time": (TimedHold(1.75, 5.45, "left"), TimedHold(8.5, 11.5, "right")),
        "0.6 s late": (TimedHold(2.4, 5.3, "left"), TimedHold(8.0, 12.0, "right")),
        "wrong side": (TimedHold(1.8, 5.3, "right"), TimedHold(8.0, 12.0, "right")),
        "one missing": (TimedHold(1.8, 5.3, "left"),),
    }
    pairs = [(side_plank, replace(said(set(), exercise="side_plank"), holds=holds)) for holds in found.values()]
    # A truth that names no side takes either; a clip whose holds are unknown is not counted.
    plank = replace(clip("plank", set()), holds=(TimedHold(1.0, 5.0),))
    pairs += [(plank, replace(said(set(), exercise="plank"), holds=(TimedHold(1.2, 5.1, None),)))]
    pairs += [(clip("squat", set()), said(set()))]
    # The live coach keeps no hold spans: its holds are not scored.
    pairs += [(side_plank, replace(said(set(), exercise="side_plank"), holds=None))]
    scores = score(pairs, ["side_plank", "plank", "squat"])
    assert (scores.holds_on_time.hits, scores.holds_on_time.total) == (2, 5)
    assert {name: (r.hits, r.total) for name, r in scores.by_exercise_holds.items()} == {
        "side_plank": (1, 4),
        "plank": (1, 1),
    }
    assert scores.to_json_dict()["holds_on_time"]["tolerance_s"] == 0.5


def test_landmark_cache_runs_the_model_once_per_file_model_and_rate(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"not really a video")
    calls: list[Path] = []

    def extract(path: Path) -> PoseSequence:
        calls.append(path)
        landmarks, world = empty_pose_arrays(3)
        landmarks[:, :, :] = 0.5
        return PoseSequence(np.array([0.0, 100.0, 200.0]), landmarks, world, 64, 48, 10.0, back_bulge=np.zeros(3))

    cache = tmp_path / "cache"
    first = cached_landmarks(video, "full", 10.0, cache, extract)
    again = cached_landmarks(video, "full", 10.0, cache, extract)
    assert len(calls) == 1
    np.testing.assert_allclose(again.landmarks, first.landmarks)
    assert again.back_bulge is not None and (again.width, again.height) == (64, 48)
    cached_landmarks(video, "lite", 10.0, cache, extract)
    cached_landmarks(video, "full", None, cache, extract)
    assert len(calls) == 3
    video.write_bytes(b"another video")  # new content, new key
    cached_landmarks(video, "full", 10.0, cache, extract)
    assert len(calls) == 4
    cached_landmarks(video, "full", 10.0, None, extract)  # no cache folder: always extract
    assert len(calls) == 5


def test_a_clip_is_judged_on_nothing_only_when_no_check_gave_a_verdict() -> None:
    """A check judged in one rep and unjudged in another still judged something: the clip is not "judged on
    nothing" because every check had some unjudged time."""
    partly = replace(said(set(), unjudged={"a", "b"}, checks=2), judged_checks=frozenset({"a"}))
    never = replace(said(set(), unjudged={"a", "b"}, checks=2), judged_checks=frozenset())
    pairs = [(clip("squat", set()), partly), (clip("squat", set()), never)]
    scores = score(pairs, ["squat"])
    assert (scores.unjudged_clips.hits, scores.unjudged_clips.total) == (1, 2)
