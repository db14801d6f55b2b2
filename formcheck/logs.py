"""Keeping MediaPipe's native log lines out of people's terminals.

MediaPipe (C++/LiteRT) writes "Sparsity tensors…", XNNPACK and calculator warnings straight to file descriptor 2,
below Python, so no logging setting reaches them. ``silence_native_stderr`` moves Python's own ``sys.stderr`` (logging,
progress bars, argparse) onto a duplicate of the real stderr and points descriptor 2 at /dev/null. Call it once, early,
unless the user asked for ``--verbose``.
"""

from __future__ import annotations

import os
import sys

_silenced = False


def silence_native_stderr() -> None:
    global _silenced  # noqa: PLW0603 - the redirection is process-wide by nature and must happen once
    if _silenced:
        return
    sys.stderr.flush()
    python_side = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(python_side, "w", buffering=1, encoding=sys.stderr.encoding, errors="backslashreplace")
    _silenced = True
