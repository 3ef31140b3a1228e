"""The demo meeting on a real server (gunicorn + gevent) in a temporary folder, moved through
every state the projector shows by a facilitator's real socket (the console's events).

    with Stage() as stage:
        stage.start_meeting() ...

Used by `python -m screens` (the screenshots) and tests/test_projector_browser.py.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stage:
    """The Stockholm demo dialogue (seven boards, every role) with a full room, served."""

    #: The projector's states, in the order a meeting passes them.
    STATES = ("waiting", "questions-start", "item", "poll-role", "poll-board", "poll-total",
              "poll-closed", "split", "questions", "focus", "closed")

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="aterforing-screens-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("PYTEST_", "REQUIRE_", "DATABASE_URL", "SOCKETIO_"))}
        self.env.update(
            FLASK_APP="facilitator", APP_ENV="development", SECRET_KEY=secrets.token_hex(16),
            DATABASE_URL=f"sqlite:///{self.folder / 'screens.sqlite3'}",
            INSTANCE_PATH=str(self.folder / "instance"), LOGIN_RATE_LIMIT="1000 per minute",
            HOST="127.0.0.1", PORT=str(self.port),
        )
        self.process = None
        self.console = None
        self.http = None
        self.room: dict = {}

    # --- the server -------------------------------------------------------------------------

    def _run(self, *args: str) -> str:
        done = subprocess.run(list(args), env=self.env, cwd=ROOT, capture_output=True,
                              text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def __enter__(self) -> "Stage":
        self.projector_token = secrets.token_urlsafe(24)
        out = self._run(str(BIN / "python"), "-m", "screens.room", self.projector_token)
        self.room = json.loads(out.strip().splitlines()[-1])
        self.log = open(self.folder / "server.log", "wb")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-k", "gevent", "-w", "1", "--worker-connections", "1000",
             "-b", f"127.0.0.1:{self.port}", "--graceful-timeout", "2", "wsgi:app"],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((self.folder / "server.log").read_text()[-2000:]) from None
                time.sleep(0.1)
        self._connect()
        return self

    def __exit__(self, *_exc) -> None:
        if self.console is not None:
            self.console.disconnect()
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _connect(self) -> None:
        import requests
        import socketio

        self.http = requests.Session()
        page = self.http.get(f"{self.url}/logga-in", timeout=10).text
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        answer = self.http.post(f"{self.url}/logga-in", timeout=10, allow_redirects=False, data={
            "csrf_token": csrf, "email": self.room["email"], "password": self.room["password"]})
        if answer.status_code != 302:
            raise RuntimeError(f"login failed: {answer.status_code}")
        self.console = socketio.Client(reconnection=False)
        self.console.connect(self.url, headers={"Cookie": self.cookie_header()},
                             auth={"dialogue": self.room["dialogue"], "as": "facilitator"},
                             transports=["websocket"], wait_timeout=10)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())

    def browser_cookies(self) -> list[dict]:
        """The facilitator's login, for a browser context showing the console."""
        return [{"name": k, "value": v, "url": self.url} for k, v in self.http.cookies.items()]

    def phone_cookies(self) -> list[dict]:
        """The first participant's cookie (Farsta · Politiker), for a browser context as a phone."""
        return [{"name": self.room["phone_cookie"], "value": self.room["phone_token"],
                 "url": self.url}]

    # --- where to look ------------------------------------------------------------------------

    @property
    def projector_url(self) -> str:
        return f"{self.url}/projektor/{self.projector_token}"

    @property
    def console_url(self) -> str:
        return f"{self.url}/dialoger/{self.room['dialogue']}/mote"

    @property
    def phone_url(self) -> str:
        return f"{self.url}/m/{self.room['code']}/mote"

    # --- the facilitator's moves ------------------------------------------------------------

    def emit(self, event: str, payload: dict) -> dict:
        ack = self.console.call(event, payload, timeout=10)
        if not ack or not ack.get("ok"):
            raise RuntimeError(f"{event} {payload}: {ack}")
        return ack

    def agenda(self, action: str) -> dict:
        return self.emit("agenda", {"action": action})

    def open_poll(self) -> dict:
        return self.emit("poll", {"action": "open", "reflection_id": self.room["reflection"],
                                  "results_live": True})

    def close_poll(self) -> dict:
        return self.emit("poll", {"action": "close"})

    def view(self, name: str) -> dict:
        return self.emit("results_view", {"view": name})

    def split(self, reflection_id: int | None) -> dict:
        """Show a reflection's split on the projector (console: "att prata om"), or stop."""
        return self.emit("split", {"reflection_id": reflection_id})

    def pin(self, on: bool = True) -> dict:
        return self.emit("moderate", {"action": "pin" if on else "unpin",
                                      "id": self.room["focus_question"]})

    def close_meeting(self) -> None:
        """Stäng mötet, as the console's button does (a form post with its CSRF token)."""
        page = self.http.get(self.console_url, timeout=10).text
        action = f"/dialoger/{self.room['dialogue']}/stang"
        form = page[page.index(f'action="{action}"'):]
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        answer = self.http.post(self.url + action, data={"csrf_token": csrf}, timeout=30,
                                allow_redirects=False)
        if answer.status_code != 302:
            raise RuntimeError(f"closing failed: {answer.status_code}")

    def play(self, state: str) -> str:
        """Move the meeting on to `state` (each follows the one before in STATES); returns the
        projector's screen name (#projector's data-screen) it should then show."""
        if state == "waiting":
            return "waiting"
        if state == "questions-start":
            self.agenda("start")  # the first item has no reflection: the room's questions
            return "questions"
        if state == "item":
            self.agenda("next")  # IVO's findings: four reflections
            return "item"
        if state == "poll-role":
            self.open_poll()
            return "poll"
        if state == "poll-board":
            self.view("board")
            return "poll"
        if state == "poll-total":
            self.view("total")
            return "poll"
        if state == "poll-closed":
            self.view("board")
            self.close_poll()
            return "poll"
        if state == "split":
            self.split(self.room["reflection"])  # the closed poll's reflection, split by group
            return "poll"
        if state == "questions":
            self.split(None)
            self.view("role")
            self.agenda("next")  # Frågor till IVO
            return "questions"
        if state == "focus":
            self.pin()
            return "focus"
        if state == "closed":
            self.close_meeting()
            return "closed"
        raise ValueError(state)
