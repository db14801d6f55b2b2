"""Settings of the app that a person running it may want to change, read from environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_UPLOAD_MB = 500
MAX_UPLOAD_ENV = "FORMCHECK_MAX_UPLOAD_MB"
CACHE_DIR_ENV = "FORMCHECK_APP_CACHE"
SAMPLES_DIR_ENV = "FORMCHECK_SAMPLE_VIDEOS"


def upload_limit_mb() -> int:
    """The largest upload in MB: ``FORMCHECK_MAX_UPLOAD_MB`` when it is a positive whole number, else 500. The page
    states and checks it, and the start scripts give Streamlit the same limit, so a file between the two limits is
    never refused by the browser with no sentence."""
    raw_limit = os.environ.get(MAX_UPLOAD_ENV, "").strip()
    return int(raw_limit) if raw_limit.isdigit() and int(raw_limit) > 0 else DEFAULT_MAX_UPLOAD_MB


@dataclass(frozen=True)
class AppConfig:
    max_upload_mb: int  # Streamlit's server.maxUploadSize is started with the same value (upload_limit_mb)
    cache_dir: Path  # uploaded videos, annotated videos (safe to delete at any time)
    samples_dir: Path

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @classmethod
    def from_env(cls, root: Path) -> AppConfig:
        """``root``: the folder holding app.py; caches and samples live beside it unless told otherwise."""
        limit = upload_limit_mb()
        cache = Path(os.environ.get(CACHE_DIR_ENV) or root / ".cache" / "app")
        samples = Path(os.environ.get(SAMPLES_DIR_ENV) or root / "sample_videos")
        return cls(max_upload_mb=limit, cache_dir=cache, samples_dir=samples)
