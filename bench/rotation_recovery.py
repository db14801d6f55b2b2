"""How many frames the ±90° rotated retry recovers on real floor-exercise clips.

    .venv/bin/python bench/rotation_recovery.py [--clips ../shared/real_clips] [--model full] [--fps 10]

MediaPipe finds lying bodies less often than upright ones. For every plank, glute-bridge and bird-dog clip in the
labelled real-clip set this prints the share of frames with a pose without and with the retry.
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from formcheck.logs import silence_native_stderr  # noqa: E402
from formcheck.pose.extract import ExtractOptions, extract_poses  # noqa: E402

log = logging.getLogger("bench")
FLOOR_EXERCISES = ("plank", "glute_bridge", "bird_dog")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", type=Path, default=REPO.parent / "shared" / "real_clips")
    parser.add_argument("--model", default="full")
    parser.add_argument("--fps", type=float, default=10.0)
    args = parser.parse_args()
    silence_native_stderr()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    manifest = args.clips / "manifest.csv"
    if not manifest.is_file():
        log.error("no manifest at %s", manifest)
        return 2
    with manifest.open() as handle:
        rows = [r for r in csv.DictReader(handle) if r["exercise"] in FLOOR_EXERCISES]
    log.info("| clip | frames | found without retry | found with retry | recovered |")
    log.info("|---|---|---|---|---|")
    totals = [0, 0, 0]
    for row in rows:
        path = args.clips / row["file"]
        plain = extract_poses(path, ExtractOptions(args.model, args.fps, rotate_fallback=False, probe_crowd=False))
        retry = extract_poses(path, ExtractOptions(args.model, args.fps, rotate_fallback=True, probe_crowd=False))
        found_plain, found_retry = int(plain.has_pose().sum()), int(retry.has_pose().sum())
        totals = [totals[0] + plain.num_frames, totals[1] + found_plain, totals[2] + found_retry]
        log.info(
            "| %s | %d | %d | %d | %+d |",
            row["file"],
            plain.num_frames,
            found_plain,
            found_retry,
            found_retry - found_plain,
        )
    frames, found_plain, found_retry = totals
    log.info(
        "| **all %d clips** | %d | %d (%.1f%%) | %d (%.1f%%) | %+d |",
        len(rows),
        frames,
        found_plain,
        100 * found_plain / max(frames, 1),
        found_retry,
        100 * found_retry / max(frames, 1),
        found_retry - found_plain,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
