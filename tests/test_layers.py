"""Layers: the core never imports a UI or the camera/model libraries; the reporting package never imports a UI.

Each group is imported in a fresh interpreter, since a module already imported by the test run would hide the arrow.
When a group loads something it must not, each of its modules is imported alone so the message names the culprit.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from collections.abc import Iterable

import formcheck

UI_PACKAGES = ("formcheck.app", "formcheck.commands", "formcheck.lan", "formcheck.live_video", "formcheck.cli")
UI_LIBRARIES = ("streamlit", "streamlit_webrtc")
EDGE_LIBRARIES = ("mediapipe", "cv2", "av")
# The core's edges: these read video, run the model or render synthetic clips, so they may load EDGE_LIBRARIES.
EDGE_MODULES = frozenset(
    {
        "formcheck.batch",
        "formcheck.pipeline",
        "formcheck.pose.crowd",
        "formcheck.pose.extract",
        "formcheck.pose.landmarker",
        "formcheck.pose.pool",
        "formcheck.synth.degrade",
        "formcheck.synth.generate",
        "formcheck.synth.encode",
        "formcheck.video",
    }
)
OVERLAY = "formcheck.reporting.overlay"  # draws with OpenCV: cv2 is allowed there, nothing else heavy


def _modules() -> list[str]:
    names = (info.name for info in pkgutil.walk_packages(formcheck.__path__, "formcheck."))
    return sorted(name for name in names if name != "formcheck.__main__")


def _is_ui(name: str) -> bool:
    return any(name == package or name.startswith(package + ".") for package in UI_PACKAGES)


def _loaded_after_import(modules: Iterable[str], watched: Iterable[str]) -> list[str]:
    """Which of ``watched`` are in sys.modules after a fresh interpreter imports ``modules``."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {sorted(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(name for name in {sorted(watched)!r} if name in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def _culprits(modules: list[str], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    """Module -> forbidden modules it loads; empty when the group as a whole loads none (one interpreter)."""
    if not _loaded_after_import(modules, forbidden):
        return {}
    alone = {name: _loaded_after_import([name], forbidden) for name in modules}
    return {name: loaded for name, loaded in alone.items() if loaded}


def test_the_edge_list_names_existing_modules() -> None:
    assert set(_modules()) >= EDGE_MODULES
    assert OVERLAY in _modules()


def test_the_pure_core_loads_no_ui_model_or_video_library() -> None:
    pure = [
        name
        for name in _modules()
        if not _is_ui(name) and name not in EDGE_MODULES and not name.startswith("formcheck.reporting")
    ]
    assert "formcheck.analysis" in pure and "formcheck.report" in pure
    forbidden = UI_LIBRARIES + EDGE_LIBRARIES + UI_PACKAGES
    assert _culprits(pure, forbidden) == {}


def test_the_core_edges_load_no_ui() -> None:
    assert _culprits(sorted(EDGE_MODULES), UI_LIBRARIES + UI_PACKAGES) == {}


def test_reporting_loads_no_ui_and_only_the_overlay_loads_opencv() -> None:
    reporting = [name for name in _modules() if name.startswith("formcheck.reporting")]
    drawing_free = [name for name in reporting if name != OVERLAY]
    assert _culprits(drawing_free, UI_LIBRARIES + EDGE_LIBRARIES + UI_PACKAGES) == {}
    assert _culprits([OVERLAY], UI_LIBRARIES + UI_PACKAGES + ("mediapipe", "av")) == {}
