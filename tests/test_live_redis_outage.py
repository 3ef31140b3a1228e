"""Redis gone mid-meeting: the real server (gunicorn + gevent) with Redis as its message queue
and its rate-limit storage, and a Redis of the test's own on a free port (never the shared
one), killed and started again. Writes go on, /healthz says what is down, and the counters
go back to Redis when it is back."""

import json
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import requests
import socketio as socketio_client
from conftest import ROOT, free_port, server_env, start_server

SETUP = r"""
import json, sys
sys.path.insert(0, "tests")  # the test factories: the room is made through the services
import factories as make
from facilitator import create_app
from facilitator.extensions import db

app = create_app()
with app.app_context():
    db.create_all()  # the migrations' schema (tests/test_foundation_migrations.py), quicker
    print(json.dumps(make.room(2, roles=("socialsekreterare", "chef"))))
"""


@pytest.fixture
def meeting(tmp_path, own_redis):
    path = tmp_path / "outage.sqlite3"
    env = server_env(f"sqlite:///{path}", SOCKETIO_MESSAGE_QUEUE=own_redis.url,
                     SOCKETIO_CHANNEL=f"test-outage-{uuid.uuid4().hex[:8]}",
                     RATELIMIT_STORAGE_URI=own_redis.url)
    done = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, capture_output=True,
                          text=True, env={**env, "SOCKETIO_ASYNC_MODE": "threading"})
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(done.stdout.strip().splitlines()[-1])
    port = free_port()
    process = start_server(env, port, timeout=30)
    data.update(url=f"http://127.0.0.1:{port}", path=path, process=process)
    yield data
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()


def _phone(meeting, token):
    sio = socketio_client.Client(reconnection=False)
    sio.connect(meeting["url"], headers={"Cookie": f"{meeting['cookie']}={token}"},
                auth={"dialogue": meeting["dialogue"]}, transports=["websocket"],
                wait_timeout=10)
    return sio


def _submit(sio, text):
    """Submit a question and time its acknowledgement."""
    client_id = uuid.uuid4().hex
    started = time.monotonic()
    ack = sio.call("submit", {"client_id": client_id, "kind": "question", "text": text},
                   timeout=5)
    return client_id, ack, time.monotonic() - started


def _stored(meeting, sql, *args):
    with sqlite3.connect(meeting["path"]) as conn:
        return conn.execute(sql, args).fetchall()


def _health(meeting):
    try:
        with urllib.request.urlopen(f"{meeting['url']}/healthz", timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _failed_login(meeting) -> int:
    """A wrong password on the login page (counted by Flask-Limiter): its HTTP status."""
    with requests.Session() as http:
        page = http.get(f"{meeting['url']}/logga-in", timeout=5).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        answer = http.post(f"{meeting['url']}/logga-in", timeout=5, data={
            "csrf_token": token, "email": "admin@ivo.se", "password": "fel-losenord-helt"})
        return answer.status_code


def _until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.mark.parametrize("fault", ["killed", "frozen"])
def test_a_redis_outage_stops_no_submission_or_vote_and_limits_go_back_to_redis(
        meeting, own_redis, fault):
    (asker_id, asker_token), (voter_id, voter_token) = meeting["phones"]
    asker, voter = _phone(meeting, asker_token), _phone(meeting, voter_token)

    # Redis answers: the counters are kept there, /healthz is ok.
    first_id, ack, _ = _submit(asker, "Hur följer nämnden upp barnets berättelse?")
    assert ack["ok"] is True, ack
    assert own_redis.keys("LIMITS:*live*submit*"), "the submit should be counted in Redis"
    assert _health(meeting) == (200, {"database": "ok", "redis": "ok",
                                      "rate_limit_storage": "ok", "status": "ok"})

    own_redis.fail(fault)

    # Redis gone: submissions and votes are acknowledged and stored all the same.
    acks = [_submit(asker, f"Fråga {n} medan Redis är borta") for n in range(5)]
    for client_id, ack, seconds in acks:
        assert ack["ok"] is True, ack
        # The first event of the outage waits out the timeouts once (0.5 s for the rate
        # limit, 0.5 s for the broadcast), the others not at all.
        assert seconds < 2.0, f"acknowledged after {seconds:.1f} s"
        assert _stored(meeting, "SELECT text FROM contributions WHERE client_id = ?",
                       client_id) == [(ack["item"]["text"],)]
    question = acks[0][1]["item"]["id"]
    vote = voter.call("vote", {"question_id": question, "on": True}, timeout=5)
    assert vote["ok"] is True, vote
    assert _stored(meeting, "SELECT participant_id FROM votes WHERE contribution_id = ?",
                   question) == [(voter_id,)]
    # The limits still hold, counted in the process's memory from the outage on (five
    # questions a minute): a sixth is refused as before.
    refused = _submit(asker, "En fråga för mycket")[1]
    assert refused["ok"] is False and refused["error"] == "rate_limited", refused
    # Pages counted by Flask-Limiter answer as usual: a wrong password is a 401, not a 500.
    assert _failed_login(meeting) == 401

    status, body = _health(meeting)
    assert status == 200, body
    assert body["status"] == "degraded" and body["database"] == "ok"
    assert body["redis"] == "unreachable" and body["rate_limit_storage"] == "unreachable"
    assert body["redis_error"] == {"killed": "ConnectionError", "frozen": "TimeoutError"}[fault]

    # The log says so once, not once per event.
    log = Path(meeting["process"].log_path).read_text()
    assert log.count("ratelimit.storage_unreachable") == 1, log[-3000:]
    assert log.count("message_queue.unreachable") == 1, log[-3000:]
    assert "Cannot publish to redis" not in log

    own_redis.recover(fault)
    assert _health(meeting)[1]["status"] == "ok"
    # Back in Redis: after the next look (every 2 s) a vote is counted there again.
    def counted_in_redis():
        ack = voter.call("vote", {"question_id": question, "on": False}, timeout=5)
        assert ack["ok"] is True, ack
        return bool(own_redis.keys("LIMITS:*live*vote*"))

    _until(counted_in_redis, 10, "votes counted in Redis again")
    assert "ratelimit.storage_recovered" in Path(meeting["process"].log_path).read_text()
    # Flask-Limiter looks again after a growing pause; its counters come back to Redis too.
    _until(lambda: _failed_login(meeting) == 401 and bool(own_redis.keys("LIMITS:*login*")), 20,
           "failed logins counted in Redis again")
    assert len(_stored(meeting, "SELECT id FROM contributions")) == 6
    asker.disconnect()
    voter.disconnect()
    print(f"\nRedis {fault}: {len(acks)} questions and a vote acknowledged and stored, "
          f"acknowledged in {', '.join(f'{a[2]:.2f}' for a in acks)} s")
