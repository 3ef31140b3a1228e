"""Shared set-up for the follow-up tests: a closed dialogue with two boards (Gnesta, Nyköping),
a facilitator, a reflection, and helpers to make items and review links."""

import io
import zipfile
from dataclasses import dataclass

import factories as make

from facilitator.accounts.models import User
from facilitator.core import uow
from facilitator.dialogues.models import DialogueStatus
from facilitator.extensions import db
from facilitator.followups import commands, links
from facilitator.followups.models import FollowUpItem

PASSWORD = "ett-langt-testlosenord"

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def docx_bytes() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Rutin för förhandsbedömning")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def zip_without_word() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hej")
    return buffer.getvalue()


def user(email, name, *, is_admin=False, organization_id=None) -> User:
    u = make.user(email, name, PASSWORD, is_admin=is_admin, organization_id=organization_id)
    uow.commit()  # the factory's one commit
    return u


@dataclass
class World:
    facilitator_id: int
    outsider_id: int
    dialogue_id: int
    gnesta_id: int
    nykoping_id: int
    reflection_id: int

    @property
    def facilitator(self) -> User:
        return db.session.get(User, self.facilitator_id)

    @property
    def outsider(self) -> User:
        return db.session.get(User, self.outsider_id)


def make_world(status=DialogueStatus.CLOSED) -> World:
    """Through the services: the boards, two facilitators (one outside the dialogue), the
    dialogue with its reflection, taken step by step to `status` (closing drafts the
    minutes)."""
    facilitator = user("sara@ivo.se", "Sara Samordnare")
    outsider = user("olle@ivo.se", "Olle Utanför")
    gnesta = make.board(facilitator, "Socialnämnden i Gnesta kommun", "Gnesta",
                        contact_email="registrator@gnesta.se")
    nykoping = make.board(facilitator, "Socialnämnden i Nyköpings kommun", "Nyköping",
                          contact_email="socialnamnden@nykoping.se")
    dialogue, _payload = make.dialogue(facilitator, "Återföringsdialog Sörmland",
                                       organization_ids=[gnesta.id, nykoping.id])
    reflection = make.reflection(facilitator, dialogue.id,
                                 "Förhandsbedömningar dröjer längre än 14 dagar",
                                 legal_basis="SoL 11 kap. 1 a §",
                                 evidence="6 av 10 granskade förhandsbedömningar")
    world = World(facilitator.id, outsider.id, dialogue.id, gnesta.id, nykoping.id,
                  reflection.id)
    path = (DialogueStatus.PUBLISHED, DialogueStatus.LIVE, DialogueStatus.CLOSED,
            DialogueStatus.ARCHIVED)
    for to in path[:path.index(status) + 1] if status in path else ():
        make.step(facilitator, dialogue.id, to)
    uow.commit()  # the factory's one commit
    return world


def make_item(world: World, owner_id, title="Säkra förhandsbedömningar inom 14 dagar",
              status="agreed", due="2026-03-31", **extra) -> FollowUpItem:
    payload = {"title": title, "owner": str(owner_id) if owner_id else "ivo",
               "responsible_role": "enhetschef barn och unga", "due_date": due or "",
               "agreement": "shared", "status": status, **extra}
    item = commands.create_item(world.facilitator, world.dialogue_id, payload)
    uow.commit()  # a factory is an entry point
    return item


def make_link(world: World, organization_id, days=180) -> str:
    _link, token = links.create_review_link(
        world.facilitator, world.dialogue_id, {"organization_id": organization_id, "days": days})
    uow.commit()
    return token
