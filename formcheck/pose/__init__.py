"""The pose edge of formcheck: the only package that imports mediapipe.

``extract_poses(path, ...)`` turns a video file into a :class:`formcheck.types.PoseSequence`.
"""

from formcheck.pose.models import MODEL_NAMES, ModelError, resolve_model

__all__ = ["MODEL_NAMES", "ModelError", "resolve_model"]
