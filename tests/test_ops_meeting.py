"""What an operator sees while a meeting runs: Prometheus metrics and the JSON log.

A real server (gunicorn + gevent), twenty simulated phones and a facilitator's console; the
metrics are scraped before, during and after, and the server's log is read line by line.
"""

import json
import re
import sqlite3
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests
import socketio as socketio_client
from conftest import ROOT, free_port, server_env, start_server

pytestmark = pytest.mark.xdist_group("ops")

PHONES = 20
TOKEN = "metrics-token-for-the-test"
PERSONNUMMER = "811218-9876"

SETUP = r"""
import json, sys
sys.path.insert(0, "tests")  # the test factories: the room is made through the services
import factories as make
from facilitator import create_app

app = create_app()
with app.app_context():
    from flask_migrate import upgrade
    upgrade()
    print(json.dumps(make.room(int(sys.argv[1]), email="ada.admin@ivo.se", premoderation=True,
                               live=True, projector=True)))
"""


def scrape(url: str, **headers) -> dict[str, float]:
    answer = requests.get(url, headers=headers, timeout=10)
    assert answer.status_code == 200, answer.status_code
    figures = {}
    for line in answer.text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            figures[name] = float(value)
    return figures


def value(figures, name, **labels) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    return figures.get(f"{name}{{{want}}}" if labels else name, 0.0)


@pytest.fixture
def meeting(tmp_path):
    db_path = tmp_path / "ops.sqlite3"
    metrics_port = free_port()
    env = server_env(f"sqlite:///{db_path}", LOG_FORMAT="json", METRICS_TOKEN=TOKEN,
                     METRICS_PORT=str(metrics_port), JOIN_CODE_RATE_LIMIT="1000 per minute")
    done = subprocess.run([sys.executable, "-c", SETUP, str(PHONES)],
                          env={**env, "SOCKETIO_ASYNC_MODE": "threading", "LOG_FORMAT": ""},
                          cwd=ROOT, capture_output=True, text=True, check=True)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    with sqlite3.connect(db_path) as conn:  # what the server logs is what comes after these
        data["audited_before"] = conn.execute(
            "SELECT coalesce(max(id), 0) FROM audit_entries").fetchone()[0]
    port = free_port()
    process = start_server(env, port)
    data.update(url=f"http://127.0.0.1:{port}", metrics_port=metrics_port,
                log_path=process.log_path, db_path=db_path)
    yield data
    process.terminate()
    process.wait(10)


def _facilitator_cookie(url: str) -> str:
    http = requests.Session()
    page = http.get(f"{url}/logga-in", timeout=10).text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = http.post(f"{url}/logga-in", data={"csrf_token": csrf, "email": "ada.admin@ivo.se",
                                                "password": "ett-langt-testlosenord"},
                       timeout=10, allow_redirects=False)
    assert answer.status_code == 302, answer.status_code
    return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def test_metrics_and_the_json_log_follow_a_meeting_of_twenty_phones(meeting):
    url, auth = meeting["url"], {"Authorization": f"Bearer {TOKEN}"}
    metrics_url = f"{url}/metrics"
    # Never public: without the token there is nothing at /metrics.
    assert requests.get(metrics_url, timeout=5).status_code == 404
    assert requests.get(metrics_url, headers={"Authorization": "Bearer fel"},
                        timeout=5).status_code == 404
    before = scrape(metrics_url, **auth)
    assert value(before, "aterforing_sockets_connected", kind="phone") == 0
    assert value(before, "aterforing_meetings_live") == 1

    console = socketio_client.Client(reconnection=False)
    console.connect(url, headers={"Cookie": _facilitator_cookie(url)},
                    auth={"dialogue": meeting["dialogue"], "as": "facilitator"},
                    transports=["websocket"], wait_timeout=10)
    projector = socketio_client.Client(reconnection=False)
    projector.connect(url, auth={"dialogue": meeting["dialogue"], "as": "projector",
                                 "token": meeting["projector"]},
                      transports=["websocket"], wait_timeout=10)
    phones = []
    for _pid, token in meeting["phones"]:
        phone = socketio_client.Client(reconnection=False)
        phone.connect(url, headers={"Cookie": f"{meeting['cookie']}={token}"},
                      auth={"dialogue": meeting["dialogue"]}, transports=["websocket"],
                      wait_timeout=10)
        phones.append(phone)
    connected = scrape(f"http://127.0.0.1:{meeting['metrics_port']}/")  # the separate port
    assert value(connected, "aterforing_sockets_connected", kind="phone") == PHONES
    assert value(connected, "aterforing_sockets_connected", kind="console") == 1
    assert value(connected, "aterforing_sockets_connected", kind="projector") == 1
    assert value(connected, "aterforing_meetings_with_sockets") == 1

    secrets = [f"HEMLIGFRAGA{n}{uuid.uuid4().hex[:6]}" for n in range(PHONES)]
    items, lock = [], threading.Lock()

    def ask(n):
        text = f"Hur följer ni upp {secrets[n]}?"
        if n == 0:
            text = f"Barnet med personnummer {PERSONNUMMER} väntar, {secrets[n]}"
        ack = phones[n].call("submit", {"client_id": uuid.uuid4().hex, "kind": "question",
                                        "text": text}, timeout=10)
        assert ack["ok"], ack
        with lock:
            items.append((n, ack["item"]["id"]))

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(PHONES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(items) == PHONES
    during = scrape(metrics_url, **auth)
    assert value(during, "aterforing_socket_events_total", event="submit", outcome="ok") == \
        value(before, "aterforing_socket_events_total", event="submit", outcome="ok") + PHONES
    assert value(during, "aterforing_socket_ack_seconds_count", event="submit") == PHONES
    assert value(during, "aterforing_socket_ack_seconds_bucket", event="submit",
                 le="+Inf") == PHONES
    assert value(during, "aterforing_socket_ack_seconds_sum", event="submit") > 0
    assert value(during, "aterforing_broadcast_seconds_count", message="queue") >= PHONES

    # The facilitator approves every question but the flagged one; every phone votes.
    approved = [cid for n, cid in items if n != 0]
    for cid in approved:
        assert console.call("moderate", {"action": "approve", "id": cid}, timeout=10)["ok"]
    # Every phone but the asker votes for the first (an asker cannot support their own).
    asker = next(n for n, cid in items if cid == approved[0])
    voters = [phone for n, phone in enumerate(phones) if n != asker]
    for phone in voters:
        assert phone.call("vote", {"question_id": approved[0], "on": True}, timeout=10)["ok"]
    refused = console.call("moderate", {"action": "fly", "id": approved[0]}, timeout=10)
    assert refused["ok"] is False
    after = scrape(metrics_url, **auth)
    assert value(after, "aterforing_socket_events_total", event="moderate", outcome="ok") == \
        len(approved)
    assert value(after, "aterforing_socket_events_total", event="moderate",
                 outcome="validation") == 1
    assert value(after, "aterforing_socket_events_total", event="vote", outcome="ok") == \
        len(voters)
    assert value(after, "aterforing_socket_ack_seconds_count", event="vote") == len(voters)
    assert value(after, "aterforing_broadcast_seconds_count", message="change") >= len(approved)
    assert value(after, "aterforing_db_pool_wait_seconds_count") > value(
        before, "aterforing_db_pool_wait_seconds_count")
    assert "aterforing_db_pool_in_use" in after

    # One phone asks six more questions at once: five a minute are let through, the rest are
    # rate limited. Its first question still counts when this minute began less than a
    # minute after it (a slow machine may take longer to get here), so four or five pass.
    answers = [phones[1].call("submit", {"client_id": uuid.uuid4().hex, "kind": "question",
                                         "text": f"Följdfråga {n}"}, timeout=10)
               for n in range(6)]
    passed = [a["ok"] for a in answers].index(False)
    assert passed in (4, 5), answers
    assert not any(a["ok"] for a in answers[passed:]), answers
    assert {a["error"] for a in answers[passed:]} == {"rate_limited"}
    limited = scrape(metrics_url, **auth)
    assert value(limited, "aterforing_rate_limited_total", what="socket:submit") == 6 - passed
    assert value(limited, "aterforing_socket_events_total", event="submit",
                 outcome="rate_limited") == 6 - passed

    for phone in phones:
        phone.disconnect()
    console.disconnect()
    projector.disconnect()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        gone = scrape(metrics_url, **auth)
        if value(gone, "aterforing_sockets_connected", kind="phone") == 0:
            break
        time.sleep(0.2)
    assert value(gone, "aterforing_sockets_connected", kind="phone") == 0
    assert value(gone, "aterforing_sockets_connected", kind="console") == 0
    assert value(gone, "aterforing_sockets_connected", kind="projector") == 0

    # The log: every line of ours is JSON with its ids, one per action, no personal text.
    time.sleep(0.5)
    with open(meeting["log_path"], encoding="utf-8") as log:
        raw = log.read()
    assert PERSONNUMMER not in raw and "811218" not in raw
    for secret in secrets:
        assert secret not in raw
    assert "Följdfråga" not in raw and "Ada Admin" not in raw and "ada.admin@ivo.se" not in raw
    lines = [json.loads(line) for line in raw.splitlines() if line.startswith("{")]
    ours = [line for line in raw.splitlines() if not line.startswith("[")]  # gunicorn's own
    assert len(lines) == len(ours), [line for line in ours if not line.startswith("{")][:3]
    submits = [e for e in lines if e.get("event") == "socket.event"
               and e.get("socket_event") == "submit" and e["outcome"] == "ok"]
    assert len(submits) == PHONES + passed
    assert len({e["event_id"] for e in submits}) == PHONES + passed
    phone_ids = {pid for pid, _token in meeting["phones"]}
    for e in submits:
        assert e["dialogue_id"] == meeting["dialogue"] and e["outcome"] == "ok"
        assert e["actor_kind"] == "participant" and e["actor_id"] in phone_ids
        assert e["duration_ms"] >= 0 and e["level"] == "info" and e["timestamp"]
    # Every line from a request or an event carries its id.
    assert all(e.get("request_id") or e.get("event_id") for e in lines
               if e.get("event") in ("http.request", "socket.event", "audit")), lines[:3]
    audits = [e for e in lines if e.get("event") == "audit"]
    # Each action the audit log stored has its one line, with the same ids.
    with sqlite3.connect(meeting["db_path"]) as conn:
        stored = conn.execute("SELECT action, subject_id FROM audit_entries WHERE id > ?",
                              (meeting["audited_before"],)).fetchall()
    assert sorted((e["action"], e["subject_id"]) for e in audits) == sorted(stored)
    approvals = [e for e in audits if e["action"] == "contribution.approve"]
    assert sorted(e["subject_id"] for e in approvals) == sorted(approved)  # one line each
    for e in approvals:
        assert e["dialogue_id"] == meeting["dialogue"] and e["actor_kind"] == "user"
        assert e["event_id"] and e["socket_event"] == "moderate"
    # The refused moderation is logged as such, and audited nothing.
    assert [e["outcome"] for e in lines if e.get("socket_event") == "moderate"
            and e.get("event") == "socket.event"].count("validation") == 1
    requests_logged = [e for e in lines if e.get("event") == "http.request"]
    assert any(e["route"] == "/logga-in" and e["status"] == 302 for e in requests_logged)
    assert all(e["request_id"] for e in requests_logged)
