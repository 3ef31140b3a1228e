"""A dialogue itself: its details, its boards and facilitators, the join link and QR code,
and what its form starts with. Every function takes the acting user first and checks access
through `access`.

The life cycle, reflections and agenda have their own modules (`lifecycle.py`,
`reflections.py`, `agenda.py`); their operations are importable from here too.
"""

import io

import segno
from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..core.clock import local_to_utc, utc_to_local
from ..core.payloads import validated
from ..errors import Conflict, NotFound
from ..extensions import db
from ..organizations.models import Organization
from . import codes
from .access import list_dialogues, managed_dialogue, require_facilitator
from .agenda import (
    agenda_form_kwargs,
    agenda_item_form_data,
    create_agenda_item,
    delete_agenda_item,
    get_agenda_item,
    list_agenda_items,
    move_agenda_item,
    update_agenda_item,
)
from .forms import DialogueForm
from .lifecycle import (
    LIFECYCLE,
    OWNED_STEPS,
    STEP_GUARDS,
    STEP_OWNERS,
    allowed_transitions,
    guard_step,
    meetings_live,
    next_step,
    take_step,
    transition,
)
from .models import Dialogue, DialogueStatus, ParticipationMode
from .reflections import (
    SUBSTANTIVE_FIELDS,
    create_reflection,
    delete_reflection,
    earlier_reflections,
    get_origin,
    get_reflection,
    list_reflections,
    move_reflection,
    reflection_copy_data,
    reflection_form_data,
    reflection_form_kwargs,
    update_reflection,
)

__all__ = [
    "LIFECYCLE", "OWNED_STEPS", "STEP_GUARDS", "STEP_OWNERS", "SUBSTANTIVE_FIELDS",
    "agenda_form_kwargs", "agenda_item_form_data", "allowed_transitions", "create_agenda_item",
    "create_dialogue", "create_reflection", "delete_agenda_item", "delete_reflection",
    "dialogue_form_data", "dialogue_form_kwargs", "earlier_reflections", "facilitator_choices",
    "get_agenda_item", "get_dialogue", "get_origin", "get_reflection", "guard_step",
    "join_url", "list_agenda_items", "list_dialogues", "list_reflections", "meetings_live",
    "move_agenda_item", "move_reflection", "next_step", "organization_choices",
    "planned_minutes", "qr_code", "reflection_copy_data", "reflection_form_data",
    "reflection_form_kwargs", "take_step", "transition", "update_agenda_item",
    "update_dialogue", "update_reflection",
]


def get_dialogue(actor, dialogue_id) -> Dialogue:
    """The dialogue if `actor` may manage it; NotFound or PermissionDenied otherwise."""
    return managed_dialogue(actor, dialogue_id)


def organization_choices() -> list[tuple[int, str]]:
    """Every board, for the dialogue form's checkboxes."""
    return [(org.id, org.name) for org in db.session.scalars(
        select(Organization).order_by(Organization.name))]


def facilitator_choices(dialogue: Dialogue | None = None) -> list[tuple[int, str]]:
    """Active facilitators, plus those already on the dialogue."""
    users = list(db.session.scalars(select(User).where(User.active).order_by(User.name)))
    if dialogue is not None:
        users += [u for u in dialogue.facilitators if not u.active]
    return [(u.id, f"{u.name} ({u.email})") for u in users]


def dialogue_form_kwargs(dialogue: Dialogue | None = None) -> dict:
    """The choices a DialogueForm needs; pages build their form with these too."""
    return {
        "organization_choices": organization_choices(),
        "facilitator_choices": facilitator_choices(dialogue),
    }


def _apply_dialogue(actor, dialogue: Dialogue, form: DialogueForm) -> None:
    dialogue.title = form.title.data.strip()
    dialogue.purpose = (form.purpose.data or "").strip()
    dialogue.starts_at = local_to_utc(form.starts_at.data)
    dialogue.duration_minutes = form.duration_minutes.data
    dialogue.place_room = (form.place_room.data or "").strip()
    dialogue.place_address = (form.place_address.data or "").strip()
    dialogue.is_digital = bool(form.is_digital.data)
    dialogue.premoderation = bool(form.premoderation.data)
    dialogue.participation_mode = ParticipationMode(form.participation_mode.data)
    dialogue.show_board_results = bool(form.show_board_results.data)
    org_ids = set(form.organization_ids.data or [])
    dialogue.organizations = list(db.session.scalars(
        select(Organization).where(Organization.id.in_(org_ids)))) if org_ids else []
    user_ids = set(form.facilitator_ids.data or [])
    # The creator is always a facilitator, and nobody but an admin can take themselves off.
    if dialogue.created_by_id is not None:
        user_ids.add(dialogue.created_by_id)
    if not actor.is_admin:
        user_ids.add(actor.id)
    dialogue.facilitators = list(db.session.scalars(select(User).where(User.id.in_(user_ids))))
    # A reflection cannot concern a board that has left the dialogue.
    kept = {org.id for org in dialogue.organizations}
    for reflection in dialogue.reflections:
        reflection.organizations = [o for o in reflection.organizations if o.id in kept]
        if not reflection.organizations:
            reflection.applies_to_all = True


def create_dialogue(actor, payload) -> Dialogue:
    """A new draft dialogue with its join code; the creator is a facilitator."""
    require_facilitator(actor)
    form = validated(DialogueForm, payload, **dialogue_form_kwargs())
    dialogue = Dialogue(created_by_id=actor.id, status=DialogueStatus.DRAFT,
                        join_code=codes.new_code())
    db.session.add(dialogue)
    _apply_dialogue(actor, dialogue, form)
    db.session.flush()
    audit.record("dialogue.created", dialogue=dialogue, user=actor, subject=dialogue,
                 title=dialogue.title)
    db.session.flush()
    return dialogue


def update_dialogue(actor, dialogue_id, payload) -> Dialogue:
    """Change a dialogue's details; every field is sent again."""
    dialogue = managed_dialogue(actor, dialogue_id)
    if dialogue.status == DialogueStatus.ARCHIVED:
        raise Conflict(_("Dialogen är arkiverad och kan inte längre ändras."))
    form = validated(DialogueForm, payload, **dialogue_form_kwargs(dialogue))
    _apply_dialogue(actor, dialogue, form)
    db.session.flush()
    return dialogue


def join_url(dialogue: Dialogue) -> str | None:
    """The address participants open to join; None once archived."""
    if not dialogue.join_code:
        return None
    if "participants.join_link" in current_app.view_functions:
        return url_for("participants.join_link", code=dialogue.join_code, _external=True)
    return url_for("core.index", _external=True) + f"m/{dialogue.join_code}"


def qr_code(actor, dialogue_id, fmt: str) -> tuple[bytes, str]:
    """The join URL as a QR code: ("svg" or "png") bytes and their media type."""
    dialogue = managed_dialogue(actor, dialogue_id)
    url = join_url(dialogue)
    if url is None:
        raise NotFound(_("Dialogen är arkiverad och har ingen kod längre."))
    qr = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    if fmt == "svg":
        qr.save(out, kind="svg", scale=8, border=4, xmldecl=False,
                title=_("QR-kod till %(url)s", url=url))
        return out.getvalue(), "image/svg+xml"
    if fmt == "png":
        qr.save(out, kind="png", scale=10, border=4)
        return out.getvalue(), "image/png"
    raise NotFound(_("Okänt bildformat."))


def planned_minutes(dialogue: Dialogue) -> int:
    """The agenda's planned total in minutes."""
    return sum(item.planned_minutes or 0 for item in dialogue.agenda_items)


def dialogue_form_data(dialogue: Dialogue) -> dict:
    """A dialogue's values as its form shows them (start time in Europe/Stockholm)."""
    return {
        "title": dialogue.title, "purpose": dialogue.purpose,
        "starts_at": utc_to_local(dialogue.starts_at),
        "duration_minutes": dialogue.duration_minutes,
        "place_room": dialogue.place_room, "place_address": dialogue.place_address,
        "is_digital": dialogue.is_digital,
        "organization_ids": [o.id for o in dialogue.organizations],
        "facilitator_ids": [u.id for u in dialogue.facilitators],
        "premoderation": dialogue.premoderation,
        "participation_mode": dialogue.participation_mode.value,
        "show_board_results": dialogue.show_board_results,
    }
