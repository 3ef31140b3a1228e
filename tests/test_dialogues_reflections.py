import pytest
from helpers_dialogues import make_dialogue, make_org, make_reflection, reflection_payload
from sqlalchemy import select

from facilitator.audit.models import AuditEntry
from facilitator.dialogues import services
from facilitator.errors import Conflict, ValidationFailed
from facilitator.extensions import db


@pytest.fixture
def anna(make_user):
    return make_user()


def edits(dialogue):
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.dialogue_id == dialogue.id, AuditEntry.action == "reflection.edited")))


def test_edit_before_publishing_is_not_audited_after_is(anna):
    dialogue = make_dialogue(anna)
    reflection = make_reflection(anna, dialogue)
    services.update_reflection(anna, dialogue.id, reflection.id,
                               reflection_payload(title="Ny rubrik i utkastet"))
    assert edits(dialogue) == []

    services.transition(anna, dialogue.id, "published")
    db.session.commit()  # the entry point commits
    services.update_reflection(anna, dialogue.id, reflection.id, reflection_payload(
        title="Ny rubrik i utkastet", evidence="7 av 10 granskade förhandsbedömningar"))
    [entry] = edits(dialogue)
    assert entry.actor_user_id == anna.id
    assert entry.subject_id == reflection.id
    assert entry.details["before"] == {"evidence": "6 av 10 granskade förhandsbedömningar"}
    assert entry.details["after"] == {"evidence": "7 av 10 granskade förhandsbedömningar"}

    # Saving without a substantive change writes nothing more.
    services.update_reflection(anna, dialogue.id, reflection.id, reflection_payload(
        title="Ny rubrik i utkastet", evidence="7 av 10 granskade förhandsbedömningar"))
    assert len(edits(dialogue)) == 1


def test_delete_only_in_draft(anna):
    dialogue = make_dialogue(anna)
    first = make_reflection(anna, dialogue, title="Första")
    second = make_reflection(anna, dialogue, title="Andra")
    services.delete_reflection(anna, dialogue.id, first.id)
    assert [r.title for r in dialogue.reflections] == ["Andra"]
    services.transition(anna, dialogue.id, "published")
    db.session.commit()  # the entry point commits
    with pytest.raises(Conflict) as caught:
        services.delete_reflection(anna, dialogue.id, second.id)
    assert "utkast" in caught.value.message
    assert [r.title for r in dialogue.reflections] == ["Andra"]


def test_boards_subset_must_be_the_dialogues(anna):
    gnesta = make_org(anna)
    other = make_org(anna, name="Stadsdelsnämnden Skärholmen", short_name="Skärholmen",
                     kind="stadsdel")
    outside = make_org(anna, name="Socialnämnden i Trosa", short_name="Trosa")
    dialogue = make_dialogue(anna, organization_ids=[gnesta.id, other.id])
    reflection = make_reflection(anna, dialogue, applies_to_all=False,
                                 organization_ids=[str(other.id)])
    assert [o.short_name for o in reflection.organizations] == ["Skärholmen"]
    with pytest.raises(ValidationFailed) as caught:
        make_reflection(anna, dialogue, applies_to_all=False, organization_ids=[outside.id])
    assert "organization_ids" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        make_reflection(anna, dialogue, applies_to_all=False, organization_ids=[])
    assert "organization_ids" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        make_reflection(anna, dialogue, kind="beröm")
    assert "kind" in caught.value.errors


def test_move_up_and_down(anna):
    dialogue = make_dialogue(anna)
    a, b, c = (make_reflection(anna, dialogue, title=t) for t in "ABC")
    services.move_reflection(anna, dialogue.id, c.id, "up")
    assert [r.title for r in dialogue.reflections] == ["A", "C", "B"]
    services.move_reflection(anna, dialogue.id, a.id, "up")  # already first: nothing happens
    services.move_reflection(anna, dialogue.id, a.id, "down")
    assert [r.title for r in dialogue.reflections] == ["C", "A", "B"]
    with pytest.raises(ValidationFailed):
        services.move_reflection(anna, dialogue.id, a.id, "sideways")
    assert b.position == 2


def test_reflection_pages_and_preview(app, client, auth, anna):
    gnesta = make_org(anna)
    dialogue = make_dialogue(anna, organization_ids=[gnesta.id])
    auth.login()
    page = client.get(f"/dialoger/{dialogue.id}/reflektioner")
    assert "Inga reflektioner ännu – lägg till den första" in page.text
    response = client.post(f"/dialoger/{dialogue.id}/reflektioner/ny", data={
        "kind": "concern", "title": "", "body_md": "Text som inte får försvinna",
    })
    assert response.status_code == 400
    assert "Text som inte får försvinna" in response.text
    assert 'aria-invalid="true"' in response.text
    response = client.post(f"/dialoger/{dialogue.id}/reflektioner/ny", data={
        "kind": "concern", "title": "Barnets röst hörs sällan",
        "body_md": "Se [IVO](https://www.ivo.se) <script>alert(1)</script>",
        "evidence": "3 av 10 utredningar", "legal_basis": "SoL 11 kap. 10 §",
        "organization_ids": str(gnesta.id),
    })
    assert response.status_code == 302
    reflection = dialogue.reflections[0]
    assert response.headers["Location"].endswith(f"#reflection-{reflection.id}")
    assert [o.id for o in reflection.organizations] == [gnesta.id]
    preview = client.get(f"/dialoger/{dialogue.id}/forhandsvisning").text
    assert "Oro" in preview and "Barnets röst hörs sällan" in preview
    assert "3 av 10 utredningar" in preview and "SoL 11 kap. 10 §" in preview
    assert 'rel="noopener noreferrer"' in preview and "<script>alert" not in preview
    assert "Gnesta" in preview

    moved = client.post(f"/dialoger/{dialogue.id}/reflektioner/{reflection.id}/flytta",
                        data={"direction": "down"})
    assert moved.headers["Location"].endswith(f"#reflection-{reflection.id}-down")
