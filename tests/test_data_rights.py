"""A trainer's data rights and data at rest: owner-only files, look-alike names, deleting a client or a set, and
exporting a client's data."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from formcheck.app.inputs import store_upload
from formcheck.app.review import ReviewService
from formcheck.app.trainer import batch_folder, keep_unjudged
from formcheck.cli import main
from formcheck.programme import SessionSummary, SideResult
from formcheck.workspace import Workspace, WorkspaceError, client_key
from tests.test_workspace import report

EVIL_NAME = "![x](http://example.com/a.png)"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: owner-only modes must not come from it."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("open_umask")
def test_the_workspace_database_its_log_and_its_new_folder_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "formcheck" / "workspace.db"
    with Workspace(path) as workspace:
        client = workspace.add_client("Anna")
        workspace.save_set(client, "a.mp4", "a" * 64, "2026-01-01", "full", "standard", report=report([[]]))
        files = [path, path.with_name("workspace.db-wal"), path.with_name("workspace.db-shm")]
        assert [mode(file) for file in files] == [0o600, 0o600, 0o600]
    assert [mode(folder) for folder in (path.parent, path.parent.parent)] == [0o700, 0o700]


def test_an_older_workspace_file_is_tightened_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "workspace.db"
    Workspace(path).close()
    path.chmod(0o644)
    with Workspace(path) as workspace:
        workspace.add_client("Anna")
    assert mode(path) == 0o600


def test_the_default_workspace_folder_is_tightened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORMCHECK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    (tmp_path / "formcheck").mkdir(mode=0o755)
    Workspace(tmp_path / "formcheck" / "workspace.db").close()
    assert mode(tmp_path / "formcheck") == 0o700
    assert mode(tmp_path) == stat.S_IMODE(tmp_path.stat().st_mode)  # the data folder above it is not formcheck's


@pytest.mark.usefixtures("open_umask")
def test_the_apps_stored_videos_and_folders_are_owner_only(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o755)
    ReviewService(cache)
    assert mode(cache) == 0o700  # made by an older version: tightened
    stored = store_upload(io.BytesIO(b"video bytes"), "set.mp4", cache / "videos")
    assert (mode(stored.path), mode(stored.path.parent)) == (0o600, 0o700)
    trainer = cache / "trainer"
    with batch_folder(trainer) as batch:
        assert (mode(trainer), mode(batch)) == (0o700, 0o700)
        kept = keep_unjudged(store_upload(io.BytesIO(b"other"), "b.mov", batch, keep_newest=None).path, trainer)
    assert (mode(kept), mode(kept.parent)) == (0o600, 0o700)


def test_look_alike_names_are_one_client_shown_as_first_entered(tmp_path: Path) -> None:
    look_alikes = ["ana  test", "ANA TEST", "Ana\u00a0Test", "\uff21na Test", " Ana\tTest "]
    with Workspace(tmp_path / "w.db") as workspace:
        first = workspace.add_client("Ana Test")
        assert {workspace.add_client(name).id for name in look_alikes} == {first.id}
        assert [client.name for client in workspace.clients()] == ["Ana Test"]
        assert workspace.client("ana test") == first
        assert workspace.add_client("José").id == workspace.add_client("Jose\u0301").id  # composed or not
        assert workspace.add_client("Straße").id == workspace.add_client("STRASSE").id
        assert workspace.add_client("Ana Tess").id != first.id
    assert client_key("  Ana \u2003 TEST ") == "ana test"


def test_look_alike_clients_of_a_version_2_file_keep_all_their_sets(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with Workspace(path) as workspace:
        workspace.save_set(workspace.add_client("Ana Test"), "a.mp4", "a" * 64, "2026-01-01", "full", "standard")
    with sqlite3.connect(path) as raw:  # back to version 2, where only the exact name was unique
        raw.execute("DROP INDEX clients_by_name_key")
        raw.execute("ALTER TABLE clients DROP COLUMN name_key")
        raw.execute("INSERT INTO clients (name, notes, created_at) VALUES ('ana test', '', '2026-01-02')")
        raw.execute(
            "INSERT INTO sets (client_id, video_name, video_sha256, recorded_at, analysed_at, model, profile, status) "
            "VALUES (2, 'b.mp4', ?, '2026-01-02', '2026-01-02', 'full', 'standard', 'failed')",
            ("b" * 64,),
        )
        raw.execute("PRAGMA user_version=2")
    raw.close()
    with Workspace(path) as workspace:
        clients = workspace.clients()
        assert [client.name for client in clients] == ["Ana Test", "ana test (2)"]
        assert [[s.video_name for s in workspace.sets(client)] for client in clients] == [["a.mp4"], ["b.mp4"]]
        assert workspace.client("ANA TEST").name == "Ana Test"


def _cache_with_videos(cache: Path, sha256: str) -> list[Path]:
    """The files the app keeps of one video: the Review page's upload, a kept unjudged clip, an annotated video."""
    files = [
        cache / "videos" / f"{sha256}.mp4",
        cache / "trainer" / "unjudged" / f"{sha256}.mp4",
        cache / "annotated" / f"{sha256[:20]}-full-squat-standard-auto.mp4",
    ]
    for file in files:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(b"video of " + sha256.encode())
    return files


@pytest.fixture
def workspace_with_two_clients(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Ana (two sets, one corrected, one video also sent by Ben) and Ben, in a workspace with kept videos."""
    monkeypatch.setenv("FORMCHECK_APP_CACHE", str(tmp_path / "cache"))
    db = tmp_path / "w.db"
    with Workspace(db) as workspace:
        ana, ben = workspace.add_client("Ana Secretname", "knee surgery 2025"), workspace.add_client("Ben")
        day1, day2, day3 = (f"2026-01-0{day}T10:00:00+00:00" for day in (1, 2, 3))
        first = workspace.save_set(ana, "ana1.mp4", "a" * 64, day1, "full", "standard", report([["lean"]]))
        workspace.correct(first, "lean", "not_a_fault", note="camera tilted")
        workspace.save_set(ana, "ana2.mp4", "c" * 64, day2, "full", "standard", report([[]]))
        workspace.save_set(ben, "ben.mp4", "c" * 64, day3, "full", "standard", report([[]]))
        workspace.claim((ana, "d" * 64, "full", "standard"), owner="batch-1")
    for sha256 in ("a" * 64, "c" * 64):
        _cache_with_videos(tmp_path / "cache", sha256)
    return db


def _every_value(db: Path) -> str:
    """Every value of every table, as text."""
    with sqlite3.connect(db) as raw:
        tables = [row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        rows = [row for table in tables for row in raw.execute(f"SELECT * FROM {table}")]
    raw.close()
    return repr(rows)


def test_deleting_a_client_leaves_no_trace_in_the_database_or_on_disk(workspace_with_two_clients: Path) -> None:
    db = workspace_with_two_clients
    cache = db.parent / "cache"
    assert main(["clients", "--delete", "ana secretname", "--yes", "--db", str(db)]) == 0
    values = _every_value(db)
    for trace in ("Secretname", "knee surgery", "ana1.mp4", "ana2.mp4", "camera tilted", "a" * 64, "d" * 64):
        assert trace not in values
    raw_bytes = b"".join(path.read_bytes() for path in db.parent.glob("w.db*"))
    for trace in (b"Secretname", b"knee surgery", b"ana1.mp4", b"camera tilted", b"a" * 64):
        assert trace not in raw_bytes  # overwritten, not only unlinked, and not left in the write-ahead log
    assert not list(cache.rglob("aaaaaaaaaaaaaaaaaaaa*"))
    assert len(list(cache.rglob("cccccccccccccccccccc*"))) == 3  # Ben sent the same video: his copy stays
    with Workspace(db) as workspace:
        assert [client.name for client in workspace.clients()] == ["Ben"]
        assert [s.video_name for s in workspace.sets(workspace.client("Ben"))] == ["ben.mp4"]


def test_deleting_without_confirmation_deletes_nothing(
    workspace_with_two_clients: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = workspace_with_two_clients
    assert main(["clients", "--delete", "Ana Secretname", "--db", str(db)]) == 2
    assert caplog.messages == [
        "formcheck: Deleting Ana Secretname and their 2 set(s) cannot be undone: add --yes to confirm"
    ]
    assert main(["delete-set", "1", "--db", str(db)]) == 2
    with Workspace(db) as workspace:
        assert workspace.set_count(workspace.client("Ana Secretname")) == 2


def test_deleting_one_set_removes_it_its_corrections_and_its_video(workspace_with_two_clients: Path) -> None:
    db = workspace_with_two_clients
    cache = db.parent / "cache"
    assert main(["delete-set", "1", "--yes", "--db", str(db)]) == 0
    assert main(["delete-set", "2", "--yes", "--db", str(db)]) == 0  # its video is Ben's too: kept
    values = _every_value(db)
    assert "camera tilted" not in values and "ana1.mp4" not in values and "ana2.mp4" not in values
    assert not list(cache.rglob("aaaaaaaaaaaaaaaaaaaa*"))
    assert len(list(cache.rglob("cccccccccccccccccccc*"))) == 3
    with Workspace(db) as workspace:
        assert workspace.set_count(workspace.client("Ana Secretname")) == 0
        with pytest.raises(WorkspaceError, match="no set with id 1"):
            workspace.delete_set(1)


@pytest.mark.usefixtures("open_umask")
def test_a_clients_data_exported_as_a_zip(workspace_with_two_clients: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = workspace_with_two_clients
    with Workspace(db) as workspace:
        plank = SideResult("plank", None, reps=0, holds=2, good_form_s=31.5, hold_s=40.0)
        summary = SessionSummary("Back basics", (plank,), balance=(), work_on=(("plank", "Lift your hips"),))
        workspace.save_guided_session(workspace.client("Ana Secretname"), summary, "2026-12-01T08:00:00+00:00")
    out = db.parent / "ana.zip"
    assert main(["history", "ANA secretname", "--zip", str(out), "--db", str(db)]) == 0
    assert "2026-12-01  guided 'Back basics': plank 31.5 s good form" in capsys.readouterr().out
    assert mode(out) == 0o600
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == [
            "guided-sessions.json",
            "history.json",
            "progress.pdf",
            "reports/set-1.json",
            "reports/set-2.json",
            "videos/set-1-ana1.mp4",  # once, though the Review page and the Clients page both kept it
            "videos/set-1-annotated-full-squat-standard-auto.mp4",
            "videos/set-2-ana2.mp4",
            "videos/set-2-annotated-full-squat-standard-auto.mp4",
        ]
        history = json.loads(archive.read("history.json"))
        assert history["client"] == "Ana Secretname"
        assert [(s["id"], s["video"], s["faults"]) for s in history["sets"]] == [
            (1, "ana1.mp4", []),
            (2, "ana2.mp4", []),
        ]
        assert json.loads(archive.read("reports/set-1.json")) == report([["lean"]])
        assert archive.read("progress.pdf").startswith(b"%PDF")
        [session] = json.loads(archive.read("guided-sessions.json"))["sessions"]
        assert (session["finished_at"], session["programme"]) == ("2026-12-01T08:00:00+00:00", "Back basics")


def _markdown_shown(app: Any) -> str:
    """Every Markdown string the page sent (messages, captions, Markdown blocks)."""
    elements = [*app.markdown, *app.caption, *app.info, *app.success, *app.warning, *app.error, *app.subheader]
    return "\n".join(str(element.value) for element in elements)


def test_the_clients_page_shows_a_name_as_text_and_deletes_a_client_after_confirmation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415

    db = tmp_path / "page.db"
    monkeypatch.setenv("FORMCHECK_DB", str(db))
    monkeypatch.setenv("FORMCHECK_APP_CACHE", str(tmp_path / "cache"))
    script = "from formcheck.app.pages.clients_page import render\nrender()\n"
    app = AppTest.from_string(script, default_timeout=60).run()
    app.text_input[0].input(EVIL_NAME)
    app.button[0].click().run()
    assert not app.exception
    shown = _markdown_shown(app)
    assert "\\!\\[x\\]\\(http" in shown  # the name is on the page, as text
    assert "![" not in shown and "<img" not in shown and "](http" not in shown
    assert app.button(key="delete_client_button").disabled
    app.text_input(key="delete_client_name").input("![x]").run()
    assert app.button(key="delete_client_button").disabled  # only the whole name unlocks it
    app.text_input(key="delete_client_name").input(EVIL_NAME).run()
    app.button(key="delete_client_button").click().run()
    assert not app.exception
    with Workspace(db) as workspace:
        assert workspace.clients() == []
    assert any("Add your first client" in info.value for info in app.info)
