"""``formcheck landmarks VIDEO -o OUT.npz``: smoothed body landmarks of the exercising person."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np

from formcheck.commands.common import (
    add_fps_argument,
    add_model_argument,
    existing_file,
    progress_bar,
    writable_output,
)

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "landmarks",
        help="extract smoothed body landmarks from a video into an .npz file",
        description=(
            "Find the exercising person's 33 body landmarks in every frame. The .npz holds t_ms (T,), "
            "landmarks (T, 33, 5: x, y normalised, z, visibility, presence; NaN where no pose), "
            "world (T, 33, 3, metres), width, height and fps."
        ),
    )
    parser.add_argument("video", type=existing_file, help="video file (mp4, mov, webm, avi, mkv)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.npz", help="where to write")
    add_model_argument(parser)
    add_fps_argument(parser)
    parser.add_argument("--raw", action="store_true", help="skip smoothing and gap filling")
    parser.add_argument(
        "--workers", type=int, default=None, help="segments analysed in parallel threads (default: one per core)"
    )
    parser.add_argument(
        "--single-person",
        action="store_true",
        help="skip the check for other people in frame (faster; use only when nobody else is ever in view)",
    )
    parser.add_argument(
        "--no-rotated-retry",
        action="store_true",
        help="do not retry frames without a pose turned by ±90° (faster; finds fewer lying bodies)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from formcheck.pose.extract import ExtractOptions, extract_poses  # noqa: PLC0415 - mediapipe loads only here
    from formcheck.smoothing import smooth_offline  # noqa: PLC0415

    output = writable_output(args.output)
    update, close = progress_bar(args.video.name)
    try:
        options = ExtractOptions(
            model=args.model,
            target_fps=args.fps,
            workers=args.workers,
            rotate_fallback=not args.no_rotated_retry,
            probe_crowd=not args.single_person,
        )
        sequence = extract_poses(args.video, options, progress=update)
    finally:
        close()
    if not args.raw:
        sequence = smooth_offline(sequence)
    sequence.save_npz(output)
    found = int(np.count_nonzero(sequence.has_pose()))
    log.info(
        "%s: person found in %d of %d frames (%.0f%%) → %s",
        args.video.name,
        found,
        sequence.num_frames,
        100.0 * found / max(1, sequence.num_frames),
        output,
    )
    if found == 0:
        log.warning("no person was found in this video: check that the whole body is in frame and well lit")
    return 0
