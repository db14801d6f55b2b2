"""Test-side access to the stick-figure generator (it lives in :mod:`formcheck.testing` so demos can use it)."""

from formcheck.testing.scenarios import SCENARIOS, Moment, Scenario, expected_sides, timeline
from formcheck.testing.synthetic_pose import Camera, Limbs, StickPose, render_sequence

__all__ = [
    "SCENARIOS",
    "Camera",
    "Limbs",
    "Moment",
    "Scenario",
    "StickPose",
    "expected_sides",
    "render_sequence",
    "timeline",
]
