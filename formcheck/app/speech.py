"""Lines spoken by the browser's own speech synthesis (nothing is sent anywhere to be spoken)."""

from __future__ import annotations

import json
import time
from typing import Any

import streamlit.components.v1 as html_components


def speak(placeholder: Any, line: str) -> None:
    """Say ``line`` now, cutting off the line being said (the newest cue matters, not a queue of old ones)."""
    script = (
        "<script>const say = window.parent.speechSynthesis || window.speechSynthesis;"
        f"say.cancel(); say.speak(new SpeechSynthesisUtterance({json.dumps(line)}));</script>"
        f"<!-- {time.monotonic()} -->"  # new content each time, so the component runs the script again
    )
    with placeholder:
        html_components.html(script, height=0)
