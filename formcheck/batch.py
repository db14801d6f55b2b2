"""Review many recorded sets for one client into the workspace (:mod:`formcheck.workspace`).

Resumable: a video already reviewed for the client with the same model and strictness (same SHA-256 of its bytes) is
skipped, so an interrupted batch is simply run again; a set that could not be judged is reviewed again when another
exercise is chosen for it. One unusable video is recorded as failed, with its reason, and the batch goes on; every
finished set is committed as soon as it is done. Each set is claimed in the workspace just before it is analysed, so
two batches over the same videos (two trainers, or the app and the command line) share the work instead of doing it
twice. The sets are analysed here, one after the other; in a pool of worker processes, one set and one model per
process at a time, on every core of this machine; or spread over a Ray cluster (:mod:`formcheck.cluster`). Whatever
the runner, only this process (the driver) writes to the workspace, saving each set as soon as its report arrives.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from formcheck.cluster import SetResult
from formcheck.files import file_sha256
from formcheck.types import FormcheckError
from formcheck.video import VIDEO_SUFFIXES
from formcheck.workspace import CLAIM_LEASE_S, Client, SetKey, Workspace, WorkspaceError, unjudged_reason

if TYPE_CHECKING:
    from formcheck.pipeline import AnalysisSettings, VideoAnalysis

BatchProgress = Callable[[int, int, str], None]  # (videos finished, videos in all, the video now being reviewed)
Analyze = Callable[[Path, "AnalysisSettings"], "VideoAnalysis"]
OutcomeListener = Callable[["BatchOutcome"], None]  # told of each video's outcome as soon as it is known

log = logging.getLogger(__name__)

# A worker process is replaced after this many sets, a bound in case some video leaves native memory behind. None
# did so far: one process analysing 18 sample sets stayed at 397-402 MiB, then 487 MiB from the first set that
# needed the rotated retry's model on. A new worker is forked ready-imported and loads its models again (~0.3 s).
SETS_PER_WORKER = 20
# A set whose worker process died (killed, out of memory, a native crash) is tried once more in a new pool; a
# second death while it is in flight marks it failed, so one poisonous video cannot stop the batch.
WORKER_DEATHS_ALLOWED = 1


def default_workers() -> int:
    """Every core this process may run on (the affinity mask when the system has one, e.g. in a container)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class BatchOutcome:
    video: Path
    status: Literal["done", "unjudged", "skipped", "failed"]
    set_id: int | None
    message: str


def find_videos(paths: Iterable[Path]) -> list[Path]:
    """Video files among ``paths``, folders searched one level deep; other paths are kept so they can be reported."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES))
        else:
            found.append(path)
    return found


def recorded_at(path: Path) -> str:
    """When the set was filmed, as far as the file tells: its modification time (UTC)."""
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class _Todo:
    index: int
    video: Path
    name: str
    key: SetKey


def review_batch(
    workspace: Workspace,
    client: Client,
    videos: Sequence[Path],
    settings: AnalysisSettings,
    progress: BatchProgress | None = None,
    analyze: Analyze | None = None,
    names: Sequence[str] | None = None,
    cluster: str | None = None,
    on_outcome: OutcomeListener | None = None,
    workers: int = 1,
) -> list[BatchOutcome]:
    """Review each video into ``workspace`` for ``client``: here one after the other (``workers`` 1), in a pool of
    ``workers`` processes, or on the Ray ``cluster`` (an address, "auto" or "local"); ``names``: what to call the
    videos in the history and in messages (default: their file names). ``analyse`` replaces the analysis (tests);
    with a pool it must be a module-level function, since it is sent to the worker processes."""
    labels = list(names) if names is not None else [video.name for video in videos]
    outcomes: dict[int, BatchOutcome] = {}

    def tell(index: int, outcome: BatchOutcome) -> None:
        outcomes[index] = outcome
        if on_outcome is not None:
            on_outcome(outcome)

    todo: list[_Todo] = []
    for index, video in enumerate(videos):
        planned = _plan(workspace, client, index, video, labels[index], settings)
        if isinstance(planned, BatchOutcome):
            tell(index, planned)
        else:
            todo.append(planned)
    owner = uuid.uuid4().hex
    with _ClaimRenewal(workspace.path, owner):
        if cluster:
            _review_on_cluster(workspace, cluster, todo, settings, owner, tell, progress, len(videos))
        elif min(workers, len(todo)) > 1:
            pool = _WorkerPool(min(workers, len(todo)), settings, analyze)
            pool.review(workspace, todo, owner, tell, progress, len(videos))
        else:
            _review_here(workspace, todo, settings, owner, analyze, tell, progress, len(videos))
    if progress is not None:
        progress(len(videos), len(videos), "")
    return [outcomes[index] for index in range(len(videos))]


def _plan(
    workspace: Workspace, client: Client, index: int, video: Path, name: str, settings: AnalysisSettings
) -> _Todo | BatchOutcome:
    try:
        sha256 = file_sha256(video)
    except OSError as error:
        return BatchOutcome(video, "failed", None, f"cannot read {name}: {error.strerror or error}")
    finished = workspace.finished_set(
        client, sha256, settings.model, settings.profile, settings.exercise, settings.equipment
    )
    if finished is not None:
        return _already_reviewed(video, finished.id, finished.error if finished.status == "unjudged" else None)
    return _Todo(index, video, name, (client, sha256, settings.model, settings.profile))


def _already_reviewed(video: Path, set_id: int | None, unjudged: str | None) -> BatchOutcome:
    if unjudged is None:
        return BatchOutcome(video, "skipped", set_id, "already reviewed")
    message = f"already reviewed, not judged: {unjudged} (choose the exercise to review it again)"
    return BatchOutcome(video, "skipped", set_id, message)


def _claim(workspace: Workspace, item: _Todo, owner: str, settings: AnalysisSettings) -> BatchOutcome | None:
    """None when ``item`` is now this batch's to analyse; else why it is skipped."""
    state = workspace.claim(item.key, owner, settings.exercise, equipment=settings.equipment)
    if state == "busy":
        return BatchOutcome(item.video, "skipped", None, "being reviewed by another batch")
    if state == "reviewed":  # another batch finished it since this one started
        client, sha256, model, profile = item.key
        finished = workspace.finished_set(client, sha256, model, profile, settings.exercise, settings.equipment)
        unjudged = finished.error if finished is not None and finished.status == "unjudged" else None
        return _already_reviewed(item.video, finished.id if finished else None, unjudged)
    return None


def _review_here(
    workspace: Workspace,
    todo: Sequence[_Todo],
    settings: AnalysisSettings,
    owner: str,
    analyze: Analyze | None,
    tell: Callable[[int, BatchOutcome], None],
    progress: BatchProgress | None,
    total: int,
) -> None:
    """One video after the other in this process (each analysis uses every core for its long videos)."""
    for item in todo:
        skipped = _claim(workspace, item, owner, settings)
        if skipped is not None:
            tell(item.index, skipped)
            continue
        try:
            if progress is not None:
                progress(item.index, total, item.name)
            result = analyze_set(item.index, item.video, item.name, settings, analyze)
            tell(item.index, _save(workspace, item, settings, result))
        finally:
            workspace.release(item.key, owner)


def analyze_set(index: int, video: Path, name: str, settings: AnalysisSettings, analyze: Analyze | None) -> SetResult:
    """One set's report, or why it could not be analysed (named as the person called the video)."""
    if analyze is None:
        from formcheck.pipeline import analyze_video  # noqa: PLC0415 - mediapipe loads only when work starts

        analyze = analyze_video
    try:
        return SetResult.of(index, analyze(video, settings).report)
    except FormcheckError as error:
        return SetResult.failed(index, str(error).replace(str(video), name))


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a server process that has imported the analysis once (~2 s of imports each saved, and a
    recycled worker starts at once); never forked from this process, whose threads (MediaPipe's, the claim renewal)
    a fork would copy mid-flight."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["formcheck.pipeline"])
    return context


def _quiet_worker() -> None:
    from formcheck.logs import silence_native_stderr  # noqa: PLC0415 - runs in the worker process

    silence_native_stderr()


@dataclass
class _PoolRun:
    """One batch run through the pool: where results go, and the sets claimed but not saved yet."""

    workspace: Workspace
    owner: str
    tell: Callable[[int, BatchOutcome], None]
    progress: BatchProgress | None
    total: int
    finished: int
    claimed: list[_Todo] = field(default_factory=list)


class _WorkerPool:
    """Sets analysed in worker processes, one set (and so one model) per process at a time.

    The driver claims a set only when a worker is free for it, so another batch over the same videos takes the rest;
    it saves each report as it arrives and releases the claim, so a driver or worker that dies loses only the sets
    in flight (their claims lapse, and a rerun does them)."""

    def __init__(self, processes: int, settings: AnalysisSettings, analyze: Analyze | None) -> None:
        self._processes = processes
        self._settings = settings
        # Each worker has a core of its own: segment threads inside it would only fight over the cores.
        self._worker_settings = replace(settings, pose_threads=max(1, default_workers() // processes))
        self._analyze = analyze
        self._deaths: Counter[int] = Counter()  # worker deaths caused by a set (known when it was alone in flight)
        self._suspects: set[int] = set()  # sets in flight when a worker died beside others

    def review(
        self,
        workspace: Workspace,
        todo: Sequence[_Todo],
        owner: str,
        tell: Callable[[int, BatchOutcome], None],
        progress: BatchProgress | None,
        total: int,
    ) -> None:
        run = _PoolRun(workspace, owner, tell, progress, total, finished=total - len(todo))
        waiting = deque(todo)
        try:
            while waiting or run.claimed:
                self._run_pool(run, waiting)
        finally:
            for item in run.claimed:
                workspace.release(item.key, owner)

    def _run_pool(self, run: _PoolRun, waiting: deque[_Todo]) -> None:
        """Until every set is saved, or a worker dies: then the sets it took down are left in ``claimed`` for the
        caller's next pool. A dead worker breaks the whole pool, so which set killed it is known only when one set
        was in flight: after a break, the sets that were in flight are tried one at a time."""
        context = _worker_context()
        claimed = run.claimed
        retry = deque(claimed)  # claimed already, not saved: first, before anything new is claimed
        with ProcessPoolExecutor(
            self._processes, context, initializer=_quiet_worker, max_tasks_per_child=SETS_PER_WORKER
        ) as executor:
            running: dict[Future[SetResult], _Todo] = {}
            while True:
                while (retry or waiting) and len(running) < self._in_flight_limit(retry):
                    item = retry.popleft() if retry else waiting.popleft()
                    if item not in claimed:
                        skipped = _claim(run.workspace, item, run.owner, self._settings)
                        if skipped is not None:
                            run.tell(item.index, skipped)
                            continue
                        claimed.append(item)
                    if not self._submit(executor, item, running):
                        return  # a worker died meanwhile: the claimed set goes to the next pool
                    if run.progress is not None:
                        run.progress(run.finished, run.total, item.name)
                if not running:
                    return
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                in_flight = list(running.values())
                results = {future: self._result(future, running[future]) for future in done}
                for future, result in results.items():
                    if result is not None:
                        item = running.pop(future)
                        self._suspects.discard(item.index)
                        self._saved(run, item, result)
                if any(result is None for result in results.values()):
                    self._after_break(run, in_flight)
                    return

    def _in_flight_limit(self, retry: deque[_Todo]) -> int:
        """One set at a time while a set that was in flight when a worker died is still to be tried."""
        return 1 if any(item.index in self._suspects for item in retry) else self._processes

    def _after_break(self, run: _PoolRun, in_flight: list[_Todo]) -> None:
        unsaved = [item for item in in_flight if item in run.claimed]
        if len(unsaved) != 1:
            self._suspects.update(item.index for item in unsaved)
            return
        culprit = unsaved[0]  # alone in flight: its set stopped the worker
        self._suspects.discard(culprit.index)
        self._deaths[culprit.index] += 1
        if self._deaths[culprit.index] <= WORKER_DEATHS_ALLOWED:
            log.warning("the process analysing %s stopped; trying it again", culprit.name)
            return
        failed = SetResult.failed(culprit.index, "the process analysing it stopped twice (out of memory?)")
        self._saved(run, culprit, failed)

    def _saved(self, run: _PoolRun, item: _Todo, result: SetResult) -> None:
        run.tell(item.index, _save(run.workspace, item, self._settings, result))
        run.workspace.release(item.key, run.owner)
        run.claimed.remove(item)
        run.finished += 1
        if run.progress is not None:
            run.progress(run.finished, run.total, "")

    def _submit(self, executor: ProcessPoolExecutor, item: _Todo, running: dict[Future[SetResult], _Todo]) -> bool:
        """Hand ``item`` to a worker; False when the pool broke (a worker died) before it could take it."""
        try:
            future = executor.submit(
                analyze_set, item.index, item.video, item.name, self._worker_settings, self._analyze
            )
        except BrokenProcessPool:
            return False
        running[future] = item
        return True

    def _result(self, future: Future[SetResult], item: _Todo) -> SetResult | None:
        """The set's result; None when a worker died (the set is tried again, see :meth:`_after_break`)."""
        try:
            return future.result()
        except BrokenProcessPool:
            return None
        except Exception as error:  # noqa: BLE001 - one set's unexpected error is that set's failure, not the batch's
            return SetResult.failed(item.index, f"analysis failed: {type(error).__name__}: {error}")


def _review_on_cluster(
    workspace: Workspace,
    cluster: str,
    todo: Sequence[_Todo],
    settings: AnalysisSettings,
    owner: str,
    tell: Callable[[int, BatchOutcome], None],
    progress: BatchProgress | None,
    total: int,
) -> None:
    """Claim every set first (the cluster works on them all at once), save each as it arrives."""
    from formcheck.cluster import analyze_on_cluster  # noqa: PLC0415 - optional dependency (Ray)

    claimed: dict[int, _Todo] = {}
    for item in todo:
        skipped = _claim(workspace, item, owner, settings)
        if skipped is None:
            claimed[item.index] = item
        else:
            tell(item.index, skipped)
    try:
        finished = total - len(claimed)
        for result in analyze_on_cluster(cluster, [(item.index, item.video) for item in claimed.values()], settings):
            item = claimed.pop(result.index)
            tell(item.index, _save(workspace, item, settings, result))
            workspace.release(item.key, owner)
            finished += 1
            if progress is not None:
                progress(finished, total, "")
    finally:
        for item in claimed.values():
            workspace.release(item.key, owner)


def _save(workspace: Workspace, item: _Todo, settings: AnalysisSettings, result: SetResult) -> BatchOutcome:
    client, sha256, model, profile = item.key
    keys = (client, item.name, sha256, recorded_at(item.video), model, profile)
    if result.report is None:
        error = result.error or "analysis failed"
        return BatchOutcome(item.video, "failed", workspace.save_set(*keys, error=error), error)
    set_id = workspace.save_set(*keys, report=result.report, exercise_asked=settings.exercise)
    reason = unjudged_reason(result.report)
    if reason is not None:
        return BatchOutcome(item.video, "unjudged", set_id, reason)
    return BatchOutcome(item.video, "done", set_id, result.summary)


class _ClaimRenewal:
    """Renews a batch's claims every quarter lease from a thread with its own connection, so a long analysis keeps
    its sets while a batch that stopped (killed, its computer gone) loses them after :data:`CLAIM_LEASE_S`."""

    def __init__(self, path: Path, owner: str, every_s: float = CLAIM_LEASE_S / 4) -> None:
        self._path, self._owner, self._every_s = path, owner, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="formcheck-claims", daemon=True)

    def __enter__(self) -> _ClaimRenewal:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._every_s):
            try:
                with Workspace(self._path) as workspace:
                    workspace.renew_claims(self._owner)
            except WorkspaceError as error:  # a busy moment: the next renewal comes well within the lease
                log.warning("could not renew this batch's claims: %s", error)
