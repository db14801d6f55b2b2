"""Argument helpers shared by the sub-commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from formcheck.exercises.spec import EQUIPMENT, EQUIPMENT_AUTO
from formcheck.pose.models import DEFAULT_MODEL, MODEL_NAMES
from formcheck.types import FormcheckError


def add_model_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        choices=MODEL_NAMES,
        default=DEFAULT_MODEL,
        help=f"pose model: lite is fastest, heavy most accurate (default: {DEFAULT_MODEL})",
    )


def add_equipment_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--equipment",
        choices=(EQUIPMENT_AUTO, *EQUIPMENT),
        default=EQUIPMENT_AUTO,
        help="what you lift with, for exercises whose checks depend on it (deadlift: the bar's path is checked only "
        "for a barbell); default: use only what formcheck sees",
    )


def add_fps_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fps",
        type=positive_float,
        default=None,
        metavar="N",
        help="analyse about N frames per second, skipping frames evenly (default: every frame)",
    )


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def existing_file(text: str) -> Path:
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text}: no such file")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: is a folder, not a file")
    return path


def writable_output(path: Path) -> Path:
    """Check before hours of work that the output can be written."""
    if path.exists() and path.is_dir():
        raise FormcheckError(f"{path}: is a folder; give a file name")
    if not path.parent.exists():
        raise FormcheckError(f"{path.parent}: folder does not exist")
    return path


def progress_bar(description: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A tqdm bar fed by (done, total) callbacks; returns (update, close)."""
    # disable=None: no bar when stderr is not a terminal (CI logs, pipes).
    bar = tqdm(
        total=0,
        desc=description,
        unit="frame",
        file=sys.stderr,
        dynamic_ncols=True,
        leave=False,
        disable=None,
    )

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    return update, bar.close
