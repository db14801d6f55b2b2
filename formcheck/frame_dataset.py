"""Labelled still frames of landmarks (CSV, one row a frame) turned into the features formcheck judges.

The layout is that of the plank-landmarks data set (``../shared/datasets/plank-landmarks``, MIT): a ``label`` column,
then ``NAME_x, NAME_y, NAME_z, NAME_v`` for 17 of MediaPipe's 33 landmarks, x and y normalised to the image (y down),
z MediaPipe's relative depth (same scale as x), v visibility. There are no world landmarks and no frame size.

Each row is a still, so every frame is judged on its own:

* the image size is a setting (:data:`DEFAULT_FRAME_SIZE`), since angles are measured in pixels;
* the product's visibility gate (:func:`formcheck.smoothing.gate_visibility`) hides points as it does in a video;
* the near side is chosen per frame (the product chooses one per clip, and these files join several videos);
* world points are stood in for by the image points in pixels, (x·width, y·height, z·width): only the camera-yaw
  estimate reads them here (its depth-against-width part), and the plank's hip line uses image points only;
* stills are spaced :data:`STILL_SPACING_MS` apart, wider than any window a feature looks through, so no feature
  mixes two frames.

Features are computed by :func:`formcheck.features.compute_features`, the same code a video goes through.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from formcheck import geometry
from formcheck.features import Body, compute_features
from formcheck.smoothing import gate_visibility
from formcheck.types import NUM_LANDMARKS, FloatArray, FormcheckError, Landmark, PoseSequence

# The 17 landmarks the data set keeps, by their column prefix.
FRAME_LANDMARKS: tuple[Landmark, ...] = (
    Landmark.NOSE,
    Landmark.LEFT_SHOULDER,
    Landmark.RIGHT_SHOULDER,
    Landmark.LEFT_ELBOW,
    Landmark.RIGHT_ELBOW,
    Landmark.LEFT_WRIST,
    Landmark.RIGHT_WRIST,
    Landmark.LEFT_HIP,
    Landmark.RIGHT_HIP,
    Landmark.LEFT_KNEE,
    Landmark.RIGHT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE,
    Landmark.LEFT_HEEL,
    Landmark.RIGHT_HEEL,
    Landmark.LEFT_FOOT_INDEX,
    Landmark.RIGHT_FOOT_INDEX,
)
_COORDINATES = ("x", "y", "z", "v")
LABEL_COLUMN = "label"
MANIFEST_NAME = "manifest.csv"

# The source videos' size is not recorded. Landscape 16:9 is assumed: it reads the plank's hip line on these frames
# as the project's real side-view plank clips read it (sag medians +14 to +28°, pikes -49°, correct planks down to
# -20°); 4:3 reads every angle ~25% larger, portrait reads sags of 70° (see `formcheck evaluate-frames --frame-size`).
DEFAULT_FRAME_SIZE = (1280, 720)
# Far wider than any window a feature looks through (camera yaw ±0.5 s, shoulder bob 0.8 s).
STILL_SPACING_MS = 10_000.0


@dataclass(frozen=True)
class LabelledFrames:
    """The frames of one file: ``labels`` (T,) and ``landmarks`` (T, 33, 5) as in :class:`PoseSequence`."""

    name: str
    labels: npt.NDArray[np.str_]
    landmarks: FloatArray

    @property
    def num_frames(self) -> int:
        return len(self.labels)


def column_names() -> tuple[str, ...]:
    """The columns a file must have, in the data set's order."""
    points = (f"{landmark.name.lower()}_{axis}" for landmark in FRAME_LANDMARKS for axis in _COORDINATES)
    return (LABEL_COLUMN, *points)


def read_frames_csv(path: Path) -> LabelledFrames:
    """One file's frames; a missing column or a value that is not a number is a :class:`FormcheckError`."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [name for name in column_names() if name not in (reader.fieldnames or ())]
            if missing:
                shown = ", ".join(missing[:3])
                raise FormcheckError(f"{path}: not a labelled landmark file (missing columns: {shown})")
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as error:
        raise FormcheckError(f"{path}: cannot be read ({error})") from None
    landmarks = np.full((len(rows), NUM_LANDMARKS, 5), np.nan)
    for index, row in enumerate(rows):
        landmarks[index] = _row_landmarks(row, path, index + 2)
    labels = np.array([row[LABEL_COLUMN].strip() for row in rows], dtype=np.str_)
    return LabelledFrames(name=path.name, labels=labels, landmarks=landmarks)


def _row_landmarks(row: Mapping[str, str], path: Path, line: int) -> FloatArray:
    points = np.full((NUM_LANDMARKS, 5), np.nan)
    for landmark in FRAME_LANDMARKS:
        prefix = landmark.name.lower()
        try:
            points[int(landmark), :4] = [float(row[f"{prefix}_{axis}"]) for axis in _COORDINATES]
        except (TypeError, ValueError):
            raise FormcheckError(f"{path}, line {line}: {prefix} has a value that is not a number") from None
        points[int(landmark), 4] = 1.0  # presence: the landmarker placed every point it wrote
    return points


def load_frame_folder(folder: Path) -> list[LabelledFrames]:
    """Every labelled file of a folder (``manifest.csv`` aside), by name."""
    if not folder.exists():
        raise FormcheckError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise FormcheckError(f"{folder}: is a file; give the folder of labelled .csv files")
    paths = sorted(path for path in folder.glob("*.csv") if path.name != MANIFEST_NAME)
    if not paths:
        raise FormcheckError(f"{folder}: no labelled landmark .csv files in this folder")
    return [read_frames_csv(path) for path in paths]


def still_sequence(landmarks: FloatArray, frame_size: tuple[int, int] = DEFAULT_FRAME_SIZE) -> PoseSequence:
    """Frames as a visibility-gated :class:`PoseSequence` of stills (see the module docstring)."""
    width, height = frame_size
    world = landmarks[:, :, :3] * np.array([width, height, width], dtype=np.float64)
    sequence = PoseSequence(
        t_ms=np.arange(len(landmarks), dtype=np.float64) * STILL_SPACING_MS,
        landmarks=landmarks,
        world=world,
        width=width,
        height=height,
        fps=1000.0 / STILL_SPACING_MS,
    )
    return gate_visibility(sequence)


def still_features(
    landmarks: FloatArray, names: Sequence[str], frame_size: tuple[int, int] = DEFAULT_FRAME_SIZE
) -> dict[str, FloatArray]:
    """Named (T,) features of independent stills, each measured on its own near side."""
    gated = still_sequence(landmarks, frame_size)
    near = geometry.near_side_per_frame(gated.landmarks)
    result = {name: np.full(len(landmarks), np.nan) for name in names}
    for side in geometry.Side:
        frames = np.flatnonzero(near == side.value)
        if len(frames) == 0:
            continue
        # Frames of one near side only: the product's one-side-per-clip choice is then this side.
        features = compute_features(Body.from_sequence(_frames_of(gated, frames)), tuple(names))
        for name in names:
            result[name][frames] = features[name]
    return result


def _frames_of(sequence: PoseSequence, frames: npt.NDArray[np.intp]) -> PoseSequence:
    outside = sequence.outside_frame
    return PoseSequence(
        t_ms=sequence.t_ms[frames],
        landmarks=sequence.landmarks[frames],
        world=sequence.world[frames],
        width=sequence.width,
        height=sequence.height,
        fps=sequence.fps,
        outside_frame=None if outside is None else outside[frames],
    )
