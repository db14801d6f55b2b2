"""LAN mode in a real browser: ``formcheck serve --lan`` on a non-loopback address of this machine, HTTPS with its
own certificate; nothing without pairing, the Live coach with a fake camera after it, the Clients page behind the
passphrase."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import websockets
from test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LIVE_SAMPLE,
    REPO,
    SPEECH_RECORDER,
    fake_camera,
    free_port,
    live_reps,
    y4m_from,
)

from formcheck.lan.network import lan_address

START_TIMEOUT_S = 120
LIVE_TIMEOUT_S = 240

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@dataclass(frozen=True)
class LanServer:
    url: str  # https://ADDRESS:PORT
    pairing_link: str
    lan_dir: Path


@pytest.fixture
def lan_server(tmp_path: Path) -> Iterator[LanServer]:
    address = lan_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to serve LAN mode on")
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "FORMCHECK_LAN_DIR": str(tmp_path / "lan"),
        "FORMCHECK_APP_CACHE": str(tmp_path / "cache"),
        "FORMCHECK_DB": str(tmp_path / "workspace.db"),
    }
    lan_port = free_port()
    command = [sys.executable, "-m", "formcheck", "serve", "--lan", "--address", address,
               "--port", str(free_port()), "--lan-port", str(lan_port)]  # fmt: skip
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        link = _wait_for_pairing_link(log, server)
        yield LanServer(f"https://{address}:{lan_port}", link, tmp_path / "lan")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for_pairing_link(log: Path, server: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if server.poll() is not None:
            pytest.fail(f"formcheck serve --lan exited with {server.returncode}:\n{text[-3000:]}")
        found = re.search(r"https://\S+/pair\?token=[\w-]+", text)
        if found and _listening(found.group(0)):
            return found.group(0)
        time.sleep(0.5)
    pytest.fail(f"no pairing link within {START_TIMEOUT_S} s:\n{log.read_text(errors='replace')[-3000:]}")


def _listening(link: str) -> bool:
    """The proxy accepts connections (the link is printed just before it starts)."""
    host, port = link.split("/")[2].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return False
    return True


def _websocket_status(url: str) -> int:
    """The HTTP status of an unpaired WebSocket handshake to the app's stream."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE

    async def attempt() -> int:
        target = url.replace("https", "wss", 1) + "/_stcore/stream"
        try:
            async with websockets.connect(target, ssl=context, origin=websockets.Origin(url)):
                return 101
        except websockets.InvalidStatus as refused:
            return int(refused.response.status_code)

    return asyncio.run(attempt())


def test_lan_mode_pairs_a_phone_runs_the_live_coach_and_locks_the_clients(
    lan_server: LanServer, tmp_path: Path
) -> None:
    assert (lan_server.lan_dir / "tls" / "key.pem").stat().st_mode & 0o777 == 0o600
    assert lan_server.lan_dir.stat().st_mode & 0o777 == 0o700
    assert _websocket_status(lan_server.url) == 403
    camera = y4m_from(REPO / "sample_videos" / LIVE_SAMPLE, tmp_path / "camera.y4m")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only the browser tests need Playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS + fake_camera(camera))
        try:
            _unpaired_is_refused(browser, lan_server.url)
            phone = browser.new_context(ignore_https_errors=True, viewport={"width": 412, "height": 915})
            page = phone.new_page()
            page.add_init_script(SPEECH_RECORDER)
            landed = page.goto(lan_server.pairing_link)
            assert landed is not None and landed.url == lan_server.url + "/live"
            assert phone.request.get(lan_server.pairing_link).status == 403  # the token works once
            _live_coach_counts_reps(page)
            page.screenshot(path=str(tmp_path / "lan-live.png"), full_page=True)
            _clients_ask_for_the_passphrase(page, lan_server.url)
        finally:
            browser.close()


def _unpaired_is_refused(browser: Any, url: str) -> None:
    from playwright.sync_api import expect  # noqa: PLC0415

    stranger = browser.new_context(ignore_https_errors=True)
    for path in ("/", "/live", "/clients", "/_stcore/health", "/static/js/index.js", "/media/x.mp4"):
        answer = stranger.request.get(url + path)
        assert answer.status == 401, (path, answer.status)
    refused = stranger.new_page()
    assert refused.goto(url + "/live").status == 401
    expect(refused.get_by_text("This device is not paired with formcheck")).to_be_visible()
    assert stranger.request.get(url + "/pair?token=guessed").status == 403
    stranger.close()


def _live_coach_counts_reps(page: Any) -> None:
    from playwright.sync_api import expect  # noqa: PLC0415

    expect(page.get_by_text("Live coach").first).to_be_visible(timeout=60_000)
    page.get_by_test_id("stSelectbox").filter(has_text="Exercise").click()
    page.get_by_role("option", name="Squat").click()
    webrtc = page.frame_locator("iframe[title*='streamlit_webrtc']")
    page.wait_for_timeout(2000)  # the rerun after choosing the exercise settles before START
    webrtc.get_by_text("START").click(timeout=60_000)
    reps = live_reps(page, at_least=2, timeout_s=LIVE_TIMEOUT_S)
    assert reps >= 2, f"the live page on the LAN counted {reps} reps of a looping two-rep clip"
    reps_metric = page.get_by_test_id("stMetric").filter(has_text="Reps")
    font_px = reps_metric.get_by_test_id("stMetricValue").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert font_px == 72.0  # 4.5rem: the rep count is read from 2-3 m away on a phone
    expect(page.get_by_text("Where to put the camera")).to_be_visible()
    webrtc.get_by_text("STOP").click()


def _clients_ask_for_the_passphrase(page: Any, url: str) -> None:
    from playwright.sync_api import expect  # noqa: PLC0415

    page.goto(url + "/clients")
    expect(page.get_by_text("From another device it needs the passphrase")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Add your first client")).to_have_count(0)
    page.get_by_label("New passphrase").fill("correct horse battery")
    page.get_by_label("The same passphrase again").fill("correct horse battery")
    page.get_by_role("button", name="Set the passphrase").click()
    expect(page.get_by_text("Add your first client")).to_be_visible(timeout=60_000)
