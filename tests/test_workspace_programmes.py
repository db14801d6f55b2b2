"""The workspace keeps trainers' programmes, who they are assigned to, and guided-session summaries as a trend."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from formcheck.programme import Programme, SessionSummary, SideResult, Step
from formcheck.workspace import ME_CLIENT, TrendPoint, Workspace, WorkspaceError
from tests.test_workspace import report

ANNAS = Programme("Anna's mornings", (Step("glute_bridge", (10, 8), hold_s=5.0), Step("squat", (8,))))


def summary(programme: str, bird_dog_left_s: float, bird_dog_right_s: float, plank_s: float) -> SessionSummary:
    return SessionSummary(
        programme,
        (
            SideResult("bird_dog", "left", reps=6, holds=6, good_form_s=bird_dog_left_s, hold_s=60.0),
            SideResult("bird_dog", "right", reps=6, holds=6, good_form_s=bird_dog_right_s, hold_s=60.0),
            SideResult("plank", None, reps=0, holds=1, good_form_s=plank_s, hold_s=20.0),
        ),
        balance=(),
        work_on=(("plank", "Lift your hips to a straight line"),),
    )


def test_a_trainers_programme_is_kept_assigned_and_replaced_by_name(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        workspace.save_programme(ANNAS)
        workspace.assign(anna, "ANNA'S  MORNINGS")  # the name as a look-alike
        workspace.assign(anna, "Anna's mornings")  # twice is once
        assert workspace.assigned(anna) == [ANNAS]
        shorter = Programme("Anna's mornings", (Step("squat", (5,)),))
        workspace.save_programme(shorter)  # a new version under the same name stays assigned
        assert workspace.programmes() == [shorter] and workspace.assigned(anna) == [shorter]
        assert workspace.assigned(workspace.add_client("Ben")) == []
        with pytest.raises(WorkspaceError, match=r"^no programme called 'Big 4'$"):
            workspace.assign(anna, "Big 4")


def test_me_is_made_on_first_use_and_is_the_same_person_after(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.db") as workspace:
        assert workspace.clients() == []
        me = workspace.me()
        assert me.name == ME_CLIENT and workspace.me() == me and workspace.clients() == [me]


def test_guided_sessions_are_kept_in_the_history_and_read_as_a_daily_trend(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.db") as workspace:
        me = workspace.me()
        first = summary("Back basics", 50.0, 40.0, 18.5)
        workspace.save_guided_session(me, first, finished_at="2026-03-01T08:00:00+00:00")
        workspace.save_guided_session(me, summary("Back basics", 55.0, 52.0, 20.0), "2026-03-03T08:00:00+00:00")
        workspace.save_guided_session(me, summary("Back basics", 1.0, 2.0, 0.5), "2026-03-03T19:00:00+00:00")
        workspace.save_guided_session(workspace.add_client("Ben"), first, "2026-03-02T08:00:00+00:00")
        records = workspace.guided_sessions(me)
        assert [(r.finished_at[:10], r.summary.programme) for r in records] == [
            ("2026-03-01", "Back basics"), ("2026-03-03", "Back basics"), ("2026-03-03", "Back basics"),
        ]  # fmt: skip
        assert records[0].summary == first
        assert workspace.good_form_trend(me) == [
            TrendPoint("2026-03-01", "bird_dog", 90.0),
            TrendPoint("2026-03-01", "plank", 18.5),
            TrendPoint("2026-03-03", "bird_dog", 110.0),
            TrendPoint("2026-03-03", "plank", 20.5),
        ]


def test_deleting_a_client_deletes_their_guided_sessions_and_assignments(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.db") as workspace:
        anna = workspace.add_client("Anna")
        workspace.save_programme(ANNAS)
        workspace.assign(anna, ANNAS.name)
        workspace.save_guided_session(anna, summary(ANNAS.name, 1.0, 1.0, 1.0))
        workspace.delete_client(anna)
        assert workspace.programmes() == [ANNAS]  # the trainer's programme stays for the other clients
    with sqlite3.connect(tmp_path / "w.db") as raw:
        assert raw.execute("SELECT count(*) FROM guided_sessions").fetchone()[0] == 0
        assert raw.execute("SELECT count(*) FROM assignments").fetchone()[0] == 0


def test_a_version_3_workspace_is_migrated_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with Workspace(path) as workspace:
        anna = workspace.add_client("Anna", "knee surgery 2025")
        first = workspace.save_set(anna, "a.mp4", "a" * 64, "2026-01-01T10:00:00+00:00", "full", "standard",
                                   report=report([["forward_lean"], []]))  # fmt: skip
        workspace.save_set(anna, "b.mp4", "b" * 64, "2026-01-02T10:00:00+00:00", "full", "standard", error="no")
        workspace.correct(first, "forward_lean", "not_a_fault", rep=1, note="camera tilted")
    with sqlite3.connect(path) as raw:  # back to version 3: no programmes, assignments or guided sessions
        for table in ("assignments", "guided_sessions", "programmes"):
            raw.execute(f"DROP TABLE {table}")
        raw.execute("PRAGMA user_version=3")
    raw.close()
    with Workspace(path) as workspace:
        anna = workspace.client("ANNA")
        sets = workspace.sets(anna)
        assert (anna.notes, [(s.video_name, s.status) for s in sets]) == (
            "knee surgery 2025",
            [("a.mp4", "done"), ("b.mp4", "failed")],
        )
        assert [c.note for c in sets[0].corrections] == ["camera tilted"] and sets[0].clean_rep_share() == 1.0
        workspace.save_programme(ANNAS)
        workspace.assign(anna, ANNAS.name)
        workspace.save_guided_session(anna, summary(ANNAS.name, 3.0, 4.0, 5.0), "2026-03-01T08:00:00+00:00")
        assert workspace.good_form_trend(anna) == [TrendPoint("2026-03-01", "bird_dog", 7.0),
                                                   TrendPoint("2026-03-01", "plank", 5.0)]  # fmt: skip
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 4
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    raw.close()
