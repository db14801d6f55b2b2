"""The LAN edge: HTTPS in front of the loopback Streamlit server, letting through paired devices only.

Streamlit has no request middleware, so this small ASGI app (run by uvicorn, which Streamlit already brings)
terminates TLS, answers ``/pair?token=…`` (a one-time token from the QR code; it sets the device cookie), refuses
every other page, file, media and WebSocket request without a valid device cookie (HTTP 401 page; WebSocket 403),
and forwards the rest to Streamlit: HTTP with httpx, the WebSocket with the ``websockets`` client. Streamlit learns
which device is asking from the ``X-Formcheck-Device`` header (any such header sent by the browser is dropped).
An open WebSocket is closed within :data:`RECHECK_S` of its device being revoked.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import uvicorn
import websockets
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from formcheck.lan.pairing import COOKIE_NAME, Device, PairingError, PairingStore

log = logging.getLogger(__name__)

PAIR_PATH = "/pair"
LANDING_PATH = "/live"  # a phone is paired to be the camera
DEVICE_HEADER = "x-formcheck-device"
RECHECK_S = 10.0
# Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection and are never forwarded.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
     "upgrade", "host"}
)  # fmt: skip
REFUSED_PAGE = """<!doctype html><meta name="viewport" content="width=device-width"><title>formcheck: not paired</title>
<h1>This device is not paired with formcheck</h1>
<p>{reason}</p>
<p>On the computer running formcheck, start <code>formcheck serve --lan</code> (or open the app's Phone section) and
scan the QR code it shows with this device's camera.</p>"""


def refused(reason: str, status: int) -> HTMLResponse:
    page = REFUSED_PAGE.format(reason=html.escape(reason))
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})


def forwarded_headers(raw: list[tuple[bytes, bytes]], device: Device) -> list[tuple[bytes, bytes]]:
    """The request's headers for Streamlit: no hop-by-hop ones, no device cookie, and the proxy's device header."""
    kept: list[tuple[bytes, bytes]] = []
    for name, value in raw:
        lowered = name.lower().decode("latin-1")
        if lowered in HOP_BY_HOP or lowered.startswith("x-formcheck-") or lowered.startswith("sec-websocket-"):
            continue
        kept_value = _without_device_cookie(value) if lowered == "cookie" else value
        if kept_value:
            kept.append((name, kept_value))
    kept.append((DEVICE_HEADER.encode(), device.id.encode()))
    return kept


def _without_device_cookie(header: bytes) -> bytes:
    parts = [part.strip() for part in header.split(b";")]
    return b"; ".join(part for part in parts if part and not part.startswith(COOKIE_NAME.encode() + b"="))


class LanProxy:
    """ASGI app: pairing, the device check, and forwarding to ``upstream`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, store: PairingStore, upstream: str, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.upstream = upstream.rstrip("/")
        self.clock = clock
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(Request(scope, receive), send)
        elif scope["type"] == "websocket":
            await self._websocket(WebSocket(scope, receive, send))
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _device(self, cookies: dict[str, str]) -> Device | None:
        cookie = cookies.get(COOKIE_NAME)
        return self.store.device_for_cookie(cookie, self.clock()) if cookie else None

    async def _http(self, request: Request, send: Send) -> None:
        if request.url.path == PAIR_PATH:
            response = self._pair(request)
        else:
            device = self._device(request.cookies)
            if device is not None:
                await self._forward(request, device, send)
                return
            response = refused("Open the pairing link (scan the QR code) first, or pair again if it was revoked.", 401)
        await response(request.scope, request.receive, send)

    def _pair(self, request: Request) -> Response:
        token = request.query_params.get("token", "")
        label = request.headers.get("user-agent", "unknown browser")
        try:
            pairing = self.store.pair(token, label, self.clock())
        except PairingError as error:
            return refused(f"The pairing link did not work: {error}. Ask for a new code on the computer.", 403)
        log.info("paired device %s (%s)", pairing.device.id, pairing.device.label)
        response = RedirectResponse(LANDING_PATH, status_code=303)
        response.set_cookie(
            COOKIE_NAME, pairing.cookie, max_age=pairing.max_age_s, httponly=True, secure=True, samesite="lax"
        )
        return response

    def _http_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self.upstream, timeout=None, follow_redirects=False)
        return self._client

    async def _forward(self, request: Request, device: Device, send: Send) -> None:
        client = self._http_client()
        has_body = "content-length" in request.headers or "transfer-encoding" in request.headers
        upstream_request = client.build_request(
            request.method,
            request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            headers=forwarded_headers(request.headers.raw, device),
            content=request.stream() if has_body else None,
        )
        try:
            upstream = await client.send(upstream_request, stream=True)
        except httpx.HTTPError as error:
            log.warning("formcheck's app did not answer %s: %s", request.url.path, error)
            await refused("formcheck's app is not answering; is it still running?", 502)(
                request.scope, request.receive, send
            )
            return
        try:
            headers = [(k, v) for k, v in upstream.headers.raw if k.lower().decode("latin-1") not in HOP_BY_HOP]
            await send({"type": "http.response.start", "status": upstream.status_code, "headers": headers})
            async for chunk in upstream.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await upstream.aclose()

    async def _websocket(self, socket: WebSocket) -> None:
        device = self._device(socket.cookies)
        host = socket.headers.get("host", "")
        if device is None or socket.headers.get("origin") != f"https://{host}":
            await socket.close(code=1008)  # before accept: the browser gets HTTP 403
            return
        query = socket.url.query
        target = self.upstream.replace("http", "ws", 1) + socket.url.path + (f"?{query}" if query else "")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in forwarded_headers(socket.headers.raw, device)]
        headers = [(k, v) for k, v in headers if k.lower() not in {"origin", "sec-websocket-extensions"}]
        subprotocols = [websockets.Subprotocol(name) for name in socket.scope.get("subprotocols", [])]
        try:
            async with websockets.connect(
                target,
                additional_headers=headers,
                origin=websockets.Origin(self.upstream),  # the proxy checked the browser's origin above
                subprotocols=subprotocols or None,
                max_size=None,
                compression=None,
            ) as upstream:
                await socket.accept(subprotocol=upstream.subprotocol)
                await self._relay(socket, upstream, device)
        except (OSError, websockets.InvalidHandshake) as error:
            log.warning("formcheck's app refused a WebSocket: %s", error)
            with contextlib.suppress(RuntimeError):
                await socket.close(code=1011)

    async def _relay(self, socket: WebSocket, upstream: Any, device: Device) -> None:
        tasks = [
            asyncio.create_task(_browser_to_app(socket, upstream)),
            asyncio.create_task(_app_to_browser(upstream, socket)),
            asyncio.create_task(self._until_revoked(device)),
        ]
        _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await socket.close()

    async def _until_revoked(self, device: Device) -> None:
        while True:
            await asyncio.sleep(RECHECK_S)
            current = {d.id: d for d in await asyncio.to_thread(self.store.devices)}.get(device.id)
            if current is None or not current.active(self.clock()):
                log.info("closing device %s's connection: revoked or expired", device.id)
                return


async def _browser_to_app(socket: WebSocket, upstream: Any) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            message = await socket.receive()
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("bytes")
            await upstream.send(data if data is not None else message.get("text", ""))


async def _app_to_browser(upstream: Any, socket: WebSocket) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for message in upstream:
            if isinstance(message, bytes):
                await socket.send_bytes(message)
            else:
                await socket.send_text(message)


def run_proxy(app: LanProxy, address: str, port: int, cert_path: str, key_path: str) -> None:
    """Serve ``app`` over HTTPS until interrupted."""
    config = uvicorn.Config(
        app, host=address, port=port, ssl_certfile=cert_path, ssl_keyfile=key_path, log_level="warning",
        ws="websockets-sansio", lifespan="on", proxy_headers=False, server_header=False,
    )  # fmt: skip
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per forwarded request otherwise
    uvicorn.Server(config).run()
