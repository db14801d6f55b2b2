"""How the camera-yaw estimate and each side-view check's measure move as a low camera turns off the side.

    bash bench/render_low_side.sh OUT_DIR           # renders: plank, glute bridge, bird dog; 0-45° off; 0.2/0.45 m
    .venv/bin/python bench/view_stability.py OUT_DIR

For every rendered clip (its name carries ``yaw<deg off the side>`` and ``_h<camera height m>``) it prints the
estimated camera yaw over the hold or top (median and 10th percentile), the share of those frames the exercise calls
a side view, and the median of every check's measure over them, with its change from the same clip filmed from the
exact side (the ``yaw0`` clip of the same fault and height). A check whose measure stays close to its side-on value
further off the side may be given its own ``side_view_min_yaw_deg`` (see formcheck/exercises/plank.py).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

import numpy as np

from formcheck.analysis import exercise_views
from formcheck.commands.evaluate import _extractor
from formcheck.evaluation import cached_landmarks, default_cache_dir, load_labelled
from formcheck.exercises import get_exercise
from formcheck.features import Body, compute_features
from formcheck.reps import track_motion
from formcheck.smoothing import smooth_offline

_NAME = re.compile(r"_yaw(?P<off>[\d.]+)(?:_h(?P<height>[\d.]+))?_")


def _row(clip_path: Path, exercise: str) -> dict[str, float | str]:
    raw = cached_landmarks(clip_path, "full", None, default_cache_dir(), _extractor("full", None))
    sequence = smooth_offline(raw)
    features = compute_features(Body.from_sequence(sequence))
    spec = get_exercise(exercise)
    track = track_motion(spec.motion, features, np.asarray(sequence.t_s, dtype=np.float64))
    views, _ = exercise_views(spec, features, sequence.has_pose())
    active = track.states == "active"
    found = _NAME.search(clip_path.name)
    planted = json.loads(clip_path.with_suffix(".truth.json").read_text(encoding="utf-8")).get("faults_planted") or {}
    row: dict[str, float | str] = {
        "exercise": exercise,
        "fault": ",".join(f"{code} {value:g}" for code, value in sorted(planted.items())) or "clean",
        "off_side_deg": float(found["off"]) if found else math.nan,
        "height_m": float(found["height"]) if found and found["height"] else 0.45,
        "yaw_median_deg": _median(features["camera_yaw_deg"][active]),
        "yaw_p10_deg": float(np.nanpercentile(features["camera_yaw_deg"][active], 10)) if active.any() else math.nan,
        "side_share": float(np.mean(views[active] == "side")) if active.any() else math.nan,
    }
    for feature in sorted({limit.feature for check in spec.checks for limit in check.limits}):
        row[feature] = _median(features[feature][active])
    return row


def _median(values: np.ndarray) -> float:
    known = values[np.isfinite(values)]
    return float(np.median(known)) if known.size else math.nan


def _print(rows: list[dict[str, float | str]]) -> None:
    side_on = {(r["exercise"], r["fault"], r["height_m"]): r for r in rows if r["off_side_deg"] == 0.0}
    for row in sorted(rows, key=lambda r: (str(r["exercise"]), str(r["fault"]), r["height_m"], r["off_side_deg"])):
        base = side_on.get((row["exercise"], row["fault"], row["height_m"]))
        measures = []
        for name, value in row.items():
            if name in {"exercise", "fault", "off_side_deg", "height_m", "yaw_median_deg", "yaw_p10_deg", "side_share"}:
                continue
            change = float(value) - float(base[name]) if base is not None else math.nan
            measures.append(f"{name} {float(value):.1f} ({change:+.1f})")
        sys.stdout.write(
            f"{row['exercise']:<13}{row['fault']:<22}h {row['height_m']:<5} off {row['off_side_deg']:>4.0f}°  "
            f"yaw {float(row['yaw_median_deg']):5.1f}/{float(row['yaw_p10_deg']):5.1f}  "
            f"side {float(row['side_share']):4.0%}  " + "  ".join(measures) + "\n"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="rendered clips with .truth.json files")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = parser.parse_args()
    rows = [_row(clip.path, clip.exercise) for clip in load_labelled(args.folder)]
    _print(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
