"""The live meeting over Socket.IO, as phones, the console and the projector see it."""

import json
import uuid
from datetime import timedelta

import pytest
from helpers_live import events, get, new_meeting, ok, received, refused
from sqlalchemy import func, select

from facilitator.audit.models import AuditEntry
from facilitator.contributions.models import Contribution, Stance, Vote
from facilitator.core.clock import utcnow
from facilitator.dialogues.models import Dialogue
from facilitator.extensions import db
from facilitator.live import tallies
from facilitator.meetings.models import ItemTiming


@pytest.fixture
def meeting(app, socket_client):
    return new_meeting(app, socket_client)


PERSONNUMMER_TEXT = "Gäller barnet 121212-1212 som vi pratade om?"


def cid() -> str:
    return uuid.uuid4().hex


def submit(sc, text="Hur följer ni upp förhandsbedömningarna?", client_id=None, **extra):
    payload = {"client_id": client_id or cid(), "kind": "question", "text": text, **extra}
    return sc.emit("submit", payload, callback=True)


def snap(sc) -> dict:
    return ok(sc.emit("snapshot", {}, callback=True))["snapshot"]


def rows(**where) -> list[Contribution]:
    query = select(Contribution).order_by(Contribution.id)
    for key, value in where.items():
        query = query.where(getattr(Contribution, key) == value)
    return list(db.session.scalars(query))


def seq_of(dialogue_id) -> int:
    return db.session.scalar(select(Dialogue.seq).where(Dialogue.id == dialogue_id))


def changes(sc) -> list[dict]:
    return events(sc, "change")


# --- snapshots per audience --------------------------------------------------------------


def test_each_audience_sees_only_what_it_may(meeting):
    alice, bertil = meeting.phone(), meeting.phone(role="chef")
    console, projector = meeting.facilitator_socket(), meeting.projector_socket()
    public = ok(submit(alice, "Hur säkras barnets röst i utredningen?"))["item"]
    flagged = ok(submit(bertil, PERSONNUMMER_TEXT))["item"]
    meeting.set(premoderation=True)
    pending = ok(submit(bertil, "En fråga som väntar på granskning"))["item"]
    assert (flagged["status"], flagged["flagged"]) == ("pending", True)
    assert (pending["status"], pending["flagged"]) == ("pending", False)

    # The room heard only of the public question; the console of all three.
    for sc in (alice, projector):
        assert [c["data"]["id"] for c in changes(sc)] == [public["id"]]
    queued = [m["data"] for m in events(console, "queue")]
    assert [q["id"] for q in queued] == [public["id"], flagged["id"], pending["id"]]
    assert queued[1]["flagged"] is True and queued[1]["text"] == PERSONNUMMER_TEXT

    a = snap(alice)
    assert a["audience"] == "participant"
    assert [q["id"] for q in a["questions"]] == [public["id"]]
    assert [m["id"] for m in a["mine"]] == [public["id"]]
    assert a["me"]["id"] == alice.participant_id
    assert "queue" not in a and "participants" not in a
    text = json.dumps(a, ensure_ascii=False)
    assert "121212-1212" not in text and "väntar på granskning" not in text

    b = snap(bertil)
    assert [q["id"] for q in b["questions"]] == [public["id"]]
    mine = {m["id"]: m for m in b["mine"]}
    assert set(mine) == {flagged["id"], pending["id"]}
    assert mine[flagged["id"]]["flagged"] is True and mine[pending["id"]]["status"] == "pending"

    f = snap(console)
    assert f["audience"] == "facilitator"
    assert f["participants"] == 2
    queue = {q["id"]: q for q in f["queue"]}
    assert set(queue) == {public["id"], flagged["id"], pending["id"]}
    assert queue[flagged["id"]]["flagged"] is True
    assert queue[pending["id"]]["status"] == "pending"
    assert "me" not in f and "mine" not in f
    assert f["dialogue"]["premoderation"] is True

    p = snap(projector)
    assert p["audience"] == "projector"
    assert [q["id"] for q in p["questions"]] == [public["id"]]
    for key in ("queue", "me", "mine", "my_votes", "participants"):
        assert key not in p
    text = json.dumps(p, ensure_ascii=False)
    assert "121212-1212" not in text and "väntar på granskning" not in text
    assert p["seq"] == f["seq"] == a["seq"] == seq_of(meeting.dialogue_id)
    assert [r["title"] for r in p["reflections"]] == ["Reflektion 1", "Reflektion 2"]
    assert [i["title"] for i in p["agenda"]] == ["Punkt 1", "Punkt 2", "Punkt 3"]


# --- submitting ------------------------------------------------------------------------------


def test_submit_is_stored_before_the_ack_and_a_resend_returns_the_stored_item(meeting):
    phone, other = meeting.phone(), meeting.phone()
    client_id = cid()
    before = seq_of(meeting.dialogue_id)
    ack = ok(submit(phone, "Hur ser ni på 14-dagarsgränsen?", client_id=client_id))
    assert ack["created"] is True
    [stored] = rows(client_id=client_id)
    assert ack["item"]["id"] == stored.id and stored.text == "Hur ser ni på 14-dagarsgränsen?"
    assert ack["item"]["client_id"] == client_id and ack["item"]["status"] == "approved"
    [change] = changes(other)
    assert change == {"seq": before + 1, "type": "contribution", "data": change["data"]}
    assert change["data"]["id"] == stored.id and "client_id" not in change["data"]
    assert seq_of(meeting.dialogue_id) == before + 1
    own = events(phone, "own")
    assert [o["data"]["id"] for o in own] == [stored.id]

    # The phone lost the ack and sends again, even with changed text: the stored item wins.
    again = ok(submit(phone, "Något annat", client_id=client_id))
    assert again["created"] is False and again["item"]["id"] == stored.id
    assert again["item"]["text"] == "Hur ser ni på 14-dagarsgränsen?"
    assert len(rows(client_id=client_id)) == 1 and len(rows()) == 1
    assert changes(other) == [] and seq_of(meeting.dialogue_id) == before + 1

    # Even once intake closed, a resend of something stored is answered with it.
    console = meeting.facilitator_socket()
    ok(console.emit("intake", {"open": False}, callback=True))
    assert ok(submit(phone, client_id=client_id))["item"]["id"] == stored.id
    # Someone else's client id is not a way to read their item.
    ack = refused(submit(other, client_id=client_id), "conflict")
    assert "Hur ser ni" not in json.dumps(ack, ensure_ascii=False)


def test_submit_validation_errors_are_swedish_and_store_nothing(meeting):
    phone = meeting.phone()
    ack = refused(submit(phone, "   "), "validation")
    assert "text" in ack["errors"]
    ack = refused(phone.emit("submit", {"client_id": cid(), "kind": "disagreement",
                                        "text": "Vi delar inte bilden"}, callback=True),
                  "validation")
    assert "reflection_id" in ack["errors"]
    refused(submit(phone, reflection_id=meeting.other_reflection_id), "validation")
    refused(submit(phone, agenda_item_id=meeting.other_item_id), "validation")
    refused(phone.emit("submit", ["inte", "ett", "objekt"], callback=True), "validation")
    assert rows() == []
    ok(phone.emit("submit", {"client_id": cid(), "kind": "disagreement", "text": "Vi gör så",
                             "reflection_id": meeting.reflection_ids[0]}, callback=True))


def test_premoderation_the_room_sees_a_question_once_approved(meeting):
    meeting.set(premoderation=True)
    author, room = meeting.phone(), meeting.phone()
    console, projector = meeting.facilitator_socket(), meeting.projector_socket()
    start = snap(room)["seq"]
    item = ok(submit(author, "Hur arbetar ni med barnsamtal?"))["item"]
    assert item["status"] == "pending"
    assert changes(room) == [] and changes(projector) == []
    [queued] = events(console, "queue")
    assert queued["data"]["id"] == item["id"] and queued["data"]["status"] == "pending"
    assert snap(room)["questions"] == []
    assert [o["data"]["status"] for o in events(author, "own")] == ["pending"]

    assert ok(console.emit("moderate", {"action": "approve", "id": item["id"]},
                           callback=True)) == {"ok": True, "id": item["id"], "action": "approve"}
    for sc in (room, projector):
        [change] = changes(sc)
        assert change["seq"] == start + 1 and change["type"] == "contribution"
        assert change["data"]["id"] == item["id"]
        assert change["data"]["text"] == "Hur arbetar ni med barnsamtal?"
    [own] = events(author, "own")
    assert own["data"]["id"] == item["id"] and own["data"]["status"] == "approved"
    assert [q["id"] for q in snap(room)["questions"]] == [item["id"]]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action ==
                                                        "contribution.approve"))
    assert entry.subject_id == item["id"] and entry.actor_user_id == meeting.facilitator_id


def test_a_flagged_text_cannot_be_approved_until_edited(meeting):
    author, room = meeting.phone(), meeting.phone()
    console = meeting.facilitator_socket()
    item = ok(submit(author, PERSONNUMMER_TEXT))["item"]
    ack = refused(console.emit("moderate", {"action": "approve", "id": item["id"]},
                               callback=True), "conflict")
    assert "personnummer" in ack["message"]
    ok(console.emit("moderate", {"action": "edit", "id": item["id"],
                                 "text": "Gäller barnet som vi pratade om?"}, callback=True))
    assert get(Contribution, item["id"]).personal_data_flag is False
    assert changes(room) == []
    ok(console.emit("moderate", {"action": "approve", "id": item["id"]}, callback=True))
    [change] = changes(room)
    assert change["data"]["text"] == "Gäller barnet som vi pratade om?"


# --- votes -----------------------------------------------------------------------------------


def test_votes_one_per_participant_can_be_taken_back_and_tallied(meeting):
    author, voter, third = meeting.phone(), meeting.phone(), meeting.phone()
    projector = meeting.projector_socket()
    question = ok(submit(author))["item"]["id"]
    vote = {"question_id": question, "on": True}
    assert ok(voter.emit("vote", vote, callback=True)) == {"ok": True, "question_id": question,
                                                            "on": True}
    ok(voter.emit("vote", vote, callback=True))  # twice: still one vote
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 1
    received(projector)
    received(author)
    tallies.flush()
    assert events(projector, "tally") == [{"votes": {str(question): 1}}]
    received(author)
    ok(third.emit("vote", vote, callback=True))
    tallies.flush()
    assert events(author, "tally") == [{"votes": {str(question): 2}}]
    received(projector)
    assert snap(voter)["my_votes"] == [question]
    assert {q["id"]: q["votes"] for q in snap(projector)["questions"]} == {question: 2}

    ok(voter.emit("vote", {"question_id": question, "on": False}, callback=True))
    tallies.flush()
    assert events(projector, "tally") == [{"votes": {str(question): 1}}]
    assert snap(voter)["my_votes"] == []
    tallies.flush()
    assert events(projector, "tally") == []  # nothing changed, nothing sent


def test_votes_only_on_public_questions(meeting):
    author, voter = meeting.phone(), meeting.phone()
    console = meeting.facilitator_socket()
    example = ok(author.emit("submit", {"client_id": cid(), "kind": "good_example",
                                        "text": "Vi har daglig ärendedragning."},
                             callback=True))["item"]["id"]
    refused(voter.emit("vote", {"question_id": example, "on": True}, callback=True), "conflict")
    meeting.set(premoderation=True)
    pending = ok(submit(author))["item"]["id"]
    refused(voter.emit("vote", {"question_id": pending, "on": True}, callback=True), "conflict")
    ok(console.emit("moderate", {"action": "approve", "id": pending}, callback=True))
    ok(voter.emit("vote", {"question_id": pending, "on": True}, callback=True))
    ok(console.emit("moderate", {"action": "hide", "id": pending}, callback=True))
    refused(voter.emit("vote", {"question_id": pending, "on": True}, callback=True), "conflict")
    refused(voter.emit("vote", {"question_id": 999999, "on": True}, callback=True), "not_found")


def test_nobody_can_support_their_own_question(meeting):
    author, other = meeting.phone(), meeting.phone(role="chef")
    question = ok(submit(author))["item"]["id"]
    ack = refused(author.emit("vote", {"question_id": question, "on": True}, callback=True),
                  "conflict")
    assert ack["message"].startswith("Du kan inte stödja din egen fråga.")
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0
    ok(other.emit("vote", {"question_id": question, "on": True}, callback=True))
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 1
    assert snap(author)["my_votes"] == []


def test_merging_combines_votes(meeting):
    asker, duplicate_asker = meeting.phone(), meeting.phone()
    v1, v2, v3 = meeting.phone(), meeting.phone(), meeting.phone()
    room = meeting.projector_socket()
    console = meeting.facilitator_socket()
    original = ok(submit(asker, "Hur mäter ni tiden för förhandsbedömningar?"))["item"]["id"]
    duplicate = ok(submit(duplicate_asker, "Hur mäts 14 dagar?"))["item"]["id"]
    for sc, question in ((v1, original), (v2, duplicate), (v3, original), (v3, duplicate)):
        ok(sc.emit("vote", {"question_id": question, "on": True}, callback=True))
    tallies.flush()
    received(room)

    ack = ok(console.emit("moderate", {"action": "merge", "id": duplicate, "into_id": original},
                          callback=True))
    assert ack["action"] == "merge"
    voters = set(db.session.scalars(select(Vote.participant_id)
                                    .where(Vote.contribution_id == original)))
    # Everyone who voted on either, and the one who asked the duplicate, each once.
    assert voters == {v1.participant_id, v2.participant_id, v3.participant_id,
                      duplicate_asker.participant_id}
    assert db.session.scalar(select(func.count()).select_from(Vote)
                             .where(Vote.contribution_id == duplicate)) == 0
    assert get(Contribution, duplicate).merged_into_id == original
    assert [c["type"] for c in changes(room)] == ["removed"]
    tallies.flush()
    assert events(room, "tally") == [{"votes": {str(original): 4}}]
    questions = snap(room)["questions"]
    assert [(q["id"], q["votes"]) for q in questions] == [(original, 4)]
    refused(console.emit("moderate", {"action": "merge", "id": original, "into_id": original},
                         callback=True), "validation")
    refused(console.emit("moderate", {"action": "merge", "id": original, "into_id": duplicate},
                         callback=True), "validation")


# --- moderation --------------------------------------------------------------------------


def test_pinning_one_question_unpins_the_previous_one(meeting):
    phone, room = meeting.phone(), meeting.phone()
    console = meeting.facilitator_socket()
    first = ok(submit(phone, "Första frågan"))["item"]["id"]
    second = ok(submit(phone, "Andra frågan"))["item"]["id"]
    ok(console.emit("moderate", {"action": "pin", "id": first}, callback=True))
    changes(room)
    ok(console.emit("moderate", {"action": "pin", "id": second}, callback=True))
    assert get(Contribution, first).pinned is False and get(Contribution, second).pinned is True
    pinned = {c["data"]["id"]: c["data"]["pinned"] for c in changes(room)
              if c["type"] == "contribution"}
    assert pinned == {first: False, second: True}
    assert {q["id"]: q["pinned"] for q in snap(room)["questions"]} == {first: False,
                                                                        second: True}
    ok(console.emit("moderate", {"action": "unpin", "id": second}, callback=True))
    assert not any(q["pinned"] for q in snap(room)["questions"])
    meeting.set(premoderation=True)
    pending = ok(submit(phone, "Väntar"))["item"]["id"]
    refused(console.emit("moderate", {"action": "pin", "id": pending}, callback=True),
            "conflict")


def test_edit_keeps_the_original_text_in_the_audit_log(meeting):
    phone, room = meeting.phone(), meeting.phone()
    console = meeting.facilitator_socket()
    item = ok(submit(phone, "Hur gör ni med skyddsbedömningen smma dag?"))["item"]["id"]
    received(room), received(phone)
    ok(console.emit("moderate", {"action": "edit", "id": item,
                                 "text": "Hur gör ni med skyddsbedömningen samma dag?"},
                    callback=True))
    assert get(Contribution, item).text == "Hur gör ni med skyddsbedömningen samma dag?"
    [change] = changes(room)
    assert change["data"]["text"] == "Hur gör ni med skyddsbedömningen samma dag?"
    [own] = events(phone, "own")
    assert own["data"]["text"] == "Hur gör ni med skyddsbedömningen samma dag?"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contribution.edit"))
    assert entry.subject_id == item and entry.actor_user_id == meeting.facilitator_id
    assert entry.details == {"before": "Hur gör ni med skyddsbedömningen smma dag?",
                             "after": "Hur gör ni med skyddsbedömningen samma dag?"}
    refused(console.emit("moderate", {"action": "edit", "id": item, "text": "  "},
                         callback=True), "validation")

    # Editing a personnummer in takes the item away from the room at once.
    ok(console.emit("moderate", {"action": "edit", "id": item, "text": PERSONNUMMER_TEXT},
                    callback=True))
    assert [c["type"] for c in changes(room)] == ["removed"]
    assert snap(room)["questions"] == []
    assert get(Contribution, item).personal_data_flag is True


def test_hide_and_answer(meeting):
    phone, room = meeting.phone(), meeting.phone()
    console = meeting.facilitator_socket()
    item = ok(submit(phone))["item"]["id"]
    received(room)
    ok(console.emit("moderate", {"action": "answer", "id": item}, callback=True))
    [change] = changes(room)
    assert change["data"]["answered"] is True
    ok(console.emit("moderate", {"action": "unanswer", "id": item}, callback=True))
    assert changes(room)[0]["data"]["answered"] is False
    ok(console.emit("moderate", {"action": "hide", "id": item}, callback=True))
    assert changes(room) == [{"seq": seq_of(meeting.dialogue_id), "type": "removed",
                              "data": {"id": item}}]
    assert snap(room)["questions"] == []
    assert [(m["id"], m["status"]) for m in snap(phone)["mine"]] == [(item, "hidden")]
    assert rows()[0].status == "hidden"  # kept, never deleted
    refused(console.emit("moderate", {"action": "hide", "id": 424242}, callback=True),
            "not_found")


# --- agenda, intake, polls -------------------------------------------------------------------


def test_agenda_start_next_previous_goto_with_timings(meeting):
    phone = meeting.phone()
    console = meeting.facilitator_socket()
    one, two, three = meeting.item_ids
    refused(console.emit("agenda", {"action": "next"}, callback=True), "conflict")
    ack = ok(console.emit("agenda", {"action": "start"}, callback=True))
    assert ack["status"] == "live" and ack["current_item_id"] == one
    assert ack["item_started_at"].endswith("Z")
    assert get(Dialogue, meeting.dialogue_id).status == "live"
    assert changes(phone)[-1]["data"]["current_item_id"] == one
    refused(console.emit("agenda", {"action": "previous"}, callback=True), "conflict")

    # Pretend the first item has run for two minutes.
    timing = db.session.scalar(select(ItemTiming).where(ItemTiming.agenda_item_id == one))
    timing.started_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    ack = ok(console.emit("agenda", {"action": "next"}, callback=True))
    assert ack["current_item_id"] == two
    assert 120 <= ack["used"][str(one)] <= 125 and ack["used"][str(two)] == 0
    ack = ok(console.emit("agenda", {"action": "previous"}, callback=True))
    assert ack["current_item_id"] == one
    ack = ok(console.emit("agenda", {"action": "goto", "item_id": three}, callback=True))
    assert ack["current_item_id"] == three
    refused(console.emit("agenda", {"action": "next"}, callback=True), "conflict")
    refused(console.emit("agenda", {"action": "goto", "item_id": meeting.other_item_id},
                         callback=True), "not_found")
    refused(console.emit("agenda", {"action": "goto"}, callback=True), "not_found")

    stretches = {
        item: len(list(db.session.scalars(select(ItemTiming)
                                          .where(ItemTiming.agenda_item_id == item))))
        for item in (one, two, three)
    }
    assert stretches == {one: 2, two: 1, three: 1}
    open_ = list(db.session.scalars(select(ItemTiming).where(ItemTiming.ended_at.is_(None))))
    assert [t.agenda_item_id for t in open_] == [three]
    s = snap(phone)
    assert s["dialogue"]["current_item_id"] == three and s["dialogue"]["item_started_at"]
    used = {i["id"]: i["used"] for i in s["agenda"]}
    assert used[one] >= 120
    last = changes(phone)[-1]
    assert last["type"] == "agenda" and last["data"]["current_item_id"] == three
    assert [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("agenda.%")).order_by(AuditEntry.id))
    ] == ["agenda.start", "agenda.next", "agenda.previous", "agenda.goto"]


def test_intake_closed_refuses_new_submissions_in_swedish(meeting):
    phone = meeting.phone()
    console = meeting.facilitator_socket()
    assert ok(console.emit("intake", {"open": False}, callback=True)) == {"ok": True,
                                                                          "open": False}
    [change] = changes(phone)
    assert change["type"] == "intake" and change["data"] == {"open": False}
    ack = refused(submit(phone), "conflict")
    assert "stängt" in ack["message"]
    assert rows() == []
    assert snap(phone)["dialogue"]["intake_open"] is False
    ok(console.emit("intake", {"open": True}, callback=True))
    ok(submit(phone))
    assert snap(phone)["dialogue"]["intake_open"] is True


def test_the_projectors_results_view_is_kept_and_told_to_the_room(meeting):
    projector = meeting.projector_socket()
    console = meeting.facilitator_socket()
    assert snap(projector)["dialogue"]["results_view"] == "role"  # the default
    before = seq_of(meeting.dialogue_id)
    assert ok(console.emit("results_view", {"view": "total"}, callback=True)) == {
        "ok": True, "view": "total"}
    [change] = changes(projector)
    assert change == {"seq": before + 1, "type": "results_view", "data": {"view": "total"}}
    # A reloaded projector (a new connection, a fresh snapshot) keeps the choice.
    projector.disconnect()
    projector = meeting.projector_socket()
    assert snap(projector)["dialogue"]["results_view"] == "total"
    for payload in ({"view": "nämnd"}, {"view": ""}, {}, {"view": 3}):
        refused(console.emit("results_view", payload, callback=True), "validation")
    # A dialogue that does not show board results to the room refuses the board view.
    get(Dialogue, meeting.dialogue_id).show_board_results = False
    db.session.commit()
    ack = refused(console.emit("results_view", {"view": "board"}, callback=True), "conflict")
    assert "per nämnd" in ack["message"]
    assert snap(projector)["dialogue"]["results_view"] == "total"
    get(Dialogue, meeting.dialogue_id).show_board_results = True
    db.session.commit()
    ok(console.emit("results_view", {"view": "board"}, callback=True))
    assert snap(projector)["dialogue"]["results_view"] == "board"
    assert [e.details for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "projector.view").order_by(AuditEntry.id))
    ] == [{"view": "total"}, {"view": "board"}]


def test_a_closed_dialogue_takes_no_submissions(meeting):
    from facilitator.dialogues import services as dialogues

    phone = meeting.phone()
    question = ok(submit(phone))["item"]["id"]
    meeting.go_live()
    dialogues.transition(meeting.admin, meeting.dialogue_id, "closed")
    db.session.commit()  # the entry point commits
    ack = refused(submit(phone), "conflict")
    assert "stängd" in ack["message"]
    refused(phone.emit("vote", {"question_id": question, "on": True}, callback=True), "conflict")
    assert len(rows()) == 1


def test_poll_opens_and_closes_and_stances_count_only_while_open(meeting):
    alice, bertil = meeting.phone(role="chef"), meeting.phone()
    console, projector = meeting.facilitator_socket(), meeting.projector_socket()
    first, second = meeting.reflection_ids
    stance = {"reflection_id": first, "value": "agree"}
    refused(alice.emit("stance", stance, callback=True), "conflict")
    refused(console.emit("poll", {"action": "open", "reflection_id": first}, callback=True),
            "conflict")  # not live yet
    ok(console.emit("agenda", {"action": "start"}, callback=True))
    changes(alice)
    changes(bertil)

    ack = ok(console.emit("poll", {"action": "open", "reflection_id": first}, callback=True))
    poll = ack["poll"]
    assert poll["reflection_id"] == first and poll["results_live"] is True
    [change] = changes(alice)
    assert change["type"] == "poll" and change["data"] == {"poll": poll, "closed": None}
    assert snap(alice)["poll"] == poll

    assert ok(alice.emit("stance", stance, callback=True)) == {"ok": True, **stance}
    ok(alice.emit("stance", {"reflection_id": first, "value": "disagree"}, callback=True))
    ok(bertil.emit("stance", {"reflection_id": first, "value": "partly"}, callback=True))
    refused(bertil.emit("stance", {"reflection_id": second, "value": "agree"}, callback=True),
            "conflict")
    refused(bertil.emit("stance", {"reflection_id": first, "value": "kanske"}, callback=True),
            "validation")
    assert db.session.scalar(select(func.count()).select_from(Stance)) == 2
    received(projector)
    tallies.flush()
    [tally] = events(projector, "tally")
    t = tally["stances"]
    assert (t["reflection_id"], t["phase"], t["n"]) == (first, "live", 2)
    assert t["total"] == {"disagree": 1, "partly": 1}
    # Two answers: fewer than the small-group limit, so no breakdown at all.
    assert t["by_role"] == {} and t["by_board"] == {} and t["min_group_size"] == 3
    assert t["withheld"] == {"by_role": True, "by_board": True}
    assert snap(alice)["my_stances"] == {str(first): "disagree"}

    # Opening another poll closes this one.
    ok(console.emit("poll", {"action": "open", "reflection_id": second}, callback=True))
    assert changes(alice)[0]["data"]["closed"] == first
    changes(bertil)
    refused(alice.emit("stance", stance, callback=True), "conflict")
    ok(console.emit("poll", {"action": "close"}, callback=True))
    assert changes(bertil)[0]["data"] == {"poll": None, "closed": second}
    refused(bertil.emit("stance", {"reflection_id": second, "value": "agree"}, callback=True),
            "conflict")
    refused(console.emit("poll", {"action": "close"}, callback=True), "conflict")
    refused(console.emit("poll", {"action": "open", "reflection_id": meeting.other_reflection_id},
                         callback=True), "not_found")
    assert snap(alice)["poll"] is None


def test_results_stay_with_facilitators_until_a_hidden_poll_closes(meeting):
    phone = meeting.phone()
    console, projector = meeting.facilitator_socket(), meeting.projector_socket()
    first = meeting.reflection_ids[0]
    ok(console.emit("agenda", {"action": "start"}, callback=True))
    poll = ok(console.emit("poll", {"action": "open", "reflection_id": first,
                                    "results_live": False}, callback=True))["poll"]
    assert poll["results_live"] is False
    ok(phone.emit("stance", {"reflection_id": first, "value": "disagree"}, callback=True))
    for sc in (phone, projector, console):
        received(sc)
    tallies.flush()
    assert events(phone, "tally") == [] and events(projector, "tally") == []
    [tally] = events(console, "tally")
    assert tally["stances"]["total"] == {"disagree": 1}
    assert snap(phone)["tallies"] == [] and snap(projector)["tallies"] == []
    assert [t["reflection_id"] for t in snap(console)["tallies"]] == [first]

    ok(console.emit("poll", {"action": "close"}, callback=True))
    tallies.flush()
    [tally] = events(projector, "tally")
    assert tally["stances"]["total"] == {"disagree": 1}
    assert [t["total"] for t in snap(phone)["tallies"]] == [{"disagree": 1}]


def test_board_results_hidden_from_the_room_when_the_dialogue_says_so(meeting):
    meeting.app.config["MIN_GROUP_SIZE"] = 1  # about the board view, not about group sizes
    phone = meeting.phone()
    console, projector = meeting.facilitator_socket(), meeting.projector_socket()
    meeting.set(show_board_results=False)
    first = meeting.reflection_ids[0]
    ok(console.emit("agenda", {"action": "start"}, callback=True))
    ok(console.emit("poll", {"action": "open", "reflection_id": first}, callback=True))
    ok(phone.emit("stance", {"reflection_id": first, "value": "agree"}, callback=True))
    [tally] = snap(phone)["tallies"]
    assert tally["by_board"] == {} and tally["total"] == {"agree": 1}
    assert snap(console)["tallies"][0]["by_board"] == {"Gnesta": {"agree": 1}}
    # The live messages too: the phones and the projector are not sent the boards.
    for sc in (phone, console, projector):
        received(sc)
    tallies.flush()
    for sc in (phone, projector):
        [message] = events(sc, "tally")
        assert message["stances"]["by_board"] == {} and message["stances"]["n"] == 1
    [message] = events(console, "tally")
    assert message["stances"]["by_board"] == {"Gnesta": {"agree": 1}}


# --- limits and sequence numbers ---------------------------------------------------------


def test_rate_limit_per_participant_answers_in_swedish(meeting):
    meeting.app.config["LIVE_RATE_LIMITS"] = {"submit": "2/minute"}
    phone, other = meeting.phone(), meeting.phone()
    first = ok(submit(phone, "Ett"))["item"]
    ok(submit(phone, "Två"))
    ack = refused(submit(phone, "Tre"), "rate_limited")
    assert "Vänta en minut" in ack["message"]
    assert [r.text for r in rows()] == ["Ett", "Två"]
    # A resend of what is stored is not a new submission; another phone has its own limit.
    assert ok(submit(phone, client_id=first["client_id"]))["created"] is False
    ok(submit(other, "Fyra"))


def test_snapshots_are_limited_for_phones_only(meeting):
    meeting.app.config["LIVE_RATE_LIMITS"] = {"snapshot": "3/minute"}
    phone, console, projector = (meeting.phone(), meeting.facilitator_socket(),
                                 meeting.projector_socket())
    for _ in range(3):
        snap(phone)
    refused(phone.emit("snapshot", {}, callback=True), "rate_limited")
    for _ in range(5):
        snap(console)
        snap(projector)


def test_seq_grows_by_exactly_one_per_change(meeting):
    meeting.set(premoderation=True)
    phone, room = meeting.phone(), meeting.phone()
    console = meeting.facilitator_socket()
    start = snap(room)["seq"]
    item = ok(submit(phone))["item"]["id"]  # pending: no change for the room
    ok(console.emit("moderate", {"action": "approve", "id": item}, callback=True))
    ok(console.emit("intake", {"open": False}, callback=True))
    ok(console.emit("agenda", {"action": "start"}, callback=True))
    ok(console.emit("agenda", {"action": "next"}, callback=True))
    ok(console.emit("poll", {"action": "open", "reflection_id": meeting.reflection_ids[0]},
                    callback=True))
    ok(console.emit("poll", {"action": "close"}, callback=True))
    ok(console.emit("moderate", {"action": "answer", "id": item}, callback=True))
    ok(console.emit("moderate", {"action": "hide", "id": item}, callback=True))
    seqs = [c["seq"] for c in changes(room)]
    assert seqs == list(range(start + 1, start + 1 + len(seqs)))
    assert len(seqs) >= 9
    assert snap(room)["seq"] == seqs[-1] == seq_of(meeting.dialogue_id)
