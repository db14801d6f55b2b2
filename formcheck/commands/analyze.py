"""``formcheck analyze VIDEO``: judge a recorded set and say what to fix."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from formcheck.analysis import AUTO
from formcheck.commands.common import (
    add_equipment_argument,
    add_fps_argument,
    add_model_argument,
    existing_file,
    progress_bar,
    writable_output,
)
from formcheck.exercises import EXERCISES, PROFILES, load_overrides, titles_in_words
from formcheck.report import Report
from formcheck.reporting.explain import explain_text

log = logging.getLogger(__name__)

NOTHING_FOUND_EXIT = 1  # the video was read, but no person was found in it (bad arguments and unreadable files: 2)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="judge a recorded set: reps, holds, form faults and what to fix",
        description=f"Analyse one video of {titles_in_words('or')} and print a summary.",
    )
    parser.add_argument("video", type=existing_file, help="video file (mp4, mov, webm, avi, mkv)")
    parser.add_argument(
        "--exercise",
        choices=(AUTO, *EXERCISES),
        default=AUTO,
        help="which exercise (default: recognise it from the movement)",
    )
    add_model_argument(parser)
    parser.add_argument("--profile", choices=PROFILES, default="standard", help="how strict the checks are")
    add_equipment_argument(parser)
    parser.add_argument("--overrides", type=existing_file, metavar="FILE", help="per-person thresholds (.json/.toml)")
    add_fps_argument(parser)
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the full report as JSON")
    parser.add_argument("--csv", type=Path, metavar="OUT", help="write per-frame features as CSV")
    parser.add_argument("--video-out", type=Path, metavar="OUT.mp4", help="write an annotated H.264 video")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also print, per rep and hold, how every check was decided: the measurement behind each cue, the "
        "reading of each check that passed against its limit, and why a check could not judge",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from formcheck.pipeline import AnalysisSettings, analyze_video, write_annotated_video  # noqa: PLC0415

    outputs = [writable_output(p) for p in (args.json, args.csv, args.video_out) if p is not None]
    overrides = load_overrides(args.overrides) if args.overrides else None
    settings = AnalysisSettings(args.exercise, args.model, args.profile, args.fps, overrides, args.equipment)
    update, close = progress_bar(f"analysing {args.video.name}")
    try:
        analysis = analyze_video(args.video, settings, progress=update)
    finally:
        close()
    report = analysis.report
    if args.json:
        args.json.write_text(json.dumps(report.to_json_dict(), indent=2, allow_nan=False) + "\n", encoding="utf-8")
    if args.csv:
        report.write_csv(args.csv)
    if args.video_out:
        update, close = progress_bar("drawing the annotated video")
        try:
            write_annotated_video(analysis, args.video_out, update)
        finally:
            close()
    for path in outputs:
        log.info("wrote %s", path)
    if report.frames_with_pose == 0:
        # Nothing was judged: one line and a failing exit code, so a script does not file it as a clean set.
        log.error("nobody was found in %s: film the whole body, head to feet, in good light", args.video.name)
        return NOTHING_FOUND_EXIT
    sys.stdout.write(printed_text(report, explain=args.explain))
    return 0


def printed_text(report: Report, explain: bool = False) -> str:
    """What ``analyze`` prints for a judged clip: the summary, and with ``explain`` how each check was decided."""
    text = report.summary_text() + "\n"
    if report.exercise is None:
        return text + f"Run again with --exercise NAME, one of: {', '.join(EXERCISES)}.\n"
    return text + ("\n" + explain_text(report) + "\n" if explain else "")
