"""A trainer's workspace: clients, their reviewed sets, corrections to wrong calls, and progress over time.

Stored in one SQLite file (Python's ``sqlite3``; write-ahead logging, one transaction per change), so what was saved
survives a crash, a bad video or an interrupted batch. A set is identified by the SHA-256 of its video bytes, so the
same file is never analysed twice for a client with the same model and strictness. Reports are kept as the JSON of
schema ``formcheck.report/1``; a trainer's correction never edits a report, it is stored beside it and applied when
the set is read (:func:`effective_faults`). Times are ISO-8601 UTC strings.

A set is ``done`` (judged), ``unjudged`` (analysed, but nothing could be judged: no person, exercise not recognised,
no rep or hold any check could see; the reason is kept) or ``failed`` (the video could not be analysed). Before a
set is analysed it is *claimed* (:meth:`Workspace.claim`), so batches sharing a workspace share the work; a claim
whose process is gone, or that was not renewed within its lease, is free again.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from formcheck.private_files import create_private_file, private_folder, tighten
from formcheck.programme import Programme, SessionSummary, parse_programme
from formcheck.report import MIN_JUDGED_HOLD_S
from formcheck.types import FormcheckError

SCHEMA_VERSION = 4
DB_ENV = "FORMCHECK_DB"
Verdict = Literal["not_a_fault", "missed"]
VERDICTS: tuple[Verdict, ...] = ("not_a_fault", "missed")
SetStatus = Literal["done", "unjudged", "failed"]
ANY_EXERCISE = "auto"  # what a set was reviewed as when nobody chose the exercise
ANY_EQUIPMENT = "auto"  # equipment not named: any stored review will do
# A claim is renewed every quarter lease while its set is analysed; a batch on another machine that stops renewing
# (its computer lost, killed) frees its sets after this long. Same-machine claims are freed as soon as the process
# is gone. Because of the renewal the lease does not bound how long one set may take; it is only how long another
# machine's sets stay blocked after that machine is lost (chosen, not measured: four missed renewals).
CLAIM_LEASE_S = 120.0
# The person training on their own, without a trainer: a client like any other, made on first use.
ME_CLIENT = "Me"

_SETS_TABLE = """
CREATE TABLE IF NOT EXISTS sets (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    video_name TEXT NOT NULL,
    video_sha256 TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    analysed_at TEXT NOT NULL,
    model TEXT NOT NULL,
    profile TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('done', 'unjudged', 'failed')),
    error TEXT,  -- why it failed, or why nothing could be judged
    report_json TEXT,
    exercise_asked TEXT NOT NULL DEFAULT 'auto',  -- the exercise it was reviewed as ('auto': recognised)
    UNIQUE (client_id, video_sha256, model, profile)
);
"""
_CLAIMS_TABLE = """
CREATE TABLE IF NOT EXISTS claims (
    client_id INTEGER NOT NULL REFERENCES clients(id),
    video_sha256 TEXT NOT NULL,
    model TEXT NOT NULL,
    profile TEXT NOT NULL,
    owner TEXT NOT NULL,  -- one batch run
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    renewed_at REAL NOT NULL,  -- Unix time of the last renewal
    PRIMARY KEY (client_id, video_sha256, model, profile)
);
"""
# Version 4: trainer-made programmes, the programmes assigned to each client, and guided-session summaries.
_PROGRAMME_TABLES = """
CREATE TABLE IF NOT EXISTS programmes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,  -- as last saved, shown
    name_key TEXT NOT NULL UNIQUE,  -- client_key(name): saving a look-alike name replaces that programme
    programme_json TEXT NOT NULL,  -- formcheck.programme/1
    saved_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS assignments (
    client_id INTEGER NOT NULL REFERENCES clients(id),
    programme_id INTEGER NOT NULL REFERENCES programmes(id),
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (client_id, programme_id)
);
CREATE TABLE IF NOT EXISTS guided_sessions (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    programme TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    summary_json TEXT NOT NULL  -- formcheck.programme.SessionSummary.to_json_dict()
);
"""
_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS clients (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,  -- as first entered, shown
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    name_key TEXT NOT NULL DEFAULT ''  -- client_key(name): look-alike names are one client
);
CREATE UNIQUE INDEX IF NOT EXISTS clients_by_name_key ON clients (name_key);
"""
    + _SETS_TABLE
    + """
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
    + _CLAIMS_TABLE
    + _PROGRAMME_TABLES
)
_V1_SET_COLUMNS = (
    "id, client_id, video_name, video_sha256, recorded_at, analysed_at, model, profile, status, error, report_json"
)


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
class GuidedSessionRecord:
    id: int
    client: str
    finished_at: str
    summary: SessionSummary


@dataclass(frozen=True)
class TrendPoint:
    """Good-form seconds of one exercise on one day (UTC), summed over that day's guided sessions."""

    day: str  # YYYY-MM-DD
    exercise: str
    good_form_s: float


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
    status: SetStatus
    error: str | None  # why it failed, or why nothing could be judged
    report: dict[str, Any] | None
    corrections: tuple[Correction, ...]
    exercise_asked: str = ANY_EXERCISE

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
        judge (wrong view, joints hidden) counts neither way; reports from before that was recorded count all. A set
        where nothing could be judged has no share."""
        if self.status != "done":
            return None
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


# formcheck.recognize.UNSUPPORTED: what the clip showed instead of one of the exercises formcheck checks.
_UNSUPPORTED_REASONS = {
    "pushup": "this looks like a push-up, which formcheck does not check",
    "lunge": "this looks like a lunge, which formcheck does not check",
    "no_exercise": "no exercise seen in the video",
}


def unjudged_reason(report: dict[str, Any]) -> str | None:
    """Why nothing in this report could be judged, or None when something was (a rep, a hold, or a fault seen).

    Works on the stored JSON (``formcheck.report/1``), so reports saved before this was recorded are read the same way.
    """
    if report.get("frames_with_pose", 1) == 0:
        return "no person found in the video"
    if report.get("exercise") is None:
        unsupported = _UNSUPPORTED_REASONS.get(str(report.get("unsupported")))
        return unsupported or "exercise not recognised — choose it and review again"
    judged_rep = any(rep.get("judged", True) for rep in report.get("reps", []))
    judged_hold = any((hold.get("judged_s") or 0.0) >= MIN_JUDGED_HOLD_S for hold in report.get("holds", []))
    if judged_rep or judged_hold or report.get("faults"):
        return None
    reasons = [entry["reason"] for entry in report.get("unjudged", []) if entry.get("reason")]
    if reasons:
        return f"form could not be judged: {reasons[0]}"
    return "no complete rep or hold found"


SetKey = tuple[Client, str, str, str]  # client, video SHA-256, model, strictness: one set of a workspace
ClaimState = Literal["claimed", "reviewed", "busy"]


def _claim_alive(host: str, pid: int, renewed_at: float, lease_s: float) -> bool:
    """A claim holds while it is renewed and, on this machine, while its process runs (a killed batch's claim is
    free at once, without waiting for the lease)."""
    if time.time() - renewed_at > lease_s:
        return False
    return host != socket.gethostname() or process_running(pid)


def process_running(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (a zombie, killed but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:  # no /proc (macOS): the signal test is all there is
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


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


def client_key(name: str) -> str:
    """What makes two client names the same client: Unicode compatibility forms folded (NFKC: "ﬁ" is "fi",
    full-width letters are letters), case folded ("Straße" is "strasse"), and any run of spaces, tabs or
    non-breaking spaces one space ("Ana  Test", "ana test" and "ANA\u00a0TEST" are one client)."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return re.sub(r"\s+", " ", folded).strip()


def default_db() -> Path:
    """``$FORMCHECK_DB``, else the user's data folder (``$XDG_DATA_HOME/formcheck/workspace.db``)."""
    configured = os.environ.get(DB_ENV)
    if configured:
        return Path(configured)
    return _default_folder() / "workspace.db"


def _default_folder() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "formcheck"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Workspace:
    """The SQLite file at ``path`` (created with its folders when missing)."""

    def __init__(self, path: Path | str, busy_timeout_s: float = 30.0, create_folder: bool = True) -> None:
        """``create_folder``: make the file's missing folders (False: a missing folder is an error, as for a path the
        person typed, where it is more likely a typo than a wish for a new, empty workspace)."""
        self.path = Path(path)
        if not create_folder and not self.path.parent.is_dir():
            missing = f"the folder {self.path.parent} does not exist"
            raise WorkspaceError(f"cannot open the workspace database {self.path}: {missing}")
        try:
            self._make_private()
            # Wait for another writer (the app and a command-line batch may share the file) before giving up.
            self._db = sqlite3.connect(self.path, timeout=busy_timeout_s, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA foreign_keys=ON")
            # A deleted client's rows are overwritten, not only unlinked: their bytes must not stay in the file.
            self._db.execute("PRAGMA secure_delete=ON")
            if self._db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                self._create_or_migrate()
        except (OSError, sqlite3.DatabaseError) as error:
            raise WorkspaceError(f"cannot open the workspace database {self.path}: {error}") from error

    def _make_private(self) -> None:
        """The database owner-only (0600) before SQLite first writes it; SQLite gives its -wal and -shm files the
        database's mode. Files of an older formcheck are tightened; so is their folder when it is formcheck's own
        (the default one, or one made here), not a folder the person chose that holds other things."""
        folder = self.path.parent
        if not folder.is_dir() or folder == _default_folder():
            private_folder(folder)
        create_private_file(self.path)
        for companion in ("-wal", "-shm", "-journal"):
            tighten(self.path.with_name(self.path.name + companion))

    def _create_or_migrate(self) -> None:
        """Create a new file's tables, or bring an older file's up to :data:`SCHEMA_VERSION`, keeping every row.

        One transaction, so a crash leaves the old file as it was; the version is read again inside it, since another
        process opening the same file may have migrated it meanwhile."""
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=OFF")  # the sets table is rebuilt under its corrections
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                version = self._db.execute("PRAGMA user_version").fetchone()[0]
                if version == 1:
                    _migrate_v1_to_v2(self._db)
                if version in (1, 2):
                    _migrate_v2_to_v3(self._db)
                _run_script(self._db, _SCHEMA)
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        finally:
            self._db.execute("PRAGMA foreign_keys=ON")

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
        """The client called ``name``, added when new; a look-alike of a known name (see :func:`client_key`) is that
        client, still shown as first entered."""
        name = name.strip()
        if not client_key(name):
            raise WorkspaceError("a client needs a name")
        with self._transaction() as db:
            db.execute(
                "INSERT INTO clients (name, notes, created_at, name_key) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name_key) DO NOTHING",
                (name, notes, now_iso(), client_key(name)),
            )
        return self.client(name)

    def client(self, name: str) -> Client:
        row = self._db.execute(
            "SELECT id, name, notes, created_at FROM clients WHERE name_key = ?", (client_key(name),)
        ).fetchone()
        if row is None:
            known = ", ".join(c.name for c in self.clients()) or "none yet"
            raise WorkspaceError(f"no client called {name!r} (clients: {known})")
        return Client(*row)

    def clients(self) -> list[Client]:
        rows = self._db.execute("SELECT id, name, notes, created_at FROM clients ORDER BY name COLLATE NOCASE")
        return [Client(*row) for row in rows]

    def me(self) -> Client:
        """The person training on their own (:data:`ME_CLIENT`), added on first use."""
        return self.add_client(ME_CLIENT, "training on my own")

    # --- programmes and guided sessions ----------------------------------------------------------------------

    def save_programme(self, programme: Programme) -> int:
        """Keep a trainer's programme; saving one with the same (look-alike) name replaces it, keeping who it is
        assigned to."""
        key = client_key(programme.name)
        if not key:
            raise WorkspaceError("a programme needs a name")
        with self._transaction() as db:
            db.execute(
                "INSERT INTO programmes (name, name_key, programme_json, saved_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, "
                "programme_json = excluded.programme_json, saved_at = excluded.saved_at",
                (programme.name.strip(), key, programme.to_json(), now_iso()),
            )
            row = db.execute("SELECT id FROM programmes WHERE name_key = ?", (key,)).fetchone()
        return int(row[0])

    def programmes(self) -> list[Programme]:
        """Every saved programme, by name (read as saved: checked against the exercises when used)."""
        rows = self._db.execute("SELECT programme_json FROM programmes ORDER BY name COLLATE NOCASE")
        return [parse_programme(row[0]) for row in rows]

    def assign(self, client: Client, programme_name: str) -> None:
        """Give ``client`` the saved programme called ``programme_name``."""
        with self._transaction() as db:
            row = db.execute("SELECT id FROM programmes WHERE name_key = ?", (client_key(programme_name),)).fetchone()
            if row is None:
                raise WorkspaceError(f"no programme called {programme_name!r}")
            db.execute(
                "INSERT OR IGNORE INTO assignments (client_id, programme_id, assigned_at) VALUES (?, ?, ?)",
                (client.id, row[0], now_iso()),
            )

    def assigned(self, client: Client) -> list[Programme]:
        """The programmes assigned to ``client``, first assigned first."""
        rows = self._db.execute(
            "SELECT p.programme_json FROM assignments a JOIN programmes p ON p.id = a.programme_id "
            "WHERE a.client_id = ? ORDER BY a.assigned_at, p.id",
            (client.id,),
        )
        return [parse_programme(row[0]) for row in rows]

    def save_guided_session(self, client: Client, summary: SessionSummary, finished_at: str | None = None) -> int:
        """Keep a guided session's summary in ``client``'s history; ``finished_at``: ISO-8601 UTC, default now."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO guided_sessions (client_id, programme, finished_at, summary_json) VALUES (?, ?, ?, ?)",
                (client.id, summary.programme, finished_at or now_iso(), json.dumps(summary.to_json_dict())),
            )
        return int(cursor.lastrowid or 0)

    def guided_sessions(self, client: Client) -> list[GuidedSessionRecord]:
        """``client``'s guided sessions, oldest first."""
        rows = self._db.execute(
            "SELECT id, finished_at, summary_json FROM guided_sessions WHERE client_id = ? ORDER BY finished_at, id",
            (client.id,),
        )
        return [
            GuidedSessionRecord(row[0], client.name, row[1], SessionSummary.from_json_dict(json.loads(row[2])))
            for row in rows
        ]

    def good_form_trend(self, client: Client) -> list[TrendPoint]:
        """Good-form seconds per exercise per day over ``client``'s guided sessions, by day, then by exercise in the
        order first done."""
        totals: dict[tuple[str, str], float] = {}
        for record in self.guided_sessions(client):
            day = record.finished_at[:10]
            for exercise, good_form_s in record.summary.good_form_s_by_exercise().items():
                totals[day, exercise] = totals.get((day, exercise), 0.0) + good_form_s
        return [
            TrendPoint(day, exercise, round(seconds, 3))
            for (day, exercise), seconds in sorted(totals.items(), key=lambda item: item[0][0])
        ]

    # --- sets ------------------------------------------------------------------------------------------------

    def finished_set(
        self,
        client: Client,
        sha256: str,
        model: str,
        profile: str,
        exercise: str = ANY_EXERCISE,
        equipment: str = ANY_EQUIPMENT,
    ) -> SetRecord | None:
        """The stored set that reviewing this video again as ``exercise`` would not change: a judged one, or one that
        could not be judged when reviewed as the same exercise (a set that was not judged is reviewed again when
        another exercise is chosen for it). A judged set is reviewed again when ``equipment`` is named and differs
        from the one it was judged with (a trainer who adds "barbell" wants the bar's path checked). None: review
        it."""
        named = equipment != ANY_EQUIPMENT
        # A stored review without equipment (an exercise that takes none) stands for any equipment named.
        same_equipment = " AND coalesce(json_extract(s.report_json, '$.equipment'), ?) = ?" if named else ""
        params = (client.id, sha256, model, profile, *((equipment, equipment) if named else ()), exercise)
        row = self._db.execute(
            _SET_QUERY + "WHERE s.client_id = ? AND s.video_sha256 = ? AND s.model = ? AND s.profile = ? "
            f"AND ((s.status = 'done'{same_equipment}) OR (s.status = 'unjudged' AND s.exercise_asked = ?))",
            params,
        ).fetchone()
        return _set_record(row) if row is not None else None

    def has_set(self, client: Client, sha256: str, model: str, profile: str) -> bool:
        return self.finished_set(client, sha256, model, profile) is not None

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
        exercise_asked: str = ANY_EXERCISE,
    ) -> int:
        """Store a reviewed set (``report``; ``unjudged`` with its reason when nothing in it could be judged) or a
        failed attempt (``error``). A failure never replaces a review, and a set that could not be judged never
        replaces a judged one."""
        reason = unjudged_reason(report) if report is not None else None
        status: SetStatus = "failed" if report is None else "unjudged" if reason is not None else "done"
        with self._transaction() as db:
            db.execute(
                "INSERT INTO sets (client_id, video_name, video_sha256, recorded_at, analysed_at, model, profile, "
                "status, error, report_json, exercise_asked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (client_id, video_sha256, model, profile) DO UPDATE SET "
                "video_name = excluded.video_name, analysed_at = excluded.analysed_at, status = excluded.status, "
                "error = excluded.error, report_json = excluded.report_json, exercise_asked = excluded.exercise_asked "
                "WHERE sets.status = 'failed' OR excluded.status = 'done' "
                "OR (sets.status = 'unjudged' AND excluded.status = 'unjudged')",
                (
                    client.id,
                    video_name,
                    sha256,
                    recorded_at,
                    now_iso(),
                    model,
                    profile,
                    status,
                    reason if report is not None else error,
                    json.dumps(report) if report is not None else None,
                    exercise_asked,
                ),
            )
            row = db.execute(
                "SELECT id FROM sets WHERE client_id = ? AND video_sha256 = ? AND model = ? AND profile = ?",
                (client.id, sha256, model, profile),
            ).fetchone()
        return int(row[0])

    # --- claims: batches sharing a workspace share the work ----------------------------------------------------

    def claim(
        self,
        key: SetKey,
        owner: str,
        exercise: str = ANY_EXERCISE,
        lease_s: float = CLAIM_LEASE_S,
        equipment: str = ANY_EQUIPMENT,
    ) -> ClaimState:
        """Take the set ``key`` for ``owner`` (one batch run) before analysing it: "claimed"; "reviewed" when it
        needs no review (see :meth:`finished_set`); "busy" while another live batch holds it. A claim of a process
        that is gone (same machine) or not renewed within ``lease_s`` is taken over."""
        client, sha256, model, profile = key
        with self._transaction() as db:
            if self.finished_set(client, sha256, model, profile, exercise, equipment) is not None:
                return "reviewed"
            held = db.execute(
                "SELECT owner, host, pid, renewed_at FROM claims WHERE client_id = ? AND video_sha256 = ? "
                "AND model = ? AND profile = ?",
                (client.id, sha256, model, profile),
            ).fetchone()
            if held is not None and held[0] != owner and _claim_alive(held[1], held[2], held[3], lease_s):
                return "busy"
            db.execute(
                "INSERT OR REPLACE INTO claims (client_id, video_sha256, model, profile, owner, host, pid, renewed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (client.id, sha256, model, profile, owner, socket.gethostname(), os.getpid(), time.time()),
            )
        return "claimed"

    def release(self, key: SetKey, owner: str) -> None:
        client, sha256, model, profile = key
        with self._transaction() as db:
            db.execute(
                "DELETE FROM claims WHERE client_id = ? AND video_sha256 = ? AND model = ? AND profile = ? "
                "AND owner = ?",
                (client.id, sha256, model, profile, owner),
            )

    def renew_claims(self, owner: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE claims SET renewed_at = ? WHERE owner = ?", (time.time(), owner))

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

    # --- a trainer's data rights: delete a client, delete a set ---------------------------------------------------

    def delete_client(self, client: Client) -> list[str]:
        """Remove the client with every set, correction, claim, assignment and guided session of theirs,
        overwritten in the file (secure_delete) and gone from the write-ahead log. Returns the SHA-256 of their
        videos that no other client has: the caller removes those files (kept uploads, annotated videos)."""
        with self._transaction() as db:
            videos = _video_hashes(db, "SELECT DISTINCT video_sha256 FROM sets WHERE client_id = ?", client.id)
            db.execute(
                "DELETE FROM corrections WHERE set_id IN (SELECT id FROM sets WHERE client_id = ?)", (client.id,)
            )
            db.execute("DELETE FROM claims WHERE client_id = ?", (client.id,))
            db.execute("DELETE FROM assignments WHERE client_id = ?", (client.id,))
            db.execute("DELETE FROM guided_sessions WHERE client_id = ?", (client.id,))
            db.execute("DELETE FROM sets WHERE client_id = ?", (client.id,))
            deleted = db.execute("DELETE FROM clients WHERE id = ?", (client.id,)).rowcount
            orphaned = _unused_hashes(db, videos)
        if not deleted:
            raise WorkspaceError(f"no client called {client.name!r}")
        self._forget_deleted()
        return orphaned

    def delete_set(self, set_id: int) -> list[str]:
        """Remove one reviewed set and its corrections; the SHA-256 of its video when no other set has it."""
        with self._transaction() as db:
            videos = _video_hashes(db, "SELECT video_sha256 FROM sets WHERE id = ?", set_id)
            db.execute("DELETE FROM corrections WHERE set_id = ?", (set_id,))
            deleted = db.execute("DELETE FROM sets WHERE id = ?", (set_id,)).rowcount
            orphaned = _unused_hashes(db, videos)
        if not deleted:
            raise WorkspaceError(f"no set with id {set_id}")
        self._forget_deleted()
        return orphaned

    def _forget_deleted(self) -> None:
        """Copy the changed pages into the database file and empty the write-ahead log, which still holds earlier
        versions of the deleted rows. A reader holding the log open (another process) delays the emptying; the
        next checkpoint completes it."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()

    def set_count(self, client: Client) -> int:
        return int(self._db.execute("SELECT count(*) FROM sets WHERE client_id = ?", (client.id,)).fetchone()[0])


def _video_hashes(db: sqlite3.Connection, query: str, key: int) -> list[str]:
    return [str(row[0]) for row in db.execute(query, (key,))]


def _unused_hashes(db: sqlite3.Connection, hashes: list[str]) -> list[str]:
    """Those of ``hashes`` no stored set has (any client): their videos may be removed."""
    return [sha for sha in hashes if db.execute("SELECT 1 FROM sets WHERE video_sha256 = ?", (sha,)).fetchone() is None]


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Statements one by one (``executescript`` would commit the open transaction first)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _migrate_v1_to_v2(db: sqlite3.Connection) -> None:
    """Version 1 stored a set where nothing could be judged as ``done``: rebuild ``sets`` with the ``unjudged`` status
    and the exercise asked for, copy every row, and mark the unjudged ones with their reason."""
    # A new table renamed into place (renaming the old one away would carry the corrections' references with it).
    _run_script(db, _SETS_TABLE.replace("EXISTS sets (", "EXISTS sets_v2 ("))
    db.execute(f"INSERT INTO sets_v2 ({_V1_SET_COLUMNS}) SELECT {_V1_SET_COLUMNS} FROM sets")
    db.execute("DROP TABLE sets")
    db.execute("ALTER TABLE sets_v2 RENAME TO sets")
    for set_id, report_json in db.execute("SELECT id, report_json FROM sets WHERE status = 'done'").fetchall():
        reason = unjudged_reason(json.loads(report_json)) if report_json else None
        if reason is not None:
            db.execute("UPDATE sets SET status = 'unjudged', error = ? WHERE id = ?", (reason, set_id))


def _migrate_v2_to_v3(db: sqlite3.Connection) -> None:
    """Version 3 finds a client by :func:`client_key`. Clients of an older file whose names are look-alikes keep all
    their sets: the later ones are renamed "NAME (2)", "NAME (3)" (shown, so the trainer can tell them apart)."""
    db.execute("ALTER TABLE clients ADD COLUMN name_key TEXT NOT NULL DEFAULT ''")
    rows = db.execute("SELECT id, name FROM clients ORDER BY id").fetchall()
    original_keys = {client_key(name) for _, name in rows}
    taken: set[str] = set()
    for client_id, name in rows:
        shown, number = name, 1
        while client_key(shown) in taken or (shown != name and client_key(shown) in original_keys):
            number += 1
            shown = f"{name} ({number})"
        taken.add(client_key(shown))
        db.execute("UPDATE clients SET name = ?, name_key = ? WHERE id = ?", (shown, client_key(shown), client_id))


_SET_QUERY = (
    "SELECT s.id, c.name, s.video_name, s.video_sha256, s.recorded_at, s.analysed_at, s.model, s.profile, "
    "s.status, s.error, s.report_json, s.exercise_asked FROM sets s JOIN clients c ON c.id = s.client_id "
)
_CORRECTION_QUERY = "SELECT id, set_id, fault_code, rep, verdict, note, created_at FROM corrections "


def _set_record(row: tuple[Any, ...]) -> SetRecord:
    """A row of :data:`_SET_QUERY` (without its corrections)."""
    set_id, client, video_name, sha256, recorded_at, analysed_at, model, profile, status, error, report, asked = row
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
        report=json.loads(report) if report else None,
        corrections=(),
        exercise_asked=asked,
    )
