"""``formcheck batch`` on a pool of worker processes: the same stored reports as one set after the other, a dead
worker costs no saved set, and the driver alone writes to the workspace.

The fast tests replace the analysis by :func:`fake_analyze`, a module-level function the spawned workers import
from this file; the slow one runs the real model on two rendered sample clips.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from formcheck.batch import review_batch
from formcheck.cli import main
from formcheck.pipeline import AnalysisSettings
from formcheck.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]


def fake_analyze(path: Path, settings: AnalysisSettings) -> Any:
    """A report naming the process that made it; ``crash*`` files kill their worker like a native crash would."""
    if path.name.startswith("crash"):
        os._exit(1)
    report = {"exercise": "squat", "reps": [{"index": 1, "faults": []}], "faults": [], "video": path.name}
    report["pid"] = os.getpid()
    return SimpleNamespace(report=SimpleNamespace(to_json_dict=lambda: report, summary_text=lambda: "Squat: 1 rep"))


def _videos(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir()
    for name in names:
        (folder / name).write_bytes(name.encode() * 100)
    return [folder / name for name in names]


def test_a_pool_saves_every_set_from_worker_processes(tmp_path: Path) -> None:
    videos = _videos(tmp_path / "videos", [f"set{n}.mp4" for n in range(4)])
    seen: list[tuple[int, int]] = []
    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        outcomes = review_batch(
            workspace, anna, videos, AnalysisSettings(), lambda done, total, _: seen.append((done, total)),
            analyze=fake_analyze, workers=2,
        )  # fmt: skip
        sets = workspace.sets(anna)
    assert [o.status for o in outcomes] == ["done"] * 4
    assert [o.message for o in outcomes] == ["Squat: 1 rep"] * 4
    assert sorted(s.report["video"] for s in sets if s.report) == [f"set{n}.mp4" for n in range(4)]
    workers = {s.report["pid"] for s in sets if s.report}
    # Analysed in worker processes, saved here (how many workers took a turn depends on how fast they start).
    assert os.getpid() not in workers and 1 <= len(workers) <= 2
    assert seen[-1] == (4, 4)


def test_a_dead_worker_loses_no_saved_set_and_its_set_fails_with_a_reason(tmp_path: Path) -> None:
    videos = _videos(tmp_path / "videos", ["set0.mp4", "crash.mp4", "set2.mp4", "set3.mp4"])
    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        outcomes = review_batch(workspace, anna, videos, AnalysisSettings(), analyze=fake_analyze, workers=2)
        sets = {s.video_name: s for s in workspace.sets(anna)}
        claims = workspace._db.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    assert [o.status for o in outcomes] == ["done", "failed", "done", "done"]
    assert outcomes[1].message == "the process analysing it stopped twice (out of memory?)"
    assert {name: s.status for name, s in sets.items()} == {
        "set0.mp4": "done",
        "crash.mp4": "failed",
        "set2.mp4": "done",
        "set3.mp4": "done",
    }
    assert claims == 0  # every claim released


def test_workers_below_one_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["batch", "Anna", str(tmp_path), "--workers", "0", "--db", str(tmp_path / "w.db")])
    assert stopped.value.code == 2
    assert "argument --workers: '0' must be 1 or more" in capsys.readouterr().err


@pytest.mark.slow
def test_a_pool_stores_the_same_reports_as_one_set_after_the_other(tmp_path: Path) -> None:
    names = ["squat_forward_lean_20.mp4", "plank_forearm_hips_sag_15.mp4"]
    videos = [REPO / "sample_videos" / name for name in names]
    stored: dict[int, list[dict[str, Any]]] = {}
    for workers in (1, 2):
        with Workspace(tmp_path / f"w{workers}.db") as workspace:
            anna = workspace.add_client("Anna")
            outcomes = review_batch(workspace, anna, videos, AnalysisSettings(), workers=workers)
            assert [o.status for o in outcomes] == ["done", "done"]
            stored[workers] = [s.report or {} for s in sorted(workspace.sets(anna), key=lambda s: s.video_name)]
    serial, pooled = (json.dumps(stored[w], sort_keys=True) for w in (1, 2))
    assert pooled == serial
