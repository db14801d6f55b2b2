"""A trainer's workspace on the command line: ``clients``, ``batch``, ``history``, ``correct`` and ``delete-set``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from tqdm import tqdm

from formcheck.analysis import AUTO
from formcheck.app.config import AppConfig
from formcheck.app.trainer import remove_videos, stored_videos
from formcheck.client_export import export_zip, history_document
from formcheck.commands.common import add_equipment_argument, add_fps_argument, add_model_argument, positive_int
from formcheck.exercises import EXERCISES, PROFILES
from formcheck.private_files import open_private, write_private_bytes, write_private_text
from formcheck.types import FormcheckError
from formcheck.workspace import DB_ENV, VERDICTS, GuidedSessionRecord, SetRecord, Workspace, default_db

log = logging.getLogger(__name__)
_APP_ROOT = Path(__file__).resolve().parents[2]  # app.py's folder: the app's cache folder is found from it


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=None, help=f"workspace database (default: ${DB_ENV} or {default_db()})"
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    clients = subparsers.add_parser("clients", help="list a trainer's clients, or add one")
    clients.add_argument("--add", metavar="NAME", help="add a client with this name")
    clients.add_argument("--notes", default="", help="notes for the client added with --add")
    clients.add_argument(
        "--delete",
        metavar="NAME",
        help="delete this client: every set, correction, report and kept video of theirs (cannot be undone)",
    )
    clients.add_argument("--yes", action="store_true", help="delete without asking to type the name again")
    _add_db(clients)
    clients.set_defaults(handler=run_clients)

    batch = subparsers.add_parser("batch", help="review many videos of one client into the workspace (resumable)")
    batch.add_argument("client", help="the client's name (added when new)")
    batch.add_argument("videos", nargs="+", type=Path, help="video files or folders of videos")
    batch.add_argument(
        "--exercise",
        default=AUTO,
        choices=(AUTO, *EXERCISES),
        help="default: recognise it; naming it reviews again the sets that could not be judged",
    )
    batch.add_argument("--profile", default="standard", choices=PROFILES)
    add_equipment_argument(batch)
    add_model_argument(batch)
    add_fps_argument(batch)
    batch.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        metavar="N",
        help="sets analysed at once in worker processes, one model each (default: one per core)",
    )
    batch.add_argument(
        "--cluster",
        metavar="ADDRESS",
        default=None,
        help="spread the videos over a Ray cluster: its address, 'auto' (this machine's cluster) or 'local' "
        "(start one here); needs the cluster extra",
    )
    _add_db(batch)
    batch.set_defaults(handler=run_batch)

    history = subparsers.add_parser("history", help="a client's reviewed sets and progress over time")
    history.add_argument("client")
    history.add_argument("--json", type=Path, metavar="OUT", help="also write the history as JSON")
    history.add_argument("--pdf", type=Path, metavar="OUT", help="also write a progress report to share (PDF)")
    history.add_argument(
        "--zip",
        type=Path,
        metavar="OUT",
        help="export all the client's data: history JSON, every stored report, the progress PDF, kept videos",
    )
    _add_db(history)
    history.set_defaults(handler=run_history)

    correct = subparsers.add_parser("correct", help="mark a call on a set as wrong, or add a missed fault")
    correct.add_argument("set_id", type=int, help="the set's id (see `formcheck history CLIENT`)")
    correct.add_argument("fault", help="fault code, e.g. rounded_back")
    correct.add_argument("--verdict", choices=VERDICTS, default="not_a_fault")
    correct.add_argument("--rep", type=int, default=None, help="only this rep (default: the whole set)")
    correct.add_argument("--note", default="")
    _add_db(correct)
    correct.set_defaults(handler=run_correct)

    delete_set = subparsers.add_parser("delete-set", help="delete one reviewed set (and its kept video)")
    delete_set.add_argument("set_id", type=int, help="the set's id (see `formcheck history CLIENT`)")
    delete_set.add_argument("--yes", action="store_true", help="delete without asking")
    _add_db(delete_set)
    delete_set.set_defaults(handler=run_delete_set)


def _open(args: argparse.Namespace) -> Workspace:
    """The workspace named by ``--db`` (its folder must exist: a typo must not start a new, empty workspace), else
    the default one (created with its folders on first use)."""
    if args.db is not None:
        return Workspace(args.db, create_folder=False)
    return Workspace(default_db())


def _cache_dir() -> Path:
    """The app's cache folder (``$FORMCHECK_APP_CACHE``, else beside app.py), where kept videos are."""
    return AppConfig.from_env(_APP_ROOT).cache_dir


def _confirm(what: str, typed: str, yes: bool) -> None:
    """Go on only with ``--yes``, or when the person types ``typed`` at the terminal."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise FormcheckError(f"{what} cannot be undone: add --yes to confirm")
    sys.stderr.write(f"{what} cannot be undone. Type {typed} to confirm: ")
    sys.stderr.flush()
    if sys.stdin.readline().strip() != typed:
        raise FormcheckError("not confirmed; nothing was deleted")


def run_clients(args: argparse.Namespace) -> int:
    with _open(args) as workspace:
        if args.delete:
            return _delete_client(workspace, args.delete, args.yes)
        if args.add:
            client = workspace.add_client(args.add, args.notes)
            log.info("client %s (id %d)", client.name, client.id)
        for client in workspace.clients():
            sys.stdout.write(f"{client.name}\t{workspace.set_count(client)} sets\t{client.notes}\n")
    return 0


def _delete_client(workspace: Workspace, name: str, yes: bool) -> int:
    client = workspace.client(name)
    count = workspace.set_count(client)
    _confirm(f"Deleting {client.name} and their {count} set(s)", client.name, yes)
    removed = remove_videos(_cache_dir(), workspace.delete_client(client))
    log.info("deleted %s: %d set(s) and %d kept video file(s)", client.name, count, len(removed))
    return 0


def run_batch(args: argparse.Namespace) -> int:
    from formcheck.batch import (  # noqa: PLC0415 - mediapipe loads at work
        BatchOutcome,
        default_workers,
        find_videos,
        review_batch,
    )
    from formcheck.pipeline import AnalysisSettings  # noqa: PLC0415

    videos = find_videos(args.videos)
    if not videos:
        raise FormcheckError("no videos found in the given folders")
    settings = AnalysisSettings(
        exercise=args.exercise, model=args.model, profile=args.profile, target_fps=args.fps, equipment=args.equipment
    )
    on_terminal = sys.stderr.isatty()
    bar = tqdm(total=len(videos), unit="video", file=sys.stderr, disable=not on_terminal, leave=False)

    def progress(done: int, total: int, name: str) -> None:
        bar.update(done - bar.n)
        bar.set_description(name)
        if name and not on_terminal:  # a log file or a pipe gets one line per video instead of a bar
            log.info("reviewing %s (%d of %d)", name, done + 1, total)

    def report_outcome(outcome: BatchOutcome) -> None:
        bar.clear()
        sys.stdout.write(f"{outcome.status:8s} {outcome.video.name}: {outcome.message}\n")
        sys.stdout.flush()  # as each set finishes, also when the output is a file
        bar.refresh()

    with _open(args) as workspace:
        client = workspace.add_client(args.client)
        try:
            outcomes = review_batch(
                workspace,
                client,
                videos,
                settings,
                progress,
                cluster=args.cluster,
                on_outcome=report_outcome,
                workers=args.workers or default_workers(),
            )
        finally:
            bar.close()
    counts = {status: sum(o.status == status for o in outcomes) for status in ("done", "unjudged", "skipped", "failed")}
    log.info(
        "%s: %d reviewed, %d not judged, %d already done or being reviewed by another batch, %d failed",
        client.name,
        *counts.values(),
    )
    return 1 if counts["failed"] or counts["unjudged"] else 0


def run_history(args: argparse.Namespace) -> int:
    with _open(args) as workspace:
        client = workspace.client(args.client)
        sets, guided = workspace.sets(client), workspace.guided_sessions(client)
    for record in sets:
        sys.stdout.write(_history_line(record) + "\n")
    for session in guided:
        sys.stdout.write(_guided_line(session) + "\n")
    if not sets:
        log.info("%s has no reviewed sets yet: add some with `formcheck batch %s VIDEO...`", args.client, args.client)
    name = sets[0].client if sets else args.client
    try:
        if args.json:
            write_private_text(args.json, json.dumps(history_document(name, sets), indent=2) + "\n")
            log.info("wrote %s", args.json)
        if args.pdf:
            write_private_bytes(args.pdf, _progress_pdf(name, sets))
            log.info("wrote %s", args.pdf)
        if args.zip:
            _write_zip(args.zip, name, sets, guided)
    except OSError as error:
        raise FormcheckError(f"cannot write {error.filename}: {error.strerror or error}") from error
    return 0


def _progress_pdf(client: str, sets: list[SetRecord]) -> bytes:
    from formcheck.reporting.pdf import client_progress_pdf  # noqa: PLC0415 - matplotlib loads only for a report

    return client_progress_pdf(client, sets)


def _write_zip(path: Path, client: str, sets: list[SetRecord], guided: list[GuidedSessionRecord]) -> None:
    """The client's data in one zip, owner-only like the workspace it comes from."""
    videos = stored_videos(_cache_dir(), sorted({record.video_sha256 for record in sets}))
    with open_private(path) as out:
        export_zip(out, client, sets, _progress_pdf(client, sets), videos, guided)
    log.info("wrote %s (%d sets, %d video files)", path, len(sets), sum(len(paths) for paths in videos.values()))


def _history_line(record: SetRecord) -> str:
    if record.status == "failed":
        return f"#{record.id:<4} {record.recorded_at[:10]}  {record.video_name}: failed — {record.error}"
    if record.status == "unjudged":
        exercise = f"{record.exercise}, " if record.exercise else ""
        return f"#{record.id:<4} {record.recorded_at[:10]}  {record.video_name}: {exercise}not judged — {record.error}"
    share = record.clean_rep_share()
    clean = f"{100 * share:.0f}% clean reps" if share is not None else "no reps"
    faults = ", ".join(sorted(set(record.faults()))) or "no faults"
    return (
        f"#{record.id:<4} {record.recorded_at[:10]}  {record.video_name}: {record.exercise or '?'}, "
        f"{record.reps} reps, {clean}; {faults}"
    )


def _guided_line(session: GuidedSessionRecord) -> str:
    """One guided session: ``2026-12-01  guided "Back basics": plank 31.5 s good form, bird dog 20.0 s …``."""
    good = session.summary.good_form_s_by_exercise()
    parts = ", ".join(f"{exercise.replace('_', ' ')} {seconds:.1f} s good form" for exercise, seconds in good.items())
    return f"      {session.finished_at[:10]}  guided {session.summary.programme!r}: {parts or 'nothing done'}"


def run_correct(args: argparse.Namespace) -> int:
    with _open(args) as workspace:
        workspace.correct(args.set_id, args.fault, args.verdict, args.rep, args.note)
        record = workspace.set(args.set_id)
    sys.stdout.write(_history_line(record) + "\n")
    return 0


def run_delete_set(args: argparse.Namespace) -> int:
    with _open(args) as workspace:
        record = workspace.set(args.set_id)
        _confirm(f"Deleting set #{record.id} ({record.video_name}) of {record.client}", str(record.id), args.yes)
        removed = remove_videos(_cache_dir(), workspace.delete_set(record.id))
    log.info("deleted set #%d of %s and %d kept video file(s)", record.id, record.client, len(removed))
    return 0
