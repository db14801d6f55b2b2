"""Pairing: a one-time token (shown as a QR code on the computer) turns a phone into a paired device with a cookie.

Tokens and cookie secrets are 128-bit random values stored only as SHA-256 hashes (a fast hash is enough for
random secrets of that length: there is nothing to guess). A token lasts :data:`TOKEN_TTL_S` and works once; a
paired device lasts :data:`DEVICE_TTL_DAYS` and can be revoked at any time. Times are passed in (``now_s``, seconds
since the epoch) so expiry is testable; the store is a small owner-only SQLite file shared by the LAN proxy, the app
and ``formcheck serve --list-devices/--revoke``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from formcheck.lan.private import private_database
from formcheck.types import FormcheckError

TOKEN_TTL_S = 10 * 60.0  # long enough to pick up the phone and scan, short enough that a photo of it goes stale
DEVICE_TTL_DAYS = 30
LAST_SEEN_EVERY_S = 60.0  # a page load is ~30 requests: note the device's last visit at most once a minute
COOKIE_NAME = "formcheck_device"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (token_hash TEXT PRIMARY KEY, expires_s REAL NOT NULL, used INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, label TEXT NOT NULL,
    paired_s REAL NOT NULL, expires_s REAL NOT NULL, last_seen_s REAL NOT NULL, revoked_s REAL
);
"""


class PairingError(FormcheckError):
    """A pairing token that is unknown, used or expired."""


@dataclass(frozen=True)
class Device:
    id: str
    label: str
    paired_s: float
    expires_s: float
    last_seen_s: float
    revoked_s: float | None

    def active(self, now_s: float) -> bool:
        return self.revoked_s is None and now_s < self.expires_s


@dataclass(frozen=True)
class Pairing:
    device: Device
    cookie: str  # "<device id>.<secret>": what the browser keeps
    max_age_s: int


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class PairingStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as connection:
            connection.executescript(_SCHEMA)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return private_database(self.path)

    def issue_token(self, now_s: float, ttl_s: float = TOKEN_TTL_S) -> str:
        token = secrets.token_urlsafe(16)
        with self._connect() as connection:
            connection.execute("DELETE FROM tokens WHERE expires_s <= ?", (now_s,))
            connection.execute("INSERT INTO tokens VALUES (?, ?, 0)", (_digest(token), now_s + ttl_s))
        return token

    def pair(self, token: str, label: str, now_s: float, days: int = DEVICE_TTL_DAYS) -> Pairing:
        """Use ``token`` (once) to pair a device; :class:`PairingError` when it is unknown, used or expired."""
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")  # two phones scanning the same code: only one gets it
            row = connection.execute(
                "SELECT expires_s, used FROM tokens WHERE token_hash = ?", (_digest(token),)
            ).fetchone()
            if row is None or row[1]:
                raise PairingError("this pairing code is unknown or was already used")
            if now_s >= row[0]:
                raise PairingError("this pairing code has expired")
            connection.execute("UPDATE tokens SET used = 1 WHERE token_hash = ?", (_digest(token),))
            device_id, secret = secrets.token_hex(4), secrets.token_urlsafe(24)
            device = Device(device_id, label[:80], now_s, now_s + days * 86400.0, now_s, None)
            connection.execute(
                "INSERT INTO devices VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (device.id, _digest(secret), device.label, device.paired_s, device.expires_s, now_s),
            )
        return Pairing(device, f"{device_id}.{secret}", days * 86400)

    def device_for_cookie(self, cookie: str, now_s: float) -> Device | None:
        """The active device this cookie belongs to, else None (unknown, forged, revoked or expired)."""
        device_id, _, secret = cookie.partition(".")
        with self._connect() as connection:
            row = connection.execute("SELECT secret_hash FROM devices WHERE id = ?", (device_id,)).fetchone()
            if row is None or not hmac.compare_digest(row[0], _digest(secret)):
                return None
            device = self._device(connection, device_id)
            if device is None or not device.active(now_s):
                return None
            if now_s - device.last_seen_s >= LAST_SEEN_EVERY_S:
                connection.execute("UPDATE devices SET last_seen_s = ? WHERE id = ?", (now_s, device_id))
        return device

    def devices(self) -> list[Device]:
        with self._connect() as connection:
            rows = connection.execute(f"SELECT {_DEVICE_COLUMNS} FROM devices ORDER BY paired_s").fetchall()
        return [Device(*row) for row in rows]

    def revoke(self, device_id: str, now_s: float) -> bool:
        """Revoke a paired device (its cookie stops working at once); False when there is no such active device."""
        with self._connect() as connection:
            changed = connection.execute(
                "UPDATE devices SET revoked_s = ? WHERE id = ? AND revoked_s IS NULL", (now_s, device_id)
            ).rowcount
        return bool(changed)

    @staticmethod
    def _device(connection: sqlite3.Connection, device_id: str) -> Device | None:
        row = connection.execute(f"SELECT {_DEVICE_COLUMNS} FROM devices WHERE id = ?", (device_id,)).fetchone()
        return Device(*row) if row else None


_DEVICE_COLUMNS = "id, label, paired_s, expires_s, last_seen_s, revoked_s"
