"""``formcheck serve``: the app on this computer only (loopback HTTP), or with ``--lan`` to paired devices over HTTPS.

LAN mode runs Streamlit on loopback and :mod:`formcheck.lan.proxy` on the LAN address, prints the address with a
one-time pairing token as a QR code, and keeps the certificate, pairings and passphrase owner-only under
``$FORMCHECK_LAN_DIR`` (default ``~/.local/share/formcheck/lan``). The device and passphrase options manage that
state from the computer itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from formcheck.app.config import upload_limit_mb
from formcheck.lan.private import LAN_URL_ENV, access_db, lan_dir
from formcheck.types import FormcheckError

log = logging.getLogger(__name__)

APP_PORT = 8501
LAN_PORT = 8443
APP_READY_TIMEOUT_S = 60.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser(
        "serve", help="start the app: on this computer only, or with --lan to paired phones over HTTPS"
    )
    serve.add_argument("--lan", action="store_true", help="also serve paired devices on the local network (HTTPS)")
    serve.add_argument("--address", default=None, help="the LAN address to serve on (default: this machine's)")
    serve.add_argument("--port", type=int, default=APP_PORT, help=f"the app's loopback port (default {APP_PORT})")
    serve.add_argument("--lan-port", type=int, default=LAN_PORT, help=f"the HTTPS port (default {LAN_PORT})")
    serve.add_argument("--list-devices", action="store_true", help="list the paired devices and exit")
    serve.add_argument("--revoke", metavar="ID", help="revoke a paired device (see --list-devices) and exit")
    serve.add_argument(
        "--reset-passphrase", action="store_true", help="forget the Clients passphrase (asks to confirm) and exit"
    )
    serve.add_argument("--yes", action="store_true", help="do not ask to confirm --reset-passphrase")
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    if args.list_devices:
        return _list_devices()
    if args.revoke:
        return _revoke(args.revoke)
    if args.reset_passphrase:
        return _reset_passphrase(args.yes)
    if not args.lan:
        os.chdir(app_script().parent)  # Streamlit reads .streamlit/config.toml from the working folder
        os.execv(sys.executable, _app_command(args.port))  # becomes the app: a signal to this process reaches it
    return _serve_lan(args)


def app_script() -> Path:
    script = Path(__file__).resolve().parents[2] / "app.py"
    if not script.is_file():
        raise FormcheckError(f"cannot find the app ({script}); run formcheck serve from a source checkout")
    return script


def _app_command(port: int) -> list[str]:
    """Streamlit on loopback only, whatever .streamlit/config.toml says."""
    script = app_script()
    log.info("formcheck on this computer: http://127.0.0.1:%d", port)
    return [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1",
        "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.showEmailPrompt", "false", "--server.maxUploadSize", str(upload_limit_mb()),
    ]  # fmt: skip


def _run_app(port: int, extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(_app_command(port), cwd=app_script().parent, env={**os.environ, **extra_env})


def _list_devices() -> int:
    from formcheck.lan.pairing import PairingStore  # noqa: PLC0415

    now_s = time.time()
    devices = PairingStore(access_db()).devices()
    if not devices:
        log.info("no paired devices")
    for device in devices:
        state = "revoked" if device.revoked_s else ("active" if device.active(now_s) else "expired")
        sys.stdout.write(
            f"{device.id}\t{state}\tpaired {_date(device.paired_s)}\tlast seen {_date(device.last_seen_s)}"
            f"\t{device.label}\n"
        )
    return 0


def _date(epoch_s: float) -> str:
    return dt.datetime.fromtimestamp(epoch_s).strftime("%Y-%m-%d %H:%M")


def _revoke(device_id: str) -> int:
    from formcheck.lan.pairing import PairingStore  # noqa: PLC0415

    if not PairingStore(access_db()).revoke(device_id, time.time()):
        raise FormcheckError(f"no active paired device {device_id!r} (see formcheck serve --list-devices)")
    log.info("device %s revoked: it must be paired again to connect", device_id)
    return 0


def _reset_passphrase(assume_yes: bool) -> int:
    from formcheck.lan.passphrase import PassphraseStore  # noqa: PLC0415

    if not assume_yes:
        if not sys.stdin.isatty():
            raise FormcheckError("confirm with --yes (no terminal to ask on)")
        answer = input("Forget the Clients passphrase? The next login on the LAN sets a new one. [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            log.info("passphrase kept")
            return 1
    if PassphraseStore(access_db()).reset():
        log.info("passphrase forgotten: the next login from another device sets a new one")
    else:
        log.info("no passphrase was set")
    return 0


def _serve_lan(args: argparse.Namespace) -> int:
    from formcheck.lan.network import lan_address, usable_lan_address  # noqa: PLC0415
    from formcheck.lan.pairing import PairingStore  # noqa: PLC0415
    from formcheck.lan.proxy import LanProxy, run_proxy  # noqa: PLC0415
    from formcheck.lan.tls import ensure_certificate  # noqa: PLC0415

    address = args.address or lan_address()
    if address is None or not usable_lan_address(address):
        raise FormcheckError("no local network address to serve on: connect to a network, or pass --address")
    certificate = ensure_certificate(lan_dir() / "tls", address, socket.gethostname())
    url = f"https://{address}:{args.lan_port}"
    store = PairingStore(access_db())
    app = _run_app(args.port, extra_env={LAN_URL_ENV: url})
    # uvicorn re-raises a SIGTERM after its shutdown; as an exception it still lets the app below be stopped.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        _wait_for_app(args.port, app)
        _announce(url, store.issue_token(time.time()), certificate.sha256_fingerprint)
        run_proxy(LanProxy(store, f"http://127.0.0.1:{args.port}"), address, args.lan_port,
                  str(certificate.cert_path), str(certificate.key_path))  # fmt: skip
    finally:
        app.terminate()
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()
    return 0


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _wait_for_app(port: int, app: subprocess.Popen[bytes]) -> None:
    import urllib.request  # noqa: PLC0415

    deadline = time.monotonic() + APP_READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if app.poll() is not None:
            raise FormcheckError(f"the app stopped at start (exit code {app.returncode}); is port {port} free?")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise FormcheckError(f"the app did not start within {APP_READY_TIMEOUT_S:.0f} s")


def pairing_link(url: str, token: str) -> str:
    return f"{url}/pair?token={token}"


def _announce(url: str, token: str, fingerprint: str) -> None:
    import segno  # noqa: PLC0415

    from formcheck.lan.pairing import TOKEN_TTL_S  # noqa: PLC0415

    link = pairing_link(url, token)
    sys.stdout.write(f"\nformcheck on the local network: {url}\nPair a phone: scan this code (valid once, "
                     f"for {TOKEN_TTL_S / 60:.0f} min), or open {link}\n")  # fmt: skip
    segno.make(link, error="m").terminal(out=sys.stdout, compact=True)
    sys.stdout.write(f"The phone will warn about the certificate: accept it if its SHA-256 fingerprint is\n"
                     f"{fingerprint}\nPaired devices: formcheck serve --list-devices, --revoke ID.\n")  # fmt: skip
    sys.stdout.flush()
