"""The seq heartbeat (`live/heartbeat.py`): each process tells its own sockets the dialogue's
current seq, read from the database, so a phone that missed a change while Redis was away
notices it even when nothing else happens (the client's side: test_live_reorder_window)."""


import pytest
from helpers_live import events, new_meeting, ok
from sqlalchemy import update

from facilitator.dialogues.models import Dialogue
from facilitator.extensions import db
from facilitator.live import heartbeat


@pytest.fixture
def meeting(app, socket_client):
    return new_meeting(app, socket_client)


def test_every_socket_in_a_dialogue_hears_its_seq_and_no_other_dialogues(meeting):
    meeting.go_live()
    phone, console = meeting.phone(), meeting.facilitator_socket()
    elsewhere = meeting.phone(dialogue_id=meeting.other_id)
    at = ok(phone.emit("snapshot", {}, callback=True))["snapshot"]["seq"]
    # A change committed by another process, whose message never came (Redis was away).
    db.session.execute(update(Dialogue).where(Dialogue.id == meeting.dialogue_id)
                       .values(seq=Dialogue.seq + 1))
    db.session.commit()
    for sc in (phone, console, elsewhere):
        sc.get_received()
    heartbeat.beat()
    assert events(phone, "seq") == [{"seq": at + 1}]
    assert events(console, "seq") == [{"seq": at + 1}]
    other_seq = db.session.get(Dialogue, meeting.other_id).seq
    assert events(elsewhere, "seq") == [{"seq": other_seq}]


def test_no_dialogue_without_sockets_here_is_read(meeting, monkeypatch):
    read = []
    real = db.session.execute
    monkeypatch.setattr(db.session, "execute", lambda *a, **k: read.append(a) or real(*a, **k))
    heartbeat.beat()
    assert read == []
