"""Metrics and logs in one process: the token, Redis reachability, audit lines after commit."""

import factories as make
import pytest
from conftest import free_port
from prometheus_client import generate_latest
from structlog.testing import capture_logs

from facilitator.core import logs, metrics, uow
from facilitator.extensions import db


def test_metrics_need_the_token(app, client):
    assert client.get("/metrics").status_code == 404  # no token set: nothing there
    app.config["METRICS_TOKEN"] = "ratt-token"
    assert client.get("/metrics", headers={"Authorization": "Bearer fel"}).status_code == 404
    answer = client.get("/metrics", headers={"Authorization": "Bearer ratt-token"})
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert 'aterforing_sockets_connected{kind="phone"}' in body
    assert "aterforing_meetings_live 0.0" in body  # the pool's figures: test_ops_meeting.py


def test_the_message_queue_is_reported_up_or_down(app, redis_url):
    app.config["SOCKETIO_MESSAGE_QUEUE"] = redis_url
    assert "aterforing_message_queue_up 1.0" in generate_latest(metrics.REGISTRY).decode()
    app.config["SOCKETIO_MESSAGE_QUEUE"] = f"redis://127.0.0.1:{free_port()}/0"  # nobody there
    assert "aterforing_message_queue_up 0.0" in generate_latest(metrics.REGISTRY).decode()


def _dialogue(make_user):
    """A draft dialogue through its service, stored before the logs are watched (creating
    it is audited too)."""
    dialogue, _payload = make.dialogue(make_user(), "Återföringsdialog Gnesta")
    uow.commit()  # the factory's one commit
    return dialogue


def test_an_audited_action_logs_one_line_after_its_commit_and_none_after_a_rollback(
        app, make_user):
    from facilitator.audit import services

    dialogue = _dialogue(make_user)
    with capture_logs() as captured:
        services.record("reflection.edited", dialogue=dialogue, subject=dialogue,
                        before="Barnet med personnummer 811218-9876", after="hemlig text")
        db.session.flush()
        assert captured == []  # not before the commit
        db.session.commit()
    lines = [e for e in captured if e["event"] == "audit"]
    assert len(lines) == 1
    line = lines[0]
    assert line["action"] == "reflection.edited" and line["dialogue_id"] == dialogue.id
    assert line["subject_type"] == "dialogues" and line["actor_kind"] == "system"
    assert "811218" not in str(captured) and "hemlig" not in str(captured)

    with capture_logs() as captured:
        services.record("reflection.edited", dialogue=dialogue, subject=dialogue)
        db.session.flush()
        db.session.rollback()
        db.session.commit()
    assert [e for e in captured if e["event"] == "audit"] == []


def test_fields_that_could_hold_text_are_dropped():
    event = {"event": "x", "text": "Barnet heter Kim", "name": "Anna", "email": "a@ivo.se",
             "dialogue_id": 3}
    assert logs._drop_personal(None, "info", dict(event)) == {"event": "x", "dialogue_id": 3}


@pytest.mark.parametrize("given, kept", [("abcdef12-3456", True), ("kort", False),
                                         ("<script>alert(1)</script>", False)])
def test_a_request_id_from_the_proxy_is_kept_only_when_it_is_safe(client, given, kept):
    answer = client.get("/healthz", headers={"X-Request-ID": given})
    assert (answer.headers["X-Request-ID"] == given) is kept
    assert len(answer.headers["X-Request-ID"]) >= 8




ONE_REQUEST_EACH = r"""
import sys
from facilitator import create_app

for name in ("development", "production"):
    create_app(name).test_client().get("/healthz", headers={"X-Request-ID": "begaran-0123456789"})
    print("--", file=sys.stderr)
"""


def test_readable_lines_in_development_and_json_in_production(tmp_path):
    import json
    import subprocess
    import sys

    from conftest import ROOT, server_env

    env = server_env(f"sqlite:///{tmp_path / 'logs.sqlite3'}")
    env.pop("LOG_FORMAT", None)  # each environment's own default
    done = subprocess.run([sys.executable, "-c", ONE_REQUEST_EACH], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True)
    development, production = (
        next(line for line in part.splitlines() if "http.request" in line)
        for part in done.stderr.split("\n--\n")[:2])
    assert not development.lstrip().startswith("{")  # a line a person reads, not JSON
    assert "[info     ] http.request" in development
    assert "request_id=begaran-0123456789" in development and "route=/healthz" in development
    entry = json.loads(production)
    assert (entry["event"], entry["request_id"], entry["route"], entry["status"]) == (
        "http.request", "begaran-0123456789", "/healthz", 200)
    assert entry["level"] == "info" and entry["duration_ms"] >= 0
