"""A trainer's uploads on the Clients page, from the upload to the saved sets (no Streamlit here: tested as is).

Each batch stores its uploads in a folder of its own, which no other upload trims, and removes it once every set is
saved: a batch of any size keeps every clip until its review is saved. (Uploads used to share one folder trimmed to
the newest 20 on every upload, so the 21st clip of a batch removed the 1st before it was analysed.) The video of a
set that could not be judged is kept under ``unjudged/`` until it is reviewed again with a chosen exercise.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from formcheck.app.inputs import store_upload
from formcheck.batch import Analyze, BatchOutcome, BatchProgress, review_batch
from formcheck.client_export import ANNOTATED_FOLDER
from formcheck.private_files import copy_private, private_folder
from formcheck.workspace import Client, Workspace, process_running

if TYPE_CHECKING:
    from formcheck.pipeline import AnalysisSettings

Upload = tuple[BinaryIO, str]  # the uploaded bytes and what the person called the file
_BATCH_PREFIX = "batch-"
UNJUDGED_FOLDER = "unjudged"
TRAINER_FOLDER = "trainer"  # under the app's cache folder
UPLOADS_FOLDER = "videos"  # the Review page's uploads, under the app's cache folder


def review_uploads(
    workspace: Workspace,
    client: Client,
    uploads: Sequence[Upload],
    settings: AnalysisSettings,
    folder: Path,
    progress: BatchProgress | None = None,
    analyze: Analyze | None = None,
) -> list[BatchOutcome]:
    """Store ``uploads`` in a batch folder under ``folder``, review them for ``client`` and remove the folder; the
    outcomes name each video as it was uploaded, never by where it was stored."""
    with batch_folder(folder) as stored_in:
        stored = [store_upload(stream, name, stored_in, keep_newest=None) for stream, name in uploads]
        names = [video.name for video in stored]
        outcomes = review_batch(
            workspace, client, [video.path for video in stored], settings, progress, analyze, names=names
        )
        for outcome in outcomes:
            if outcome.status == "unjudged":
                keep_unjudged(outcome.video, folder)
            elif outcome.status == "done":
                (folder / UNJUDGED_FOLDER / outcome.video.name).unlink(missing_ok=True)
    return outcomes


@contextmanager
def batch_folder(parent: Path) -> Iterator[Path]:
    """A new folder under ``parent`` for one batch's uploads, removed when the batch ends. Folders of batches whose
    process is gone (the app was killed mid-batch) are removed first."""
    private_folder(parent)
    _remove_abandoned_batches(parent)
    folder = Path(tempfile.mkdtemp(dir=parent, prefix=f"{_BATCH_PREFIX}{os.getpid()}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_abandoned_batches(parent: Path) -> None:
    for folder in parent.glob(f"{_BATCH_PREFIX}*-*"):
        pid = folder.name.removeprefix(_BATCH_PREFIX).partition("-")[0]
        if folder.is_dir() and pid.isdigit() and not process_running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def keep_unjudged(video: Path, folder: Path) -> Path:
    """Keep the video of a set that could not be judged (stored under its content hash) for another review."""
    kept = private_folder(folder / UNJUDGED_FOLDER) / video.name
    copy_private(video, kept)
    return kept


def kept_unjudged(folder: Path, sha256: str) -> Path | None:
    """The kept video with these bytes, if it is still there (the cache is safe to delete)."""
    return next((path for path in (folder / UNJUDGED_FOLDER).glob(f"{sha256}.*") if path.is_file()), None)


def review_again(
    workspace: Workspace,
    client: Client,
    video: Path,
    name: str,
    settings: AnalysisSettings,
    folder: Path,
    analyze: Analyze | None = None,
) -> BatchOutcome:
    """Review a kept unjudged set again (``settings`` name the chosen exercise); its kept video goes once judged."""
    (outcome,) = review_batch(workspace, client, [video], settings, analyze=analyze, names=[name])
    if outcome.status == "done":
        video.unlink(missing_ok=True)
    return outcome


def stored_videos(cache_dir: Path, sha256s: Sequence[str]) -> dict[str, list[Path]]:
    """Every file the app keeps of these videos under ``cache_dir``: the Review page's upload, a trainer's kept
    unjudged video, and the annotated videos drawn from it (by SHA-256)."""
    found: dict[str, list[Path]] = {}
    for sha256 in sha256s:
        paths = [
            *(cache_dir / UPLOADS_FOLDER).glob(f"{sha256}.*"),
            *(cache_dir / TRAINER_FOLDER / UNJUDGED_FOLDER).glob(f"{sha256}.*"),
            *(cache_dir / ANNOTATED_FOLDER).glob(f"{sha256[:20]}-*.mp4"),
        ]
        found[sha256] = sorted(path for path in paths if path.is_file() and not path.name.endswith(".part"))
    return found


def remove_videos(cache_dir: Path, sha256s: Sequence[str]) -> list[Path]:
    """Delete every kept file of these videos (see :func:`stored_videos`); the files removed."""
    removed = [path for paths in stored_videos(cache_dir, sha256s).values() for path in paths]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
