"""``formcheck batch`` on 1 worker, 2 workers and every core, on the same clips in the same run.

    .venv/bin/python bench/batch_throughput.py [CLIPS...] [--count 8] [--repeats 1]

Each configuration runs the real command (``formcheck batch CLIENT CLIPS --workers N``) in a fresh process with a
fresh workspace, so every run loads its own models and analyses every clip. ``--workers 1`` is the analysis in the
command's own process, one set after the other (each long video split over the cores); more workers are worker
processes with one set and one model each. Printed: wall time, sets per minute, the speed-up against one worker,
the CPU time of all the processes (with the cores they kept busy: on a shared machine, fewer than it has), and peak
memory (RSS, sampled) of the driver and of the largest process under it (a worker); then the all-core run
again on twice the clips, to show that memory does not grow with the batch. Without CLIPS it takes ``--count``
(and, for the memory run, ``2 × --count``) rendered clips spread over sample_videos/.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

log = logging.getLogger("bench")

SAMPLE_EVERY_S = 0.1


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_batch(clips: list[Path], workers: int) -> dict[str, Any]:
    """Wall time of the whole command (start-up and imports included), the CPU time of it and every process under
    it, and the peak memory (RSS) of its own process and of the largest process under it, sampled every
    SAMPLE_EVERY_S."""
    with tempfile.TemporaryDirectory() as folder:
        command = [str(Path(sys.executable).parent / "formcheck"), "batch", "Bench", *map(str, clips)]
        command += ["--workers", str(workers), "--db", str(Path(folder) / "w.db")]
        errors = Path(folder) / "stderr.txt"
        with errors.open("w") as stderr:
            start = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, cwd=REPO)
            driver_mib, worker_mib, cpu_s = _watch(process)
            wall_s = time.perf_counter() - start
        if process.returncode not in (0, 1):  # 1: some set was not judged, which is an outcome, not a failure
            raise SystemExit(f"formcheck batch failed: {errors.read_text()[-500:]}")
    return {"wall_s": wall_s, "cpu_s": cpu_s, "driver_mib": driver_mib, "worker_mib": worker_mib}


def _watch(process: subprocess.Popen[bytes]) -> tuple[float, float, float]:
    """(peak RSS of the process, peak RSS of the largest process under it, CPU seconds of them all) until it ends."""
    driver_mib = worker_mib = 0.0
    cpu_s: dict[int, float] = {}  # last reading per process: a worker's CPU is kept after it ends
    watched = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            driver_mib = max(driver_mib, watched.memory_info().rss / 2**20)
            for member in [watched, *watched.children(recursive=True)]:
                times = member.cpu_times()
                cpu_s[member.pid] = times.user + times.system
                if member.pid != watched.pid:
                    worker_mib = max(worker_mib, member.memory_info().rss / 2**20)
        except psutil.Error:  # a process ended between listing and reading it
            pass
        time.sleep(SAMPLE_EVERY_S)
    return driver_mib, worker_mib, sum(cpu_s.values())


def _spread(clips: list[Path], count: int) -> list[Path]:
    """``count`` clips spread over the sorted list (so every exercise is in a batch of sample clips)."""
    return clips[:: max(1, len(clips) // count)][:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clips", nargs="*", type=Path)
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    pool = args.clips or sorted((REPO / "sample_videos").glob("*.mp4"))
    clips = _spread(pool, args.count)
    all_cores = cores()
    configurations = {"1 worker": 1, "2 workers": 2, f"all {all_cores} cores": all_cores}
    log.info("%d clips, %d cores, 1-minute load %.2f at the start", len(clips), all_cores, os.getloadavg()[0])
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in configurations}
    for repeat in range(args.repeats):
        for name, workers in configurations.items():
            figures = run_batch(clips, workers)
            runs[name].append(figures)
            log.info("run %d, %s: %.1f s, CPU %.1f s (%.2f cores busy), driver %.0f MiB, largest worker %.0f MiB",
                     repeat + 1, name, figures["wall_s"], figures["cpu_s"], figures["cpu_s"] / figures["wall_s"],
                     figures["driver_mib"], figures["worker_mib"])  # fmt: skip
    base_s = statistics.median(r["wall_s"] for r in runs["1 worker"])
    log.info("")
    log.info("| workers | wall | sets/min | speed-up vs 1 worker | CPU, all processes | peak RSS driver / worker |")
    log.info("|---|---|---|---|---|---|")
    for name, rows in runs.items():
        wall_s = statistics.median(r["wall_s"] for r in rows)
        driver = max(r["driver_mib"] for r in rows)
        worker = max(r["worker_mib"] for r in rows)
        cpu_s = statistics.median(r["cpu_s"] for r in rows)
        log.info("| %s | %.1f s | %.1f | **%.2f×** | %.1f s | %.0f / %.0f MiB |", name, wall_s,
                 60 * len(clips) / wall_s, base_s / wall_s, cpu_s, driver, worker)  # fmt: skip
    longer = _spread(pool, 2 * args.count)
    if len(longer) > len(clips):
        figures = run_batch(longer, all_cores)
        log.info("| all %d cores, %d clips (memory check) | %.1f s | %.1f | | %.1f s | %.0f / %.0f MiB |", all_cores,
                 len(longer), figures["wall_s"], 60 * len(longer) / figures["wall_s"], figures["cpu_s"],
                 figures["driver_mib"], figures["worker_mib"])  # fmt: skip
    log.info("1-minute load at the end: %.2f", os.getloadavg()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
