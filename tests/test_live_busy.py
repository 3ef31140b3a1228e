"""One event, one transaction: an acknowledgement says ok only for what is stored. While the
SQLite database is held locked by another connection, phones that vote and submit get either
ok for a stored row or a clean, retryable `busy` in well under five seconds; never an ok
without a row, and nobody hears of a change that was not stored."""

import sqlite3
import threading
import time
import uuid

import pytest
from helpers_live import build_meeting, events, ok
from sqlalchemy import select

from facilitator import create_app
from facilitator.contributions.models import Contribution
from facilitator.extensions import db, socketio
from facilitator.live import ratelimits

LOCK_SECONDS = 2.0


@pytest.fixture
def locked_app(tmp_path):
    path = tmp_path / "busy.sqlite3"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                                 "SQLITE_BUSY_TIMEOUT_MS": 200, "LIVE_TALLY_MANUAL": True})
    with app.app_context():
        db.create_all()
        ratelimits.reset()
        made = []

        def make_socket(http, **kwargs):
            sc = socketio.test_client(app, flask_test_client=http, **kwargs)
            made.append(sc)
            return sc

        yield app, path, make_socket
        for sc in made:
            if sc.is_connected():
                sc.disconnect()
        db.session.remove()
        db.engine.dispose()


def _hold_lock(path, seconds: float, locked: threading.Event):
    """Another connection takes the write lock (BEGIN EXCLUSIVE) and keeps it `seconds`."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN EXCLUSIVE")
    locked.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


def _reader(path):
    """A second connection that reads while the lock is held (WAL lets readers on)."""
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False)


def _vote_stored(conn, question_id: int, participant_id: int) -> bool:
    return conn.execute("SELECT 1 FROM votes WHERE contribution_id = ? AND participant_id = ?",
                        (question_id, participant_id)).fetchone() is not None


def _item_stored(conn, client_id: str) -> bool:
    return conn.execute("SELECT 1 FROM contributions WHERE client_id = ?",
                        (client_id,)).fetchone() is not None


def _count(answers: dict, ack: dict) -> None:
    """An answer is ok, or the clean retryable `busy` with a Swedish sentence."""
    if not ack["ok"]:
        assert ack["error"] == "busy", ack
        assert "Försök igen" in ack["message"], ack
    answers["ok" if ack["ok"] else "busy"] += 1


def test_a_locked_database_answers_busy_and_never_ok_without_a_row(locked_app):
    app, path, make_socket = locked_app
    meeting = build_meeting(app, make_socket)
    meeting.go_live()
    author = meeting.phone()
    question = ok(author.emit("submit", {"client_id": uuid.uuid4().hex, "kind": "question",
                                         "text": "Hur räknas de 14 dagarna?"},
                              callback=True))["item"]["id"]
    phones = [meeting.phone() for _ in range(3)]
    listener = meeting.phone()
    events(listener, "change")

    reader = _reader(path)
    locked = threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(path, LOCK_SECONDS, locked))
    holder.start()
    assert locked.wait(5)
    started = time.monotonic()
    answers = {"ok": 0, "busy": 0}
    round_ = 0
    # Each phone votes (on, then off, then on ...) and submits over and over, as phones
    # retry, until the lock is gone and a little after: some answers come while it is held,
    # some after. Each answer is checked against the database the moment it arrives.
    while time.monotonic() - started < LOCK_SECONDS + 0.5:
        on = round_ % 2 == 0
        round_ += 1
        for phone in phones:
            t = time.monotonic()
            ack = phone.emit("vote", {"question_id": question, "on": on}, callback=True)
            assert time.monotonic() - t < 5, ack
            if ack["ok"]:
                assert _vote_stored(reader, question, phone.participant_id) is on, \
                    f"ok for a vote that is not stored as answered: {ack}"
            _count(answers, ack)
            client_id = uuid.uuid4().hex
            t = time.monotonic()
            ack = phone.emit("submit", {"client_id": client_id, "kind": "question",
                                        "text": f"Fråga från {phone.participant_id}"},
                             callback=True)
            assert time.monotonic() - t < 5, ack
            assert _item_stored(reader, client_id) is ack["ok"], \
                f"the answer and the database disagree: {ack}"
            _count(answers, ack)
            ratelimits.reset()  # the limits are not what this test is about
    holder.join()
    reader.close()
    assert answers["busy"], "the lock was never felt"
    assert answers["ok"], "nothing got through once the lock was gone"

    # The room heard only of stored items, each once, in seq order with no gap.
    heard = events(listener, "change")
    stored_ids = {id_ for (id_,) in db.session.execute(
        select(Contribution.id).where(Contribution.id != question))}
    assert {c["data"]["id"] for c in heard if c["type"] == "contribution"} == stored_ids
    seqs = [c["seq"] for c in heard]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


def test_the_outbox_goes_out_after_the_commit_and_never_after_a_rollback(app):
    from facilitator.core import uow

    sent = []
    uow.record(sent.append, "refused")
    assert sent == [] and uow.pending() == 1
    uow.rollback()
    uow.commit()
    assert sent == [] and uow.pending() == 0
    uow.record(sent.append, "first")
    uow.record(sent.append, "second")
    uow.commit()
    uow.commit()
    assert sent == ["first", "second"]


def test_a_connect_refused_for_a_busy_database_says_retry_and_the_next_connect_works(
        locked_app, monkeypatch):
    """In the rush after a restart the pool can run dry during a connect: the phone is
    refused with `retry` (live-core.js connects again), not left connected to nothing, and
    an unknown participant is still refused for good."""
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from facilitator.live import events as live_events

    app, _path, make_socket = locked_app
    meeting = build_meeting(app, make_socket)
    meeting.go_live()
    _pid, token = meeting.join()
    refusals = []  # what the server tells a refused client (the CONNECT_ERROR packet)

    class Spied(socketio.server.packet_class):
        def __init__(self, packet_type=2, data=None, *args, **kwargs):
            if packet_type == 4:  # CONNECT_ERROR
                refusals.append(data)
            super().__init__(packet_type, data, *args, **kwargs)

    monkeypatch.setattr(socketio.server, "packet_class", Spied)
    real = live_events.participant_row_by_token

    def pool_dry(*args):
        raise PoolTimeout("QueuePool limit reached, connection timed out, timeout 2.00")

    monkeypatch.setattr(live_events, "participant_row_by_token", pool_dry)
    refused_phone = meeting.phone(token=token)
    assert not refused_phone.is_connected()
    # socket.io-client hands this to `connect_error` as err.message and err.data.
    assert refusals == [{"message": "busy", "data": {"retry": True}}]

    monkeypatch.setattr(live_events, "participant_row_by_token", real)
    phone = meeting.phone(token=token)
    assert phone.is_connected(), refusals
    ok(phone.emit("snapshot", {}, callback=True))

    stranger = meeting.phone(token="no-such-token")
    assert not stranger.is_connected()
    assert len(refusals) == 2 and "data" not in refusals[1], refusals


def test_resends_the_database_was_too_busy_for_do_not_use_up_the_limit(locked_app):
    """Five questions a minute: a phone that resends one item ten times while the database
    is locked still has four more to ask once it is free."""
    app, path, make_socket = locked_app
    app.config["LIVE_RATE_LIMITS"] = {"submit": "5/minute"}
    meeting = build_meeting(app, make_socket)
    meeting.go_live()
    phone = meeting.phone()
    item = {"client_id": uuid.uuid4().hex, "kind": "question", "text": "Vem följer upp?"}
    locked, released = threading.Event(), threading.Event()

    def hold():
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN EXCLUSIVE")
        locked.set()
        released.wait(10)
        conn.execute("COMMIT")
        conn.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(5)
    answers = [phone.emit("submit", item, callback=True)["error"] for _ in range(10)]
    released.set()
    holder.join(5)
    assert answers == ["busy"] * 10
    assert ok(phone.emit("submit", item, callback=True))["created"] is True
    for n in range(4):
        ok(phone.emit("submit", {"client_id": uuid.uuid4().hex, "kind": "question",
                                 "text": f"Fråga {n}"}, callback=True))
    over = phone.emit("submit", {"client_id": uuid.uuid4().hex, "kind": "question",
                                 "text": "En för mycket"}, callback=True)
    assert over["error"] == "rate_limited"  # the limit itself still holds
