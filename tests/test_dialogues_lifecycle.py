from datetime import datetime

import factories as make
import pytest
from helpers_dialogues import make_dialogue, make_org, make_reflection
from sqlalchemy import select

from facilitator.audit.models import AuditEntry
from facilitator.core import uow
from facilitator.dialogues import codes, services
from facilitator.dialogues.models import DialogueStatus
from facilitator.errors import Conflict, ValidationFailed
from facilitator.extensions import db


@pytest.fixture
def anna(make_user):
    return make_user()


def actions(dialogue):
    return [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.dialogue_id == dialogue.id).order_by(AuditEntry.id))]


def test_create_assigns_code_creator_and_stockholm_time(anna, make_user):
    other = make_user(email="bo@ivo.se", name="Bo")
    org = make_org(anna)
    dialogue = make_dialogue(anna, organization_ids=[str(org.id)], facilitator_ids=[str(other.id)])
    assert codes.is_well_formed(dialogue.join_code)
    assert dialogue.status == DialogueStatus.DRAFT
    assert {u.id for u in dialogue.facilitators} == {anna.id, other.id}
    assert [o.id for o in dialogue.organizations] == [org.id]
    # 09:00 in Stockholm in March (CET, UTC+1) is 08:00 UTC.
    assert dialogue.starts_at == datetime(2027, 3, 15, 8, 0)
    summer = make_dialogue(anna, starts_at="2027-06-15T09:00")
    assert summer.starts_at == datetime(2027, 6, 15, 7, 0)


def test_unknown_board_id_is_a_validation_error(anna):
    with pytest.raises(ValidationFailed) as caught:
        make_dialogue(anna, organization_ids=["999"])
    assert "organization_ids" in caught.value.errors
    with pytest.raises(ValidationFailed):
        make_dialogue(anna, organization_ids=["inte-ett-id"])
    with pytest.raises(ValidationFailed) as caught:
        make_dialogue(anna, title="", starts_at="igår")
    assert {"title", "starts_at"} <= set(caught.value.errors)


def test_publish_without_reflection_is_refused(anna):
    dialogue = make_dialogue(anna)
    with pytest.raises(Conflict) as caught:
        services.transition(anna, dialogue.id, "published")
    assert "minst en reflektion" in caught.value.message
    assert dialogue.status == DialogueStatus.DRAFT
    assert "dialogue.published" not in actions(dialogue)


def test_full_lifecycle_sets_times_and_audits_each_step(anna):
    dialogue = make_dialogue(anna)
    make_reflection(anna, dialogue)
    for status in ("published", "live", "closed", "archived"):
        services.transition(anna, dialogue.id, status)
    assert dialogue.status == DialogueStatus.ARCHIVED
    assert dialogue.published_at and dialogue.started_at and dialogue.closed_at
    assert dialogue.archived_at
    # Closing is the meeting's close: the minutes' first draft is compiled with it.
    assert actions(dialogue)[-5:] == [
        "dialogue.published", "dialogue.started", "dialogue.closed", "minutes.compiled",
        "dialogue.archived",
    ]


@pytest.mark.parametrize("start, target", [
    ("draft", "live"), ("draft", "closed"), ("draft", "archived"),
    ("published", "closed"), ("live", "draft"), ("live", "published"), ("closed", "live"),
])
def test_skipping_or_going_back_is_refused(anna, start, target):
    dialogue = make_dialogue(anna)
    make_reflection(anna, dialogue)
    path = ["published", "live", "closed"]
    for status in path[: path.index(start) + 1] if start != "draft" else []:
        services.transition(anna, dialogue.id, status)
    assert dialogue.status == start
    with pytest.raises(Conflict):
        services.transition(anna, dialogue.id, DialogueStatus(target))
    assert dialogue.status == start


def test_unknown_status_is_a_validation_error(anna):
    dialogue = make_dialogue(anna)
    with pytest.raises(ValidationFailed):
        services.transition(anna, dialogue.id, "uppföljning")


def test_back_to_draft_only_while_nobody_joined(anna):
    dialogue = make_dialogue(anna)
    make_reflection(anna, dialogue)
    services.transition(anna, dialogue.id, "published")
    services.transition(anna, dialogue.id, "draft")
    assert dialogue.status == DialogueStatus.DRAFT
    assert dialogue.published_at is None
    services.transition(anna, dialogue.id, "published")
    make.join(dialogue, None, "chef")  # a phone joins, with no board
    uow.commit()  # the join's one commit
    with pytest.raises(Conflict) as caught:
        services.transition(anna, dialogue.id, "draft")
    assert "deltagare" in caught.value.message
    assert dialogue.status == DialogueStatus.PUBLISHED


def test_archive_frees_the_code_for_a_new_dialogue(anna, monkeypatch):
    dialogue = make_dialogue(anna)
    make_reflection(anna, dialogue)
    code = dialogue.join_code
    for status in ("published", "live", "closed", "archived"):
        services.transition(anna, dialogue.id, status)
    assert dialogue.join_code is None
    assert codes.find_by_code(code) is None
    # The next code drawn is the freed one; the unique column accepts it again.
    monkeypatch.setattr(codes.secrets, "choice", _cycle(code))
    again = make_dialogue(anna, title="Ny dialog")
    assert again.join_code == code
    assert codes.find_by_code(code.lower()).id == again.id


def _cycle(code):
    chars = iter(code)
    return lambda _alphabet: next(chars)


def test_transition_page_flashes_refusal_in_swedish(app, client, auth, anna):
    dialogue = make_dialogue(anna)
    auth.login()
    response = client.post(f"/dialoger/{dialogue.id}/status", data={"to_status": "published"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Lägg till minst en reflektion innan du publicerar dialogen." in response.text
    make_reflection(anna, dialogue)
    response = client.post(f"/dialoger/{dialogue.id}/status", data={"to_status": "published"},
                           follow_redirects=True)
    assert "Dialogen är publicerad." in response.text
    assert dialogue.status == DialogueStatus.PUBLISHED
