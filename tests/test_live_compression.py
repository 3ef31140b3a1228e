"""WebSocket compression is off: a browser's permessage-deflate offer is declined."""

import base64
import os
import socket
from urllib.parse import urlsplit

from facilitator import create_app
from facilitator.live.compression import OFFER, WithoutWebSocketCompression

BROWSER_OFFER = "permessage-deflate; client_max_window_bits"


def _handshake(url: str, extensions: str | None) -> str:
    """The server's answer to a WebSocket upgrade to Engine.IO, headers only."""
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1",
        f"Host: {parts.netloc}", "Upgrade: websocket", "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13", f"Origin: {url}",
    ]
    if extensions:
        lines.append(f"Sec-WebSocket-Extensions: {extensions}")
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")


def test_the_real_server_declines_a_browsers_deflate_offer(live_server):
    answer = _handshake(live_server.url, BROWSER_OFFER)
    assert answer.startswith("HTTP/1.1 101"), answer
    assert "sec-websocket-extensions" not in answer.lower(), answer


def _offer_seen_by_socketio(overrides: dict) -> str | None:
    app = create_app("testing", overrides)
    seen = {}
    inner = app.wsgi_app.wsgi_app  # the middleware's own WSGI callable: Socket.IO's

    def spy(environ, start_response):
        seen["offer"] = environ.get(OFFER)
        start_response("204 No Content", [])
        return [b""]

    app.wsgi_app.wsgi_app = spy
    try:
        app.test_client().get("/socket.io/", headers={"Sec-WebSocket-Extensions": BROWSER_OFFER})
    finally:
        app.wsgi_app.wsgi_app = inner
    return seen.get("offer")


def test_the_offer_never_reaches_socketio_unless_compression_is_switched_on():
    assert _offer_seen_by_socketio({}) is None
    kept = create_app("testing", {"SOCKETIO_WEBSOCKET_COMPRESSION": True})
    assert not isinstance(kept.wsgi_app, WithoutWebSocketCompression)
