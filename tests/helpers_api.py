"""Shared helpers for the API tests: tokens, headers and a seeded dialogue."""

from facilitator.api import services as api_services
from facilitator.dialogues import services as dialogue_services
from facilitator.organizations import services as organization_services


def token_for(user, name="Testskript") -> str:
    """A raw API token for `user`."""
    return api_services.create_token(user, {"name": name})[1]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def seed_dialogue(user):
    """A board and a draft dialogue `user` facilitates, with one reflection and one item."""
    org = organization_services.create_organization(
        user, {"name": "Socialnämnden i Gnesta kommun", "short_name": "Gnesta",
               "kind": "kommun", "contact_email": "social@gnesta.se"},
    )
    dialogue = dialogue_services.create_dialogue(
        user, {"title": "Återföring Gnesta", "duration_minutes": 120,
               "participation_mode": "pseudonymous", "organization_ids": [org.id],
               "premoderation": True},
    )
    reflection = dialogue_services.create_reflection(
        user, dialogue.id,
        {"kind": "deficiency", "title": "Förhandsbedömningar dröjer",
         "body_md": "**6 av 10** tog mer än 14 dagar.", "legal_basis": "SoL 11 kap. 1 a §",
         "evidence": "6 av 10 granskade förhandsbedömningar", "applies_to_all": True},
    )
    item = dialogue_services.create_agenda_item(
        user, dialogue.id,
        {"title": "Förhandsbedömningar", "planned_minutes": 30,
         "reflection_ids": [reflection.id]},
    )
    return org, dialogue, reflection, item
