"""Browser-playable H.264 (PyAV libx264, yuv420p, faststart)."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt


def write_h264(path: Path, frames: Iterable[npt.NDArray[np.uint8]], fps: float, crf: int = 28) -> None:
    """Encode RGB frames (H×W×3, even sizes) to ``path`` on one thread (renders already use the other core)."""
    with av.open(str(path), mode="w", options={"movflags": "faststart"}) as container:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1000))
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": "medium", "x264-params": "threads=1:lookahead-threads=1"}
        stream.codec_context.thread_count = 1
        started = False
        for frame in frames:
            if not started:
                stream.height, stream.width = frame.shape[:2]
                started = True
            video_frame = av.VideoFrame.from_ndarray(frame, format="rgb24")
            for packet in stream.encode(video_frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
