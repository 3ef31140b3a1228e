"""The split of one reflection on the projector, on the facilitator's request: kept in the
meeting, told to the room in seq order, refused to anyone else, never a small group."""

import pytest
from helpers_live import events, get, new_meeting, ok, refused

from facilitator.contributions import services as contributions
from facilitator.extensions import db
from facilitator.participants.models import Participant


@pytest.fixture
def meeting(app, socket_client):
    meeting = new_meeting(app, socket_client)
    first = meeting.reflection_ids[0]
    for role, value, n in (("politiker", "disagree", 4), ("socialsekreterare", "agree", 4),
                           ("arbetsledare", "partly", 3), ("chef", "agree", 1)):
        for _ in range(n):
            participant_id, _token = meeting.join(role=role)
            contributions.set_stance(get(Participant, participant_id),
                                     {"reflection_id": first, "value": value})
    db.session.commit()
    return meeting


def test_the_projector_shows_a_reflections_split_on_request(meeting):
    console, projector, phone = (meeting.facilitator_socket(), meeting.projector_socket(),
                                 meeting.phone())
    first = meeting.reflection_ids[0]
    ack = ok(console.emit("split", {"reflection_id": first}, callback=True))
    split = ack["split"]
    assert split["reflection_id"] == first and split["axis"] == "role" and split["n"] == 12
    assert (split["least"]["key"], split["most"]["key"]) == ("politiker", "socialsekreterare")
    assert split["split"] > 0.5
    # The lone chef is in "Övriga" or nowhere, never on their own.
    assert "chef" not in {g["key"] for g in split["groups"]}
    assert all(g["n"] >= 3 for g in split["groups"])
    for sc in (projector, phone, console):
        [change] = [c for c in events(sc, "change") if c["type"] == "split"]
        assert change["data"]["split"]["reflection_id"] == first
    # A reloaded projector shows it again, from the meeting.
    reloaded = meeting.projector_socket(token=projector.token)
    again = ok(reloaded.emit("snapshot", {}, callback=True))["snapshot"]
    assert again["split"]["reflection_id"] == first
    # Stopping clears it for everyone.
    assert ok(console.emit("split", {"reflection_id": 0}, callback=True))["split"] is None
    [change] = [c for c in events(projector, "change") if c["type"] == "split"]
    assert change["data"]["split"] is None
    snap = ok(console.emit("snapshot", {}, callback=True))["snapshot"]
    assert snap["split"] is None


def test_only_the_dialogues_facilitator_may_show_a_split(meeting):
    first = meeting.reflection_ids[0]
    refused(meeting.phone().emit("split", {"reflection_id": first}, callback=True), "forbidden")
    console = meeting.facilitator_socket()
    refused(console.emit("split", {"reflection_id": meeting.other_reflection_id}, callback=True),
            "not_found")
    refused(console.emit("split", {"reflection_id": "x"}, callback=True), "validation")
    refused(console.emit("split", {"reflection_id": -4}, callback=True), "validation")
    assert ok(console.emit("snapshot", {}, callback=True))["snapshot"]["split"] is None
