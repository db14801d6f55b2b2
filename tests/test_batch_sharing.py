"""Batches sharing one workspace: each set is claimed before it is analysed, so two batches over the same videos do
the work once; a batch killed mid-set frees its claim; the command line reports each set as it finishes.

The command-line tests run the real ``formcheck`` entry point in separate processes with the pose analysis replaced
by a fake that records each call (the real model would take minutes on two shared cores and adds nothing here).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from formcheck.batch import review_batch
from formcheck.pipeline import AnalysisSettings
from formcheck.workspace import Workspace

# Runs `formcheck ARGS...` with the analysis replaced: each call appends "PID NAME" to $FAKE_LOG, then takes
# $FAKE_SECONDS (or an hour for the file named $FAKE_HANG, so the test can kill the process in the middle of it).
_LAUNCHER = """
import os, sys, time
from pathlib import Path
from types import SimpleNamespace
import formcheck.pipeline
from formcheck.cli import main

def wait_for_every_batch():
    # $FAKE_BATCHES batches start together: each analysis waits until all have started (at most 60 s), so how the work
    # is shared does not depend on how fast each process imports on a loaded machine.
    started = Path(os.environ["FAKE_LOG"] + ".started")
    if not getattr(wait_for_every_batch, "marked", False):
        with open(started, "a") as mark:
            mark.write(f"{os.getpid()}\\n")
        wait_for_every_batch.marked = True
    deadline = time.monotonic() + 60
    while len(set(started.read_text().split())) < int(os.environ.get("FAKE_BATCHES", "1")):
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)

def analyze_video(path, settings, progress=None):
    wait_for_every_batch()
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(f"{os.getpid()} {path.name}\\n")
    time.sleep(3600 if path.name == os.environ.get("FAKE_HANG") else float(os.environ["FAKE_SECONDS"]))
    report = {"exercise": "squat", "reps": [{"index": 1, "faults": []}], "faults": []}
    return SimpleNamespace(report=SimpleNamespace(to_json_dict=lambda: report, summary_text=lambda: "Squat: 1 rep"))

formcheck.pipeline.analyze_video = analyze_video
sys.exit(main(sys.argv[1:]))
"""


def _videos(folder: Path, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        (folder / f"set{number:02d}.mp4").write_bytes(f"set {number}".encode() * 100)
    return folder


def _batch(tmp_path: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    launcher = tmp_path / "launcher.py"
    launcher.write_text(_LAUNCHER, encoding="utf-8")
    environment = {**os.environ, "FAKE_LOG": str(tmp_path / "analyses.log"), "FAKE_SECONDS": "0.3", **env}
    # --workers 1: the fake replaces the analysis in this process only, not in worker processes
    command = [sys.executable, str(launcher), "batch", "Anna", *args, "--workers", "1", "--db", str(tmp_path / "w.db")]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)


def _analyses(tmp_path: Path) -> list[tuple[int, str]]:
    log = tmp_path / "analyses.log"
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [(int(pid), name) for pid, name in (line.split() for line in lines)]


def test_two_batches_over_one_workspace_analyze_each_set_once(tmp_path: Path) -> None:
    folder = _videos(tmp_path / "videos", 8)
    with Workspace(tmp_path / "w.db") as workspace:
        workspace.add_client("Anna")  # both start from an existing client (adding it at once is harmless too)
    together = {"FAKE_BATCHES": "2"}
    first, second = _batch(tmp_path, str(folder), **together), _batch(tmp_path, str(folder), **together)
    (out_1, err_1), (out_2, err_2) = first.communicate(timeout=120), second.communicate(timeout=120)
    assert (first.returncode, second.returncode) == (0, 0), err_1 + err_2
    analyses = _analyses(tmp_path)
    assert sorted(name for _, name in analyses) == [f"set{n:02d}.mp4" for n in range(8)]  # each once
    assert {pid for pid, _ in analyses} == {first.pid, second.pid}  # and both did some of it
    done_lines = [line for line in (out_1 + out_2).splitlines() if line.startswith("done")]
    assert len(done_lines) == 8
    with Workspace(tmp_path / "w.db") as workspace:
        sets = workspace.sets(workspace.client("Anna"))
    assert len(sets) == 8 and {s.status for s in sets} == {"done"}


def test_a_batch_killed_mid_set_frees_it_and_a_rerun_finishes_the_rest(tmp_path: Path) -> None:
    folder = _videos(tmp_path / "videos", 4)
    log_file = tmp_path / "out.txt"
    with log_file.open("w") as out:  # the output is a file, not a terminal: it must fill as sets finish
        launcher = tmp_path / "launcher.py"
        launcher.write_text(_LAUNCHER, encoding="utf-8")
        env = {**os.environ, "FAKE_LOG": str(tmp_path / "analyses.log"), "FAKE_SECONDS": "0", "FAKE_HANG": "set02.mp4"}
        command = [sys.executable, str(launcher), "batch", "Anna", str(folder), "--workers", "1"]
        command += ["--db", str(tmp_path / "w.db")]
        killed = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.monotonic() + 60
        while (killed.pid, "set02.mp4") not in _analyses(tmp_path):
            assert time.monotonic() < deadline and killed.poll() is None
            time.sleep(0.1)
        time.sleep(0.3)
        killed.send_signal(signal.SIGKILL)
        killed.wait()
    written = log_file.read_text(encoding="utf-8")
    assert "done     set00.mp4: Squat: 1 rep" in written and "done     set01.mp4" in written
    assert "reviewing set02.mp4 (3 of 4)" in written
    rerun = _batch(tmp_path, str(folder))
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    assert [name for pid, name in _analyses(tmp_path) if pid == rerun.pid] == ["set02.mp4", "set03.mp4"]
    assert out.count("already reviewed") == 2
    with Workspace(tmp_path / "w.db") as workspace:
        assert len(workspace.sets(workspace.client("Anna"))) == 4


def test_a_set_claimed_by_a_live_batch_is_skipped_and_a_stale_claim_is_taken_over(tmp_path: Path) -> None:
    video = tmp_path / "1.mp4"
    video.write_bytes(b"one set")
    calls: list[str] = []

    def analyze(path: Path, settings: AnalysisSettings) -> Any:
        calls.append(path.name)
        data = {"exercise": "squat", "reps": [{"index": 1, "faults": []}], "faults": []}
        return SimpleNamespace(report=SimpleNamespace(to_json_dict=lambda: data, summary_text=lambda: "Squat\n"))

    from formcheck.files import file_sha256  # noqa: PLC0415

    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        key = (anna, file_sha256(video), "full", "standard")
        assert workspace.claim(key, "another batch in this process") == "claimed"
        outcomes = review_batch(workspace, anna, [video], AnalysisSettings(), analyze=analyze)
        assert [(o.status, o.message) for o in outcomes] == [("skipped", "being reviewed by another batch")]
        assert calls == []
        # that batch stopped renewing its claim a lease ago (its computer went away): the set is free again
        assert workspace.claim(key, "a third batch", lease_s=0.0) == "claimed"
        workspace.release(key, "a third batch")
        outcomes = review_batch(workspace, anna, [video], AnalysisSettings(), analyze=analyze)
        assert [o.status for o in outcomes] == ["done"] and calls == ["1.mp4"]
        assert workspace.claim(key, "a fourth batch") == "reviewed"


def test_db_in_a_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "w.db"
    video = _videos(tmp_path / "videos", 1) / "set00.mp4"
    result = subprocess.run(
        [sys.executable, "-m", "formcheck", "batch", "Anna", str(video), "--db", str(missing)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"formcheck: cannot open the workspace database {missing}: the folder {missing.parent} does not exist"
    )
    assert not missing.parent.exists()


@pytest.mark.parametrize("exercise_args", [(), ("--exercise", "deadlift")])
def test_history_says_a_set_could_not_be_judged(tmp_path: Path, exercise_args: tuple[str, ...]) -> None:
    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        no_person = {"exercise": exercise_args[-1] if exercise_args else None, "frames_with_pose": 0, "reps": []}
        workspace.save_set(anna, "empty.mp4", "ee", "2026-01-01T10:00:00+00:00", "full", "standard", report=no_person)
    result = subprocess.run(
        [sys.executable, "-m", "formcheck", "history", "Anna", "--db", str(tmp_path / "w.db")],
        capture_output=True,
        text=True,
        check=False,
    )
    exercise = "deadlift, " if exercise_args else ""
    assert result.stdout.splitlines()[0].endswith(f"empty.mp4: {exercise}not judged — no person found in the video")
