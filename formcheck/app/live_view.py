"""What the Live coach's two modes (one exercise, a guided session) share: the video's size, the camera choice,
the body models fast enough for live video, and the phone's large numbers."""

from __future__ import annotations

LIVE_MODELS = ("full", "lite")  # heavy is too slow for live video on a laptop CPU
VIDEO_HTML_ATTRS = {"autoPlay": True, "controls": True, "style": {"width": "100%", "maxHeight": "75vh"}}
# On a phone held upright the numbers go above the video, which keeps to half the screen so both stay in sight.
PHONE_VIDEO_HTML_ATTRS = {"autoPlay": True, "controls": False, "style": {"width": "100%", "maxHeight": "50vh"}}
PHONE_STYLE = (
    "<style>[data-testid='stMetricValue']{font-size:4.5rem;line-height:1.1}"
    "[data-testid='stAlert'] p{font-size:1.6rem;line-height:1.3}</style>"
)
CAMERAS = {"user": "Front (facing you)", "environment": "Back"}
CAMERA_HELP = "On a phone: the back camera gives the better picture; the front one lets you see the screen."
POLL_S = 0.3  # how often the page refreshes the numbers beside the video
