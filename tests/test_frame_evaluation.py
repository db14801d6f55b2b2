"""The plank's hip checks on labelled still frames of real people (plank-landmarks data set, MIT).

Exact figures on the committed cut in tests/fixtures/plank_landmarks; the full data set in ../shared is scored when it
is present and skipped otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.cli import main
from formcheck.frame_dataset import column_names, load_frame_folder, read_frames_csv, still_features
from formcheck.frame_evaluation import PLANK_HIPS, FileVerdicts, judge_frames, score_frames
from formcheck.types import FormcheckError, Landmark

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "plank_landmarks"
FULL_DATA_SET = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "plank-landmarks"
HIP_LINE = "hip_line_deviation_deg"


def fixture_verdicts(profile: str = "standard") -> list[FileVerdicts]:
    return [judge_frames(frames, PLANK_HIPS, profile) for frames in load_frame_folder(FIXTURE)]


def logged(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> str:
    return caplog.text + capsys.readouterr().err


def test_reads_the_17_landmarks_of_every_row_and_leaves_the_others_unknown() -> None:
    frames = read_frames_csv(FIXTURE / "dataset4.csv")
    assert frames.landmarks.shape == (48, 33, 5)
    assert dict(zip(*np.unique(frames.labels, return_counts=True), strict=True)) == {"C": 24, "L": 24}
    assert np.isfinite(frames.landmarks[:, Landmark.LEFT_FOOT_INDEX]).all()
    assert np.isnan(frames.landmarks[:, Landmark.LEFT_EAR]).all()
    first_nose = [0.2244104295969009, 0.5168319344520569, -0.1700208783149719, 0.9999891519546508, 1.0]
    assert frames.landmarks[0, Landmark.NOSE].tolist() == first_nose  # x, y, z, visibility, presence
    assert frames.landmarks[0, Landmark.LEFT_HIP, :2].tolist() == [0.504707932472229, 0.6488952040672302]


def test_a_still_reads_the_same_alone_as_among_other_frames() -> None:
    """Frames are independent stills: each gets its own near side and no feature window mixes two of them."""
    frames = read_frames_csv(FIXTURE / "bad_data.csv")
    together = still_features(frames.landmarks, (HIP_LINE, "camera_yaw_deg"))
    for index in (0, 7, 30, 47):
        alone = still_features(frames.landmarks[index : index + 1], (HIP_LINE, "camera_yaw_deg"))
        assert alone[HIP_LINE][0] == together[HIP_LINE][index]
        assert alone["camera_yaw_deg"][0] == together["camera_yaw_deg"][index]


def test_the_hip_line_is_signed_by_the_body_whichever_way_the_person_lies() -> None:
    """Sagging frames read positive and piked ones negative, facing left or right in the (mirrored) picture."""
    sag = read_frames_csv(FIXTURE / "bad_data.csv")
    pike = read_frames_csv(FIXTURE / "bad_data_high_hip.csv")
    sagging = sag.landmarks[sag.labels == "L"]
    sag_deg = still_features(sagging, (HIP_LINE,))[HIP_LINE]
    pike_deg = still_features(pike.landmarks, (HIP_LINE,))[HIP_LINE]
    head_left = sagging[:, Landmark.NOSE, 0] < sagging[:, Landmark.LEFT_HIP, 0]
    assert 0 < np.count_nonzero(head_left) < len(head_left)
    assert np.all(sag_deg > 7.0)
    assert np.all(pike_deg < -24.0)


def test_plank_hip_checks_on_the_fixture_exact_figures() -> None:
    scores = score_frames(fixture_verdicts(), PLANK_HIPS)
    sag, pike = scores.fault("hips_sag"), scores.fault("hips_pike")
    assert (sag.tp, sag.fp, sag.fn, sag.support) == (47, 0, 1, 48)  # one sag reads +7.7°, under the 10° limit
    assert (pike.tp, pike.fp, pike.fn, pike.support) == (23, 1, 1, 24)  # a correct plank at -31.9°; a pike at -24.2°
    assert (scores.correct_cued.hits, scores.correct_cued.total) == (1, 48)
    assert (scores.other_view.hits, scores.hidden.hits, scores.frames) == (0, 0, 120)


def test_the_hip_checks_judge_frames_a_little_off_the_side_that_the_plank_view_leaves_out() -> None:
    """Six correct frames read 61.5-69.9° (under the plank's 75° side view, over the hip line's 55°): judged, no cue;
    with the plank's own side view alone they would be unjudged."""
    verdicts = fixture_verdicts()
    side_only, any_view = score_frames(verdicts, PLANK_HIPS), score_frames(verdicts, PLANK_HIPS, use_view=False)
    assert (side_only.correct_cued.hits, side_only.correct_cued.total) == (1, 48)
    assert (any_view.correct_cued.hits, any_view.correct_cued.total) == (1, 48)
    assert {label: rate.hits for label, rate in side_only.unjudged.items()} == {"C": 0, "H": 0, "L": 0}
    dataset4 = read_frames_csv(FIXTURE / "dataset4.csv")
    yaw_deg = still_features(dataset4.landmarks, ("camera_yaw_deg",))["camera_yaw_deg"]
    off_side = (yaw_deg >= 55.0) & (yaw_deg < 75.0)
    assert np.count_nonzero(off_side) == 6 and set(dataset4.labels[off_side]) == {"C"}


def test_a_stricter_profile_cues_more() -> None:
    scores = score_frames(fixture_verdicts("strict"), PLANK_HIPS)
    sag, pike = scores.fault("hips_sag"), scores.fault("hips_pike")
    assert (sag.tp, sag.fp, sag.fn) == (48, 0, 0)  # strict sag limit 6°
    assert (pike.tp, pike.fp, pike.fn) == (24, 1, 0)  # strict pike limit -21°
    assert (scores.correct_cued.hits, scores.correct_cued.total) == (1, 48)


def test_given_thresholds_replace_the_profile() -> None:
    frames = read_frames_csv(FIXTURE / "bad_data.csv")
    verdicts = judge_frames(frames, PLANK_HIPS, thresholds={"hips_pike": {"min_deg": -35.0}})
    assert score_frames([verdicts], PLANK_HIPS).fault("hips_pike").fp == 0


def test_a_file_without_the_landmark_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("label,x,y\nC,0.1,0.2\n", encoding="utf-8")
    with pytest.raises(FormcheckError, match="not a labelled landmark file"):
        read_frames_csv(path)


def test_a_value_that_is_not_a_number_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    values = ["0.5"] * (len(column_names()) - 1)
    values[1] = "oops"  # nose_y
    path.write_text(",".join(column_names()) + "\nC," + ",".join(values) + "\n", encoding="utf-8")
    with pytest.raises(FormcheckError, match=r"broken.csv, line 2: nose has a value that is not a number"):
        read_frames_csv(path)


def test_a_folder_without_labelled_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FormcheckError, match=r"no labelled landmark \.csv files"):
        load_frame_folder(tmp_path)


def test_cli_prints_and_writes_the_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "frames.json"
    assert main(["evaluate-frames", str(FIXTURE), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "does not apply" in printed  # stills are judged without a video's duration rule, and it says so
    assert "pooled, side view" in printed and "0.958/0.958/0.958 (24)" in printed
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["settings"]["frame_size"] == [1280, 720]
    assert sorted(payload["per_file"]) == ["bad_data.csv", "bad_data_high_hip.csv", "dataset4.csv"]
    assert payload["pooled"]["correct_cued"] == {"hits": 1, "total": 48, "rate": 0.0208}
    sag = next(fault for fault in payload["pooled"]["faults"] if fault["fault"] == "hips_sag")
    assert (sag["precision"], sag["recall"]) == (1.0, 0.9792)


def test_cli_frame_size_changes_the_angles(capsys: pytest.CaptureFixture[str]) -> None:
    """A 4:3 frame reads every hip angle larger than 16:9: the piked frame at -24.2° then passes the -26° limit."""
    assert main(["evaluate-frames", str(FIXTURE), "--frame-size", "640x480"]) == 0
    assert "1.000/1.000/1.000 (24)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("folder", "message"),
    [("/no/such/folder", "no such folder"), (str(FIXTURE / "README.md"), "is a file"), ("/tmp", "no labelled")],
)
def test_cli_bad_folder_exits_2_with_one_line(
    folder: str, message: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    assert main(["evaluate-frames", folder]) == 2
    err = logged(caplog, capsys).strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert message in err


def test_cli_bad_frame_size_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["evaluate-frames", str(FIXTURE), "--frame-size", "wide"])
    assert exited.value.code == 2
    assert "is not a size like 1280x720" in capsys.readouterr().err


@pytest.mark.real_clips
def test_full_data_set_meets_the_figure() -> None:
    """Real plank frames, by file, with the shipped thresholds: hips_sag and hips_pike F1 ≥ 0.9, correct frames
    cued ≤ 5% (measured: sag F1 0.986, pike 0.998, correct cued 5 of 1196; the hip line's own side view at 55°
    judges 282 correct frames read 60-75° that the plank's 75° left out, none cued)."""
    if not (FULL_DATA_SET / "manifest.csv").is_file():
        pytest.skip("../shared/datasets/plank-landmarks is not present on this machine")
    verdicts = [judge_frames(frames, PLANK_HIPS) for frames in load_frame_folder(FULL_DATA_SET)]
    scores = score_frames(verdicts, PLANK_HIPS)
    sag, pike = scores.fault("hips_sag"), scores.fault("hips_pike")
    assert (sag.tp, sag.fp, sag.fn) == (2087, 1, 58)
    assert (pike.tp, pike.fp, pike.fn) == (2549, 4, 7)
    assert (scores.correct_cued.hits, scores.correct_cued.total, scores.frames) == (5, 1196, 5903)
    assert (sag.f1 or 0.0) >= 0.9 and (pike.f1 or 0.0) >= 0.9
