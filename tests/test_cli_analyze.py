"""``formcheck analyze`` and ``formcheck evaluate`` end to end on the command line (real model, tiny clips)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import av
import numpy as np
import pytest

from formcheck.cli import main
from formcheck.video import H264Writer

REPORT_KEYS = {
    "schema", "exercise", "exercise_source", "recognition_confidence", "view", "model", "duration_s",
    "frames_total", "frames_with_pose", "reps", "holds", "faults", "unjudged",
}  # fmt: skip


def logged(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> str:
    """What the person sees on stderr: log records (pytest captures logging itself) and direct writes."""
    return caplog.text + capsys.readouterr().err


@pytest.fixture(scope="module")
def blank_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One second of an empty grey room: nobody to find."""
    path = tmp_path_factory.mktemp("clips") / "empty_room.mp4"
    with H264Writer(path, 160, 120, 10.0) as writer:
        for i in range(10):
            writer.write(np.full((120, 160, 3), 90 + i, dtype=np.uint8), i * 100)
    return path


def test_analyze_blank_clip_writes_json_csv_and_playable_video(
    blank_clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    out_json, out_csv, out_video = tmp_path / "r.json", tmp_path / "f.csv", tmp_path / "a.mp4"
    code = main(
        ["analyze", str(blank_clip), "--model", "lite", "--json", str(out_json), "--csv", str(out_csv),
         "--video-out", str(out_video)]
    )  # fmt: skip
    captured = capsys.readouterr()
    err = caplog.text + captured.err
    assert code == 1  # nothing judged: not a success a script could file as a clean set
    assert "nobody was found in empty_room.mp4: film the whole body" in err
    assert captured.out == "" and "Traceback" not in err  # one line, no summary of nothing
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert set(data) >= REPORT_KEYS
    assert data["schema"] == "formcheck.report/1"
    assert data["model"] == "lite" and data["exercise"] is None and data["exercise_source"] == "recognised"
    assert data["frames_total"] == 10 and data["frames_with_pose"] == 0
    assert data["reps"] == [] and data["faults"] == [] and data["holds"] == []
    with out_csv.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["t_s", "phase", "rep", "faults"] and len(rows) == 1 + 10
    with av.open(str(out_video)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert sum(1 for _ in container.decode(stream)) == 10


def test_analyze_blank_clip_as_a_named_exercise(blank_clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(blank_clip), "--model", "lite", "--exercise", "plank"]) == 1
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--exercise", "yoga"], "invalid choice: 'yoga'"),
        (["--profile", "heroic"], "invalid choice: 'heroic'"),
        (["--fps", "0"], "must be greater than 0"),
    ],
)
def test_bad_arguments_exit_2_with_one_plain_message(
    blank_clip: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["analyze", str(blank_clip), *args])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if "error:" in line]) == 1


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["analyze", str(tmp_path / "nope.mp4")])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "nope.mp4: no such file" in err and "Traceback" not in err


def test_non_video_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("these are not moving pictures\n", encoding="utf-8")
    assert main(["analyze", str(text)]) == 2
    assert "Traceback" not in logged(caplog, capsys)
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.getMessage().startswith("formcheck: ") and "notes.mp4" in record.getMessage()
    assert "\n" not in record.getMessage()


def test_unwritable_output_exits_2_before_any_work(
    blank_clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    assert main(["analyze", str(blank_clip), "--json", str(tmp_path / "missing" / "r.json")]) == 2
    assert "folder does not exist" in logged(caplog, capsys)


def test_evaluate_manifest_end_to_end_with_cache(
    blank_clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clips = tmp_path / "clips"
    clips.mkdir()
    (clips / "a.mp4").write_bytes(blank_clip.read_bytes())
    (clips / "broken.mp4").write_text("not a video", encoding="utf-8")
    manifest = clips / "manifest.csv"
    manifest.write_text(
        "file,exercise,label,view\n"
        "a.mp4,squat,correct,side\n"
        "a.mp4,plank,hips_sag,side\n"
        "broken.mp4,squat,incorrect,side\n"
        "a.mp4,squat,unlabeled,side\n",
        encoding="utf-8",
    )
    cache, out = tmp_path / "cache", tmp_path / "scores.json"
    args = ["evaluate", str(manifest), "--model", "lite", "--fps", "5", "--cache", str(cache), "--json", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "rep count exact" in printed and "clean clips with cues:  0/1" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"per_fault", "rep_count_exact", "clean_clip_false_cues", "unjudged_rate"} <= set(data)
    rows = {(r["exercise"], r["fault"]): r for r in data["per_fault"]}
    assert rows[("plank", "hips_sag")]["support"] == 1 and rows[("plank", "hips_sag")]["recall"] == 0.0
    assert data["clean_clip_false_cues"]["clips"] == 1 and data["clean_clip_false_cues"]["clips_with_cues"] == 0
    assert data["errors"] == 1 and len(data["clips"]) == 3
    assert len(list(cache.glob("*.npz"))) == 1  # one file, one cached extraction
    reps = tmp_path / "reps.csv"
    reps.write_text("file,reps\na.mp4,2\n", encoding="utf-8")  # a blank clip: no rep seen, so not exact
    assert main([*args, "--reps", str(reps)]) == 0  # second run from the cache
    assert len(list(cache.glob("*.npz"))) == 1
    assert "rep count exact:        0/2 (0%)  plank 0/1  squat 0/1" in capsys.readouterr().out
    # The same clips replayed through the live coach: the exercise is the labelled one, so no recognition score.
    assert main([*args, "--reps", str(reps), "--live"]) == 0
    live = capsys.readouterr().out
    assert "rep count exact:        0/2 (0%)" in live and "recognition accuracy:   0/0" in live
    assert json.loads(out.read_text(encoding="utf-8"))["settings"]["live"] is True


def test_evaluate_rejects_a_path_without_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    assert main(["evaluate", str(tmp_path)]) == 2
    assert "no clips with .truth.json" in logged(caplog, capsys)
    assert main(["evaluate", str(tmp_path), "--reps", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv: no such file" in logged(caplog, capsys)
    assert main(["evaluate", str(tmp_path), "--live", "--exercise", "auto"]) == 2
    assert "a live session's is chosen" in logged(caplog, capsys)
