"""The command line end to end, as a person runs it: help, landmarks, and bad input without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from formcheck.video import H264Writer


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "formcheck", *args], capture_output=True, text=True, cwd=cwd, timeout=600, check=False
    )


def test_help_lists_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "landmarks" in result.stdout


@pytest.fixture(scope="module")
def blank_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clips") / "blank.mp4"
    with H264Writer(path, 160, 120, 10) as writer:
        for i in range(10):
            writer.write(np.full((120, 160, 3), 128, np.uint8), i * 100)
    return path


def test_landmarks_writes_the_documented_npz(blank_clip: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.npz"
    result = run_cli("landmarks", str(blank_clip), "-o", str(out), "--model", "lite")
    assert result.returncode == 0, result.stderr
    with np.load(out) as data:
        assert set(data.files) >= {"t_ms", "landmarks", "world", "width", "height", "fps"}
        assert data["landmarks"].shape == (10, 33, 5)
        assert data["world"].shape == (10, 33, 3)
        assert int(data["width"]) == 160 and int(data["height"]) == 120
    assert "no person was found" in result.stderr
    # mediapipe's native log lines are silenced without --verbose
    assert "Sparsity" not in result.stderr and "XNNPACK" not in result.stderr
    assert "Traceback" not in result.stderr


def test_landmarks_fast_path_flags(blank_clip: Path, tmp_path: Path) -> None:
    out = tmp_path / "fast.npz"
    result = run_cli(
        "landmarks", str(blank_clip), "-o", str(out), "--model", "lite", "--single-person", "--no-rotated-retry"
    )
    assert result.returncode == 0, result.stderr
    with np.load(out) as data:
        assert data["landmarks"].shape == (10, 33, 5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["landmarks", "missing.mp4", "-o", "x.npz"], "no such file"),
        (["landmarks", "{text}", "-o", "x.npz"], "not a readable video"),
        (["landmarks", "{blank}", "-o", "x.npz", "--model", "huge"], "invalid choice"),
        (["landmarks", "{blank}", "-o", "x.npz", "--fps", "-3"], "must be greater than 0"),
        (["landmarks", "{blank}", "-o", "no_such_dir/x.npz"], "folder does not exist"),
        (["dance"], "invalid choice"),
    ],
)
def test_bad_input_gets_a_message_not_a_traceback(
    args: list[str], message: str, blank_clip: Path, tmp_path: Path
) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    filled = [a.format(text=text, blank=blank_clip) for a in args]
    result = run_cli(*filled, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
