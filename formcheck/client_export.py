"""A client's data, for the client or for the trainer's records: the history as JSON and everything in one zip."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from formcheck.workspace import GuidedSessionRecord, SetRecord

ANNOTATED_FOLDER = "annotated"  # under the app's cache folder (formcheck.app.review)


def history_json(record: SetRecord) -> dict[str, object]:
    """One set of a client's history, as `formcheck history --json` writes it."""
    return {
        "id": record.id,
        "video": record.video_name,
        "recorded_at": record.recorded_at,
        "status": record.status,
        "error": record.error if record.status == "failed" else None,
        "not_judged_because": record.error if record.status == "unjudged" else None,
        "exercise": record.exercise,
        "reps": record.reps,
        "clean_rep_share": record.clean_rep_share(),
        "faults": record.faults(),
        "corrections": [
            {"fault": c.fault_code, "rep": c.rep, "verdict": c.verdict, "note": c.note} for c in record.corrections
        ],
    }


def history_document(client: str, sets: Sequence[SetRecord]) -> dict[str, Any]:
    return {"client": client, "sets": [history_json(record) for record in sets]}


def guided_sessions_document(client: str, sessions: Sequence[GuidedSessionRecord]) -> dict[str, Any]:
    """A client's guided sessions (programme, when, holds, reps and good form per exercise and side)."""
    return {
        "client": client,
        "sessions": [
            {"id": record.id, "finished_at": record.finished_at, **record.summary.to_json_dict()} for record in sessions
        ],
    }


def safe_file_name(name: str) -> str:
    """``name`` as a plain file name: no folders, no characters a file system or a zip tool may trip on."""
    cleaned = re.sub(r"[^\w.\- ]+", "_", Path(name).name).strip(" .")
    return cleaned or "unnamed"


def export_zip(
    out: BinaryIO,
    client: str,
    sets: Sequence[SetRecord],
    progress_pdf: bytes,
    videos: dict[str, list[Path]],
    guided: Sequence[GuidedSessionRecord] = (),
) -> None:
    """Write the zip a trainer hands over to ``out``: ``history.json``, ``guided-sessions.json`` (the Live coach's
    guided sessions), ``reports/set-ID.json`` (each stored report, as reviewed), ``progress.pdf``, and
    ``videos/set-ID-...`` for every stored video of a set (``videos``: by SHA-256; the upload under the name it was
    given, an annotated video with its settings)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("history.json", json.dumps(history_document(client, sets), indent=2) + "\n")
        sessions = guided_sessions_document(client, guided)
        archive.writestr("guided-sessions.json", json.dumps(sessions, indent=2) + "\n")
        for record in sets:
            if record.report is not None:
                archive.writestr(f"reports/set-{record.id}.json", json.dumps(record.report, indent=2) + "\n")
        archive.writestr("progress.pdf", progress_pdf)
        written: set[str] = set()
        for record in sets:
            for path in videos.get(record.video_sha256, []):
                entry = _video_entry(record, path)
                if entry not in written:  # the same bytes kept by two pages go in once
                    archive.write(path, entry, compress_type=zipfile.ZIP_STORED)  # a video is compressed already
                    written.add(entry)


def _video_entry(record: SetRecord, path: Path) -> str:
    if path.parent.name == ANNOTATED_FOLDER:  # SHA-prefix-model-exercise-profile-equipment.mp4
        settings = path.name.partition("-")[2]
        return f"videos/set-{record.id}-annotated-{safe_file_name(settings)}"
    stem = Path(safe_file_name(record.video_name)).stem
    return f"videos/set-{record.id}-{stem}{path.suffix}"
