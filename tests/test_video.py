"""The decoder on generated files: rotation tags, variable frame rate, frame-rate sampling and broken inputs."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from formcheck.video import H264Writer, VideoError, iter_frames, prefetch, probe_video, sample_frames

WIDTH, HEIGHT = 64, 32


def _marked_frame() -> np.ndarray:
    """A landscape frame, white in its left eighth, so orientation can be checked."""
    image = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    image[:, : WIDTH // 8] = 255
    return image


def _write(path: Path, times_ms: list[int], rotation: int = 0, audio: bool = False) -> Path:
    container = av.open(str(path), "w")
    stream = container.add_stream("libx264", rate=30)
    stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    stream.codec_context.time_base = Fraction(1, 1000)
    if rotation:
        stream.set_display_rotation(rotation)
    for t in times_ms:
        frame = av.VideoFrame.from_ndarray(_marked_frame(), format="rgb24")
        frame.pts, frame.time_base = t, Fraction(1, 1000)
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return path


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return _write(tmp_path / "clip.mp4", [round(i * 1000 / 30) for i in range(60)])


def test_timestamps_start_at_zero_and_increase(clip: Path) -> None:
    frames = list(iter_frames(clip))
    times = [f.t_ms for f in frames]
    assert len(frames) == 60
    assert times[0] == 0
    assert all(b > a for a, b in itertools.pairwise(times))
    assert frames[0].image.shape == (HEIGHT, WIDTH, 3)


def test_rotation_tag_makes_portrait_upright(tmp_path: Path) -> None:
    path = _write(tmp_path / "phone.mp4", [0, 33, 67], rotation=90)
    info = probe_video(path)
    assert (info.width, info.height, info.rotation_deg) == (HEIGHT, WIDTH, 90)
    image = next(iter_frames(path)).image
    assert image.shape == (WIDTH, HEIGHT, 3)
    # Rotated 90° counter-clockwise, the white left edge of the landscape frame is now at the bottom.
    assert image[-WIDTH // 8 :, :, 0].mean() > 200
    assert image[: WIDTH // 2, :, 0].mean() < 30


def test_variable_frame_rate_keeps_presentation_times(tmp_path: Path) -> None:
    times = [0, 20, 90, 100, 250, 260, 400]
    path = _write(tmp_path / "vfr.mp4", times)
    assert [f.t_ms for f in iter_frames(path)] == times


def test_target_fps_skips_evenly(clip: Path) -> None:
    times = [f.t_ms for f in iter_frames(clip, target_fps=10)]
    assert len(times) == 20
    assert set(np.diff(times).tolist()) <= {100, 99, 101}


def test_time_window_for_segments(clip: Path) -> None:
    first = [f.t_ms for f in iter_frames(clip, end_ms=1000)]
    second = [f.t_ms for f in iter_frames(clip, start_ms=1000)]
    assert first + second == [f.t_ms for f in iter_frames(clip)]


def test_prefetch_yields_the_same_frames(clip: Path) -> None:
    assert [f.t_ms for f in prefetch(iter_frames(clip))] == [f.t_ms for f in iter_frames(clip)]


def _text_as_mp4(tmp_path: Path) -> Path:
    path = tmp_path / "notes.mp4"
    path.write_text("these are my workout notes, not a video\n" * 20)
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.mp4"
    path.touch()
    return path


def _truncated_header(tmp_path: Path) -> Path:
    source = _write(tmp_path / "whole.mp4", [i * 33 for i in range(30)])
    path = tmp_path / "cut.mp4"
    path.write_bytes(source.read_bytes()[:200])
    return path


def _audio_only(tmp_path: Path) -> Path:
    path = tmp_path / "song.m4a"
    container = av.open(str(path), "w", format="mp4")
    stream = container.add_stream("aac", rate=16000)
    stream.layout = "mono"
    samples = np.zeros((1, 1024), np.float32)
    for i in range(10):
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate, frame.pts = 16000, i * 1024
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_empty, "empty"),
        (_text_as_mp4, "not a readable video"),
        (_truncated_header, "not a readable video|no video frames"),
        (_audio_only, "no video track"),
    ],
)
def test_unusable_files_raise_one_plain_error(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(VideoError, match=message):
        probe_video(path)
    with pytest.raises(VideoError):
        list(iter_frames(path))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="no such file"):
        probe_video(tmp_path / "nope.mp4")


def test_truncated_tail_keeps_earlier_frames(tmp_path: Path) -> None:
    whole = tmp_path / "whole.mp4"
    noise = np.random.default_rng(1)
    with H264Writer(whole, WIDTH, HEIGHT, 30) as writer:
        for i in range(90):  # noise, so that every frame takes many bytes and the cut lands mid-stream
            writer.write(noise.integers(0, 255, (HEIGHT, WIDTH, 3), dtype=np.uint8), t_ms=i * 33)
    data = whole.read_bytes()
    cut = tmp_path / "cut_tail.mp4"
    cut.write_bytes(data[: int(len(data) * 0.6)])  # faststart: the index is at the front, the tail is lost
    frames = list(iter_frames(cut))
    assert 0 < len(frames) < 90


def test_writer_makes_browser_playable_h264(tmp_path: Path) -> None:
    out = tmp_path / "annotated.mp4"
    with H264Writer(out, 65, 33, 30) as writer:  # odd sizes are trimmed to even for yuv420p
        for i in range(10):
            writer.write(np.zeros((33, 65, 3), np.uint8), t_ms=i * 33)
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.width, stream.height) == (64, 32)
    assert out.read_bytes()[4:8] == b"ftyp"
    assert out.read_bytes().find(b"moov") < out.read_bytes().find(b"mdat")  # faststart


def test_sample_frames_spreads_over_the_video(clip: Path) -> None:
    frames = sample_frames(clip, 4)
    assert 2 <= len(frames) <= 4
    times = [f.t_ms for f in frames]
    assert times == sorted(set(times))
    assert times[-1] > 1000  # not all from the start


@pytest.mark.parametrize(
    ("suffix", "codec"), [(".mov", "libx264"), (".mkv", "libx264"), (".webm", "libvpx-vp9"), (".avi", "mpeg4")]
)
def test_other_containers_decode(tmp_path: Path, suffix: str, codec: str) -> None:
    path = tmp_path / f"clip{suffix}"
    container = av.open(str(path), "w")
    stream = container.add_stream(codec, rate=25)
    stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    for i in range(25):
        frame = av.VideoFrame.from_ndarray(_marked_frame(), format="rgb24")
        frame.pts = i
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    frames = list(iter_frames(path))
    assert len(frames) == 25
    assert frames[0].image.shape == (HEIGHT, WIDTH, 3)
    assert frames[-1].t_ms == pytest.approx(960, abs=2)


def test_writer_without_times_spaces_frames_by_the_frame_rate(tmp_path: Path) -> None:
    out = tmp_path / "steady.mp4"
    with H264Writer(out, 32, 32, 20) as writer:
        for _ in range(5):
            writer.write(np.zeros((32, 32, 3), np.uint8))
    assert [f.t_ms for f in iter_frames(out)] == [0, 50, 100, 150, 200]
