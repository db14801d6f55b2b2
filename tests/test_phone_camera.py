"""A phone as the camera: the Live coach's portrait layout and camera choice for a LAN device, the pairing code on
the computer, the "where to put the phone" drawing, and the recordings phones make (AppTest and PyAV, no browser;
tests/test_lan_browser.py drives LAN mode in Chromium)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from formcheck.app import access
from formcheck.app.inputs import ACCEPTED_TYPES
from formcheck.app.placement import FLOOR_Y, placement_for, placement_svg
from formcheck.exercises import EXERCISES
from formcheck.exercises.spec import Posture
from formcheck.lan.pairing import PairingStore
from formcheck.video import probe_video

# streamlit-webrtc needs a real server session: a stand-in records what the page asked of it.
SCRIPT = (
    "from types import SimpleNamespace\n"
    "from formcheck.app.pages import live_page\n"
    "import streamlit as st\n"
    "def stand_in(**kwargs):\n"
    "    st.session_state['webrtc_kwargs'] = kwargs\n"
    "    return SimpleNamespace(state=SimpleNamespace(playing=False))\n"
    "live_page.webrtc_streamer = stand_in\n"
    "live_page.render()\n"
)


@pytest.fixture
def run_live_page(monkeypatch: pytest.MonkeyPatch) -> Callable[[str | None], AppTest]:
    """The page as seen from ``device`` (a paired device's id, or None on the computer itself)."""

    def run(device: str | None) -> AppTest:
        monkeypatch.setattr(access, "lan_device", lambda: device)  # the proxy's header, which AppTest cannot send
        app = AppTest.from_string(SCRIPT, default_timeout=60).run()
        assert not app.exception
        return app

    return run


def test_on_a_phone_the_numbers_sit_large_above_the_video_and_the_camera_can_be_chosen(
    run_live_page: Callable[[str | None], AppTest],
) -> None:
    app = run_live_page("a1b2c3d4")
    assert not [column for column in app.columns if any("Press START" in info.value for info in column.info)]
    kwargs = app.session_state["webrtc_kwargs"]
    assert kwargs["video_html_attrs"]["style"] == {"width": "100%", "maxHeight": "50vh"}
    assert kwargs["rtc_configuration"] == {"iceServers": []}
    assert kwargs["media_stream_constraints"] == {"video": {"facingMode": {"ideal": "user"}}, "audio": False}
    assert any("font-size:4.5rem" in str(element.proto) for element in app.get("html"))
    camera = app.radio(key="live_camera")
    assert camera.options == ["Front (facing you)", "Back"]
    camera.set_value("environment").run()
    assert app.session_state["webrtc_kwargs"]["media_stream_constraints"]["video"] == {
        "facingMode": {"ideal": "environment"}
    }


def test_on_the_computer_the_numbers_stay_beside_the_video(run_live_page: Callable[[str | None], AppTest]) -> None:
    app = run_live_page(None)
    beside = [column for column in app.columns if any("Press START" in info.value for info in column.info)]
    assert len(beside) == 1 and beside[0].weight < 0.5
    assert not app.get("html")  # no phone styling, no pairing code outside LAN mode
    assert not [expander for expander in app.expander if expander.label == "Use a phone as the camera"]


def test_in_lan_mode_the_computer_shows_a_pairing_code_and_revokes_devices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_live_page: Callable[[str | None], AppTest]
) -> None:
    monkeypatch.setenv("FORMCHECK_LAN_DIR", str(tmp_path))
    monkeypatch.setenv("FORMCHECK_LAN_URL", "https://192.168.1.20:8443")
    store = PairingStore(tmp_path / "access.db")
    paired = store.pair(store.issue_token(1e9), "Phone browser", 1e9, days=100_000)
    app = run_live_page(None)
    assert [expander.label for expander in app.expander] == ["Use a phone as the camera"]
    app.button(key="pair_phone").click().run()
    code = [block.value for block in app.code]
    assert len(code) == 1 and code[0].startswith("https://192.168.1.20:8443/pair?token=")
    assert any("<svg" in str(element.proto) for element in app.get("html"))
    app.button(key=f"revoke_{paired.device.id}").click().run()
    assert store.device_for_cookie(paired.cookie, 1e9 + 1) is None
    assert run_live_page("a1b2c3d4").expander.len == 0  # a phone sees no codes and no device list


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_each_exercise_has_a_placement_drawing(exercise: str) -> None:
    svg = ET.fromstring(placement_svg(exercise))
    phone = next(rect for rect in svg.iter("{http://www.w3.org/2000/svg}rect") if rect.get("fill") == "#1f5f99")
    phone_top = float(phone.get("y", "0"))
    if EXERCISES[exercise].looks.posture is not Posture.UPRIGHT:
        assert placement_for(exercise).lying
        assert phone_top >= FLOOR_Y - 22  # on the floor
        assert "on the floor" in placement_for(exercise).sentence
    else:
        assert not placement_for(exercise).lying
        assert phone_top < FLOOR_Y - 40  # raised to hip height
        assert "hip height" in placement_for(exercise).sentence


PHONE_RECORDINGS = [  # (container, codec, file extension): what iPhones and Android phones save
    ("mov", "libx264", "mov"),
    ("mp4", "libx264", "mp4"),
    ("mp4", "libx265", "mp4"),
    ("3gp", "libx264", "3gp"),
    ("3gp", "mpeg4", "3gp"),
    ("mp4", "libx264", "m4v"),
]


@pytest.mark.parametrize(("container", "codec", "extension"), PHONE_RECORDINGS)
def test_the_review_page_accepts_what_phones_record(tmp_path: Path, container: str, codec: str, extension: str) -> None:
    clip = tmp_path / f"phone.{extension}"
    with av.open(str(clip), "w", format=container) as out:
        stream = out.add_stream(codec, rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for shade in range(10):
            picture = np.full((64, 64, 3), shade * 20, dtype=np.uint8)
            out.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        out.mux(stream.encode())
    assert extension in ACCEPTED_TYPES
    info = probe_video(clip)
    assert (info.width, info.height) == (64, 64)
    assert info.duration_s == pytest.approx(1.0, abs=0.11)


SAVE_SCRIPT = "from formcheck.app.pages import review_page\nreview_page._save_to_client(None, None, None)\n"


@pytest.mark.parametrize(("device", "asks_for_a_name"), [(None, True), ("a1b2c3d4", False)])
def test_saving_a_review_to_a_client_from_another_device_needs_the_clients_login(
    monkeypatch: pytest.MonkeyPatch, device: str | None, asks_for_a_name: bool
) -> None:
    monkeypatch.setattr(access, "lan_device", lambda: device)
    app = AppTest.from_string(SAVE_SCRIPT, default_timeout=60).run()
    assert not app.exception
    assert (len(app.text_input) == 1) is asks_for_a_name
    locked = [caption.value for caption in app.caption]
    assert locked == (
        [] if asks_for_a_name else ["Log in on the Clients page to save this review to a client's history."]
    )
