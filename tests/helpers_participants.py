"""Shared helpers for the participants and contributions tests: dialogues made through the
services (not the dialogue pages), by the facilitators given or else by one of the factory's
own, who is then the dialogue's creator and facilitator."""

import factories as make
from sqlalchemy import select

from facilitator.accounts.models import User
from facilitator.core import uow
from facilitator.dialogues.models import Dialogue, DialogueStatus
from facilitator.extensions import db
from facilitator.organizations.models import Organization, OrganizationKind

FACTORY_EMAIL = "fabrik@ivo.se"
STEPS = (DialogueStatus.PUBLISHED, DialogueStatus.LIVE, DialogueStatus.CLOSED,
         DialogueStatus.ARCHIVED)


def _factory_facilitator() -> User:
    found = db.session.scalar(select(User).where(User.email == FACTORY_EMAIL))
    return found or make.user(FACTORY_EMAIL, "Fabian Fabrik", "ett-langt-testlosenord")


def board(short_name: str, actor=None) -> Organization:
    org = db.session.scalar(select(Organization).where(Organization.short_name == short_name))
    if org is None:
        org = make.board(actor or _factory_facilitator(), f"Socialnämnden i {short_name}",
                         short_name, kind=OrganizationKind.KOMMUN.value)
        uow.commit()  # the factory's one commit
    return org


def make_dialogue(
    status="published", boards=("Gnesta", "Nykvarn"),
    reflections=("Förhandsbedömningar tar för lång tid", "Barnets röst hörs i utredningarna"),
    premoderation=True, mode="pseudonymous", facilitators=(), title="Återföringsdialog 2019",
) -> Dialogue:
    actor = facilitators[0] if facilitators else _factory_facilitator()
    orgs = [board(name, actor) for name in boards]
    dialogue, _payload = make.dialogue(
        actor, title, organization_ids=[o.id for o in orgs],
        facilitator_ids=[f.id for f in facilitators],
        purpose="Att gå igenom IVO:s iakttagelser från tillsynen och enas om vad som ska göras.",
        premoderation=premoderation, participation_mode=mode)
    did = dialogue.id
    for i, text in enumerate(reflections):
        make.reflection(actor, did, text, kind="deficiency" if i else "concern",
                        body_md="I **6 av 10** granskade ärenden dröjde beslutet längre än "
                                "14 dagar.",
                        legal_basis="SoL 11 kap. 1 a §",
                        evidence="6 av 10 granskade förhandsbedömningar")
    make.agenda_item(actor, did, "Inledning och syfte", 10)
    make.agenda_item(actor, did, "IVO:s iakttagelser", 45)
    status = DialogueStatus(status)
    for to in STEPS[:STEPS.index(status) + 1] if status in STEPS else ():
        make.step(actor, did, to)
    uow.commit()  # the factory's one commit
    return db.session.get(Dialogue, did)


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
