"""Finding every person in a frame, and following one of them, with a single-person landmarker.

MediaPipe's person detector rarely returns more than one body even with ``num_poses`` > 1 (a street photo with four
people gave one). Two tricks make a single-person model usable in a crowded gym:

* **Counting by masking**: detect, grey out the person found, detect again, until nobody more is found.
* **Following by cropping**: once the subject is known, each frame is analysed in a crop around the subject's last
  position, so a bystander cannot win the detector's attention; the result is mapped back to the whole frame.
"""

from __future__ import annotations

import numpy as np

from formcheck.pose.landmarker import DetectedPose
from formcheck.pose.pool import LeasedLandmarker
from formcheck.pose.subject import Box, SubjectTracker, box_centre
from formcheck.types import FloatArray
from formcheck.video import RgbImage

MASK_GREY = 114
MAX_PEOPLE = 3
CROP_MARGIN = 0.45  # crop = subject box grown by this share of its size on each side


def find_people(detector: LeasedLandmarker, image: RgbImage, limit: int = MAX_PEOPLE) -> list[DetectedPose]:
    """Everyone the detector can find, largest first, by masking each person found and searching again."""
    working = image.copy()
    people: list[DetectedPose] = []
    height, width = image.shape[:2]
    while len(people) < limit:
        poses = detector.detect(working)
        if not poses or any(_inside(box_centre(poses[0].bbox_norm()), _grow(p.bbox_norm(), 0.12)) for p in people):
            break  # nobody more, or only the rest of someone already found (a limb outside the grey box)
        people.append(poses[0])
        x0, y0, x1, y1 = _pixel_box(_grow(poses[0].bbox_norm(), 0.12), width, height)
        working[y0:y1, x0:x1] = MASK_GREY
    return people


def _inside(point: FloatArray, box: Box) -> bool:
    return bool(box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3])


def _grow(box: Box, margin: float) -> Box:
    size_x, size_y = box[2] - box[0], box[3] - box[1]
    size = max(size_x, size_y)
    return (box[0] - margin * size, box[1] - margin * size, box[2] + margin * size, box[3] + margin * size)


def _pixel_box(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    x0 = int(np.clip(box[0], 0, 1) * width)
    y0 = int(np.clip(box[1], 0, 1) * height)
    x1 = int(np.ceil(np.clip(box[2], 0, 1) * width))
    y1 = int(np.ceil(np.clip(box[3], 0, 1) * height))
    return x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)


def detect_in_crop(detector: LeasedLandmarker, image: RgbImage, box: Box) -> DetectedPose | None:
    """The pose found inside ``box`` (grown by CROP_MARGIN), in whole-frame normalised coordinates."""
    height, width = image.shape[:2]
    x0, y0, x1, y1 = _pixel_box(_grow(box, CROP_MARGIN), width, height)
    poses = detector.detect(np.ascontiguousarray(image[y0:y1, x0:x1]))
    if not poses:
        return None
    crop_w, crop_h = x1 - x0, y1 - y0
    landmarks = poses[0].landmarks.copy()
    landmarks[:, 0] = (landmarks[:, 0] * crop_w + x0) / width
    landmarks[:, 1] = (landmarks[:, 1] * crop_h + y0) / height
    landmarks[:, 2] = landmarks[:, 2] * crop_w / width
    return DetectedPose(landmarks, poses[0].world, _whole_frame_mask(poses[0].mask, (height, width), (x0, y0)))


def _whole_frame_mask(
    crop_mask: np.ndarray | None, frame_shape: tuple[int, int], crop_origin: tuple[int, int]
) -> np.ndarray | None:
    """The crop's person mask placed in an empty whole-frame mask (nobody outside the crop: it is the subject's)."""
    if crop_mask is None:
        return None
    mask = np.zeros(frame_shape, dtype=np.float32)
    x0, y0 = crop_origin
    mask[y0 : y0 + crop_mask.shape[0], x0 : x0 + crop_mask.shape[1]] = crop_mask
    return mask


class CrowdFollower:
    """Per frame: look for the subject in a crop around where it was; if it is not there, search the whole frame
    for everyone and let the tracker decide (it refuses bystanders)."""

    def __init__(self, detector: LeasedLandmarker, initial_box: Box) -> None:
        self._detector = detector
        self._tracker = SubjectTracker(initial_box)

    def follow(self, image: RgbImage, t_ms: int) -> DetectedPose | None:
        last_box = self._tracker.last_box
        if last_box is not None:
            pose = detect_in_crop(self._detector, image, last_box)
            if pose is not None and self._tracker.pick([pose.bbox_norm()], t_ms) == 0:
                return pose
        people = find_people(self._detector, image)
        index = self._tracker.pick([p.bbox_norm() for p in people], t_ms)
        return None if index is None else people[index]
