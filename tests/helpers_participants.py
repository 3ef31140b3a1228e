"""Shared helpers for the participants and contributions tests: dialogues made directly with
the models, so these tests do not depend on the dialogue pages."""

from sqlalchemy import select

from facilitator.dialogues import codes
from facilitator.dialogues.models import (
    AgendaItem,
    Dialogue,
    DialogueStatus,
    ParticipationMode,
    Reflection,
    ReflectionKind,
)
from facilitator.extensions import db
from facilitator.organizations.models import Organization, OrganizationKind


def board(short_name: str) -> Organization:
    org = db.session.scalar(select(Organization).where(Organization.short_name == short_name))
    if org is None:
        org = Organization(name=f"Socialnämnden i {short_name}", short_name=short_name,
                           kind=OrganizationKind.KOMMUN)
        db.session.add(org)
    return org


def make_dialogue(
    status="published", boards=("Gnesta", "Nykvarn"),
    reflections=("Förhandsbedömningar tar för lång tid", "Barnets röst hörs i utredningarna"),
    premoderation=True, mode="pseudonymous", facilitators=(), title="Återföringsdialog 2019",
) -> Dialogue:
    dialogue = Dialogue(
        title=title,
        purpose="Att gå igenom IVO:s iakttagelser från tillsynen och enas om vad som ska göras.",
        status=DialogueStatus(status), join_code=codes.new_code(), premoderation=premoderation,
        participation_mode=ParticipationMode(mode),
    )
    dialogue.organizations = [board(name) for name in boards]
    dialogue.reflections = [
        Reflection(
            kind=ReflectionKind.DEFICIENCY if i else ReflectionKind.CONCERN, title=text,
            body_md="I **6 av 10** granskade ärenden dröjde beslutet längre än 14 dagar.",
            legal_basis="SoL 11 kap. 1 a §", evidence="6 av 10 granskade förhandsbedömningar",
            position=i,
        )
        for i, text in enumerate(reflections)
    ]
    dialogue.agenda_items = [
        AgendaItem(title="Inledning och syfte", planned_minutes=10, position=0),
        AgendaItem(title="IVO:s iakttagelser", planned_minutes=45, position=1),
    ]
    dialogue.facilitators = list(facilitators)
    db.session.add(dialogue)
    db.session.commit()
    return dialogue


def org_value(dialogue: Dialogue, short_name: str | None) -> str:
    if short_name is None:
        return "none"
    return next(str(o.id) for o in dialogue.organizations if o.short_name == short_name)


def join(client, dialogue, board_name="Gnesta", role="socialsekreterare", name=""):
    return client.post(
        f"/m/{dialogue.join_code}/profil",
        data={"organization": org_value(dialogue, board_name), "role": role, "name": name},
    )


def cookie_name(dialogue) -> str:
    return f"deltagare_{dialogue.id}"
