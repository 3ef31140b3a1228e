"""The real server (gunicorn + gevent) under faults: killed mid-meeting with SIGKILL and
restarted, on SQLite and on PostgreSQL, with 200 phones that keep an outbox like
live-core.js; and oversized messages. The kill's figures (phones, acknowledged, stored,
duplicates, lost, seconds to recover) are printed in the test run's summary."""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import socketio as socketio_client
import sqlalchemy as sa
from conftest import ROOT, free_port, server_env, start_server

#: FAULT_PHONES=200 plays the issue's full room (outside `make test`: see the closing note).
PHONES = int(os.environ.get("FAULT_PHONES", "50"))
QUESTIONS = 3
#: After the restart every phone is back and has everything it sent acknowledged within this.
RECOVERY_SECONDS = 10

SETUP = r"""
import json, sys
from facilitator import create_app
from facilitator.extensions import db

app = create_app()
with app.app_context():
    from flask_migrate import upgrade
    upgrade()  # the schema production gets
    from facilitator.accounts.models import User
    from facilitator.dialogues.models import Dialogue, DialogueStatus, Reflection
    from facilitator.organizations.models import Organization
    from facilitator.participants import services as participants

    admin = User(email="admin@ivo.se", name="Ada Admin", password_hash="x", is_admin=True)
    org = Organization(name="Socialnämnden i Gnesta kommun", short_name="Gnesta",
                       kind="kommun", contact_email="")
    dialogue = Dialogue(title="Återföringsdialog Gnesta", status=DialogueStatus.PUBLISHED,
                        join_code="FELT23", premoderation=False, organizations=[org],
                        facilitators=[admin])
    dialogue.reflections = [Reflection(kind="deficiency", title="Förhandsbedömningar dröjer")]
    db.session.add_all([admin, org, dialogue])
    db.session.commit()
    phones = []
    for n in range(int(sys.argv[1])):
        role = ["socialsekreterare", "arbetsledare", "chef", "politiker"][n % 4]
        p, token = participants.join(dialogue, {"organization": str(org.id), "role": role})
        phones.append([p.id, token])
    print(json.dumps({"dialogue": dialogue.id, "cookie": participants.cookie_name(dialogue),
                      "phones": phones}))
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


def _serve(tmp_path, phones: int, database_url: str | None = None) -> Server:
    database_url = database_url or f"sqlite:///{tmp_path / 'live.sqlite3'}"
    env = server_env(database_url)
    setup_env = {**env, "SOCKETIO_ASYNC_MODE": "threading"}
    done = subprocess.run([sys.executable, "-c", SETUP, str(phones)], env=setup_env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    server = Server(env, free_port(), database_url, data["dialogue"], data["cookie"],
                    data["phones"])
    server.start()
    return server


@pytest.fixture(autouse=True)
def _close_client_sockets(monkeypatch):
    """The client library drops a connection that died mid-handshake without closing its
    socket; keep every socket it opens and close them all at the end."""
    import engineio.client

    made = []
    original = engineio.client.websocket.create_connection

    def create_connection(*args, **kwargs):
        ws = original(*args, **kwargs)
        made.append(ws)
        return ws

    monkeypatch.setattr(engineio.client.websocket, "create_connection", create_connection)
    yield
    for ws in made:
        ws.shutdown()  # close() skips the socket once the connection is marked closed


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path):
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    server = _serve(tmp_path, PHONES, url)
    yield server
    server.stop()


@dataclass
class Phone:
    """A simulated phone: its socket, and an outbox it empties only on acknowledgements."""

    server: Server
    participant_id: int
    token: str
    outbox: list = field(default_factory=list)
    acked: dict = field(default_factory=dict)  # client id -> acknowledged item
    errors: list = field(default_factory=list)
    retried: list = field(default_factory=list)

    def __post_init__(self):
        self.sio = socketio_client.Client(reconnection=True, reconnection_delay=0.2,
                                          reconnection_delay_max=1, randomization_factor=0.3)
        self.dropped = threading.Event()
        self.closing = False
        self.sio.on("disconnect", self._dropped)
        for n in range(QUESTIONS):
            self.outbox.append({"client_id": uuid.uuid4().hex, "kind": "question",
                                "text": f"Fråga {n} från deltagare {self.participant_id}"})

    def connect(self):
        self.sio.connect(self.server.url, headers={"Cookie": f"{self.server.cookie}={self.token}"},
                         auth={"dialogue": self.server.dialogue}, transports=["websocket"],
                         wait_timeout=10)

    def _dropped(self, *_reason):
        # The client library leaves a dead connection's socket open; close it here (its read
        # loop has ended). Not when we disconnect ourselves: that read loop still runs.
        ws = getattr(self.sio.eio, "ws", None)
        if ws is not None and not self.closing:
            ws.shutdown()
        self.dropped.set()

    def close(self):
        """Disconnect, and close the socket even if the server dropped it first."""
        self.closing = True
        try:
            self.sio.disconnect()
        finally:
            ws = getattr(self.sio.eio, "ws", None)
            if ws is not None:
                ws.shutdown()

    def call(self, event, payload, timeout=2.0):
        return self.sio.call(event, payload, timeout=timeout)

    def run(self, deadline: float):
        """Send every item until it is acknowledged, as live-core.js does across reconnects."""
        rng = random.Random(self.participant_id)
        wait = 0.2
        while self.outbox and time.monotonic() < deadline:
            item = self.outbox[0]
            try:
                ack = self.call("submit", item, timeout=5)
            except Exception:  # not connected, or no answer in time: the item stays queued
                time.sleep(wait * rng.uniform(0.5, 1.5))  # backoff with jitter, as phone.js
                wait = min(wait * 2, 2.0)
                continue
            wait = 0.2
            if ack.get("ok"):
                self.acked[item["client_id"]] = ack["item"]
                self.outbox.pop(0)
                time.sleep(rng.uniform(0.05, 0.4))
            elif ack.get("error") in ("server", "rate_limited", "busy"):
                self.retried.append(ack.get("error"))
                time.sleep(0.3)
            else:
                self.errors.append(ack)
                self.outbox.pop(0)

    def snapshot(self) -> dict:
        for _ in range(20):
            try:
                ack = self.call("snapshot", {}, timeout=5)
                if ack.get("ok"):
                    return ack["snapshot"]
            except Exception:
                pass
            time.sleep(0.2)
        raise AssertionError(f"phone {self.participant_id} got no snapshot")


def _in_parallel(fn, items):
    threads = [threading.Thread(target=fn, args=(item,), daemon=True) for item in items]
    for t in threads:
        t.start()
    return threads


@pytest.mark.xdist_group("fault-kill")
def test_phones_lose_nothing_and_are_back_within_10_s_when_the_server_is_killed(
        server, record_property):
    started = time.monotonic()
    phones = [Phone(server, pid, token) for pid, token in server.phones]
    for t in _in_parallel(lambda p: p.connect(), phones):
        t.join(60)
    assert all(p.sio.connected for p in phones)

    deadline = time.monotonic() + 60
    workers = _in_parallel(lambda p: p.run(deadline), phones)
    total = PHONES * QUESTIONS
    # Kill the server while the phones are in the middle of sending.
    while sum(len(p.acked) for p in phones) < total // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    acked_before_kill = sum(len(p.acked) for p in phones)
    stored_at_kill = len(server.rows())
    server.start()  # the same port and database: the phones reconnect by themselves
    restarted = time.monotonic()
    for t in workers:
        t.join(max(0.1, deadline - time.monotonic()))
    # Back: every phone connected again with all it sent acknowledged.
    while time.monotonic() < deadline and not all(p.sio.connected for p in phones):
        time.sleep(0.05)
    recovered = time.monotonic() - restarted
    assert 0 < acked_before_kill < total, "the kill should land mid-run"

    assert [p.errors for p in phones if p.errors] == []
    assert [p.participant_id for p in phones if p.outbox] == [], (
        "unsent items left", sum(p.sio.connected for p in phones), Counter(
            e for p in phones for e in p.retried))
    rows = server.rows()
    assert len(rows) >= stored_at_kill
    by_client_id = {}
    for row in rows:
        assert row[1] not in by_client_id, f"client id stored twice: {row[1]}"
        by_client_id[row[1]] = row
    texts = [(row[2], row[3]) for row in rows]
    assert len(texts) == len(set(texts)), "a question was stored twice"
    acks = {cid: item for p in phones for cid, item in p.acked.items()}
    assert len(acks) == total
    for p in phones:
        for cid, item in p.acked.items():
            row = by_client_id[cid]  # every acknowledged submission is stored...
            assert (row[0], row[2], row[3]) == (item["id"], p.participant_id, item["text"])
    assert len(rows) == total  # ...exactly once, and nothing else is

    # Every phone's view, after the restart, is what the database holds.
    public = [row[0] for row in rows if row[4] == "approved" and not row[5] and row[6] is None]
    snapshots = {}

    def take(p):
        snapshots[p.participant_id] = p.snapshot()

    for t in _in_parallel(take, phones):
        t.join(20)
    for p in phones:
        snapshot = snapshots[p.participant_id]
        mine = sorted(m["id"] for m in snapshot["mine"])
        assert mine == sorted(row[0] for row in rows if row[2] == p.participant_id)
        assert [q["id"] for q in snapshot["questions"]] == public
        assert {m["client_id"] for m in snapshot["mine"]} == set(p.acked)
    for p in phones:
        p.close()
    elapsed = time.monotonic() - started
    database = server.database_url.split(":", 1)[0].split("+")[0]
    record_property("figure", (
        f"SIGKILL and restart on {database}: {PHONES} phones, {total} submitted, "
        f"{len(acks)} acknowledged ({acked_before_kill} before the kill), {len(rows)} stored, "
        f"0 duplicates, 0 lost, every phone back and current {recovered:.1f} s after the "
        f"restart; {elapsed:.0f} s in all"))
    assert recovered <= RECOVERY_SECONDS, f"phones back only after {recovered:.1f} s"


# --- the message size limit -------------------------------------------------------------------


@pytest.fixture
def small_server(tmp_path):
    server = _serve(tmp_path, 2)
    yield server
    server.stop()


def test_a_message_over_64_kb_drops_the_connection_and_stores_nothing(small_server):
    server = small_server
    (pid, token), (other_pid, other_token) = server.phones
    phone = Phone(server, pid, token)
    phone.sio.reconnection = False
    phone.connect()
    ok = phone.call("submit", {"client_id": uuid.uuid4().hex, "kind": "question",
                               "text": "En vanlig fråga"})
    assert ok["ok"] is True
    before = server.rows()

    # Just under the limit: a clean refusal (too long a text), and the connection stays.
    near = phone.call("submit", {"client_id": uuid.uuid4().hex, "kind": "question",
                                 "text": "a" * 60_000}, timeout=5)
    assert near["ok"] is False and near["error"] == "validation"
    assert phone.sio.connected

    big_id = uuid.uuid4().hex
    # No acknowledgement: the server closed the connection.
    with pytest.raises((socketio_client.exceptions.TimeoutError,
                        socketio_client.exceptions.SocketIOError)):
        phone.call("submit", {"client_id": big_id, "kind": "question", "text": "x" * 70_000},
                   timeout=3)
    assert phone.dropped.wait(5), "the server should drop a connection that sends over 64 KB"
    phone.close()
    assert server.rows() == before
    assert big_id not in {row[1] for row in server.rows()}

    # The server is fine, and so are the other phones.
    other = Phone(server, other_pid, other_token)
    other.connect()
    assert other.call("submit", other.outbox[0])["ok"] is True
    assert len(server.rows()) == len(before) + 1
    other.close()
