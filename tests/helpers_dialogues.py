"""Shared helpers for the dialogue and organization tests: boards and dialogues via services."""

from facilitator.core import uow
from facilitator.dialogues import services
from facilitator.organizations import services as org_services
from facilitator.participants import services as participants


def make_org(actor, name="Socialnämnden i Gnesta kommun", short_name="Gnesta", kind="kommun"):
    return org_services.create_organization(
        actor, {"name": name, "short_name": short_name, "kind": kind, "contact_email": ""}
    )


def dialogue_payload(**overrides):
    payload = {
        "title": "Återföringsdialog Gnesta",
        "purpose": "Att gå igenom IVO:s iakttagelser.",
        "starts_at": "2027-03-15T09:00",
        "duration_minutes": "180",
        "place_room": "Stora salen",
        "place_address": "Storgatan 1",
        "is_digital": False,
        "organization_ids": [],
        "facilitator_ids": [],
        "premoderation": True,
        "participation_mode": "pseudonymous",
        "show_board_results": True,
    }
    payload.update(overrides)
    return payload


def make_dialogue(actor, **overrides):
    return services.create_dialogue(actor, dialogue_payload(**overrides))


def reflection_payload(**overrides):
    payload = {
        "kind": "deficiency",
        "title": "Förhandsbedömningar dröjer",
        "body_md": "Beslut fattas ofta efter **14 dagar**.",
        "legal_basis": "SoL 11 kap. 1 a §",
        "evidence": "6 av 10 granskade förhandsbedömningar",
        "applies_to_all": True,
        "organization_ids": [],
    }
    payload.update(overrides)
    return payload


def make_reflection(actor, dialogue, **overrides):
    return services.create_reflection(actor, dialogue.id, reflection_payload(**overrides))


def make_item(actor, dialogue, title="Inledning", minutes=15, **overrides):
    payload = {"title": title, "description": "", "planned_minutes": str(minutes),
               "reflection_ids": []}
    payload.update(overrides)
    return services.create_agenda_item(actor, dialogue.id, payload)


def published_with_phone(actor):
    """A published dialogue of one board, with a reflection and an agenda item, and one
    socialsekreterare's phone joined: (dialogue, the phone's token). Commits once."""
    org = make_org(actor)
    dialogue = make_dialogue(actor, organization_ids=[str(org.id)])
    make_reflection(actor, dialogue, title="Förhandsbedömningar dröjer")
    make_item(actor, dialogue, title="Inledning")
    services.transition(actor, dialogue.id, "published")
    _participant, token = participants.join(
        dialogue, {"organization": str(org.id), "role": "socialsekreterare"})
    uow.commit()  # a factory is an entry point
    return dialogue, token
