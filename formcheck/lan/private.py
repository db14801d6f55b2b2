"""Owner-only storage for LAN mode: folders 0700, files 0600, under the user's data folder."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LAN_DIR_ENV = "FORMCHECK_LAN_DIR"
FOLDER_MODE = 0o700
FILE_MODE = 0o600
LAN_URL_ENV = "FORMCHECK_LAN_URL"  # set by formcheck serve --lan for the app: it is on the LAN, and where
ACCESS_DB = "access.db"  # pairings and the Clients passphrase


def lan_dir() -> Path:
    """``$FORMCHECK_LAN_DIR``, else ``$XDG_DATA_HOME/formcheck/lan`` (``~/.local/share/formcheck/lan``)."""
    override = os.environ.get(LAN_DIR_ENV)
    if override:
        return Path(override)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "formcheck" / "lan"


def access_db() -> Path:
    return lan_dir() / ACCESS_DB


def private_folder(path: Path) -> Path:
    """``path`` created if needed and made 0700 (also when it already existed with wider rights)."""
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    path.chmod(FOLDER_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a file that is 0600 from the moment it exists, replacing ``path`` atomically."""
    private_folder(path.parent)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(partial, path)


def connect_private(path: Path) -> sqlite3.Connection:
    """A SQLite connection (autocommit) to ``path``, the file created owner-only."""
    private_folder(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    path.chmod(FILE_MODE)  # SQLite gives its -journal file the database file's mode
    return sqlite3.connect(path, timeout=10.0, isolation_level=None)


@contextmanager
def private_database(path: Path) -> Iterator[sqlite3.Connection]:
    """An owner-only SQLite file, open for one unit of work: committed on success, rolled back on an error."""
    connection = connect_private(path)
    try:
        yield connection
        if connection.in_transaction:
            connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()
