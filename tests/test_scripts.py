"""scripts/app.sh and scripts/setup_env.sh: a second start installs nothing (so it needs no network), and the app
never waits at Streamlit's first-run "Email:" prompt, and listens on this computer's loopback address only."""

from __future__ import annotations

import os
import re
import selectors
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import psutil
import pytest

from tests.conftest import REPO

LOOPBACK = "127.0.0.1"

FAKE_PYTHON = """#!/usr/bin/env bash
echo "python $*" >> "$CALLS"
"""
FAKE_STREAMLIT = """#!/usr/bin/env bash
echo "streamlit $*" >> "$CALLS"
"""


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The scripts and pyproject.toml in a scratch checkout whose .venv logs every call instead of installing."""
    root = tmp_path / "checkout"
    shutil.copytree(REPO / "scripts", root / "scripts")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    for name, text in (("python", FAKE_PYTHON), ("streamlit", FAKE_STREAMLIT)):
        tool = root / ".venv" / "bin" / name
        tool.parent.mkdir(parents=True, exist_ok=True)
        tool.write_text(text)
        tool.chmod(0o755)
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "dpkg").write_text("#!/bin/sh\nexit 0\n")  # every system package "installed": no apt-get here
    (fake_bin / "dpkg").chmod(0o755)
    return root


def _run(checkout: Path, script: str, extras: str | None = None) -> list[str]:
    """Run a script of the scratch checkout; the calls its fake .venv received."""
    calls = checkout / "calls.log"
    calls.unlink(missing_ok=True)
    env = {**os.environ, "CALLS": str(calls), "PATH": f"{checkout.parent / 'bin'}:{os.environ['PATH']}"}
    env.pop("FORMCHECK_EXTRAS", None)
    if extras is not None:
        env["FORMCHECK_EXTRAS"] = extras
    subprocess.run(["bash", str(checkout / "scripts" / script)], env=env, check=True, capture_output=True, timeout=60)
    return calls.read_text().splitlines() if calls.exists() else []


def _pip_installs(calls: list[str]) -> list[str]:
    return [call for call in calls if call.startswith("python -m pip install")]


def test_a_second_app_start_does_not_call_pip(checkout: Path) -> None:
    first = _run(checkout, "app.sh")
    assert _pip_installs(first) == [
        "python -m pip install --quiet --upgrade pip",
        "python -m pip install --quiet -e .[dev]",  # pytest comes with the app
    ]
    second = _run(checkout, "app.sh")
    assert _pip_installs(second) == []
    assert second == [
        "streamlit run app.py --browser.gatherUsageStats false --server.showEmailPrompt false "
        f"--server.address {LOOPBACK} --server.maxUploadSize 500"
    ]


def test_setup_installs_again_only_for_a_changed_pyproject_or_a_new_extra(checkout: Path) -> None:
    _run(checkout, "app.sh")
    assert _pip_installs(_run(checkout, "setup_env.sh", "dev")) == []
    # test.sh's extras are new: installed once, with what was there; then the app starts offline again
    with_tests = _pip_installs(_run(checkout, "setup_env.sh", "test,dev"))
    assert with_tests[-1] == "python -m pip install --quiet -e .[dev,test]"
    assert _pip_installs(_run(checkout, "app.sh")) == []
    with (checkout / "pyproject.toml").open("a") as handle:
        handle.write("\n# changed\n")
    assert _pip_installs(_run(checkout, "app.sh"))[-1] == "python -m pip install --quiet -e .[dev]"
    assert _pip_installs(_run(checkout, "app.sh")) == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_app(home: Path, *options: str) -> tuple[subprocess.Popen[bytes], str]:
    """``streamlit run app.py`` as the README says, from the checkout; the running server and what it printed up to
    its URL (or 60 s). The caller stops it."""
    streamlit = Path(sys.executable).parent / "streamlit"
    env = {**os.environ, "HOME": str(home), "BROWSER": "true"}  # no credentials; "open the browser" does nothing
    env.pop("STREAMLIT_SERVER_ADDRESS", None)
    command = [str(streamlit), "run", "app.py", "--server.port", str(_free_port()), *options]
    server = subprocess.Popen(
        command, cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert server.stdout is not None
    seen = ""
    with selectors.DefaultSelector() as waiting:  # raw reads: a buffered readline could hold the URL line back
        waiting.register(server.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 60.0
        # Until the URL line is complete (it can arrive in two reads) or a prompt shows.
        while not re.search(r"URL: \S+\s", seen) and "Email" not in seen and time.monotonic() < deadline:
            if waiting.select(timeout=1.0):
                chunk = os.read(server.stdout.fileno(), 4096)
                if not chunk:
                    break
                seen += chunk.decode(errors="replace")
    return server, seen


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.kill()
    server.wait(timeout=10)


def test_the_app_starts_without_asking_for_an_email(tmp_path: Path) -> None:
    """A desktop start (not headless) with no ~/.streamlit/credentials.toml: Streamlit would ask for an email on
    stdin and wait; the project's .streamlit/config.toml turns that prompt off."""
    server, seen = _start_app(tmp_path, "--server.headless", "false")
    _stop(server)
    assert "Email" not in seen
    assert "URL:" in seen


def test_the_app_listens_on_loopback_only(tmp_path: Path) -> None:
    """Started the README's way (no address given), the server accepts connections from this computer only: every
    listening socket of the process is bound to 127.0.0.1 (not 0.0.0.0, ::, or a LAN address)."""
    server, seen = _start_app(tmp_path, "--server.headless", "true")
    try:
        assert "URL:" in seen, seen
        listening = [
            conn.laddr
            for conn in psutil.Process(server.pid).net_connections(kind="inet")
            if conn.status == psutil.CONN_LISTEN
        ]
    finally:
        _stop(server)
    assert listening
    assert {address.ip for address in listening} == {LOOPBACK}
    assert "Network URL" not in seen  # Streamlit prints one only when it listens on every interface
    assert f"URL: http://{LOOPBACK}:" in seen


def test_the_project_config_binds_loopback() -> None:
    """The setting the loopback start relies on; changing it (or removing it) must be a conscious decision."""
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == LOOPBACK


def test_streamlit_is_started_with_the_pages_upload_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file between Streamlit's limit and the page's would be refused by the browser with no sentence: both starts
    give Streamlit the page's own limit."""
    from formcheck.app.config import upload_limit_mb  # noqa: PLC0415
    from formcheck.commands.serve import _app_command  # noqa: PLC0415

    monkeypatch.setenv("FORMCHECK_MAX_UPLOAD_MB", "123")
    command = _app_command(8501)
    assert command[command.index("--server.maxUploadSize") + 1] == "123" == str(upload_limit_mb())
    monkeypatch.setenv("FORMCHECK_MAX_UPLOAD_MB", "lots")
    assert upload_limit_mb() == 500


def test_app_sh_gives_streamlit_the_pages_upload_limit(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for given, expected in (("123", "123"), ("lots", "500"), ("0", "500"), ("", "500")):
        monkeypatch.setenv("FORMCHECK_MAX_UPLOAD_MB", given)
        start = _run(checkout, "app.sh")[-1]
        assert start.endswith(f"--server.maxUploadSize {expected}"), given
