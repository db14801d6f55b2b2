"""Video in and out, with PyAV (FFmpeg's libraries).

Decoding streams frames one at a time (memory does not grow with the video's length), turns phone videos upright
from their display-matrix rotation, and stamps each frame with its presentation time in integer milliseconds from
the first frame, strictly increasing (MediaPipe's VIDEO mode rejects anything else). Frames are RGB ``uint8``
arrays of shape (height, width, 3).

Encoding writes browser-playable H.264 (High profile, yuv420p, ``faststart``) for the annotated videos.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import av.error
import numpy as np
import numpy.typing as npt

from formcheck.types import FormcheckError

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = (".mp4", ".mov", ".webm", ".avi", ".mkv", ".m4v")
RgbImage = npt.NDArray[np.uint8]
_MAX_DAMAGED_PACKETS = 50


class VideoError(FormcheckError):
    """The file cannot be used as a video; the message says why in plain words."""


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    width: int  # after rotation, as a person sees it
    height: int
    fps: float  # average frame rate reported by the container (may be approximate for variable-rate video)
    duration_s: float
    frame_count: int  # estimate when the container does not store it
    rotation_deg: int  # counter-clockwise rotation applied to decoded frames
    codec: str


@dataclass(frozen=True)
class Frame:
    index: int  # position among the frames yielded
    t_ms: int
    image: RgbImage


def probe_video(path: Path | str) -> VideoInfo:
    """Read a video's properties (decoding its first frame to learn the rotation); raise VideoError if unusable."""
    path = Path(path)
    with _open_container(path) as container:
        stream = _video_stream(container, path)
        first = _first_frame(container, stream, path)
        rotation = _rotation_of(first)
        width, height = (first.height, first.width) if rotation in (90, 270) else (first.width, first.height)
        fps = float(stream.average_rate or stream.guessed_rate or 0) or 30.0
        duration_s = _duration_s(container, stream)
        frame_count = stream.frames or round(duration_s * fps)
        return VideoInfo(path, width, height, fps, duration_s, int(frame_count), rotation, stream.codec_context.name)


def iter_frames(
    path: Path | str,
    target_fps: float | None = None,
    start_ms: int = 0,
    end_ms: int | None = None,
) -> Iterator[Frame]:
    """Yield upright RGB frames with strictly increasing timestamps.

    ``target_fps`` keeps frames evenly spaced at about that rate (never more than the source has).
    ``start_ms``/``end_ms`` restrict to a time window (used to analyse long videos in parallel segments);
    timestamps stay relative to the video's first frame, so segments stitch back together.
    """
    path = Path(path)
    with _open_container(path) as container:
        stream = _video_stream(container, path)
        stream.thread_type = "AUTO"
        origin_s = _origin_s(stream)
        if start_ms > 0 and stream.time_base is not None:
            container.seek(int((origin_s + start_ms / 1000.0) / stream.time_base), stream=stream, backward=True)
        yield from _timed_frames(container, stream, path, origin_s, target_fps, start_ms, end_ms)


def sample_frames(path: Path | str, count: int) -> list[Frame]:
    """About ``count`` upright frames spread over the video, decoding key frames only (fast: no decoding of the
    frames in between). ``Frame.t_ms`` is each frame's time; ``Frame.index`` its position in this sample."""
    path = Path(path)
    with _open_container(path) as container:
        stream = _video_stream(container, path)
        stream.codec_context.skip_frame = "NONKEY"
        origin_s = _origin_s(stream)
        duration_s = _duration_s(container, stream)
        keyframes: list[Frame] = []
        for target_s in [duration_s * (i + 0.5) / count for i in range(count)]:
            if stream.time_base is not None and target_s > 0:
                container.seek(int((origin_s + target_s) / stream.time_base), stream=stream, backward=True)
            decoded = next(iter(_decode_tolerantly(container, stream, path)), None)
            if decoded is None:
                continue
            t_ms = max(0, round((_frame_time_s(decoded) - origin_s) * 1000.0))
            if keyframes and t_ms <= keyframes[-1].t_ms:
                continue  # two targets fell in one group of pictures
            keyframes.append(Frame(len(keyframes), t_ms, _upright(decoded)))
    if len(keyframes) >= min(count, 2):
        return keyframes
    # Few key frames (short clips, long groups of pictures): decode everything, keeping frames evenly spread.
    return list(iter_frames(path, target_fps=count / max(duration_s, 1e-3)))[:count]


def _upright(decoded: av.VideoFrame) -> RgbImage:
    image: RgbImage = np.asarray(decoded.to_ndarray(format="rgb24"), dtype=np.uint8)
    rotation = _rotation_of(decoded)
    return np.ascontiguousarray(np.rot90(image, k=rotation // 90)) if rotation else image


def _timed_frames(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    path: Path,
    origin_s: float,
    target_fps: float | None,
    start_ms: int,
    end_ms: int | None,
) -> Iterator[Frame]:
    step_ms = 1000.0 / target_fps if target_fps else 0.0
    next_due_ms = float(start_ms)
    last_ms = -1
    yielded = 0
    for decoded in _decode_tolerantly(container, stream, path):
        t_ms = max(0, round((_frame_time_s(decoded) - origin_s) * 1000.0))
        if t_ms < start_ms or t_ms <= last_ms:
            continue  # before the window, or a duplicate/out-of-order timestamp MediaPipe would reject
        if end_ms is not None and t_ms >= end_ms:
            break
        if step_ms and t_ms + 0.5 < next_due_ms:
            continue
        next_due_ms = max(next_due_ms + step_ms, t_ms + step_ms / 2) if step_ms else 0.0
        last_ms = t_ms
        yield Frame(yielded, t_ms, _upright(decoded))
        yielded += 1
    if yielded == 0 and start_ms == 0:
        raise VideoError(f"{path.name}: no video frames could be decoded")


def _decode_tolerantly(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, path: Path
) -> Iterator[av.VideoFrame]:
    """Decode packet by packet: a damaged packet is skipped, and a file cut short (an interrupted download or
    copy) yields the frames before the damage instead of failing as a whole."""
    damaged = 0
    try:
        for packet in container.demux(stream):
            try:
                yield from packet.decode()
            except av.error.FFmpegError:
                damaged += 1
                if damaged > _MAX_DAMAGED_PACKETS:
                    break
    except av.error.FFmpegError as error:
        log.warning("%s: the file ends early or is damaged (%s); using the frames before it", path.name, _plain(error))
    if damaged:
        log.warning("%s: skipped %d damaged packet(s)", path.name, damaged)


def prefetch(frames: Iterator[Frame], depth: int = 8) -> Iterator[Frame]:
    """Run ``frames`` in a background thread so decoding overlaps the consumer's work (PyAV releases the GIL)."""
    buffer: queue.Queue[Frame | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for frame in frames:
                if stop.is_set():
                    return
                buffer.put(frame)
        except BaseException as error:  # noqa: BLE001 - re-raised in the consumer thread
            buffer.put(error)
            return
        buffer.put(None)

    worker = threading.Thread(target=produce, name="formcheck-decode", daemon=True)
    worker.start()
    try:
        while (item := buffer.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while not buffer.empty():
            buffer.get_nowait()


def _open_container(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise VideoError(f"{path}: no such file")
    if path.is_dir():
        raise VideoError(f"{path}: is a folder, not a video file")
    if path.stat().st_size == 0:
        raise VideoError(f"{path.name}: the file is empty (0 bytes)")
    try:
        return av.open(str(path), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as error:
        raise VideoError(f"{path.name}: not a readable video file ({_plain(error)})") from error


def _video_stream(container: av.container.InputContainer, path: Path) -> av.video.stream.VideoStream:
    if not container.streams.video:
        kinds = ", ".join(sorted({s.type for s in container.streams})) or "nothing"
        container.close()
        raise VideoError(f"{path.name}: the file has no video track (it contains {kinds})")
    return container.streams.video[0]


def _first_frame(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, path: Path
) -> av.VideoFrame:
    for frame in _decode_tolerantly(container, stream, path):
        return frame
    raise VideoError(f"{path.name}: no video frames could be decoded")


def _origin_s(stream: av.video.stream.VideoStream) -> float:
    """Presentation time where the stream starts, so that timestamps count from 0."""
    if stream.start_time is None or stream.time_base is None:
        return 0.0
    return float(stream.start_time * stream.time_base)


def _frame_time_s(frame: av.VideoFrame) -> float:
    if frame.pts is not None and frame.time_base is not None:
        return float(frame.pts * frame.time_base)
    return float(frame.time or 0.0)


def _rotation_of(frame: av.VideoFrame) -> int:
    """The display rotation rounded to a multiple of 90°, counter-clockwise, in [0, 360)."""
    try:
        rotation = float(frame.rotation or 0)
    except (AttributeError, ValueError):
        return 0
    return round(rotation / 90.0) % 4 * 90


def _duration_s(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration) / 1_000_000.0
    return 0.0


def _plain(error: BaseException) -> str:
    text = str(error).split(":")[0].strip() if isinstance(error, av.error.FFmpegError) else str(error)
    return text or type(error).__name__


class H264Writer:
    """Write RGB frames to a browser-playable H.264 MP4 (variable timestamps allowed).

    ``write(image)`` without a time places frames 1/fps apart; ``threads=1`` keeps the encoder to one core (the
    renderer uses the other)."""

    def __init__(
        self,
        path: Path | str,
        width: int,
        height: int,
        fps: float,
        crf: int = 23,
        preset: str = "veryfast",
        threads: int = 0,
    ) -> None:
        self.path = Path(path)
        self._frame_ms = 1000.0 / fps
        self._frames = 0
        # yuv420p needs even dimensions.
        self.width, self.height = width - width % 2, height - height % 2
        self._container = av.open(str(self.path), mode="w", options={"movflags": "faststart"})
        self._stream = self._container.add_stream("libx264", rate=Fraction(round(fps * 1000), 1000))
        self._stream.width, self._stream.height = self.width, self.height
        self._stream.pix_fmt = "yuv420p"
        self._stream.codec_context.time_base = Fraction(1, 1000)
        self._stream.options = {"crf": str(crf), "preset": preset, "profile": "high"}
        if threads:
            self._stream.options["x264-params"] = f"threads={threads}:lookahead-threads={threads}"
            self._stream.codec_context.thread_count = threads
        self._last_pts = -1

    def write(self, image: RgbImage, t_ms: int | None = None) -> None:
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image[: self.height, : self.width]), format="rgb24")
        wanted = round(self._frames * self._frame_ms) if t_ms is None else int(t_ms)
        pts = max(wanted, self._last_pts + 1)
        frame.pts, frame.time_base = pts, Fraction(1, 1000)
        self._last_pts = pts
        self._frames += 1
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()

    def __enter__(self) -> H264Writer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
