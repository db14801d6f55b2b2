"""Rendering (needs the synth extra) and the angle benchmark (needs MediaPipe); all marked slow."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from formcheck.cli import main
from formcheck.types import FormcheckError

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"


def test_cli_help_lists_synth_without_the_extra(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "synth" in out and "bench-angles" in out


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from formcheck.synth.body import require_synth_extra  # noqa: PLC0415 - optional dependency, imported when used

    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".", maxsplit=1)[0] in ("anny", "torch"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(FormcheckError, match=r"pip install -e '\.\[synth\]'"):
        require_synth_extra()


def _tiny_spec(name: str) -> Any:
    from formcheck.synth.generate import BODIES, ClipSpec  # noqa: PLC0415 - optional dependency, imported when used
    from formcheck.synth.motions import ClipPlan  # noqa: PLC0415 - optional dependency, imported when used

    phenotype, look = BODIES["ben"]
    plan = ClipPlan("plank", "forearm", {"hips_sag": 10.0}, hold_s=0.6, lead_in_s=0.3, fps=10.0)
    return ClipSpec(name, plan, phenotype, look, camera_yaw_deg=5.0, width=160, height=120, seed=42)


@pytest.mark.slow
def test_render_is_deterministic_for_a_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same seed → same truth and the same rendered pixels (compared before H.264, whose bytes may vary)."""
    pytest.importorskip("torch")
    pytest.importorskip("anny")
    pytest.importorskip("pyrender")
    from formcheck.synth import generate  # noqa: PLC0415 - optional dependency, imported when used
    from formcheck.synth.body import configure_caches  # noqa: PLC0415 - optional dependency, imported when used

    configure_caches(Path.home() / ".cache" / "formcheck-synth")
    encoded: list[list[np.ndarray]] = []
    real_write = generate.write_h264

    def capture(path: Path, frames: Any, fps: float, crf: int = 28) -> None:
        frames = list(frames)
        encoded.append(frames)
        real_write(path, frames, fps, crf)

    monkeypatch.setattr(generate, "write_h264", capture)
    first = generate.render_clip(_tiny_spec("a"), tmp_path)
    second = generate.render_clip(_tiny_spec("a"), tmp_path / "again")
    truth_a = json.loads(first[1].read_text())
    truth_b = json.loads(second[1].read_text())
    assert truth_a == truth_b
    assert truth_a["frame_count"] == 9
    assert len(encoded[0]) == 9
    assert all(np.array_equal(a, b) for a, b in zip(encoded[0], encoded[1], strict=True))
    with av.open(str(first[0])) as container:
        decoded = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert len(decoded) == 9
    assert decoded[0].shape == (120, 160, 3)


@pytest.mark.slow
def test_bench_angles_on_two_committed_clips(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("mediapipe")
    code = main(["bench-angles", str(SAMPLES), "--only", "plank_forearm_hips_sag_15,deadlift_clean_side"])
    assert code == 0
    out = capsys.readouterr().out
    assert "clips: 2" in out
    line = next(row for row in out.splitlines() if row.startswith("shoulder_hip_ankle_deg"))
    mean = float(line.split()[1])
    assert mean < 10.0


def test_bench_errors_are_zero_for_perfect_landmarks() -> None:
    from formcheck.commands.bench_angles import BENCH_ANGLES, clip_errors  # noqa: PLC0415 - keeps import local
    from formcheck.synth.truth import load_truth  # noqa: PLC0415 - keeps import local
    from formcheck.types import Landmark  # noqa: PLC0415 - keeps import local

    truth = load_truth(SAMPLES / "plank_forearm_hips_sag_15.truth.json")
    frames = truth["frames"]
    xy = np.full((len(frames), 33, 2), np.nan)
    for i, frame in enumerate(frames):
        for name, (x, y) in frame["landmarks_2d"].items():
            xy[i, Landmark[name.upper()]] = (x * truth["width"], y * truth["height"])
    t_ms = np.array([f["t_ms"] for f in frames], dtype=float)
    errors = clip_errors(truth, t_ms, xy)
    assert errors.found == errors.frames == len(frames)
    assert max(errors.px) < 0.05
    for key in BENCH_ANGLES:
        assert max(abs(v) for v in errors.angles[key]) < 0.1, key
