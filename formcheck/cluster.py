"""Reviewing many sets on a Ray cluster when one machine is too few (optional extra ``.[cluster]``).

Each video's bytes go to the cluster's object store (so workers on other machines need no shared disk), a worker
writes them to a temporary file and runs the same :func:`formcheck.pipeline.analyze_video` as everywhere else, and
returns the report as JSON-ready data or the plain reason it failed. The driver (:mod:`formcheck.batch`) saves each
result to the workspace as soon as it arrives, so a lost worker or driver costs only the sets still in flight.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formcheck.report import Report
from formcheck.types import FormcheckError

LOCAL = "local"  # start a Ray instance on this machine (all its cores)


@dataclass(frozen=True)
class SetResult:
    """One analysed set: its report as JSON-ready data and first summary line, or why it failed."""

    index: int  # position in the submitted list
    report: dict[str, Any] | None
    summary: str
    error: str | None

    @classmethod
    def of(cls, index: int, report: Report) -> SetResult:
        return cls(index, report.to_json_dict(), report.summary_text().splitlines()[0], None)

    @classmethod
    def failed(cls, index: int, reason: str) -> SetResult:
        return cls(index, None, "", reason)


def require_ray() -> Any:
    try:
        import ray  # noqa: PLC0415 - optional dependency
    except ImportError as error:
        raise FormcheckError(
            "the cluster runner needs Ray: pip install -e '.[cluster]' (or pip install 'ray>=2.40')"
        ) from error
    return ray


def connect(address: str) -> Any:
    """Join the Ray cluster at ``address`` ("auto" for the one this machine belongs to, "local" to start one here)."""
    ray = require_ray()
    if not ray.is_initialized():
        try:
            quiet = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.WARNING}
            if address == LOCAL:
                ray.init(**quiet)
            else:
                ray.init(address=address, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise FormcheckError(f"cannot join the Ray cluster at {address!r}: {error}") from error
    return ray


def analyze_on_cluster(address: str, videos: Sequence[tuple[int, Path]], settings: Any) -> Iterator[SetResult]:
    """Analyse ``videos`` ((index, path) pairs) in parallel on the cluster; results in the order they finish."""
    ray = connect(address)
    remote = ray.remote(num_cpus=1)(_analyze_bytes)
    pending = {remote.remote(index, ray.put(path.read_bytes()), path.name, settings): index for index, path in videos}
    while pending:
        done, _ = ray.wait(list(pending), num_returns=1)
        index = pending.pop(done[0])
        try:
            result: SetResult = ray.get(done[0])
        except Exception as error:  # noqa: BLE001 - a crashed worker is one failed set, never the whole batch
            result = SetResult.failed(index, f"the worker analysing it failed: {type(error).__name__}")
        yield result


def _analyze_bytes(index: int, data: bytes, name: str, settings: Any) -> SetResult:
    from formcheck.logs import silence_native_stderr  # noqa: PLC0415 - runs in the worker process
    from formcheck.pipeline import analyze_video  # noqa: PLC0415

    silence_native_stderr()
    with tempfile.TemporaryDirectory(prefix="formcheck-") as folder:
        path = Path(folder) / Path(name).name  # the video's own name, so messages name it
        path.write_bytes(data)
        try:
            report = analyze_video(path, settings).report
        except FormcheckError as error:
            return SetResult.failed(index, str(error).replace(str(path), name))
    return SetResult.of(index, report)
