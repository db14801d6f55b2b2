"""``formcheck bench-angles FOLDER``: how far the pose pipeline's angles are from rendered ground truth.

For every clip with a ``CLIP.truth.json`` beside it, runs :func:`formcheck.pose.extract.extract_poses` and
:func:`formcheck.smoothing.smooth_offline`, matches frames by ``t_ms``, recomputes the truth angle set from the
detected landmarks with the same code (:func:`formcheck.synth.truth.angles_2d`, near side from the truth) and prints
landmark error (px, near-side shoulder/hip/knee/ankle) and angle error (mean / p90 / max, degrees) per angle and per
camera yaw. This is the measured ceiling for every geometric rule.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from formcheck.commands.common import add_model_argument
from formcheck.synth.truth import ANGLE_KEYS, angles_2d, load_truth
from formcheck.types import FloatArray, FormcheckError, Landmark

log = logging.getLogger(__name__)

# The near-side sagittal angles of the truth files (the limb elevations after them are per side).
BENCH_ANGLES = tuple(key for key in ANGLE_KEYS if "elevation" not in key)
_NEAR_JOINTS = ("shoulder", "hip", "knee", "ankle")
_NAMES = [m.name.lower() for m in Landmark]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "bench-angles",
        help="measure landmark and angle error of the pose pipeline on rendered clips with truth",
        description=(
            "Run the pose pipeline on every clip in FOLDER that has a CLIP.truth.json (from `formcheck synth`) and "
            "print landmark error (px) and angle error (mean/p90/max, degrees) per angle and per camera yaw."
        ),
    )
    parser.add_argument("folder", type=Path, help="folder of clips with .truth.json files (e.g. sample_videos)")
    add_model_argument(parser)
    parser.add_argument("--only", default="", help="comma-separated clip names (without .mp4) to use")
    parser.add_argument("--raw", action="store_true", help="skip smoothing")
    parser.add_argument("--workers", type=int, default=1, help="pose threads per clip (default 1)")
    parser.set_defaults(handler=run)


@dataclass
class Errors:
    px: list[float] = field(default_factory=list)
    angles: dict[str, list[float]] = field(default_factory=dict)
    frames: int = 0
    found: int = 0

    def add(self, other: Errors) -> None:
        self.px.extend(other.px)
        for key, values in other.angles.items():
            self.angles.setdefault(key, []).extend(values)
        self.frames += other.frames
        self.found += other.found


def clip_errors(truth: dict[str, Any], t_ms: FloatArray, xy_px: FloatArray) -> Errors:
    """Errors of detected landmarks ``xy_px`` (T, 33, 2, NaN where none) at ``t_ms`` against ``truth``."""
    width, height = truth["width"], truth["height"]
    side = truth["near_side"]
    by_time = {round(t): i for i, t in enumerate(t_ms)}
    errors = Errors()
    for frame in truth["frames"]:
        errors.frames += 1
        i = by_time.get(int(frame["t_ms"]))
        if i is None or np.isnan(xy_px[i]).all():
            continue
        errors.found += 1
        detected = {name: xy_px[i, k] for k, name in enumerate(_NAMES)}
        for joint in _NEAR_JOINTS:
            name = f"{side}_{joint}"
            x, y = frame["landmarks_2d"][name]
            error = float(np.hypot(detected[name][0] - x * width, detected[name][1] - y * height))
            if np.isfinite(error):  # smoothing blanks low-visibility landmarks
                errors.px.append(error)
        measured = angles_2d(detected, side)
        for key in BENCH_ANGLES:
            value = measured[key] - frame["angles"][key]
            if not np.isnan(value):
                errors.angles.setdefault(key, []).append(float(value))
    return errors


def _yaw_bucket(yaw: float) -> str:
    if yaw <= 10:
        return "side 0-10°"
    if yaw <= 30:
        return "oblique 11-30°"
    if yaw <= 60:
        return "oblique 31-60°"
    return "front 61-90°"


def _stats(values: list[float], bias: bool = False) -> str:
    """mean / p90 / max of |error| (and the mean signed error, detected − truth, when ``bias``)."""
    if not values:
        return "      -      -      -" + ("      -" if bias else "")
    signed = np.asarray(values)
    array = np.abs(signed)
    text = f"{np.mean(array):6.1f} {np.percentile(array, 90):6.1f} {np.max(array):6.1f}"
    return text + (f" {np.mean(signed):+6.1f}" if bias else "")


def write_table(out: TextIO, overall: Errors, by_yaw: dict[str, Errors], clips: int) -> None:
    out.write(f"clips: {clips}, frames: {overall.frames}, person found: {overall.found}\n\n")
    out.write(
        f"{'':34s} {'mean':>6s} {'p90':>6s} {'max':>6s} {'bias':>6s}   (|error|; bias = mean of detected − truth)\n"
    )
    out.write(f"{'near-side landmark error (px)':34s} {_stats(overall.px)}\n")
    for key in BENCH_ANGLES:
        out.write(f"{key:34s} {_stats(overall.angles.get(key, []), bias=True)}\n")
    out.write("\nper camera yaw (from the side view), mean/p90/max:\n")
    header = f"{'':30s}" + "".join(f"{bucket:>24s}" for bucket in by_yaw)
    out.write(header + "\n")
    counts = "".join(f"{f'{e.found}/{e.frames}':>24s}" for e in by_yaw.values())
    out.write(f"{'frames found/total':30s}{counts}\n")
    out.write(f"{'landmark px':30s}" + "".join(f"{_stats(e.px):>24s}" for e in by_yaw.values()) + "\n")
    for key in BENCH_ANGLES:
        out.write(f"{key:30s}" + "".join(f"{_stats(e.angles.get(key, [])):>24s}" for e in by_yaw.values()) + "\n")


def run(args: argparse.Namespace) -> int:
    from formcheck.pose.extract import ExtractOptions, extract_poses  # noqa: PLC0415 - mediapipe loads only here
    from formcheck.smoothing import smooth_offline  # noqa: PLC0415

    folder: Path = args.folder
    truths = sorted(folder.glob("*.truth.json"))
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        truths = [t for t in truths if t.name.removesuffix(".truth.json") in wanted]
    pairs = [(t, t.with_name(t.name.removesuffix(".truth.json") + ".mp4")) for t in truths]
    pairs = [(t, v) for t, v in pairs if v.exists()]
    if not pairs:
        raise FormcheckError(f"no clips with .truth.json files in {folder}")
    overall = Errors()
    by_yaw: dict[str, Errors] = {}
    for truth_path, video in pairs:
        truth = load_truth(truth_path)
        options = ExtractOptions(model=args.model, workers=args.workers)
        sequence = extract_poses(video, options)
        if not args.raw:
            sequence = smooth_offline(sequence)
        errors = clip_errors(truth, sequence.t_ms, sequence.xy_px())
        log.info(
            "%s: found %d/%d, median px %.1f",
            video.name,
            errors.found,
            errors.frames,
            float(np.median(errors.px)) if errors.px else float("nan"),
        )
        overall.add(errors)
        by_yaw.setdefault(_yaw_bucket(float(truth["camera_yaw_deg"])), Errors()).add(errors)
    order = ["side 0-10°", "oblique 11-30°", "oblique 31-60°", "front 61-90°"]
    write_table(sys.stdout, overall, {k: by_yaw[k] for k in order if k in by_yaw}, len(pairs))
    return 0
