"""The Live coach page's layout (AppTest, no browser; tests/test_browser.py drives it with a fake webcam)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from formcheck.app.pages.live_page import VIDEO_HTML_ATTRS

# streamlit-webrtc needs a real server session: a stand-in reports a camera that has not been started.
SCRIPT = (
    "from types import SimpleNamespace\n"
    "from formcheck.app.pages import live_page\n"
    "live_page.webrtc_streamer = lambda **_: SimpleNamespace(state=SimpleNamespace(playing=False))\n"
    "live_page.render()\n"
)


def test_reps_and_cue_sit_beside_the_video_which_fits_the_window() -> None:
    """A portrait camera's picture filled the page and pushed the reps and the cue below it, out of sight."""
    app = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not app.exception
    beside = [column for column in app.columns if any("Press START" in info.value for info in column.info)]
    assert len(beside) == 1 and beside[0].weight < 0.5  # the narrower column next to the video's
    assert VIDEO_HTML_ATTRS["style"] == {"width": "100%", "maxHeight": "75vh"}
