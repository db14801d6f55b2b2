"""Browser-playable H.264 for rendered clips: formcheck's own writer, on one encoder thread."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from formcheck.video import H264Writer


def write_h264(path: Path, frames: Iterable[npt.NDArray[np.uint8]], fps: float, crf: int = 28) -> None:
    """Encode RGB frames (H×W×3) to ``path`` at ``fps`` on one thread (renders already use the other core)."""
    writer: H264Writer | None = None
    try:
        for frame in frames:
            if writer is None:
                writer = H264Writer(path, frame.shape[1], frame.shape[0], fps, crf=crf, preset="medium", threads=1)
            writer.write(frame)
    finally:
        if writer is not None:
            writer.close()
