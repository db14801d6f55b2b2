"""Rendered deadlifts judged with their feet seen, then with the feet hidden where the bar is low, as a barbell plate
hides them on real side-view lifts (formcheck.exercises.deadlift.planted_feet places them where they stood tall).

    .venv/bin/python bench/deadlift_hidden_feet.py                  # the side-view deadlifts in sample_videos
    .venv/bin/python bench/deadlift_hidden_feet.py CLIP.mp4 ...     # other clips

Landmarks come from the cache ``formcheck evaluate sample_videos`` fills (the pose model runs where it is missing).
"Low" is the lowest 40 % of the wrists' travel in the picture: about a quarter of each clip's frames.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from formcheck.analysis import analyze_sequence
from formcheck.commands.evaluate import _extractor
from formcheck.evaluation import cached_landmarks
from formcheck.smoothing import smooth_offline
from formcheck.testing.scenarios import FEET
from formcheck.types import Landmark, PoseSequence

CACHE = Path.home() / ".cache" / "formcheck" / "landmarks"
CLIPS = (
    "deadlift_clean_side",
    "deadlift_clean_side_occluded",
    "deadlift_bar_drift_12cm",
    "deadlift_knee_dominant_25",
    "deadlift_hips_rise_first_15",
    "deadlift_lockout_hyperextension_12",
)
CHECKS = ("bar_drift", "knee_dominant")
LOW_SHARE_OF_TRAVEL = 0.4


def _feet_hidden_where_the_bar_is_low(raw: PoseSequence) -> tuple[PoseSequence, float]:
    wrists_y = np.nanmean(raw.landmarks[:, [Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST], 1], axis=1)
    top, bottom = float(np.nanmin(wrists_y)), float(np.nanmax(wrists_y))
    low = wrists_y > bottom - LOW_SHARE_OF_TRAVEL * (bottom - top)
    landmarks = raw.landmarks.copy()
    landmarks[np.ix_(low, [int(lm) for lm in FEET], [3])] = 0.0
    return replace(raw, landmarks=landmarks), float(low.mean())


def _line(tag: str, sequence: PoseSequence) -> str:
    report = analyze_sequence(smooth_offline(sequence), "deadlift", equipment="barbell")
    verdicts = " ".join(f"{v.check}#{v.rep}={v.status}:{v.value:.3f}" for v in report.verdicts if v.check in CHECKS)
    faults = ",".join(sorted({f.code for f in report.faults})) or "-"
    return f"  {tag:7s} faults {faults:40s} {verdicts}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clips", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.clips or [Path("sample_videos") / f"{name}.mp4" for name in CLIPS]
    for path in paths:
        raw = cached_landmarks(path, "full", None, CACHE, _extractor("full", None))
        hidden, share = _feet_hidden_where_the_bar_is_low(raw)
        sys.stdout.write(f"{path.name}: feet hidden on {share:.0%} of frames\n")
        sys.stdout.write(_line("seen", raw) + _line("hidden", hidden))
    return 0


if __name__ == "__main__":
    sys.exit(main())
