"""Files only their owner can read: clients' videos, reports and the workspace database are health-related data.

Modes are set explicitly after creation (``chmod``), so they do not depend on the process's umask, and files or
folders made by an older formcheck (0644/0755) are tightened when they are opened again.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO

OWNER_FILE_MODE = 0o600
OWNER_FOLDER_MODE = 0o700


def private_folder(folder: Path) -> Path:
    """``folder`` and the folders created for it, readable by the owner only. Folders that already existed above it
    (a home folder, ``~/.local/share``) are left as they are; ``folder`` itself is tightened."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    folder.mkdir(parents=True, exist_ok=True)
    for created in missing:
        created.chmod(OWNER_FOLDER_MODE)
    folder.chmod(OWNER_FOLDER_MODE)
    return folder


def tighten(path: Path) -> None:
    """Make an existing file owner-only (no error when it is gone)."""
    try:
        path.chmod(OWNER_FILE_MODE)
    except FileNotFoundError:
        return


def open_private(path: Path) -> BinaryIO:
    """``path`` opened for writing (emptied), owner-only from the first byte; an existing file is tightened."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_FILE_MODE)
    os.fchmod(descriptor, OWNER_FILE_MODE)
    return os.fdopen(descriptor, "wb")


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, owner-only from the first byte."""
    with open_private(path) as out:
        out.write(data)


def write_private_text(path: Path, text: str) -> None:
    write_private_bytes(path, text.encode("utf-8"))


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and owner-only if it is missing; tighten it if it exists (its bytes are kept)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, OWNER_FILE_MODE)
    try:
        os.fchmod(descriptor, OWNER_FILE_MODE)
    finally:
        os.close(descriptor)


def copy_private(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target``, owner-only from the first byte."""
    with open_private(target) as out, source.open("rb") as inp:
        shutil.copyfileobj(inp, out)
