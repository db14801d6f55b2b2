"""``formcheck evaluate-frames FOLDER``: score the plank's hip checks on labelled still frames of real people."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from formcheck.commands.common import writable_output
from formcheck.evaluation import FaultScore, Rate

if TYPE_CHECKING:
    from formcheck.frame_evaluation import FrameScores

_STILLS_NOTE = (
    "Stills: every frame is judged on its own against the check's limit for the profile; a video's rule that a "
    "fault must last {durations} before it is cued does not apply."
)
_HELD_OUT_NOTE = (
    "Thresholds: formcheck/exercises/{exercise}.py as shipped, set on real clips and renders, never on these files, "
    "so every file is held out."
)
_VIEW_NOTE = (
    "View: as in a video, a check judges only frames seen from the side; the others would be \"can't judge this from "
    'here" (not side view, or joints hidden). There are no world landmarks: the view is estimated with the image '
    "points' depth (z) in their place. 'any view' scores every measured frame."
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from formcheck.exercises import PROFILES  # noqa: PLC0415
    from formcheck.frame_dataset import DEFAULT_FRAME_SIZE  # noqa: PLC0415

    parser = subparsers.add_parser(
        "evaluate-frames",
        help="score the plank's hips_sag / hips_pike checks on labelled still frames (per file and pooled)",
        description=(
            "Judge every frame of a folder of labelled landmark CSV files (the plank-landmarks data set: labels C "
            "correct, H hips high, L hips low) with the plank's hip checks and print precision, recall and F1 per "
            "file and pooled, and the share of correct frames that get a cue."
        ),
    )
    parser.add_argument("folder", type=Path, help="folder of labelled landmark .csv files")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the scores per file and pooled as JSON")
    parser.add_argument("--profile", choices=PROFILES, default="standard", help="threshold profile")
    width, height = DEFAULT_FRAME_SIZE
    parser.add_argument(
        "--frame-size",
        type=frame_size,
        default=DEFAULT_FRAME_SIZE,
        metavar="WxH",
        help=f"size of the source videos in pixels, which angles depend on (not recorded; default {width}x{height})",
    )
    parser.set_defaults(handler=run)


def frame_size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1280x720")
    return int(width), int(height)


def run(args: argparse.Namespace) -> int:
    from formcheck.frame_dataset import load_frame_folder  # noqa: PLC0415
    from formcheck.frame_evaluation import PLANK_HIPS, judge_frames, score_frames  # noqa: PLC0415

    if args.json is not None:
        writable_output(args.json)
    files = load_frame_folder(args.folder)
    verdicts = [judge_frames(frames, PLANK_HIPS, args.profile, args.frame_size) for frames in files]
    codes = tuple(PLANK_HIPS.fault_labels)
    rows = [(file.name, score_frames([file], PLANK_HIPS)) for file in verdicts]
    pooled = score_frames(verdicts, PLANK_HIPS)
    any_view = score_frames(verdicts, PLANK_HIPS, use_view=False)
    notes = _notes(PLANK_HIPS.exercise)
    sys.stdout.write(_header(args, sum(score.frames for _, score in rows), len(rows)) + "\n")
    sys.stdout.write("\n".join(notes) + "\n\n")
    table = [*rows, ("pooled, side view", pooled), ("pooled, any view", any_view)]
    sys.stdout.write(format_table(table, codes) + "\n")
    if args.json is not None:
        payload: dict[str, Any] = {
            "settings": {
                "folder": str(args.folder),
                "exercise": PLANK_HIPS.exercise,
                "profile": args.profile,
                "frame_size": list(args.frame_size),
                "labels": {**PLANK_HIPS.fault_labels, "correct": PLANK_HIPS.correct_label},
            },
            "notes": notes,
            "pooled": pooled.to_json_dict(),
            "pooled_any_view": any_view.to_json_dict(),
            "per_file": {name: score.to_json_dict() for name, score in rows},
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


def _header(args: argparse.Namespace, frames: int, files: int) -> str:
    width, height = args.frame_size
    return (
        f"Labelled still frames: {args.folder} ({frames:,} frames in {files} files), plank, profile {args.profile}, "
        f"frames taken as {width}x{height} px"
    )


def _notes(exercise_name: str) -> list[str]:
    from formcheck.exercises import get_exercise  # noqa: PLC0415
    from formcheck.frame_evaluation import PLANK_HIPS  # noqa: PLC0415

    exercise = get_exercise(exercise_name)
    durations = " / ".join(f"{exercise.check(code).min_duration_s:g} s ({code})" for code in PLANK_HIPS.fault_labels)
    return [_STILLS_NOTE.format(durations=durations), _HELD_OUT_NOTE.format(exercise=exercise_name), _VIEW_NOTE]


def format_table(rows: Sequence[tuple[str, FrameScores]], codes: Sequence[str]) -> str:
    """One line per (name, scores): frames, per code P/R/F1 (positives judged), correct frames cued, unjudged."""
    head = f"{'file':<22} {'frames':>6}  " + "  ".join(f"{code + ' P/R/F1 (pos)':<27}" for code in codes)
    lines = [head + f"  {'correct cued':<16} {'not side view':<17} joints hidden"]
    for name, score in rows:
        cells = "  ".join(f"{_fault_cell(score.fault(code)):<27}" for code in codes)
        lines.append(
            f"{name:<22} {score.frames:>6}  {cells}  {_rate_cell(score.correct_cued):<16} "
            f"{_rate_cell(score.other_view):<17} {_rate_cell(score.hidden)}"
        )
    return "\n".join(lines)


def _fault_cell(score: FaultScore) -> str:
    if score.support == 0:
        return f"- (0), {score.fp} false cues" if score.fp else "-"
    return f"{_number(score.precision)}/{_number(score.recall)}/{_number(score.f1)} ({score.support})"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _rate_cell(rate: Rate) -> str:
    if rate.total == 0:
        return "-"
    return f"{rate.hits}/{rate.total} {100.0 * (rate.rate or 0.0):.1f}%"
