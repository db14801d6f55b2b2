"""The squat's back outline on real and rendered clips: what sets the rounded_back limits and the hands-forward gate.

    .venv/bin/python bench/squat_back_outline.py ../shared/real_clips/manifest.csv [RENDERED.mp4 ...]

For every squat of the manifest (landmarks cached by ``formcheck evaluate ... --fps 10``) and every rendered clip
given (cached at its own frame rate), over the side-view frames of the moving phases (descent, bottom, ascent) it
prints how far the hands reach ahead of the shoulders over the set (leg lengths; one number per set, printed twice)
and the back outline (10th percentile / median, trunk lengths) on all of them and on those the check judges.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

from formcheck.analysis import prepare_frames
from formcheck.commands.evaluate import _extractor
from formcheck.evaluation import cached_landmarks, default_cache_dir
from formcheck.exercises.squat import OUTLINE_MIN_WRIST_AHEAD_OF_SHOULDER_NORM
from formcheck.features import Body, compute_features
from formcheck.smoothing import smooth_offline
from formcheck.types import FloatArray

_MOVING_STATES = ("away", "active", "back")
REAL_CLIP_FPS = 10.0


def _spread(values: FloatArray, frames: np.ndarray) -> str:
    known = values[frames & np.isfinite(values)]
    return f"{np.percentile(known, 10):+.3f}/{np.median(known):+.3f}" if known.size else "-"


def _row(path: Path, fps: float | None, label: str) -> str | None:
    raw = cached_landmarks(path, "full", fps, default_cache_dir(), _extractor("full", fps))
    sequence = smooth_offline(raw)
    body = Body.from_sequence(sequence)
    frames = prepare_frames(sequence, body, compute_features(body), "squat", "none").frames
    moving = np.isin(frames.track.states, _MOVING_STATES) & (frames.views == "side")
    if not moving.any():
        return None
    wrist = frames.features["set_wrist_ahead_of_shoulder_norm"]
    bulge = frames.features["back_bulge_norm"]
    judged = moving & (wrist >= OUTLINE_MIN_WRIST_AHEAD_OF_SHOULDER_NORM)
    return (
        f"{path.name[:34]:<34} {label[:12]:<12} wrist {_spread(wrist, moving):<15} "
        f"outline {_spread(bulge, moving):<15} judged {_spread(bulge, judged)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("manifest", type=Path, help="real_clips/manifest.csv")
    parser.add_argument("rendered", type=Path, nargs="*", help="rendered squat clips")
    args = parser.parse_args()
    with args.manifest.open(encoding="utf-8") as handle:
        real = [row for row in csv.DictReader(handle) if row["exercise"] == "squat"]
    clips = [(args.manifest.parent / row["file"], REAL_CLIP_FPS, row["label"]) for row in real]
    clips += [(path, None, "rendered") for path in args.rendered]
    for path, fps, label in clips:
        line = _row(path, fps, label)
        if line is not None:
            sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
