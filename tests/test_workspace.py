"""A trainer's workspace: clients, resumable batches, corrections, and data that survives failures."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from formcheck.batch import find_videos, review_batch
from formcheck.pipeline import AnalysisSettings
from formcheck.video import VideoError
from formcheck.workspace import Workspace, WorkspaceError

REPO = Path(__file__).resolve().parents[1]


def report(faults_per_rep: list[list[str]], exercise: str = "squat") -> dict[str, Any]:
    reps = [{"index": i + 1, "faults": codes} for i, codes in enumerate(faults_per_rep)]
    faults = [{"code": code, "rep": rep["index"]} for rep in reps for code in rep["faults"]]
    return {"schema": "formcheck.report/1", "exercise": exercise, "reps": reps, "faults": faults}


def test_sets_corrections_and_failures_persist(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "workspace.db"
    with Workspace(path) as workspace:
        anna = workspace.add_client("Anna", "knee surgery 2025")
        assert workspace.add_client(" Anna ") == anna  # adding again is harmless
        first = workspace.save_set(anna, "a.mp4", "aa", "2026-01-01T10:00:00+00:00", "full", "standard",
                                   report=report([["forward_lean"], []]))  # fmt: skip
        workspace.save_set(anna, "b.mp4", "bb", "2026-02-01T10:00:00+00:00", "full", "standard", error="no person")
        # a failed re-run never replaces a finished review
        assert workspace.save_set(anna, "a.mp4", "aa", "2026-01-01T10:00:00+00:00", "full", "standard",
                                  error="decoder crashed") == first  # fmt: skip
        workspace.correct(first, "forward_lean", "not_a_fault", rep=1, note="camera tilted")
        workspace.correct(first, "heels_lift", "missed", rep=2)
        with pytest.raises(WorkspaceError, match="no rounded_back call"):
            workspace.correct(first, "rounded_back", "not_a_fault")
    with Workspace(path) as reopened:
        sets = reopened.sets(reopened.client("Anna"))
    assert [s.video_name for s in sets] == ["a.mp4", "b.mp4"]
    done, failed = sets
    assert done.status == "done" and done.reps == 2
    assert done.faults() == ["heels_lift"]
    assert done.clean_rep_share() == 1.0  # the only faulty rep's call was wrong (a missed fault has no rep table)
    assert failed.status == "failed" and failed.error == "no person" and failed.faults() == []


def test_reps_no_check_could_judge_count_neither_way_in_the_clean_share(tmp_path: Path) -> None:
    data = report([["forward_lean"], [], []])
    data["reps"][2]["judged"] = False  # e.g. the person turned to face the camera for the last rep
    older = report([["forward_lean"], []])  # saved before reps recorded whether they were judged: all count
    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        workspace.save_set(anna, "a.mp4", "aa", "2026-01-01T10:00:00+00:00", "full", "standard", report=data)
        workspace.save_set(anna, "b.mp4", "bb", "2026-01-02T10:00:00+00:00", "full", "standard", report=older)
        unjudged_only = report([[]])
        unjudged_only["reps"][0]["judged"] = False
        workspace.save_set(anna, "c.mp4", "cc", "2026-01-03T10:00:00+00:00", "full", "standard", report=unjudged_only)
        shares = [s.clean_rep_share() for s in workspace.sets(anna)]
    assert shares == [0.5, 0.5, None]


def test_unknown_client_and_broken_database_are_plain_errors(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.db") as workspace:
        with pytest.raises(WorkspaceError, match="no client called 'Bob'"):
            workspace.client("Bob")
        with pytest.raises(WorkspaceError, match="needs a name"):
            workspace.add_client("  ")
    broken = tmp_path / "broken.db"
    broken.write_text("not a database")
    with pytest.raises(WorkspaceError, match="cannot open the workspace database"):
        Workspace(broken)


def _fake_analyze(calls: list[str], fail: set[str], interrupt: set[str]) -> Any:
    def analyze(video: Path, settings: AnalysisSettings) -> Any:
        calls.append(video.name)
        if video.name in interrupt:
            raise KeyboardInterrupt
        if video.name in fail:
            raise VideoError(f"{video.name}: not a readable video file")
        fake_report = SimpleNamespace(
            to_json_dict=lambda: report([[]]), summary_text=lambda: f"Squat — {video.name}\nmore"
        )
        return SimpleNamespace(report=fake_report)

    return analyze


def test_a_batch_resumes_and_one_bad_video_does_not_stop_it(tmp_path: Path) -> None:
    folder = tmp_path / "videos"
    folder.mkdir()
    for name in ("1.mp4", "2.mov", "3.mp4", "notes.txt"):
        (folder / name).write_bytes(name.encode() * 10)
    videos = find_videos([folder])
    assert [v.name for v in videos] == ["1.mp4", "2.mov", "3.mp4"]
    settings = AnalysisSettings()
    with Workspace(tmp_path / "w.db") as workspace:
        client = workspace.add_client("Anna")
        calls: list[str] = []
        with pytest.raises(KeyboardInterrupt):
            review_batch(workspace, client, videos, settings, analyze=_fake_analyze(calls, set(), {"3.mp4"}))
        assert [s.video_name for s in workspace.sets(client)] == ["1.mp4", "2.mov"]  # saved before the interrupt
        calls.clear()
        outcomes = review_batch(workspace, client, videos, settings, analyze=_fake_analyze(calls, {"3.mp4"}, set()))
        assert [o.status for o in outcomes] == ["skipped", "skipped", "failed"]
        assert calls == ["3.mp4"]
        assert "not a readable video" in outcomes[2].message
        assert [s.status for s in workspace.sets(client)] == ["done", "done", "failed"]


@pytest.mark.slow
def test_batch_history_and_correct_on_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    sample = REPO / "sample_videos" / "squat_forward_lean_20.mp4"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "formcheck", *args, "--db", db], capture_output=True, text=True, check=False
        )

    batch = cli("batch", "Anna", str(sample), str(REPO / "README.md"))
    assert batch.returncode == 1, batch.stderr  # one of the two was not a video
    assert "done     squat_forward_lean_20.mp4" in batch.stdout
    assert "failed   README.md" in batch.stdout and "Traceback" not in batch.stderr
    assert "already reviewed" in cli("batch", "Anna", str(sample)).stdout
    history = cli("history", "Anna", "--json", str(tmp_path / "h.json"))
    assert "squat, 2 reps, 0% clean reps; forward_lean" in history.stdout
    sets = json.loads((tmp_path / "h.json").read_text())["sets"]
    (set_id,) = [row["id"] for row in sets if row["video"] == sample.name]  # ordered by file time, not by argument
    corrected = cli("correct", str(set_id), "forward_lean", "--note", "camera tilted")
    assert "100% clean reps; no faults" in corrected.stdout
    assert cli("history", "Bob").stderr.strip() == "formcheck: no client called 'Bob' (clients: Anna)"
    with sqlite3.connect(db) as raw:  # the file is an ordinary SQLite database other tools can read
        assert raw.execute("SELECT count(*) FROM corrections").fetchone()[0] == 1


def test_clients_page_shows_history_and_takes_a_correction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415

    db = tmp_path / "page.db"
    monkeypatch.setenv("FORMCHECK_DB", str(db))
    script = "from formcheck.app.pages.clients_page import render\nrender()\n"
    app = AppTest.from_string(script, default_timeout=60).run()
    assert not app.exception
    assert any("Add your first client" in info.value for info in app.info)
    app.text_input[0].input("Anna")
    app.button[0].click().run()
    assert app.selectbox(key="trainer_client").value == "Anna"

    with Workspace(db) as workspace:
        anna = workspace.client("Anna")
        for day, faults in (("01", [["forward_lean"], ["forward_lean"]]), ("15", [["forward_lean"], []])):
            workspace.save_set(anna, f"squat-{day}.mp4", day, f"2026-03-{day}T09:00:00+00:00", "full", "standard",
                               report=report(faults))  # fmt: skip
    app.run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["Video"]) == ["squat-01.mp4", "squat-15.mp4"]
    assert list(table["Clean reps"]) == ["0%", "50%"]
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")  # the progress chart
    assert {"Progress report (PDF)", "History (JSON)"} <= {button.label for button in app.get("download_button")}
    next(button for button in app.button if button.label == "This call is wrong").click().run()
    assert not app.exception
    with Workspace(db) as workspace:
        first = workspace.sets(workspace.client("Anna"))[0]
    assert [c.fault_code for c in first.corrections] == ["forward_lean"]
    assert first.faults() == [] and first.clean_rep_share() == 1.0


@pytest.mark.slow
def test_a_batch_spread_over_a_local_ray_cluster(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    videos = [REPO / "sample_videos" / "squat_forward_lean_20.mp4", REPO / "README.md"]
    with Workspace(tmp_path / "w.db") as workspace:
        client = workspace.add_client("Anna")
        seen: list[tuple[int, int]] = []
        outcomes = review_batch(
            workspace, client, videos, AnalysisSettings(), lambda done, total, _: seen.append((done, total)),
            cluster="local",
        )  # fmt: skip
        assert [o.status for o in outcomes] == ["done", "failed"]
        assert outcomes[1].message.startswith("README.md: not a readable video file")
        assert seen[-1] == (2, 2)
        (done,) = [s for s in workspace.sets(client) if s.status == "done"]
        assert done.exercise == "squat" and done.reps == 2 and set(done.faults()) == {"forward_lean"}
        # the same batch again: nothing is sent to the cluster
        again = review_batch(workspace, client, videos[:1], AnalysisSettings(), cluster="local")
        assert [o.status for o in again] == ["skipped"]


def test_progress_report_pdf_lists_history_trend_and_corrections(tmp_path: Path) -> None:
    import io  # noqa: PLC0415

    import pypdf  # noqa: PLC0415

    from formcheck.reporting.pdf import client_progress_pdf  # noqa: PLC0415

    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        for day, faults in (("01", [["forward_lean"], ["forward_lean"]]), ("15", [["forward_lean"], []])):
            workspace.save_set(anna, f"squat-{day}.mp4", day, f"2026-03-{day}T09:00:00+00:00", "full", "standard",
                               report=report(faults))  # fmt: skip
        workspace.save_set(anna, "broken.mp4", "zz", "2026-03-20T09:00:00+00:00", "full", "standard", error="bad")
        workspace.save_set(anna, "empty.mp4", "ee", "2026-03-21T09:00:00+00:00", "full", "standard",
                           report=no_person_report())  # fmt: skip
        first = workspace.sets(anna)[0].id
        workspace.correct(first, "forward_lean", "not_a_fault", rep=2, note="knee brace")
        pdf = client_progress_pdf("Anna", workspace.sets(anna))
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "formcheck progress — Anna" in text and "2 reviewed set(s), 1 could not be judged" in text
    assert "Sets that could not be judged" in text and "empty.mp4: no person found in the video" in text
    assert "Clean reps over time" in text  # two sets with reps: the trend plot is in
    assert "Forward lean (rep 2): not a fault — knee brace" in text
    assert "broken.mp4" not in text
    assert sum(len(page.images) for page in reader.pages) == 1


def test_a_busy_workspace_is_a_plain_error_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with Workspace(path) as workspace:
        workspace.add_client("Anna")
    other_writer = sqlite3.connect(path, isolation_level=None)
    other_writer.execute("BEGIN EXCLUSIVE")  # e.g. a batch on the command line saving a set right now
    try:
        with Workspace(path, busy_timeout_s=0.2) as waiting, pytest.raises(WorkspaceError, match="busy or not"):
            waiting.add_client("Bob")
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    with Workspace(path) as reopened:
        assert [c.name for c in reopened.clients()] == ["Anna"]


def no_person_report() -> dict[str, Any]:
    """What the analysis reports for a clip without anybody in it (e.g. a 64x64 clip of one colour)."""
    return {"schema": "formcheck.report/1", "exercise": None, "frames_total": 10, "frames_with_pose": 0, "reps": [],
            "holds": [], "faults": [], "unjudged": []}  # fmt: skip


def test_a_set_where_nothing_could_be_judged_is_unjudged_with_its_reason(tmp_path: Path) -> None:
    wrong_view = report([[], []])
    for rep in wrong_view["reps"]:
        rep["judged"] = False
    wrong_view["unjudged"] = [{"check": "reps", "reason": "filmed from the front", "fix": "turn side-on"}]
    short_hold = {**report([], exercise="plank"), "holds": [{"start_s": 0, "end_s": 9, "judged_s": 0.2}]}
    push_ups = {**report([]), "exercise": None, "unsupported": "pushup"}
    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        for sha, data in (("aa", no_person_report()), ("bb", wrong_view), ("cc", short_hold), ("dd", report([[]])),
                          ("ee", push_ups)):  # fmt: skip
            workspace.save_set(anna, f"{sha}.mp4", sha, "2026-01-01T10:00:00+00:00", "full", "standard", report=data)
        # a failed re-run never replaces an unjudged set either
        workspace.save_set(anna, "aa.mp4", "aa", "2026-01-01T10:00:00+00:00", "full", "standard", error="broken")
        sets = workspace.sets(anna)
        assert [(s.status, s.error) for s in sets] == [
            ("unjudged", "no person found in the video"),
            ("unjudged", "form could not be judged: filmed from the front"),
            ("unjudged", "no complete rep or hold found"),
            ("done", None),
            ("unjudged", "this looks like a push-up, which formcheck does not check"),
        ]
        assert [s.clean_rep_share() for s in sets] == [None, None, None, 1.0, None]
        # the same request again would change nothing; another exercise may
        assert workspace.finished_set(anna, "aa", "full", "standard") == sets[0]
        assert workspace.finished_set(anna, "aa", "full", "standard", "deadlift") is None
        assert workspace.finished_set(anna, "dd", "full", "standard", "deadlift") == sets[3]


def test_an_unjudged_set_is_reviewed_again_with_the_chosen_exercise(tmp_path: Path) -> None:
    folder = tmp_path / "videos"
    folder.mkdir()
    (folder / "1.mp4").write_bytes(b"a set filmed from far away")
    videos = find_videos([folder])
    calls: list[str] = []

    def analyze(video: Path, settings: AnalysisSettings) -> Any:
        calls.append(settings.exercise)
        data = no_person_report() if settings.exercise == "auto" else report([["forward_lean"], []])
        return SimpleNamespace(report=SimpleNamespace(to_json_dict=lambda: data, summary_text=lambda: "Squat\n"))

    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        first = review_batch(workspace, anna, videos, AnalysisSettings(), analyze=analyze)
        again = review_batch(workspace, anna, videos, AnalysisSettings(), analyze=analyze)
        chosen = review_batch(workspace, anna, videos, AnalysisSettings(exercise="squat"), analyze=analyze)
        (record,) = workspace.sets(anna)
    assert [(o.status, o.message) for o in first] == [("unjudged", "no person found in the video")]
    assert again[0].status == "skipped" and again[0].message.startswith("already reviewed, not judged: no person")
    assert [o.status for o in chosen] == ["done"]
    assert calls == ["auto", "squat"]
    assert (record.status, record.exercise_asked, record.error, record.clean_rep_share()) == (
        "done",
        "squat",
        None,
        0.5,
    )


_VERSION_1_SCHEMA = """
CREATE TABLE clients (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL);
CREATE TABLE sets (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL REFERENCES clients(id),
    video_name TEXT NOT NULL, video_sha256 TEXT NOT NULL, recorded_at TEXT NOT NULL, analysed_at TEXT NOT NULL,
    model TEXT NOT NULL, profile TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('done', 'failed')), error TEXT,
    report_json TEXT, UNIQUE (client_id, video_sha256, model, profile));
CREATE TABLE corrections (id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL REFERENCES sets(id),
    fault_code TEXT NOT NULL, rep INTEGER, verdict TEXT NOT NULL CHECK (verdict IN ('not_a_fault', 'missed')),
    note TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);
PRAGMA user_version=1;
"""


def test_a_version_1_workspace_is_migrated_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.executescript(_VERSION_1_SCHEMA)
        old.execute("INSERT INTO clients VALUES (1, 'Anna', '', '2026-01-01')")
        rows = [("a.mp4", "done", None, report([["forward_lean"], []])), ("b.mp4", "done", None, no_person_report()),
                ("c.mp4", "failed", "not a video", None)]  # fmt: skip
        for set_id, (name, status, error, data) in enumerate(rows, start=1):
            old.execute(
                "INSERT INTO sets VALUES (?, 1, ?, ?, '2026-01-01', '2026-01-02', 'full', 'standard', ?, ?, ?)",
                (set_id, name, name, status, error, json.dumps(data) if data else None),
            )
        old.execute("INSERT INTO corrections VALUES (1, 1, 'forward_lean', 1, 'not_a_fault', 'tilted', '2026-01-03')")
    with Workspace(path) as workspace:
        sets = workspace.sets(workspace.client("Anna"))
    assert [(s.video_name, s.status, s.error) for s in sets] == [
        ("a.mp4", "done", None),
        ("b.mp4", "unjudged", "no person found in the video"),
        ("c.mp4", "failed", "not a video"),
    ]
    assert sets[0].clean_rep_share() == 1.0 and [c.note for c in sets[0].corrections] == ["tilted"]
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 4
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        assert (
            "REFERENCES sets(id)"
            in raw.execute("SELECT sql FROM sqlite_master WHERE name = 'corrections'").fetchone()[0]
        )
    with Workspace(path) as reopened:  # opening again changes nothing
        assert len(reopened.sets(reopened.client("Anna"))) == 3


def test_a_set_is_reviewed_again_when_other_equipment_is_named(tmp_path: Path) -> None:
    """A deadlift judged with the equipment not said has no bar-path verdict: naming the barbell reviews it again
    (one row, replaced), while not naming it, or naming the same, keeps the stored review."""
    with Workspace(tmp_path / "workspace.db") as workspace:
        anna = workspace.add_client("Anna")
        not_said = {**report([[]], exercise="deadlift"), "equipment": "auto"}
        first = workspace.save_set(anna, "a.mp4", "aa", "2026-01-01T10:00:00+00:00", "full", "standard",
                                   report=not_said)  # fmt: skip
        assert workspace.finished_set(anna, "aa", "full", "standard").id == first  # type: ignore[union-attr]
        assert workspace.finished_set(anna, "aa", "full", "standard", equipment="barbell") is None
        assert workspace.claim((anna, "aa", "full", "standard"), "batch-1", equipment="barbell") == "claimed"
        barbell = {**report([["bar_drift"]], exercise="deadlift"), "equipment": "barbell"}
        again = workspace.save_set(anna, "a.mp4", "aa", "2026-01-01T10:00:00+00:00", "full", "standard",
                                   report=barbell)  # fmt: skip
        assert again == first and len(workspace.sets(anna)) == 1
        assert workspace.finished_set(anna, "aa", "full", "standard", equipment="barbell") is not None
        squat = workspace.save_set(anna, "s.mp4", "ss", "2026-01-02T10:00:00+00:00", "full", "standard",
                                   report=report([[]]))  # fmt: skip
        # An exercise without equipment choices is not reviewed again for a named piece of equipment.
        assert workspace.finished_set(anna, "ss", "full", "standard", equipment="barbell").id == squat  # type: ignore[union-attr]
