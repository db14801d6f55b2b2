"""``formcheck landmarks`` against a naive loop, on the same clip and model, in the same run, counting start-up.

    .venv/bin/python bench/landmarks_throughput.py [VIDEO] [--model full] [--repeats 3]

Three runners, each in a fresh process per run (so no run profits from a model another one loaded), interleaved
repeats, median ratio (these machines are shared and noisy):

- ``naive``: an OpenCV read loop with MediaPipe IMAGE-mode detection on every frame (what a first attempt does);
- ``default``: what ``formcheck landmarks VIDEO -o OUT.npz`` runs, through the command's own handler: the crowd
  probe, VIDEO-mode tracking in parallel segments, the ±90° rotated retry of frames without a pose, smoothing and
  writing the .npz;
- ``core``: the same with ``--single-person --no-rotated-retry``.

Each run is timed from before its model is loaded to its last frame (the default run: to the written file), so
start-up (model loading, hashing, the crowd probe, the first detections) counts; Python's imports are reported
apart. Also printed: CPU time per frame of each runner (all threads), which bounds the ratio on this machine at
cores × naive CPU / formcheck CPU, and each run's peak memory. Without VIDEO it uses the longest real clip in
../shared/real_clips, or otherwise a sample video looped to 30 s.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

log = logging.getLogger("bench")
DEFAULT_REAL_CLIP = REPO.parent / "shared" / "real_clips" / "squat" / "mrpose_squat.mp4"
RUNNERS = ("naive", "default", "core")


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_naive(video: Path, model: str) -> int:
    import cv2  # noqa: PLC0415 - imported in the measured child only

    from formcheck.pose.landmarker import LandmarkerSettings, PoseLandmarker, RunningMode  # noqa: PLC0415

    capture = cv2.VideoCapture(str(video))
    frames = 0
    with PoseLandmarker(LandmarkerSettings(model, RunningMode.IMAGE)) as detector:
        while True:
            ok, bgr = capture.read()
            if not ok:
                break
            detector.detect(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            frames += 1
    capture.release()
    return frames


def run_formcheck(video: Path, model: str, extras: bool) -> int:
    import numpy as np  # noqa: PLC0415

    from formcheck.commands.landmarks import run  # noqa: PLC0415 - the handler `formcheck landmarks` calls

    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "landmarks.npz"
        args = argparse.Namespace(
            video=video,
            output=output,
            model=model,
            fps=None,
            raw=False,
            workers=None,
            single_person=not extras,
            no_rotated_retry=not extras,
        )
        run(args)
        return int(np.load(output)["t_ms"].shape[0])


def child(runner: str, video: Path, model: str) -> None:
    """One measured run in this (fresh) process; prints its figures as JSON on stdout."""
    import_start = time.perf_counter()
    from formcheck.logs import silence_native_stderr  # noqa: PLC0415

    silence_native_stderr()
    if runner == "naive":
        import cv2  # noqa: F401, PLC0415

        from formcheck.pose import landmarker  # noqa: F401, PLC0415
    else:
        from formcheck.commands import landmarks  # noqa: F401, PLC0415
        from formcheck.pose import extract  # noqa: F401, PLC0415
        from formcheck.smoothing import smooth_offline  # noqa: F401, PLC0415
    import_s = time.perf_counter() - import_start
    cpu_start, start = _cpu_s(), time.perf_counter()
    frames = run_naive(video, model) if runner == "naive" else run_formcheck(video, model, extras=runner == "default")
    seconds, cpu_s = time.perf_counter() - start, _cpu_s() - cpu_start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {"frames": frames, "seconds": seconds, "cpu_s": cpu_s, "import_s": import_s, "peak_mib": peak_mib}
    sys.stdout.write(json.dumps(figures) + "\n")


def measure(runner: str, video: Path, model: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", runner, str(video), "--model", model]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def looped_sample(seconds: float) -> Path:
    from formcheck.video import H264Writer, iter_frames, probe_video  # noqa: PLC0415

    samples = sorted((REPO / "sample_videos").glob("*.mp4"), key=lambda p: p.stat().st_size)
    if not samples:
        raise SystemExit("no video given, no ../shared/real_clips and no sample_videos/*.mp4 to loop")
    source = samples[-1]
    info = probe_video(source)
    out = Path(tempfile.mkdtemp()) / f"looped_{source.stem}.mp4"
    frames = list(iter_frames(source))
    step_ms = 1000.0 / info.fps
    with H264Writer(out, info.width, info.height, info.fps) as writer:
        for i in range(int(seconds * info.fps)):
            writer.write(frames[i % len(frames)].image, round(i * step_ms))
    return out


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def report(runs: dict[str, list[dict[str, Any]]], repeats: int) -> None:
    fps = {name: [r["frames"] / r["seconds"] for r in rows] for name, rows in runs.items()}
    cpu_ms = {name: statistics.median(1000 * r["cpu_s"] / r["frames"] for r in rows) for name, rows in runs.items()}
    log.info("")
    log.info("| measure | value |")
    log.info("|---|---|")
    naive_fps = statistics.median(fps["naive"])
    log.info("| naive loop (OpenCV read + IMAGE mode), start-up counted | %.1f frames/s |", naive_fps)
    for name in ("default", "core"):
        ratios = [ours / base for ours, base in zip(fps[name], fps["naive"], strict=True)]
        log.info("| formcheck landmarks, %s, start-up counted | %.1f frames/s |", name, statistics.median(fps[name]))
        log.info(
            "| **speed-up, %s (median of %d interleaved runs)** | **%.2f×** (runs: %s) |",
            name,
            repeats,
            statistics.median(ratios),
            ", ".join(f"{r:.2f}" for r in ratios),
        )
    for name in RUNNERS:
        log.info("| CPU per frame, %s (all threads) | %.1f ms |", name, cpu_ms[name])
    cores = _cores()
    ceiling = cores * cpu_ms["naive"] / cpu_ms["default"]
    log.info("| ceiling on %d cores (cores × naive CPU / default CPU per frame) | %.2f× |", cores, ceiling)
    for name in RUNNERS:
        import_s = statistics.median(r["import_s"] for r in runs[name])
        log.info("| Python imports before the clock starts, %s | %.2f s |", name, import_s)
    for name in RUNNERS:
        log.info("| peak memory of one %s run | %.0f MiB |", name, max(r["peak_mib"] for r in runs[name]))
    log.info("| 1-minute load average at the end | %.2f |", os.getloadavg()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("video", nargs="?", type=Path)
    parser.add_argument("--model", default="full", choices=("lite", "full", "heavy"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", choices=RUNNERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.video, args.model)
        return 0
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    video = args.video or (DEFAULT_REAL_CLIP if DEFAULT_REAL_CLIP.is_file() else looped_sample(30.0))
    load = os.getloadavg()[0]
    log.info("video: %s; model %s; %d cores; 1-minute load %.2f at the start", video.name, args.model, _cores(), load)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in RUNNERS}
    for repeat in range(args.repeats):
        for name in RUNNERS:
            figures = measure(name, video, args.model)
            runs[name].append(figures)
            log.info(
                "run %d %-7s: %d frames in %.2f s = %.1f frames/s (CPU %.1f ms/frame)",
                repeat + 1,
                name,
                figures["frames"],
                figures["seconds"],
                figures["frames"] / figures["seconds"],
                1000 * figures["cpu_s"] / figures["frames"],
            )
    report(runs, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
