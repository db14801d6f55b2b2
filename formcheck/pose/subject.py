"""Following one person when several are in frame (pure numpy; gyms are crowded).

Boxes are (x_min, y_min, x_max, y_max) in normalised image coordinates. The subject is chosen once, from a few frames
spread over the video, as the largest, most central and most moving body; afterwards each frame keeps the candidate
nearest the subject's last position (relative to its size), so the choice never jumps to a bystander mid-set. When no
candidate is near enough the subject is reported lost for that frame.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from formcheck.types import FloatArray

Box = tuple[float, float, float, float]

# A candidate further than this many body sizes from the last known subject position is someone else.
MAX_JUMP_BODY_SIZES = 0.6
# After this long without the subject, accept whoever is nearest the last known position again.
REACQUIRE_AFTER_MS = 1500


def box_centre(box: Box) -> FloatArray:
    return np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])


def box_size(box: Box) -> float:
    return float(max(box[2] - box[0], box[3] - box[1], 1e-6))


@dataclass(frozen=True)
class Candidate:
    box: Box
    shape: FloatArray  # (33, 2) landmark positions relative to the box, to measure movement


def choose_subject(frames: Sequence[Sequence[Candidate]]) -> Box | None:
    """The box (in the first frame it appears) of the body most likely to be exercising."""
    tracks = _link_tracks(frames)
    if not tracks:
        return None
    return max(tracks, key=_track_score)[0].box


def _link_tracks(frames: Sequence[Sequence[Candidate]]) -> list[list[Candidate]]:
    tracks: list[list[Candidate]] = []
    for candidates in frames:
        for candidate in candidates:
            nearest = min(tracks, key=lambda t: _distance(t[-1].box, candidate.box), default=None)
            if nearest is not None and _distance(nearest[-1].box, candidate.box) < 1.0:
                nearest.append(candidate)
            else:
                tracks.append([candidate])
    return tracks


def _track_score(track: list[Candidate]) -> float:
    area = float(np.mean([(c.box[2] - c.box[0]) * (c.box[3] - c.box[1]) for c in track]))
    centrality = 1.5 - float(np.mean([np.hypot(*(box_centre(c.box) - 0.5)) for c in track]))
    steps = np.array([np.abs(a.shape - b.shape) for a, b in itertools.pairwise(track)], dtype=np.float64)
    # Only where both frames placed the landmark (a mean over nothing warns, and says nothing about movement).
    movement = float(np.mean(steps[~np.isnan(steps)])) if np.any(~np.isnan(steps)) else 0.0
    presence = len(track)
    return area * centrality * (1.0 + 5.0 * movement) * presence


def _distance(a: Box, b: Box) -> float:
    """Centre distance in units of the larger body size."""
    return float(np.hypot(*(box_centre(a) - box_centre(b))) / max(box_size(a), box_size(b)))


class SubjectTracker:
    """Keeps following the chosen subject frame after frame."""

    def __init__(self, initial_box: Box | None) -> None:
        self.last_box = initial_box
        self.last_seen_ms: int | None = None

    def pick(self, boxes: Sequence[Box], t_ms: int) -> int | None:
        """Index of the subject among ``boxes``, or None if the subject is not among them."""
        if not boxes:
            return None
        if self.last_box is None:
            index = int(np.argmax([box_size(b) for b in boxes]))
        else:
            last_box = self.last_box
            distances = [_distance(last_box, b) for b in boxes]
            index = int(np.argmin(distances))
            lost_long = self.last_seen_ms is not None and t_ms - self.last_seen_ms > REACQUIRE_AFTER_MS
            size_ratio = box_size(boxes[index]) / box_size(last_box)
            plausible = distances[index] <= MAX_JUMP_BODY_SIZES and 0.5 <= size_ratio <= 2.0
            if not plausible and not lost_long:
                return None
        self.last_box, self.last_seen_ms = boxes[index], t_ms
        return index
