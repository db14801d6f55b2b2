"""Getting a video into the app: checking an upload, storing it by content, listing the sample videos, and saying
in plain words what is wrong with a file that cannot be used."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from formcheck.app.config import MAX_UPLOAD_ENV
from formcheck.files import file_sha256
from formcheck.private_files import private_folder
from formcheck.report import exercise_title

# What phones record, straight from the camera roll: iPhone .mov/.mp4 (H.264 or HEVC), Android .mp4/.3gp, older
# phones .3gp/.m4v; PyAV decodes each of them (tests/test_phone_camera.py makes and reads one of every kind).
ACCEPTED_TYPES = ("mp4", "mov", "m4v", "3gp", "webm", "avi", "mkv")
_CHUNK_BYTES = 1 << 20
_KEEP_STORED_VIDEOS = 20  # uploads kept on disk; older ones are removed when a new one arrives
# A video a session used within this time is never trimmed: a page left open while someone reads the review, changes
# the exercise (stills are drawn again from the video) or clicks a download needs the file minutes later. An hour
# only lets the folder outgrow its count by the uploads of that hour.
RECENT_USE_S = 60 * 60

_in_use_lock = threading.Lock()
_in_use_counts: Counter[Path] = Counter()


@dataclass(frozen=True)
class Problem:
    """Something a person must know about their video, and what to do about it."""

    message: str
    fix: str

    def text(self) -> str:
        return f"{self.message} {self.fix}"


@dataclass(frozen=True)
class StoredVideo:
    path: Path
    sha256: str
    name: str  # what the person called it
    size_bytes: int


def accepted_types_text() -> str:
    names = [kind.upper() if kind != "webm" else "WebM" for kind in ACCEPTED_TYPES]
    return ", ".join(names[:-1]) + f" or {names[-1]}"


def check_upload(name: str, size_bytes: int, limit_bytes: int) -> Problem | None:
    """Problems visible before reading the file: the wrong kind of file, an empty one, or one too large."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in ACCEPTED_TYPES:
        return Problem(
            f"“{name}” does not look like a video file.",
            f"Please choose a recording saved as {accepted_types_text()}.",
        )
    if size_bytes == 0:
        return Problem(f"“{name}” is empty (0 bytes).", "Please copy the recording from your camera or phone again.")
    if size_bytes > limit_bytes:
        return Problem(
            f"This file is {size_bytes / 1024**2:.0f} MB; the largest formcheck accepts is "
            f"{limit_bytes / 1024**2:.0f} MB.",
            f"Trim the video or raise {MAX_UPLOAD_ENV}.",
        )
    return None


def store_upload(
    stream: BinaryIO, name: str, folder: Path, keep_newest: int | None = _KEEP_STORED_VIDEOS
) -> StoredVideo:
    """Copy an upload into ``folder`` under its content hash, so the same video is only ever analysed once; then
    trim ``folder`` to the ``keep_newest`` videos (None: no trimming, for a folder whose videos are all in use).
    The folder and the video are owner-only (a temporary file is created 0600)."""
    private_folder(folder)
    suffix = Path(name).suffix.lower()
    digest = hashlib.sha256()
    size = 0
    handle, temporary_name = tempfile.mkstemp(dir=folder, suffix=".part")
    temporary = Path(temporary_name)
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(_CHUNK_BYTES):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        target = folder / f"{digest.hexdigest()}{suffix}"
        temporary.replace(target)  # atomic: another session storing the same video writes identical bytes
    finally:
        temporary.unlink(missing_ok=True)
    if keep_newest is not None:
        remove_old_files(folder, keep_newest, keep=target)
    return StoredVideo(target, digest.hexdigest(), name, size)


def remove_old_files(
    folder: Path, keep_newest: int, keep: Path | None = None, recent_s: float = RECENT_USE_S
) -> list[Path]:
    """Delete all but the ``keep_newest`` most recent videos in ``folder`` (``keep`` always stays), and return them.

    A video in use (:func:`in_use`) or used in the last ``recent_s`` seconds (:func:`mark_used`) is never deleted:
    another session may still be analysing, drawing or showing it, so the folder may hold more for a while."""
    if not folder.is_dir():
        return []
    now_s = time.time()
    candidates = [path for path in folder.iterdir() if path.suffix.lstrip(".") in ACCEPTED_TYPES and path != keep]
    stored = sorted(_with_mtimes(candidates), key=lambda item: item[1], reverse=True)
    removed = []
    with _in_use_lock:  # a session cannot start using a file between the check and the deletion
        for old, mtime_s in stored[max(0, keep_newest - (keep is not None)) :]:
            if now_s - mtime_s < recent_s or _in_use_counts[_key(old)] > 0:
                continue
            old.unlink(missing_ok=True)
            removed.append(old)
    return removed


def _with_mtimes(paths: list[Path]) -> Iterator[tuple[Path, float]]:
    for path in paths:
        try:
            yield path, path.stat().st_mtime
        except FileNotFoundError:  # removed by another session meanwhile
            continue


@contextmanager
def in_use(path: Path) -> Iterator[Path]:
    """While inside, no session of this process trims ``path`` away (entries nest and may overlap across threads)."""
    key = _key(path)
    with _in_use_lock:
        _in_use_counts[key] += 1
    try:
        yield path
    finally:
        with _in_use_lock:
            _in_use_counts[key] -= 1
            if _in_use_counts[key] <= 0:
                del _in_use_counts[key]


def is_in_use(path: Path) -> bool:
    with _in_use_lock:
        return _in_use_counts[_key(path)] > 0


def discard(path: Path) -> bool:
    """Delete a stored video that no session is using (a refused upload); True when it is gone."""
    with _in_use_lock:
        if _in_use_counts[_key(path)] > 0:
            return False
        path.unlink(missing_ok=True)
        return True


def mark_used(path: Path) -> None:
    """Touch ``path`` so trimming counts it as just used (only files formcheck stored: a sample keeps its own time)."""
    try:
        os.utime(path)
    except FileNotFoundError:
        return


def _key(path: Path) -> Path:
    return path.resolve()


def stored_from_path(path: Path, name: str | None = None) -> StoredVideo:
    """A video already on disk (a sample): hashed once per file version."""
    stat = path.stat()
    return StoredVideo(
        path, _file_sha256(str(path.resolve()), stat.st_mtime_ns, stat.st_size), name or path.name, stat.st_size
    )


@lru_cache(maxsize=64)
def _file_sha256(path: str, _mtime_ns: int, _size: int) -> str:
    return file_sha256(path)


def list_samples(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.suffix.lower().lstrip(".") in ACCEPTED_TYPES)


def sample_title(path: Path) -> str:
    """A readable name: from the folder's ``manifest.json`` when it describes the clip, else from the file name."""
    described = _manifest_titles(str(path.parent)).get(path.name)
    return described or path.stem.replace("_", " ").replace("-", " ").strip().capitalize()


@lru_cache(maxsize=8)
def _manifest_titles(folder: str) -> dict[str, str]:
    """``{"clip": "squat_forward_lean_20.mp4", "exercise": "squat", "faults": "forward_lean", "view": "side"}``
    → "Squat — forward lean (side view)". Unreadable or unfamiliar manifests are ignored."""
    manifest = Path(folder) / "manifest.json"
    try:
        clips = json.loads(manifest.read_text(encoding="utf-8")).get("clips", [])
    except (OSError, ValueError, AttributeError):
        return {}
    titles: dict[str, str] = {}
    for clip in clips if isinstance(clips, list) else []:
        if not isinstance(clip, dict) or not isinstance(clip.get("clip"), str):
            continue
        exercise = exercise_title(str(clip.get("exercise", "")))
        faults = str(clip.get("faults") or "clean").replace(";", ", ").replace("_", " ")
        view = f" ({clip['view']} view)" if clip.get("view") else ""
        titles[clip["clip"]] = f"{exercise} — {faults}{view}" if exercise else ""
    return titles


def explain_error(error: BaseException, name: str) -> Problem:
    """Plain words for an error raised while reading or analysing a video."""
    from formcheck.pose.models import ModelError  # noqa: PLC0415 - light module, but keep imports at the edge
    from formcheck.video import VideoError  # noqa: PLC0415

    text = str(error)
    if isinstance(error, ModelError):
        return Problem("The pose model could not be loaded.", f"Please tell whoever set up this app: {text}")
    if isinstance(error, VideoError):
        if "empty" in text:
            return Problem(f"“{name}” is empty (0 bytes).", "Please copy the recording from your camera again.")
        if "no video track" in text:
            return Problem(f"“{name}” has no picture in it (only sound or data).", "Please choose a video recording.")
        if "no video frames" in text:
            return Problem(
                f"No picture could be read from “{name}”: it may be damaged or cut short.",
                "If the copy or download was interrupted, please copy the recording again.",
            )
        return Problem(
            f"“{name}” could not be read as a video: it may be a different kind of file, damaged, or cut short.",
            f"Please choose a recording saved as {accepted_types_text()}; if it was cut short, copy it again.",
        )
    return Problem(
        f"Something went wrong while analysing “{name}”.",
        "Please try again; if it keeps happening, try another recording or the ‘lite’ model.",
    )
