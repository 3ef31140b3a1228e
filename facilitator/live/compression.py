"""WebSocket compression, decided once: off by default.

Browsers (and the official socket.io-client) always offer permessage-deflate, and
simple-websocket accepts every offer: each frame is then deflated once per phone (a
300-byte `change` compressed 1,000 times for 1,000 phones) and every connection keeps a
zlib compressor and decompressor of its own (the bulk of a phone's memory). A meeting's
frames are a few hundred bytes, where deflate saves little and costs most. simple-websocket
has no switch for it, so the offer is dropped from the request before it sees it: the
handshake then answers without the extension and the browser sends and receives plain
frames. `SOCKETIO_WEBSOCKET_COMPRESSION=1` keeps the offer (see docs/deploy.md).
"""

OFFER = "HTTP_SEC_WEBSOCKET_EXTENSIONS"


class WithoutWebSocketCompression:
    """WSGI middleware: drops the client's `Sec-WebSocket-Extensions` offer."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        environ.pop(OFFER, None)
        return self.wsgi_app(environ, start_response)


def init_app(app) -> None:
    """Wrap the app's WSGI callable (after Socket.IO's middleware) unless compression is on."""
    if not app.config.get("SOCKETIO_WEBSOCKET_COMPRESSION"):
        app.wsgi_app = WithoutWebSocketCompression(app.wsgi_app)
