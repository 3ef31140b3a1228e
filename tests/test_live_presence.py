"""The console's count of connected phones, in one process (two processes: test_cluster)."""

import pytest
from helpers_live import events, get, new_meeting, ok
from sqlalchemy import select

from facilitator.dialogues.models import Dialogue
from facilitator.extensions import db
from facilitator.live import presence
from facilitator.organizations.models import Organization
from facilitator.participants import services as participants


@pytest.fixture
def meeting(app, socket_client):
    return new_meeting(app, socket_client)


def nykoping_phone(meeting, role="socialsekreterare"):
    """A phone of the dialogue's second board."""
    dialogue = get(Dialogue, meeting.dialogue_id)
    org = db.session.scalar(select(Organization).where(Organization.short_name == "Nyköping"))
    _participant, token = participants.join(dialogue, {"organization": str(org.id),
                                                       "role": role})
    db.session.commit()
    return meeting.phone(token=token)


def counts(console) -> list[dict]:
    presence.flush()
    return events(console, "presence")


def test_the_console_counts_phones_as_they_join_and_leave(meeting):
    console = meeting.facilitator_socket()
    snapshot = ok(console.emit("snapshot", {}, callback=True))["snapshot"]
    assert snapshot["presence"]["total"] == 0
    assert counts(console) == []  # nothing changed, nothing sent

    phones = [meeting.phone() for _ in range(3)]
    [update] = counts(console)
    assert update["total"] == 3
    assert update["by_role"] == [{"role": "socialsekreterare", "n": 3}]
    assert update["by_board"] == [{"board": "Gnesta", "n": 3}]

    phones[0].disconnect()
    [update_2] = counts(console)
    assert update_2["total"] == 2
    assert update_2["v"] > update["v"]
    # Two of a role or a board are fewer than three: only the total is shown.
    assert update_2["by_role"] == [] and update_2["by_board"] == []
    assert update_2["other_roles"] == 0 and update_2["other_boards"] == 0
    snapshot = ok(console.emit("snapshot", {}, callback=True))["snapshot"]
    assert snapshot["presence"]["total"] == 2
    # Phones and projectors never hear the count.
    projector = meeting.projector_socket()
    meeting.phone()
    presence.flush()
    for sc in (*phones[1:], projector):
        assert events(sc, "presence") == []
    assert "presence" not in ok(phones[1].emit("snapshot", {}, callback=True))["snapshot"]


def test_small_groups_are_pooled_and_cannot_be_derived_from_the_total(meeting):
    console = meeting.facilitator_socket()
    for _ in range(3):
        meeting.phone()
    for _ in range(2):
        meeting.phone(role="chef")
    meeting.phone(role="politiker")
    nykoping_phone(meeting)
    [update] = counts(console)
    assert update["total"] == 7
    # Chef (2) and politiker (1) pooled as "Övriga" (3); socialsekreterare: 3 + 1 of Nyköping.
    assert update["by_role"] == [{"role": "socialsekreterare", "n": 4}]
    assert update["other_roles"] == 3
    # Nyköping's one phone would be the total minus Gnesta's six: both are pooled away.
    assert update["by_board"] == []
    assert update["other_boards"] == 0


def test_a_person_with_two_tabs_counts_once_and_other_dialogues_do_not_count(meeting):
    console = meeting.facilitator_socket()
    first = meeting.phone()
    meeting.phone(token=first.token)
    meeting.phone(dialogue_id=meeting.other_id)
    [update] = counts(console)
    assert update["total"] == 1
    first.disconnect()
    assert counts(console)[0]["total"] == 1  # the second tab is still there


def test_a_board_and_a_role_together_cannot_single_out_one_phone(meeting):
    console = meeting.facilitator_socket()
    for _ in range(3):
        meeting.phone()
    meeting.phone(role="chef")
    for _ in range(3):
        nykoping_phone(meeting, role="chef")
    [update] = counts(console)
    assert update["total"] == 7
    assert update["by_role"] == [{"role": "chef", "n": 4}, {"role": "socialsekreterare", "n": 3}]
    # Gnesta (4) minus its socialsekreterare (3) would be Gnesta's one chef: no boards shown.
    assert update["by_board"] == [] and update["other_boards"] == 0
