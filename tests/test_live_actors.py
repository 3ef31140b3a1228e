"""Who may do what over the socket: every event, tried by every actor that must be refused."""

import uuid

import pytest
from helpers_live import get, new_meeting, ok, refused
from sqlalchemy import select

from facilitator.accounts.models import LoginSession
from facilitator.audit.models import AuditEntry
from facilitator.contributions.models import Contribution, Stance, Vote
from facilitator.core.clock import utcnow
from facilitator.dialogues.models import Dialogue
from facilitator.extensions import db, socketio
from facilitator.meetings.models import Meeting, Poll
from facilitator.participants.models import Participant
from facilitator.participants.services import cookie_name

PARTICIPANT_EVENTS = ("submit", "vote", "stance")
FACILITATOR_EVENTS = ("moderate", "agenda", "intake", "poll", "results_view", "split")
WRITES = PARTICIPANT_EVENTS + FACILITATOR_EVENTS
EVENTS = ("snapshot",) + WRITES


def test_every_registered_event_is_covered_here(app):
    handlers = set(socketio.server.handlers["/"]) - {"connect", "disconnect"}
    assert handlers == set(EVENTS), "a new socket event needs its wrong-actor tests here"


@pytest.fixture
def room(app, socket_client):
    """Dialogue A live, with a public question, a vote, a stance and an open poll."""
    meeting = new_meeting(app, socket_client)
    console = meeting.facilitator_socket()
    author = meeting.phone()
    meeting.question_id = ok(author.emit("submit", {
        "client_id": uuid.uuid4().hex, "kind": "question", "text": "Hur följs besluten upp?",
    }, callback=True))["item"]["id"]
    ok(console.emit("agenda", {"action": "start"}, callback=True))
    ok(console.emit("poll", {"action": "open", "reflection_id": meeting.reflection_ids[0]},
                    callback=True))
    ok(meeting.phone().emit("vote", {"question_id": meeting.question_id, "on": True},
                            callback=True))
    ok(author.emit("stance", {"reflection_id": meeting.reflection_ids[0], "value": "agree"},
                   callback=True))
    console.disconnect()
    return meeting


def payloads(meeting) -> dict:
    """A payload for each event that would change dialogue A if the actor were allowed."""
    return {
        "snapshot": {},
        "submit": {"client_id": uuid.uuid4().hex, "kind": "question",
                   "text": "Kan ni förklara bedömningen?",
                   "reflection_id": meeting.reflection_ids[0]},
        "vote": {"question_id": meeting.question_id, "on": False},
        "stance": {"reflection_id": meeting.reflection_ids[0], "value": "disagree"},
        "moderate": {"action": "hide", "id": meeting.question_id},
        "agenda": {"action": "next"},
        "intake": {"open": False},
        "poll": {"action": "close"},
        "results_view": {"view": "total"},
        "split": {"reflection_id": meeting.reflection_ids[0]},
    }


def state(dialogue_id: int) -> dict:
    """Everything about dialogue A that an event could change."""
    db.session.expire_all()
    dialogue = get(Dialogue, dialogue_id)
    meeting = get(Meeting, dialogue_id)
    return {
        "dialogue": (dialogue.seq, str(dialogue.status)),
        "meeting": (meeting.current_agenda_item_id, meeting.intake_open,
                    meeting.projector_token_hash, meeting.results_view,
                    meeting.split_reflection_id) if meeting else None,
        "polls": [(p.id, p.reflection_id, p.closed_at) for p in db.session.scalars(
            select(Poll).where(Poll.dialogue_id == dialogue_id))],
        "contributions": [(c.id, c.text, str(c.status), c.pinned, c.answered, c.merged_into_id)
                          for c in db.session.scalars(select(Contribution).where(
                              Contribution.dialogue_id == dialogue_id))],
        "votes": sorted((v.contribution_id, v.participant_id)
                        for v in db.session.scalars(select(Vote))),
        "stances": sorted((s.participant_id, s.reflection_id, str(s.value))
                          for s in db.session.scalars(select(Stance).where(
                              Stance.dialogue_id == dialogue_id))),
        "audit": len(list(db.session.scalars(select(AuditEntry.id).where(
            AuditEntry.dialogue_id == dialogue_id)))),
    }


# --- a participant of another dialogue ------------------------------------------------------


@pytest.mark.parametrize("event", EVENTS)
def test_a_participant_of_another_dialogue_cannot_touch_it(room, event):
    before = state(room.dialogue_id)
    stranger = room.phone(dialogue_id=room.other_id)
    ack = stranger.emit(event, payloads(room)[event], callback=True)
    if event == "snapshot":
        snapshot = ok(ack)["snapshot"]
        assert snapshot["dialogue"]["id"] == room.other_id
        assert snapshot["questions"] == [] and "Hur följs" not in str(snapshot)
    else:
        refused(ack, "forbidden", "not_found", "validation", "conflict")
    assert state(room.dialogue_id) == before


def test_a_participant_cannot_connect_to_another_dialogue_with_its_cookie(room):
    _pid, token = room.join(room.other_id)
    http = room.app.test_client()
    http.set_cookie(cookie_name(room.other), token)
    assert not room.make_socket(http, auth={"dialogue": room.dialogue_id}).is_connected()
    # Not even when the token is put under the other dialogue's cookie name.
    http = room.app.test_client()
    http.set_cookie(cookie_name(room.dialogue), token)
    assert not room.make_socket(http, auth={"dialogue": room.dialogue_id}).is_connected()


# --- participants and facilitators out of their role -------------------------------------


@pytest.mark.parametrize("event", FACILITATOR_EVENTS)
def test_a_participant_cannot_do_a_facilitators_work(room, event):
    before = state(room.dialogue_id)
    phone = room.phone()
    ack = refused(phone.emit(event, payloads(room)[event], callback=True), "forbidden")
    assert "samordnare" in ack["message"]
    assert state(room.dialogue_id) == before


@pytest.mark.parametrize("event", PARTICIPANT_EVENTS)
def test_a_facilitator_does_not_act_as_a_participant(room, event):
    before = state(room.dialogue_id)
    console = room.facilitator_socket()
    refused(console.emit(event, payloads(room)[event], callback=True), "forbidden")
    assert state(room.dialogue_id) == before


# --- the projector reads, never writes ----------------------------------------------------


@pytest.mark.parametrize("event", EVENTS)
def test_the_projector_only_reads(room, event):
    projector = room.projector_socket()
    before = state(room.dialogue_id)
    ack = projector.emit(event, payloads(room)[event], callback=True)
    if event == "snapshot":
        assert ok(ack)["snapshot"]["audience"] == "projector"
    else:
        refused(ack, "forbidden")
    assert state(room.dialogue_id) == before


def test_a_rotated_projector_link_drops_the_old_screen(room):
    projector = room.projector_socket()
    ok(projector.emit("snapshot", {}, callback=True))
    room.projector_token()  # a new link: the old one stops working
    assert not projector.is_connected()
    stale = room.make_socket(room.app.test_client(),
                             auth={"as": "projector", "token": projector.token})
    assert not stale.is_connected()


def test_a_rotated_projector_link_is_refused_at_the_next_event(room):
    """A screen on another server process is not dropped at once, but refused at its next
    event: the link is checked against the database every time."""
    from facilitator.core.tokens import hash_token as token_hash

    projector = room.projector_socket()
    get(Meeting, room.dialogue_id).projector_token_hash = token_hash("en helt ny länk")
    db.session.commit()
    refused(projector.emit("snapshot", {}, callback=True), "not_authenticated")


# --- logged out, not on the dialogue, anonymous ----------------------------------------------


def test_logging_out_drops_the_facilitators_sockets(room):
    console = room.facilitator_socket()
    other_dialogue_page = room.make_socket(console.http, auth={})  # a login-only socket
    assert console.is_connected() and other_dialogue_page.is_connected()
    response = console.http.post("/logga-ut")
    assert response.status_code in (302, 303)
    for sc in (console, other_dialogue_page):
        assert not sc.is_connected()
        assert [m["name"] for m in sc.queue] == ["session_ended"]
    assert not room.make_socket(console.http, auth={"dialogue": room.dialogue_id,
                                                    "as": "facilitator"}).is_connected()


@pytest.mark.parametrize("event", EVENTS)
def test_an_ended_login_is_refused_at_every_event(room, event):
    """A socket on another server process is not dropped at logout, but refused at once."""
    console = room.facilitator_socket()
    before = state(room.dialogue_id)
    for login in db.session.scalars(select(LoginSession)):
        login.ended_at = utcnow()
    db.session.commit()
    ack = refused(console.emit(event, payloads(room)[event], callback=True),
                  "not_authenticated")
    assert "Logga in" in ack["message"]
    assert state(room.dialogue_id) == before


def test_a_facilitator_not_on_the_dialogue_is_refused_at_connect(room):
    stranger = room.facilitator_socket(email="annan@ivo.se")
    assert not stranger.is_connected()
    # ...and the admin, who may manage every dialogue, is let in.
    assert room.facilitator_socket(email="admin@ivo.se").is_connected()


@pytest.mark.parametrize("event", EVENTS)
def test_a_facilitator_taken_off_the_dialogue_is_refused_per_event(room, event):
    console = room.facilitator_socket()
    dialogue = room.dialogue
    dialogue.facilitators = []
    db.session.commit()
    before = state(room.dialogue_id)
    refused(console.emit(event, payloads(room)[event], callback=True), "forbidden")
    assert state(room.dialogue_id) == before


@pytest.mark.parametrize("event", EVENTS)
def test_a_removed_participant_is_refused_at_every_event(room, event):
    phone = room.phone()
    db.session.delete(get(Participant, phone.participant_id))
    db.session.commit()
    before = state(room.dialogue_id)
    refused(phone.emit(event, payloads(room)[event], callback=True), "not_authenticated")
    assert state(room.dialogue_id) == before


@pytest.mark.parametrize("auth", [
    None, {}, "d1", {"dialogue": 1}, {"dialogue": "1"}, {"dialogue": 1, "as": "facilitator"},
    {"as": "facilitator"}, {"as": "projector"}, {"as": "projector", "token": "gissat"},
    {"as": "projector", "token": ["lista"]}, {"dialogue": "²"}, {"dialogue": -1},
    {"dialogue": 10**30}, {"dialogue": "1" * 40}, {"dialogue": [1]}, {"dialogue": True},
    {"dialogue": 1.0}, {"dialogue": 1, "as": "admin"},
], ids=repr)
def test_an_anonymous_connect_is_refused(room, auth):
    sc = room.make_socket(room.app.test_client(), auth=auth)
    assert not sc.is_connected()


def test_a_made_up_participant_cookie_is_refused(room):
    http = room.app.test_client()
    http.set_cookie(cookie_name(room.dialogue), "x" * 43)
    assert not room.make_socket(http, auth={"dialogue": room.dialogue_id}).is_connected()
    http.set_cookie(cookie_name(room.dialogue), "x" * 300)
    assert not room.make_socket(http, auth={"dialogue": room.dialogue_id}).is_connected()


# --- one browser, several screens ----------------------------------------------------------


def test_a_logged_in_facilitator_can_drive_the_projector(room):
    http = room.login("fac@ivo.se")
    token = room.projector_token()
    projector = room.make_socket(http, auth={"as": "projector", "token": token})
    assert projector.is_connected()
    snapshot = ok(projector.emit("snapshot", {}, callback=True))["snapshot"]
    assert snapshot["audience"] == "projector" and "queue" not in snapshot
    refused(projector.emit("intake", {"open": False}, callback=True), "forbidden")


def test_the_phone_view_in_a_facilitators_browser_is_the_participant(room):
    """A facilitator trying the phone view gets the phone's data, never the queue."""
    http = room.login("fac@ivo.se")
    _pid, token = room.join()
    http.set_cookie(cookie_name(room.dialogue), token)
    phone = room.make_socket(http, auth={"dialogue": room.dialogue_id})
    snapshot = ok(phone.emit("snapshot", {}, callback=True))["snapshot"]
    assert snapshot["audience"] == "participant" and "queue" not in snapshot
    console = room.make_socket(http, auth={"dialogue": room.dialogue_id, "as": "facilitator"})
    assert ok(console.emit("snapshot", {}, callback=True))["snapshot"]["audience"] == \
        "facilitator"
