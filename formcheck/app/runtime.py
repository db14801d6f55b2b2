"""Process-wide objects the pages share: the configuration and the review service (one of each per process)."""

from __future__ import annotations

import threading
from pathlib import Path

from formcheck.app.config import AppConfig
from formcheck.app.review import ReviewService

_lock = threading.Lock()
_config: AppConfig | None = None
_services: dict[Path, ReviewService] = {}


def configure(root: Path) -> AppConfig:
    """Called by app.py on every run: reads the environment once per process, beside ``root`` (app.py's folder)."""
    global _config  # noqa: PLW0603 - one configuration per process, by design
    with _lock:
        if _config is None:
            _config = AppConfig.from_env(root)
        return _config


def config() -> AppConfig:
    if _config is None:
        return configure(Path.cwd())
    return _config


def service() -> ReviewService:
    """The one review service for this process and cache folder; its results are shared by all sessions."""
    cache_dir = config().cache_dir
    with _lock:
        if cache_dir not in _services:
            _services[cache_dir] = ReviewService(cache_dir)
        return _services[cache_dir]
