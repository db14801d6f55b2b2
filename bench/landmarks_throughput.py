"""Landmark extraction throughput, as ratios against a naive baseline measured in the same run.

    .venv/bin/python bench/landmarks_throughput.py [VIDEO] [--model full] [--repeats 2] [--baseline-frames 300]

Baseline: an OpenCV read loop with MediaPipe IMAGE-mode detection on every frame (what a first attempt does).
formcheck, two configurations:

- ``core``: ``extract_poses`` with VIDEO-mode tracking, decode overlapped with inference in a thread, a long file
  split into segments analysed in parallel threads and stitched (``formcheck landmarks --single-person
  --no-rotated-retry``);
- ``default``: the same plus the crowd probe (are several people in frame?) and the ±90° rotated retry of frames
  without a pose (what ``formcheck landmarks`` and ``analyze`` do by default).

Printed: frames per second of each, their ratios to the baseline (median over interleaved repeats, because these
machines are shared and noisy), the per-frame time spent outside pose inference in a one-thread run, as a share of the
inference time, and peak memory. Without VIDEO it uses the longest real clip in ../shared/real_clips, or
otherwise a sample video looped to 30 s.
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from formcheck.logs import silence_native_stderr  # noqa: E402
from formcheck.pose import extract as extract_module  # noqa: E402
from formcheck.pose.extract import ExtractOptions, extract_poses  # noqa: E402
from formcheck.pose.landmarker import LandmarkerSettings, PoseLandmarker, RunningMode  # noqa: E402
from formcheck.video import H264Writer, iter_frames, probe_video  # noqa: E402

log = logging.getLogger("bench")
DEFAULT_REAL_CLIP = REPO.parent / "shared" / "real_clips" / "squat" / "mrpose_squat.mp4"


def naive_baseline_fps(video: Path, model: str, max_frames: int) -> float:
    capture = cv2.VideoCapture(str(video))
    frames = 0
    with PoseLandmarker(LandmarkerSettings(model, RunningMode.IMAGE)) as detector:
        start = time.perf_counter()
        while frames < max_frames:
            ok, bgr = capture.read()
            if not ok:
                break
            detector.detect(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            frames += 1
        elapsed = time.perf_counter() - start
    capture.release()
    return frames / elapsed


def formcheck_fps(video: Path, model: str, extras: bool) -> tuple[float, int]:
    start = time.perf_counter()
    sequence = extract_poses(video, ExtractOptions(model=model, probe_crowd=extras, rotate_fallback=extras))
    elapsed = time.perf_counter() - start
    return sequence.num_frames / elapsed, sequence.num_frames


def overhead_share(video: Path, model: str) -> tuple[float, float]:
    """(time outside inference / inference time, inference ms per frame) in one thread, one segment."""
    inference_s = 0.0
    original = PoseLandmarker.detect

    def timed(self: PoseLandmarker, image: np.ndarray, t_ms: int | None = None) -> list[object]:
        nonlocal inference_s
        start = time.perf_counter()
        result = original(self, image, t_ms)
        inference_s += time.perf_counter() - start
        return result  # type: ignore[return-value]

    PoseLandmarker.detect = timed  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        sequence = extract_poses(video, ExtractOptions(model=model, workers=1, probe_crowd=False))
        total_s = time.perf_counter() - start
    finally:
        PoseLandmarker.detect = original  # type: ignore[method-assign]
    # The model load (~0.3 s) happens once per run, not per frame: measure it apart and leave it out.
    load_start = time.perf_counter()
    PoseLandmarker(LandmarkerSettings(model)).close()
    load_s = time.perf_counter() - load_start
    return (total_s - load_s - inference_s) / inference_s, 1000 * inference_s / sequence.num_frames


def looped_sample(seconds: float) -> Path:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("video", nargs="?", type=Path)
    parser.add_argument("--model", default="full", choices=("lite", "full", "heavy"))
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--baseline-frames", type=int, default=300)
    args = parser.parse_args()
    silence_native_stderr()  # first: logging must bind to the real stderr, not to the silenced descriptor 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    video = args.video or (DEFAULT_REAL_CLIP if DEFAULT_REAL_CLIP.is_file() else looped_sample(30.0))
    info = probe_video(video)
    log.info(
        "video: %s (%dx%d, %.1f fps, %.1f s); model %s",
        video.name,
        info.width,
        info.height,
        info.fps,
        info.duration_s,
        args.model,
    )
    base_all: list[float] = []
    fps_all: dict[str, list[float]] = {"core": [], "default": []}
    ratios: dict[str, list[float]] = {"core": [], "default": []}
    for repeat in range(args.repeats):
        base = naive_baseline_fps(video, args.model, args.baseline_frames)
        base_all.append(base)
        for name, fps_runs in fps_all.items():
            ours, frames = formcheck_fps(video, args.model, extras=name == "default")
            fps_runs.append(ours)
            ratios[name].append(ours / base)
            log.info(
                "run %d: baseline %.1f fps, formcheck %s %.1f fps (%d frames), ratio %.2f×",
                repeat + 1,
                base,
                name,
                ours,
                frames,
                ours / base,
            )
    overhead, inference_ms = overhead_share(video, args.model)
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log.info("")
    log.info("| measure | value |")
    log.info("|---|---|")
    log.info("| naive baseline (OpenCV read + IMAGE mode) | %.1f frames/s |", statistics.median(base_all))
    for name, fps_runs in fps_all.items():
        log.info("| formcheck %s | %.1f frames/s |", name, statistics.median(fps_runs))
        log.info(
            "| **speed-up %s (median of %d interleaved runs)** | **%.2f×** (runs: %s) |",
            name,
            args.repeats,
            statistics.median(ratios[name]),
            ", ".join(f"{r:.2f}" for r in ratios[name]),
        )
    log.info("| pose inference, one thread | %.1f ms/frame |", inference_ms)
    log.info("| per-frame overhead beyond inference | %.1f%% |", 100 * overhead)
    log.info("| peak memory of this benchmark process (all models and runs) | %.0f MiB |", peak_self)
    log.info("| segments used | %d |", len(extract_module._segment_windows(info, info.frame_count, None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
