"""Helpers for tests against a real server: log in over HTTP, connect a Socket.IO client."""

import re
import threading

import requests
import socketio

CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no csrf_token on the page"
    return match.group(1)


def http_login(base_url: str, email: str, password: str) -> requests.Session:
    """Log in through the real form (with its CSRF token); the session holds the cookie."""
    http = requests.Session()
    page = http.get(f"{base_url}/logga-in", timeout=10)
    response = http.post(
        f"{base_url}/logga-in", timeout=10, allow_redirects=False,
        data={"csrf_token": csrf_token(page.text), "email": email, "password": password},
    )
    assert response.status_code == 302, response.text[:500]
    return http


def http_logout(http: requests.Session, base_url: str) -> None:
    page = http.get(f"{base_url}/", timeout=10)
    response = http.post(f"{base_url}/logga-ut", data={"csrf_token": csrf_token(page.text)},
                         timeout=10, allow_redirects=False)
    assert response.status_code == 302


def cookie_header(http: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


class SocketProbe:
    """A real Socket.IO client that records the events it receives."""

    def __init__(self):
        self.http = requests.Session()  # ours, so close() can close its sockets
        self.client = socketio.Client(reconnection=False, http_session=self.http)
        self.events: dict[str, threading.Event] = {}
        self.disconnected = threading.Event()
        self.client.on("disconnect", lambda *args: self.disconnected.set())
        self.client.on("*", self._any)

    def _any(self, event, *args):
        self.events.setdefault(event, threading.Event()).set()

    def connect(self, base_url: str, http: requests.Session | None = None,
                transports=("websocket",)) -> "SocketProbe":
        headers = {"Cookie": cookie_header(http)} if http is not None else {}
        self.client.connect(base_url, headers=headers, transports=list(transports),
                            wait_timeout=10)
        return self

    def received(self, event: str, timeout: float = 10) -> bool:
        return self.events.setdefault(event, threading.Event()).wait(timeout)

    def close(self) -> None:
        eio = self.client.eio
        if self.client.connected:
            self.client.disconnect()
        task = eio.read_loop_task
        if task is not None:
            task.join(10)
        # When the server drops the connection, the client leaves its websocket open.
        if getattr(eio, "ws", None) is not None:
            eio.ws.shutdown()
        self.http.close()
