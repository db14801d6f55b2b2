"""A trainer's workspace on the command line: ``clients``, ``batch``, ``history`` and ``correct``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from tqdm import tqdm

from formcheck.analysis import AUTO
from formcheck.commands.common import add_equipment_argument, add_fps_argument, add_model_argument
from formcheck.exercises import EXERCISES, PROFILES
from formcheck.types import FormcheckError
from formcheck.workspace import DB_ENV, VERDICTS, SetRecord, Workspace, default_db

log = logging.getLogger(__name__)


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=None, help=f"workspace database (default: ${DB_ENV} or {default_db()})"
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    clients = subparsers.add_parser("clients", help="list a trainer's clients, or add one")
    clients.add_argument("--add", metavar="NAME", help="add a client with this name")
    clients.add_argument("--notes", default="", help="notes for the client added with --add")
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


def _open(args: argparse.Namespace) -> Workspace:
    """The workspace named by ``--db`` (its folder must exist: a typo must not start a new, empty workspace), else
    the default one (created with its folders on first use)."""
    if args.db is not None:
        return Workspace(args.db, create_folder=False)
    return Workspace(default_db())


def run_clients(args: argparse.Namespace) -> int:
    with _open(args) as workspace:
        if args.add:
            client = workspace.add_client(args.add, args.notes)
            log.info("client %s (id %d)", client.name, client.id)
        for client in workspace.clients():
            sys.stdout.write(f"{client.name}\t{workspace.set_count(client)} sets\t{client.notes}\n")
    return 0


def run_batch(args: argparse.Namespace) -> int:
    from formcheck.batch import BatchOutcome, find_videos, review_batch  # noqa: PLC0415 - mediapipe loads at work
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
                workspace, client, videos, settings, progress, cluster=args.cluster, on_outcome=report_outcome
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
        sets = workspace.sets(workspace.client(args.client))
    for record in sets:
        sys.stdout.write(_history_line(record) + "\n")
    if not sets:
        log.info("%s has no reviewed sets yet: add some with `formcheck batch %s VIDEO...`", args.client, args.client)
    if args.json:
        rows = [_history_json(record) for record in sets]
        args.json.write_text(json.dumps({"client": args.client, "sets": rows}, indent=2) + "\n", encoding="utf-8")
        log.info("wrote %s", args.json)
    if args.pdf:
        from formcheck.pdf_report import client_progress_pdf  # noqa: PLC0415 - matplotlib loads only for a report

        args.pdf.write_bytes(client_progress_pdf(args.client, sets))
        log.info("wrote %s", args.pdf)
    return 0


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


def _history_json(record: SetRecord) -> dict[str, object]:
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


def run_correct(args: argparse.Namespace) -> int:
    with _open(args) as workspace:
        workspace.correct(args.set_id, args.fault, args.verdict, args.rep, args.note)
        record = workspace.set(args.set_id)
    sys.stdout.write(_history_line(record) + "\n")
    return 0
