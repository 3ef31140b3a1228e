"""The fault suite's parts: a real server (gunicorn + gevent) on a database of its own with
a room of joined phones, and a simulated phone that behaves as live-core.js does."""

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import redis
import sqlalchemy as sa
from conftest import ROOT, free_port, server_env, start_server

from bench.sio import Refused, Socket

QUESTIONS = 3
#: live-core.js's ACK_TIMEOUT_MS.
ACK_TIMEOUT = 8.0
#: live-core.js's REORDER_WINDOW_MS.
REORDER_WINDOW = 2.5


def play(make_coroutine, *args):
    """Run `make_coroutine(*args)` to its end in a thread of its own: a browser test in the
    same worker may have left its event loop on this thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine(*args))).result()


SETUP = r"""
import json, sys
sys.path.insert(0, "tests")  # the test factories: the room is made through the services
import factories as make
from facilitator import create_app

app = create_app()
with app.app_context():
    from flask_migrate import upgrade
    upgrade()  # the schema production gets
    print(json.dumps(make.room(int(sys.argv[1]))))
"""


@dataclass
class Server:
    env: dict
    port: int
    database_url: str
    dialogue: int
    cookie: str
    phones: list
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process = start_server(self.env, self.port)

    def kill(self):
        """SIGKILL the worker and the master: no graceful anything."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        for child in children:
            try:
                os.kill(int(child), signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.kill()
        self.process.wait(5)
        for child in children:  # wait until the worker is really gone and the port is free
            deadline = time.monotonic() + 5
            while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
                time.sleep(0.02)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.kill()

    def rows(self) -> list[tuple]:
        engine = sa.create_engine(self.database_url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(sa.text(
                    "SELECT id, client_id, participant_id, text, status, personal_data_flag, "
                    "merged_into_id FROM contributions ORDER BY created_at, id"))]
        finally:
            engine.dispose()


def serve(tmp_path, phones: int, database_url: str | None = None, **extra: str) -> Server:
    database_url = database_url or f"sqlite:///{tmp_path / 'live.sqlite3'}"
    env = server_env(database_url, **extra)
    setup_env = {**env, "SOCKETIO_ASYNC_MODE": "threading"}
    done = subprocess.run([sys.executable, "-c", SETUP, str(phones)], env=setup_env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    server = Server(env, free_port(), database_url, data["dialogue"], data["cookie"],
                    data["phones"])
    server.start()
    return server


class RoomPhone:
    """A simulated phone for the whole room, on the bench's lean asyncio client (a thread
    per phone would make the test, not the server, the bottleneck at 200 phones). It keeps
    an outbox as live-core.js does: reconnects with socket.io-client's backoff (1 s doubling
    to live-core.js's `reconnectionDelayMax` of 2 s, randomisation 0.5), takes a snapshot on
    every connect, then sends what waits; an item leaves the outbox only on `ok` or a
    refusal the person must see."""

    def __init__(self, server: Server, participant_id: int, token: str):
        self.server, self.participant_id, self.token = server, participant_id, token
        self.rng = random.Random(participant_id)
        self.outbox = [{"client_id": uuid.uuid4().hex, "kind": "question",
                        "text": f"Fråga {n} från deltagare {participant_id}"}
                       for n in range(QUESTIONS)]
        self.acked: dict = {}
        self.errors: list = []
        self.retried: list = []
        self.answers: list = []  # (sent at, seconds to the answer, "ok" or the error)
        self.sock: Socket | None = None
        self.current_at: float | None = None  # connected, snapshot taken, outbox empty
        # The view, as live-core.js keeps it: the seq applied, changes that came early, the
        # highest seq a heartbeat told of, since when a gap waits, and what it cost.
        self.seq: int | None = None
        self.early: dict[int, float] = {}
        self.heard = 0
        self.gap_since: float | None = None
        self.applied = 0
        self.out_of_order = 0
        self.lost = 0  # snapshots taken because a gap outlasted the window

    def on_event(self, name: str, payload, t: float) -> None:
        if not isinstance(payload, dict):
            return
        if self.seq is None:
            if name == "change":  # the snapshot is on its way: kept for after it, as live-core.js
                self.early[payload["seq"]] = t
            return
        if name == "change":
            n = payload["seq"]
            if n <= self.seq or n in self.early:
                return  # part of the snapshot, or a repeat
            if n != self.seq + 1:
                self.early[n] = t
            else:
                self._apply(n)
        elif name == "seq":
            self.heard = max(self.heard, payload["seq"])
        self._settle(t)

    def _apply(self, n: int) -> None:
        if n != self.seq + 1:
            self.out_of_order += 1
        self.seq = n
        self.applied += 1

    def _settle(self, t: float) -> None:
        """Apply the early changes that now follow; start or end the wait for a gap."""
        for n in [n for n in self.early if n <= self.seq]:
            del self.early[n]
        while self.seq + 1 in self.early:
            del self.early[self.seq + 1]
            self._apply(self.seq + 1)
        behind = bool(self.early) or self.heard > self.seq
        if not behind:
            self.gap_since = None
        elif self.gap_since is None:
            self.gap_since = t

    async def take_snapshot(self) -> dict | None:
        ack = await self.call("snapshot", {})
        if ack.get("ok"):
            self.seq = ack["snapshot"]["seq"]
            self.gap_since = None
            self._settle(time.monotonic())
            return ack["snapshot"]
        return None

    def _backoff(self, attempt: int) -> float:
        ms = 1.0 * 2 ** attempt
        deviation = self.rng.random() * 0.5 * ms
        return min(ms + deviation if self.rng.random() < 0.5 else ms - deviation, 2.0)

    async def connect(self, session) -> None:
        attempt = 0
        while True:
            sock = Socket(on_event=self.on_event)
            try:
                await sock.connect(session, self.server.url, {"dialogue": self.server.dialogue},
                                   cookies=f"{self.server.cookie}={self.token}", timeout=10)
                self.sock = sock
                return
            except (TimeoutError, Refused, aiohttp.ClientError, OSError):
                await sock.close()
            await asyncio.sleep(self._backoff(attempt))
            attempt += 1

    async def call(self, event: str, payload: dict, timeout: float = ACK_TIMEOUT) -> dict:
        if self.sock is None or self.sock.closed:
            raise Refused("offline")
        try:
            return await self.sock.call(event, payload, timeout=timeout)
        except (aiohttp.ClientError, ConnectionError) as error:  # it closed as we sent
            # A send to a closing socket fails at once, before its reader has noticed:
            # closed here, or the phone would try again without ever yielding to the loop.
            await self.sock.close()
            self.sock.closed = True
            raise Refused("offline") from error

    async def run(self, session, deadline: float, kill_at: asyncio.Event) -> None:
        """Send every item until it is acknowledged, across the kill and the reconnect."""
        attempt = 0  # resends of the first item, for live-core.js's retry pause
        while time.monotonic() < deadline:
            if self.sock is None or self.sock.closed or self.seq is None:
                self.current_at = None
                if self.sock is None or self.sock.closed:
                    await self.connect(session)
                    self.seq = None
                try:  # every (re)connect starts from a snapshot, as live-core.js
                    await self.take_snapshot()
                except (TimeoutError, Refused):
                    await asyncio.sleep(self._backoff(0))  # as live-core.js, after a pause
                    continue
                attempt = 0
            if self.gap_since is not None and time.monotonic() - self.gap_since > REORDER_WINDOW:
                self.lost += 1  # the gap outlasted the window: the snapshot is the truth
                try:
                    await self.take_snapshot()
                except (TimeoutError, Refused):
                    continue
            if not self.outbox:
                if self.current_at is None:
                    self.current_at = time.monotonic()
                await asyncio.sleep(0.1)
                continue
            item = self.outbox[0]
            sent = time.monotonic()
            try:
                ack = await self.call("submit", item)
            except (TimeoutError, Refused):
                ack = {"ok": False, "error": "timeout"}
            self.answers.append((sent, time.monotonic() - sent, ack.get("error", "ok")))
            if ack.get("ok"):
                self.acked[item["client_id"]] = ack["item"]
                self.outbox.pop(0)
                attempt = 0
                if kill_at.is_set() is False:  # before the kill: the room's pace
                    await asyncio.sleep(self.rng.uniform(0.05, 0.4))
            elif ack.get("error") in ("timeout", "server", "busy", "empty"):  # live-core.js RETRIED
                if self.sock is not None and self.sock.closed:
                    continue  # offline: the reconnect sends it again
                self.retried.append(ack.get("error"))
                attempt += 1
                ceiling = min(30.0, 1.0 * 2 ** (attempt - 1))
                await asyncio.sleep(ceiling / 2 + self.rng.random() * ceiling / 2)
            else:
                self.errors.append(ack)
                self.outbox.pop(0)

    async def snapshot(self, session) -> dict:
        for _ in range(20):
            if self.sock is None or self.sock.closed:
                await self.connect(session)
            try:
                ack = await self.call("snapshot", {}, timeout=5)
                if ack.get("ok"):
                    return ack["snapshot"]
            except (TimeoutError, Refused):
                pass
            await asyncio.sleep(0.2)
        raise AssertionError(f"phone {self.participant_id} got no snapshot")


class OwnRedis:
    """A redis-server of the test's own, without persistence."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(5)

    def fail(self, how: str):
        """`killed`: gone, connections refused; `frozen`: stopped, connections hang."""
        if how == "killed":
            self.kill()
        else:
            self.process.send_signal(signal.SIGSTOP)

    def recover(self, how: str):
        if how == "killed":
            self.start()  # the same port, empty: nothing in Redis was needed
        else:
            self.process.send_signal(signal.SIGCONT)

    def keys(self, pattern: str) -> list:
        return redis.Redis.from_url(self.url).keys(pattern)


def phone_session() -> aiohttp.ClientSession:
    """One HTTP session for the whole room: no connection limit, no shared cookies."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                 cookie_jar=aiohttp.DummyCookieJar())


async def wind_down(server: Server, phones: list, runs: list, session) -> tuple[list, list]:
    """The end of a played meeting: the rows stored and every phone's last snapshot (its
    view), then every phone stopped and its socket closed."""
    loop = asyncio.get_running_loop()
    rows = await loop.run_in_executor(None, server.rows)
    snapshots = await asyncio.gather(*(p.snapshot(session) for p in phones))
    for run in runs:
        run.cancel()
    await asyncio.gather(*runs, return_exceptions=True)
    for p in phones:
        if p.sock is not None:
            await p.sock.close()
    return rows, snapshots


async def start_room(phones: list, session, seconds: float = 60) -> tuple[list, float]:
    """Connect every phone and set it sending at the room's pace; (its runs, the deadline)."""
    await asyncio.gather(*(p.connect(session) for p in phones))
    deadline = time.monotonic() + seconds
    paced = asyncio.Event()  # never set: the room's pace throughout
    return [asyncio.ensure_future(p.run(session, deadline, paced)) for p in phones], deadline


async def until_acknowledged(phones: list, share: float, deadline: float) -> None:
    """Wait until `share` of all the room's items are acknowledged."""
    total = len(phones) * QUESTIONS
    while sum(len(p.acked) for p in phones) < total * share and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
