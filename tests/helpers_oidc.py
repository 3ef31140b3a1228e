"""A forward proxy for the app's calls to the identity provider, that can alter an ID token.

The app reaches the provider (discovery, keys, the token endpoint) through `HTTP_PROXY`. By
default every call passes unchanged; a test can ask for the next ID token's claims to be
changed after the provider signed them, as a forger would, keeping the provider's signature.
"""

import base64
import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_HOP_BY_HOP = {"connection", "proxy-connection", "keep-alive", "transfer-encoding", "host",
               "content-length", "te", "trailer", "upgrade"}
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ForgingProxy:
    def __init__(self):
        self.alter = None  # claims -> claims, applied to the next ID token only
        self.unsigned = False  # with `alter`: also "alg": "none" and no signature
        self.token_calls = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_GET(self):
                self._forward()

            def do_POST(self):
                self._forward()

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in _HOP_BY_HOP}
                request = urllib.request.Request(self.path, data=body, headers=headers,
                                                 method=self.command)
                try:
                    with _direct.open(request, timeout=10) as answer:
                        status, reply, data = answer.status, answer.headers, answer.read()
                except urllib.error.HTTPError as error:
                    status, reply, data = error.code, error.headers, error.read()
                if self.path.endswith("/oauth2/token") and status == 200:
                    owner.token_calls += 1
                    alter, owner.alter = owner.alter, None
                    unsigned, owner.unsigned = owner.unsigned, False
                    if alter is not None:
                        data = _forged(data, alter, unsigned)
                self.send_response(status)
                for key, value in reply.items():
                    if key.lower() not in _HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def _forged(answer: bytes, alter, unsigned: bool) -> bytes:
    """The token answer with the ID token's claims changed and its signature left as it was
    (or, unsigned, dropped and the header saying there is none)."""
    token = json.loads(answer)
    header, payload, signature = token["id_token"].split(".")
    claims = alter(json.loads(_unb64(payload)))
    if unsigned:
        header = _b64(json.dumps({**json.loads(_unb64(header)), "alg": "none"}).encode())
        signature = ""
    token["id_token"] = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    return json.dumps(token).encode()
