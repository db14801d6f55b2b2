"""Shared fixtures: paths to the project's sample videos and the (optional) real clips beside the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_VIDEOS = REPO / "sample_videos"
REAL_CLIPS = REPO.parent / "shared" / "real_clips"


@pytest.fixture(scope="session")
def real_clips() -> Path:
    if not (REAL_CLIPS / "manifest.csv").is_file():
        pytest.skip("../shared/real_clips is not present on this machine")
    return REAL_CLIPS
