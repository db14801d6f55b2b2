"""Live coach cost per webcam frame, as a ratio against pose inference alone measured in the same run.

    .venv/bin/python bench/live_latency.py [VIDEO] [--model full] [--exercise squat] [--repeats 3]

Baseline: MediaPipe VIDEO-mode detection on every frame (what any live pose app pays). Live coach:
``LiveSession.process`` — the same detection plus gating, One-Euro smoothing, the rolling-window judgement five
times a second, and drawing the skeleton, cue, reps and hold timer on the frame. The clip is fed frame by frame with
its own timestamps, looped to ~30 s so the judgement window fills. Printed: milliseconds per frame of each (median
of interleaved repeats), their ratio, and the frame rate one core can keep up with.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from formcheck.live import LiveSettings  # noqa: E402
from formcheck.live_video import LiveSession  # noqa: E402
from formcheck.logs import silence_native_stderr  # noqa: E402
from formcheck.pose.landmarker import LandmarkerSettings, PoseLandmarker, RunningMode  # noqa: E402
from formcheck.video import Frame, iter_frames  # noqa: E402

log = logging.getLogger("bench")
DEFAULT_CLIP = REPO / "sample_videos" / "squat_forward_lean_20.mp4"
LOOP_S = 30.0


def looped(frames: list[Frame]) -> list[tuple[float, Frame]]:
    """(t_ms, frame) pairs repeating the clip until LOOP_S seconds have passed."""
    step_ms = (frames[-1].t_ms - frames[0].t_ms) / max(len(frames) - 1, 1)
    count = int(LOOP_S * 1000.0 / step_ms)
    return [(i * step_ms, frames[i % len(frames)]) for i in range(count)]


def pose_only_ms(feed: list[tuple[float, Frame]], model: str) -> float:
    with PoseLandmarker(LandmarkerSettings(model, RunningMode.VIDEO)) as detector:
        start = time.perf_counter()
        for t_ms, frame in feed:
            detector.detect(frame.image, round(t_ms))
        return 1000.0 * (time.perf_counter() - start) / len(feed)


def live_ms(feed: list[tuple[float, Frame]], model: str, exercise: str) -> float:
    session = LiveSession(LiveSettings(exercise), model)
    try:
        start = time.perf_counter()
        for t_ms, frame in feed:
            session.process(frame.image, t_ms)
        return 1000.0 * (time.perf_counter() - start) / len(feed)
    finally:
        session.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("video", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--model", default="full", choices=("lite", "full", "heavy"))
    parser.add_argument("--exercise", default="squat")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    silence_native_stderr()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    feed = looped(list(iter_frames(args.video)))
    log.info(
        "video: %s looped to %d frames; model %s; exercise %s", args.video.name, len(feed), args.model, args.exercise
    )
    base_runs, live_runs = [], []
    for repeat in range(args.repeats):
        base_runs.append(pose_only_ms(feed, args.model))
        live_runs.append(live_ms(feed, args.model, args.exercise))
        log.info("run %d: pose only %.1f ms/frame, live coach %.1f ms/frame", repeat + 1, base_runs[-1], live_runs[-1])
    base, live = statistics.median(base_runs), statistics.median(live_runs)
    log.info("")
    log.info("| measure | value |")
    log.info("|---|---|")
    log.info("| pose inference only (VIDEO mode) | %.1f ms/frame |", base)
    log.info("| live coach (pose + smoothing + judgement + overlay) | %.1f ms/frame |", live)
    log.info("| **live coach / pose only (median of %d interleaved runs)** | **%.2f×** |", args.repeats, live / base)
    log.info("| frames per second one core keeps up with | %.0f |", 1000.0 / live)
    return 0


if __name__ == "__main__":
    sys.exit(main())
