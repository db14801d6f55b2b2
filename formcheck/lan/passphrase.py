"""The Clients workspace's passphrase for devices on the LAN: set on first use, kept only as an Argon2id hash.

Wrong guesses are limited for everyone at once (a phone cannot be told from an attacker on the same Wi-Fi): after
:data:`FREE_ATTEMPTS` wrong passphrases in a row, each further try waits :data:`FIRST_LOCK_S`, doubling up to
:data:`MAX_LOCK_S`; the count survives restarts (it is in the same owner-only SQLite file as the pairings). Forgotten
passphrase: ``formcheck serve --reset-passphrase`` on the computer deletes the hash; the next login sets a new one.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from formcheck.lan.private import private_database
from formcheck.types import FormcheckError

MIN_LENGTH = 10
FREE_ATTEMPTS = 5
FIRST_LOCK_S = 30.0
MAX_LOCK_S = 3600.0
SESSION_IDLE_S = 15 * 60.0  # a logged-in page left alone this long asks for the passphrase again

_SCHEMA = """
CREATE TABLE IF NOT EXISTS passphrase (
    id INTEGER PRIMARY KEY CHECK (id = 1), hash TEXT, failures INTEGER NOT NULL, locked_until_s REAL NOT NULL
);
INSERT OR IGNORE INTO passphrase VALUES (1, NULL, 0, 0.0);
"""


class PassphraseError(FormcheckError):
    """A passphrase that cannot be set (too short, or one is already set)."""


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    wait_s: float = 0.0  # > 0: locked; try again after this many seconds

    @property
    def message(self) -> str:
        if self.ok:
            return "Logged in."
        if self.wait_s > 0:
            return f"Too many wrong passphrases. Try again in {self.wait_s:.0f} s."
        return "Wrong passphrase."


def session_expired(last_active_s: float, now_s: float, idle_s: float = SESSION_IDLE_S) -> bool:
    return now_s - last_active_s >= idle_s


def lock_s(failures: int) -> float:
    """How long the next try waits after ``failures`` wrong passphrases in a row."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return float(min(FIRST_LOCK_S * 2 ** (failures - FREE_ATTEMPTS), MAX_LOCK_S))


class PassphraseStore:
    def __init__(self, path: Path, hasher: PasswordHasher | None = None) -> None:
        self.path = path
        self.hasher = hasher or PasswordHasher()  # Argon2id, 64 MiB, 3 passes: RFC 9106's second recommendation
        with self._connect() as connection:
            connection.executescript(_SCHEMA)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return private_database(self.path)

    def is_set(self) -> bool:
        with self._connect() as connection:
            return connection.execute("SELECT hash FROM passphrase").fetchone()[0] is not None

    def set_first(self, passphrase: str) -> None:
        """Set the passphrase when none is set yet (first use); :class:`PassphraseError` otherwise."""
        if len(passphrase) < MIN_LENGTH:
            raise PassphraseError(f"choose a passphrase of at least {MIN_LENGTH} characters")
        hashed = self.hasher.hash(passphrase)
        with self._connect() as connection:
            changed = connection.execute(
                "UPDATE passphrase SET hash = ?, failures = 0, locked_until_s = 0 WHERE hash IS NULL", (hashed,)
            ).rowcount
        if not changed:
            raise PassphraseError("a passphrase is already set")

    def verify(self, passphrase: str, now_s: float) -> LoginResult:
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")  # concurrent guesses are counted one by one
            hashed, failures, locked_until_s = connection.execute(
                "SELECT hash, failures, locked_until_s FROM passphrase"
            ).fetchone()
            if now_s < locked_until_s:
                return LoginResult(ok=False, wait_s=locked_until_s - now_s)
            if hashed is None:
                return LoginResult(ok=False)
            if self._matches(hashed, passphrase):
                connection.execute("UPDATE passphrase SET failures = 0, locked_until_s = 0")
                return LoginResult(ok=True)
            failures += 1
            wait_s = lock_s(failures)
            connection.execute(
                "UPDATE passphrase SET failures = ?, locked_until_s = ?", (failures, now_s + wait_s if wait_s else 0.0)
            )
        return LoginResult(ok=False, wait_s=wait_s)

    def reset(self) -> bool:
        """Forget the passphrase (the next login sets a new one); False when none was set."""
        with self._connect() as connection:
            changed = connection.execute(
                "UPDATE passphrase SET hash = NULL, failures = 0, locked_until_s = 0 WHERE hash IS NOT NULL"
            ).rowcount
        return bool(changed)

    def _matches(self, hashed: str, passphrase: str) -> bool:
        try:
            return self.hasher.verify(hashed, passphrase)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
