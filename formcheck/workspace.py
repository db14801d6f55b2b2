"""A trainer's workspace: clients, their reviewed sets, corrections to wrong calls, and progress over time.

Stored in one SQLite file (Python's ``sqlite3``; write-ahead logging, one transaction per change), so what was saved
survives a crash, a bad video or an interrupted batch. A set is identified by the SHA-256 of its video bytes, so the
same file is never analysed twice for a client with the same model and strictness. Reports are kept as the JSON of
schema ``formcheck.report/1``; a trainer's correction never edits a report, it is stored beside it and applied when
the set is read (:func:`effective_faults`). Times are ISO-8601 UTC strings.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from formcheck.types import FormcheckError

SCHEMA_VERSION = 1
DB_ENV = "FORMCHECK_DB"
Verdict = Literal["not_a_fault", "missed"]
VERDICTS: tuple[Verdict, ...] = ("not_a_fault", "missed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sets (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    video_name TEXT NOT NULL,
    video_sha256 TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    analysed_at TEXT NOT NULL,
    model TEXT NOT NULL,
    profile TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    error TEXT,
    report_json TEXT,
    UNIQUE (client_id, video_sha256, model, profile)
);
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES sets(id),
    fault_code TEXT NOT NULL,
    rep INTEGER,
    verdict TEXT NOT NULL CHECK (verdict IN ('not_a_fault', 'missed')),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
"""


class WorkspaceError(FormcheckError):
    """A workspace request that cannot be met (unknown client, unreadable database file, …)."""


@dataclass(frozen=True)
class Client:
    id: int
    name: str
    notes: str
    created_at: str


@dataclass(frozen=True)
class Correction:
    id: int
    set_id: int
    fault_code: str
    rep: int | None  # None: the whole set
    verdict: Verdict
    note: str
    created_at: str


@dataclass(frozen=True)
class SetRecord:
    """One reviewed set, as stored, with the trainer's corrections."""

    id: int
    client: str
    video_name: str
    video_sha256: str
    recorded_at: str
    analysed_at: str
    model: str
    profile: str
    status: Literal["done", "failed"]
    error: str | None
    report: dict[str, Any] | None
    corrections: tuple[Correction, ...]

    @property
    def exercise(self) -> str | None:
        return self.report.get("exercise") if self.report else None

    @property
    def reps(self) -> int:
        return len(self.report.get("reps", [])) if self.report else 0

    def faults(self) -> list[str]:
        """Fault codes of this set after the trainer's corrections, one entry per reported fault."""
        return effective_faults(self.report, self.corrections) if self.report else []

    def clean_rep_share(self) -> float | None:
        """Share of judged reps without a fault (after corrections); None without judged reps. A rep no check could
        judge (wrong view, joints hidden) counts neither way; reports from before that was recorded count all."""
        judged = [rep for rep in self.report.get("reps", []) if rep.get("judged", True)] if self.report else []
        if not judged:
            return None
        wrong = {(c.fault_code, c.rep) for c in self.corrections if c.verdict == "not_a_fault"}
        clean = 0
        for rep in judged:
            codes = [
                code
                for code in rep.get("faults", [])
                if (code, rep["index"]) not in wrong and (code, None) not in wrong
            ]
            clean += not codes
        return clean / len(judged)


def effective_faults(report: dict[str, Any] | None, corrections: tuple[Correction, ...]) -> list[str]:
    """The report's fault codes without those a trainer marked wrong, plus the faults they said were missed."""
    if report is None:
        return []
    wrong = [(c.fault_code, c.rep) for c in corrections if c.verdict == "not_a_fault"]
    kept = [
        fault["code"]
        for fault in report.get("faults", [])
        if (fault["code"], None) not in wrong and (fault["code"], fault.get("rep")) not in wrong
    ]
    return kept + [c.fault_code for c in corrections if c.verdict == "missed"]


def default_db() -> Path:
    """``$FORMCHECK_DB``, else the user's data folder (``$XDG_DATA_HOME/formcheck/workspace.db``)."""
    configured = os.environ.get(DB_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "formcheck" / "workspace.db"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Workspace:
    """The SQLite file at ``path`` (created with its folders when missing)."""

    def __init__(self, path: Path | str, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Wait for another writer (the app and a command-line batch may share the file) before giving up.
            self._db = sqlite3.connect(self.path, timeout=busy_timeout_s, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA foreign_keys=ON")
            if self._db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:  # new file: create it
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.executescript(_SCHEMA)
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except (OSError, sqlite3.DatabaseError) as error:
            raise WorkspaceError(f"cannot open the workspace database {self.path}: {error}") from error

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One change, all or nothing; a database problem (locked, full disk) becomes a plain WorkspaceError."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise WorkspaceError(f"the workspace {self.path} is busy or not writable ({error}); try again") from error
        try:
            yield self._db
        except sqlite3.DatabaseError as error:
            self._db.execute("ROLLBACK")
            raise WorkspaceError(f"could not save to the workspace {self.path}: {error}") from error
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- clients ---------------------------------------------------------------------------------------------

    def add_client(self, name: str, notes: str = "") -> Client:
        name = name.strip()
        if not name:
            raise WorkspaceError("a client needs a name")
        with self._transaction() as db:
            db.execute(
                "INSERT INTO clients (name, notes, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                (name, notes, now_iso()),
            )
        return self.client(name)

    def client(self, name: str) -> Client:
        row = self._db.execute("SELECT id, name, notes, created_at FROM clients WHERE name = ?", (name,)).fetchone()
        if row is None:
            known = ", ".join(c.name for c in self.clients()) or "none yet"
            raise WorkspaceError(f"no client called {name!r} (clients: {known})")
        return Client(*row)

    def clients(self) -> list[Client]:
        rows = self._db.execute("SELECT id, name, notes, created_at FROM clients ORDER BY name COLLATE NOCASE")
        return [Client(*row) for row in rows]

    # --- sets ------------------------------------------------------------------------------------------------

    def has_set(self, client: Client, sha256: str, model: str, profile: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM sets WHERE client_id = ? AND video_sha256 = ? AND model = ? AND profile = ? "
            "AND status = 'done'",
            (client.id, sha256, model, profile),
        ).fetchone()
        return row is not None

    def save_set(
        self,
        client: Client,
        video_name: str,
        sha256: str,
        recorded_at: str,
        model: str,
        profile: str,
        report: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> int:
        """Store a reviewed set (``report``) or a failed attempt (``error``); a failure never replaces a review."""
        status = "done" if report is not None else "failed"
        with self._transaction() as db:
            db.execute(
                "INSERT INTO sets (client_id, video_name, video_sha256, recorded_at, analysed_at, model, profile, "
                "status, error, report_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (client_id, video_sha256, model, profile) DO UPDATE SET "
                "video_name = excluded.video_name, analysed_at = excluded.analysed_at, status = excluded.status, "
                "error = excluded.error, report_json = excluded.report_json WHERE sets.status = 'failed' "
                "OR excluded.status = 'done'",
                (
                    client.id,
                    video_name,
                    sha256,
                    recorded_at,
                    now_iso(),
                    model,
                    profile,
                    status,
                    error,
                    json.dumps(report) if report is not None else None,
                ),
            )
            row = db.execute(
                "SELECT id FROM sets WHERE client_id = ? AND video_sha256 = ? AND model = ? AND profile = ?",
                (client.id, sha256, model, profile),
            ).fetchone()
        return int(row[0])

    def sets(self, client: Client) -> list[SetRecord]:
        """The client's sets, oldest recording first (two queries, however many sets)."""
        rows = self._db.execute(_SET_QUERY + "WHERE s.client_id = ? ORDER BY s.recorded_at, s.id", (client.id,))
        records = [_set_record(row) for row in rows]
        corrections: dict[int, list[Correction]] = {}
        for row in self._db.execute(
            _CORRECTION_QUERY + "WHERE set_id IN (SELECT id FROM sets WHERE client_id = ?) ORDER BY id", (client.id,)
        ):
            corrections.setdefault(row[1], []).append(Correction(*row))
        return [replace(record, corrections=tuple(corrections.get(record.id, ()))) for record in records]

    def set(self, set_id: int) -> SetRecord:
        row = self._db.execute(_SET_QUERY + "WHERE s.id = ?", (set_id,)).fetchone()
        if row is None:
            raise WorkspaceError(f"no set with id {set_id}")
        return replace(_set_record(row), corrections=self.corrections(set_id))

    # --- corrections -----------------------------------------------------------------------------------------

    def correct(self, set_id: int, fault_code: str, verdict: Verdict, rep: int | None = None, note: str = "") -> int:
        """Record that a call was wrong (``not_a_fault``) or that a fault was ``missed``."""
        if verdict not in VERDICTS:
            raise WorkspaceError(f"verdict must be one of {', '.join(VERDICTS)}, got {verdict!r}")
        record = self.set(set_id)
        if verdict == "not_a_fault" and fault_code not in {f["code"] for f in (record.report or {}).get("faults", [])}:
            raise WorkspaceError(f"set {set_id} has no {fault_code} call to correct")
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO corrections (set_id, fault_code, rep, verdict, note, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (set_id, fault_code, rep, verdict, note, now_iso()),
            )
        return int(cursor.lastrowid or 0)

    def corrections(self, set_id: int) -> tuple[Correction, ...]:
        rows = self._db.execute(_CORRECTION_QUERY + "WHERE set_id = ? ORDER BY id", (set_id,))
        return tuple(Correction(*row) for row in rows)

    def set_count(self, client: Client) -> int:
        return int(self._db.execute("SELECT count(*) FROM sets WHERE client_id = ?", (client.id,)).fetchone()[0])


_SET_QUERY = (
    "SELECT s.id, c.name, s.video_name, s.video_sha256, s.recorded_at, s.analysed_at, s.model, s.profile, "
    "s.status, s.error, s.report_json FROM sets s JOIN clients c ON c.id = s.client_id "
)
_CORRECTION_QUERY = "SELECT id, set_id, fault_code, rep, verdict, note, created_at FROM corrections "


def _set_record(row: tuple[Any, ...]) -> SetRecord:
    """A row of :data:`_SET_QUERY` (without its corrections)."""
    set_id, client, video_name, sha256, recorded_at, analysed_at, model, profile, status, error, report_json = row
    return SetRecord(
        id=set_id,
        client=client,
        video_name=video_name,
        video_sha256=sha256,
        recorded_at=recorded_at,
        analysed_at=analysed_at,
        model=model,
        profile=profile,
        status=status,
        error=error,
        report=json.loads(report_json) if report_json else None,
        corrections=(),
    )
