"""Follow-up items: creating them (also from a source), the status graph, the history, and the
room seeing agreed items live."""

import factories as make
import pytest
from helpers_followups import make_item, make_world

from facilitator.core import uow
from facilitator.dialogues.models import Dialogue, DialogueStatus
from facilitator.errors import PermissionDenied, ValidationFailed
from facilitator.extensions import db
from facilitator.followups import commands, prefill, queries
from facilitator.followups.models import FollowUpEvent, FollowUpItem, SourceKind
from facilitator.followups.reviewers import Reviewer


@pytest.fixture
def world(app):
    return make_world()


def _events(item_id):
    return list(db.session.scalars(
        db.select(FollowUpEvent).where(FollowUpEvent.item_id == item_id)
        .order_by(FollowUpEvent.id)))


def test_the_allowed_steps_and_the_refused_ones(world):
    item = make_item(world, world.gnesta_id, status="proposed")
    fac = world.facilitator
    # A proposed item cannot jump to done.
    with pytest.raises(ValidationFailed) as refused:
        commands.change_status(fac, item.id, {"status": "done", "comment": "Klart"})
    assert "”Föreslagen” till ”Genomförd”" in refused.value.message
    assert db.session.get(FollowUpItem, item.id).status == "proposed"

    for step in ("agreed", "in_progress", "done", "in_progress", "agreed", "proposed"):
        commands.change_status(fac, item.id, {"status": step, "comment": f"Till {step}"})
        assert db.session.get(FollowUpItem, item.id).status == step
    # The same status again is refused, with a Swedish sentence.
    with pytest.raises(ValidationFailed, match="redan status"):
        commands.change_status(fac, item.id, {"status": "proposed"})
    # Unknown statuses are refused by the form.
    with pytest.raises(ValidationFailed):
        commands.change_status(fac, item.id, {"status": "finished"})


def test_not_done_requires_a_reason_and_keeps_it(world):
    item = make_item(world, world.gnesta_id)
    fac = world.facilitator
    with pytest.raises(ValidationFailed) as error:
        commands.change_status(fac, item.id, {"status": "not_done", "reason": "  "})
    assert error.value.errors["reason"] == ["Skriv varför åtgärden inte blev genomförd."]
    assert db.session.get(FollowUpItem, item.id).status == "agreed"

    commands.change_status(fac, item.id, {"status": "not_done",
                                          "reason": "Nämnden prioriterade om resurserna."})
    item = db.session.get(FollowUpItem, item.id)
    assert item.status == "not_done"
    assert item.status_reason == "Nämnden prioriterade om resurserna."
    # Reopening clears the reason from the item; the history keeps it.
    commands.change_status(fac, item.id, {"status": "in_progress"})
    assert db.session.get(FollowUpItem, item.id).status_reason == ""
    reasons = [e.changes.get("status_reason") for e in _events(item.id) if e.kind == "status"]
    assert ["", "Nämnden prioriterade om resurserna."] in reasons


def test_every_change_is_in_the_history_with_who_and_when(world):
    item = make_item(world, world.gnesta_id)
    fac = world.facilitator
    commands.update_item(fac, item.id, {
        "title": "Säkra förhandsbedömningar inom 14 dagar", "owner": str(world.gnesta_id),
        "responsible_role": "socialchef", "due_date": "2026-04-30", "agreement": "shared"})
    commands.change_status(fac, item.id, {"status": "in_progress", "comment": "Vi har börjat."})
    commands.add_comment(fac, item.id, {"comment": "Skicka gärna rutinen till IVO."})
    board = Reviewer(organization_id=world.gnesta_id)
    commands.change_status(board, item.id, {"status": "done", "comment": "Rutinen är beslutad."})

    events = _events(item.id)
    assert [e.kind for e in events] == ["created", "edited", "status", "comment", "status"]
    assert all(e.created_at is not None for e in events)
    created, edited, started, comment, done = events
    assert created.actor_user_id == world.facilitator_id and created.by_ivo
    assert created.to_status == "agreed"
    assert edited.changes == {"responsible_role": ["enhetschef barn och unga", "socialchef"],
                              "due_date": ["2026-03-31", "2026-04-30"]}
    assert (started.from_status, started.to_status) == ("agreed", "in_progress")
    assert started.comment == "Vi har börjat."
    assert comment.by_ivo and comment.comment == "Skicka gärna rutinen till IVO."
    assert not done.by_ivo and done.actor_user_id is None
    assert commands.event_author(done) == "Gnesta (via granskningslänken)"
    assert commands.event_author(created) == "Sara Samordnare, IVO"


def test_a_board_moves_only_agreed_items_and_never_edits_them(world):
    item = make_item(world, world.gnesta_id, status="proposed")
    board = Reviewer(organization_id=world.gnesta_id)
    with pytest.raises(ValidationFailed, match="bara föreslagen"):
        commands.change_status(board, item.id, {"status": "agreed"})
    commands.change_status(world.facilitator, item.id, {"status": "agreed"})
    assert [s.value for s in commands.allowed_statuses(board, item)] == [
        "in_progress", "done", "not_done"]
    with pytest.raises(PermissionDenied):
        commands.update_item(board, item.id, {"title": "Annat", "owner": "ivo",
                                              "agreement": "shared"})
    with pytest.raises(PermissionDenied):
        commands.create_item(board, world.dialogue_id, {"title": "X", "owner": "ivo",
                                                        "agreement": "shared"})


def test_different_views_need_both_positions(world):
    with pytest.raises(ValidationFailed) as error:
        make_item(world, world.gnesta_id, agreement="different", ivo_position="Brist",
                  board_position="")
    assert "board_position" in error.value.errors
    item = make_item(world, world.gnesta_id, agreement="different",
                     ivo_position="Förhandsbedömningarna dröjer.",
                     board_position="Vi tvekar inte att inleda utredningar.")
    assert item.agreement == "different"
    assert item.board_position == "Vi tvekar inte att inleda utredningar."


def test_an_owner_outside_the_dialogue_is_refused(world, app):
    other = make.board(world.facilitator, "Socialnämnden i Trosa", "Trosa")
    uow.commit()  # the factory's one commit
    with pytest.raises(ValidationFailed) as error:
        make_item(world, other.id)
    assert "owner" in error.value.errors
    ivo_item = make_item(world, None, title="IVO återkommer om praxis för 14 dagar")
    assert ivo_item.organization_id is None


def test_made_from_a_reflection_prefills_and_links_it(world):
    data = prefill.new_item_data(world.facilitator, world.dialogue_id,
                                  f"reflection:{world.reflection_id}")
    assert data["title"] == "Förhandsbedömningar dröjer längre än 14 dagar"
    assert "6 av 10 granskade förhandsbedömningar" in data["description"]
    item = make_item(world, world.gnesta_id, title=data["title"], source=data["source"])
    assert item.source_kind == SourceKind.REFLECTION and item.source_id == world.reflection_id
    # A source from another dialogue is refused.
    with pytest.raises(ValidationFailed):
        make_item(world, world.gnesta_id, source="reflection:99999")


def test_made_from_a_disagreement_prefills_both_views(app):
    # The world of its own, live: a phone objects during the meeting, the facilitator
    # approves it, and the meeting is closed (the world fixture is closed from the start).
    world = make_world(status=DialogueStatus.LIVE)
    dialogue = db.session.get(Dialogue, world.dialogue_id)
    phone = make.join(dialogue, world.gnesta_id, "socialsekreterare")
    disagreement = make.submit(phone, "disagreement",
                               "Vi delar inte bilden: vi tvekar inte att inleda utredningar.",
                               reflection_id=world.reflection_id)
    make.moderate(world.facilitator, disagreement, "approve")
    make.step(world.facilitator, world.dialogue_id, DialogueStatus.CLOSED)
    uow.commit()  # the factory's one commit
    data = prefill.new_item_data(world.facilitator, world.dialogue_id,
                                  f"disagreement:{disagreement.id}")
    assert data["agreement"] == "different"
    assert data["board_position"].startswith("Vi delar inte bilden")
    assert data["source"] == f"disagreement:{disagreement.id}"


def test_only_the_dialogues_facilitators_manage_its_items(world):
    item = make_item(world, world.gnesta_id)
    with pytest.raises(PermissionDenied):
        commands.change_status(world.outsider, item.id, {"status": "in_progress"})
    with pytest.raises(PermissionDenied):
        queries.items_for_dialogue(world.outsider, world.dialogue_id)


def test_the_room_sees_agreed_items_live_and_in_the_snapshot(world, monkeypatch):
    from facilitator.live import broadcast
    from facilitator.live import services as live
    from facilitator.live.actors import FACILITATOR, Actor

    sent = []
    # What leaves after each commit.
    monkeypatch.setattr(broadcast, "_emit_change", lambda dialogue_id, message: sent.append(
        (message["seq"], message["type"], message["data"])))
    seq0 = db.session.get(Dialogue, world.dialogue_id).seq
    proposed = make_item(world, world.gnesta_id, title="Bara ett förslag", status="proposed")
    assert sent == []  # a proposal is not the room's business
    agreed = make_item(world, world.nykoping_id, title="Barnets röst i varje utredning")
    assert len(sent) == 1
    seq, kind, data = sent[0]
    assert kind == "followup" and seq == seq0 + 1
    assert data["title"] == "Barnets röst i varje utredning" and data["owner"] == "Nyköping"
    assert data["status"] == "agreed" and data["status_label"] == "Överenskommen"
    assert db.session.get(Dialogue, world.dialogue_id).seq == seq0 + 1

    commands.change_status(world.facilitator, proposed.id, {"status": "agreed"})
    uow.commit()  # as the route does
    assert sent[-1][0] == seq0 + 2 and sent[-1][2]["id"] == proposed.id
    # Back to proposed: the room is told, so it drops it.
    commands.change_status(world.facilitator, agreed.id, {"status": "proposed"})
    uow.commit()
    assert sent[-1][2] == {**sent[-1][2], "id": agreed.id, "status": "proposed"}

    snap = live.snapshot(Actor(FACILITATOR, world.dialogue_id, user=world.facilitator))
    assert [f["title"] for f in snap["followups"]] == ["Bara ett förslag"]
    assert snap["seq"] == seq0 + 3
