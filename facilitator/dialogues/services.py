"""Preparing a dialogue: the dialogue itself, its life cycle, reflections and agenda.

Every function takes the acting user first and checks access through `access`.
"""


import io

import segno
from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts.models import User
from ..audit import services as audit
from ..core import signals
from ..core.clock import local_to_utc, utc_to_local, utcnow
from ..core.payloads import validated
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..organizations.models import Organization
from ..themes import services as theme_services
from . import codes
from .access import can_manage, managed_dialogue, require_facilitator
from .forms import AgendaItemForm, DialogueForm, ReflectionForm
from .models import (
    AgendaItem,
    Dialogue,
    DialogueStatus,
    ParticipationMode,
    Reflection,
    ReflectionKind,
    dialogue_facilitators,
)

#: The life cycle, in order; each step is only taken from the one before it.
LIFECYCLE = [
    DialogueStatus.DRAFT,
    DialogueStatus.PUBLISHED,
    DialogueStatus.LIVE,
    DialogueStatus.CLOSED,
    DialogueStatus.ARCHIVED,
]

#: The column set when a dialogue reaches a status, and the audit verb.
_REACHED = {
    DialogueStatus.PUBLISHED: ("published_at", "dialogue.published"),
    DialogueStatus.LIVE: ("started_at", "dialogue.started"),
    DialogueStatus.CLOSED: ("closed_at", "dialogue.closed"),
    DialogueStatus.ARCHIVED: ("archived_at", "dialogue.archived"),
}

#: Reflection fields whose change after publishing is written to the audit log.
SUBSTANTIVE_FIELDS = ("kind", "title", "body_md", "legal_basis", "evidence")


# --- dialogues -----------------------------------------------------------------------


def list_dialogues(actor) -> list[Dialogue]:
    """Admins see every dialogue; other facilitators those they are on. Soonest first."""
    require_facilitator(actor)
    query = select(Dialogue)
    if not actor.is_admin:
        query = query.join(
            dialogue_facilitators, dialogue_facilitators.c.dialogue_id == Dialogue.id
        ).where(dialogue_facilitators.c.user_id == actor.id)
    query = query.order_by(
        Dialogue.starts_at.is_(None), Dialogue.starts_at.desc(), Dialogue.created_at.desc()
    )
    return list(db.session.scalars(query))


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
    db.session.commit()
    return dialogue


def update_dialogue(actor, dialogue_id, payload) -> Dialogue:
    """Change a dialogue's details; every field is sent again."""
    dialogue = managed_dialogue(actor, dialogue_id)
    if dialogue.status == DialogueStatus.ARCHIVED:
        raise Conflict(_("Dialogen är arkiverad och kan inte längre ändras."))
    form = validated(DialogueForm, payload, **dialogue_form_kwargs(dialogue))
    _apply_dialogue(actor, dialogue, form)
    db.session.commit()
    return dialogue


def meetings_live() -> int:
    """How many dialogues' meetings are running (a figure for the metrics)."""
    return db.session.scalar(
        select(func.count()).select_from(Dialogue).where(Dialogue.status == DialogueStatus.LIVE))


#: Checks another feature adds to a step (it registers here in its `init_app`):
#: `(from, to) -> [callable(dialogue) -> refusal or None]`, e.g. participants refuse to make a
#: dialogue a draft again once someone has joined it.
STEP_GUARDS: dict = {}


def guard_step(before: DialogueStatus, to: DialogueStatus, check) -> None:
    """Add `check(dialogue)` to the step `before -> to` (once, however many apps register)."""
    checks = STEP_GUARDS.setdefault((before, to), [])
    if check not in checks:
        checks.append(check)


def _refusal(dialogue: Dialogue, to: DialogueStatus) -> str | None:
    """Why `dialogue` cannot go to `to` now, or None if it can."""
    current = dialogue.status
    if to == current:
        return _("Dialogen har redan den statusen.")
    for check in STEP_GUARDS.get((current, to), ()):
        refusal = check(dialogue)
        if refusal:
            return refusal
    if current == DialogueStatus.PUBLISHED and to == DialogueStatus.DRAFT:
        return None
    if LIFECYCLE.index(to) != LIFECYCLE.index(current) + 1:
        return _("Det steget går inte att ta härifrån. Dialogen går i ordningen "
                 "utkast, publicerad, pågående möte, avslutad, arkiverad, ett steg i taget.")
    if to == DialogueStatus.PUBLISHED and not dialogue.reflections:
        return _("Lägg till minst en reflektion innan du publicerar dialogen.")
    return None


def allowed_transitions(dialogue: Dialogue) -> list[DialogueStatus]:
    """The statuses the dialogue can go to now (for the page's buttons)."""
    return [s for s in LIFECYCLE if s != dialogue.status and _refusal(dialogue, s) is None]


def next_step(dialogue: Dialogue) -> tuple[DialogueStatus | None, str | None]:
    """The next status forward and, if it is refused now, why."""
    index = LIFECYCLE.index(dialogue.status)
    if index + 1 >= len(LIFECYCLE):
        return None, None
    to = LIFECYCLE[index + 1]
    return to, _refusal(dialogue, to)


def _commit_content_change(dialogue: Dialogue) -> None:
    """Commit a change to reflections or agenda; once published, screens are told to refresh."""
    if dialogue.status != DialogueStatus.DRAFT:
        signals.dialogue_content_changed.send(dialogue)  # told after the commit
    db.session.commit()


#: Lifecycle steps with side effects, each taken only by the feature that owns it (it
#: registers here in its `init_app`): `status -> callable(actor, dialogue_id)`. `transition`
#: hands such a step to its owner, so every door (the status form, the API, the console) takes
#: the same path; without an owner the step is refused.
STEP_OWNERS: dict = {}

#: Steps that cannot be taken by the plain status change below.
OWNED_STEPS = (DialogueStatus.CLOSED,)


def transition(actor, dialogue_id, to_status) -> Dialogue:
    """Move the dialogue to `to_status`, one step at a time; Conflict says why not. A step
    with side effects (closing the meeting) is taken by its owner (`STEP_OWNERS`). Flushes;
    the caller commits, and the room hears of it after the commit."""
    dialogue = managed_dialogue(actor, dialogue_id)
    try:
        to = DialogueStatus(to_status)
    except ValueError:
        message = _(
            "Okänd status. Välj utkast, publicerad, pågående möte, avslutad eller arkiverad."
        )
        raise ValidationFailed(message, errors={"to_status": [message]}) from None
    refusal = _refusal(dialogue, to)
    if refusal:
        raise Conflict(refusal)
    if to in OWNED_STEPS:
        owner = STEP_OWNERS.get(to)
        if owner is None:
            raise Conflict(_("Det steget går inte att ta här."))
        owner(actor, dialogue.id)
        return dialogue
    take_step(actor, dialogue, to)
    db.session.flush()
    return dialogue


def take_step(actor, dialogue: Dialogue, to: DialogueStatus) -> None:
    """Set the status, its time and the audit entry in the caller's transaction, for a step
    already checked (by `transition`, or by the owner of a step with side effects), and
    announce it (`signals.dialogue_status_changed`: the room is told after the commit)."""
    before = dialogue.status
    dialogue.status = to
    details = {"from": before.value, "to": to.value}
    if to == DialogueStatus.DRAFT:
        dialogue.published_at = None
        action = "dialogue.unpublished"
    else:
        column, action = _REACHED[to]
        setattr(dialogue, column, utcnow())
    if to == DialogueStatus.ARCHIVED:
        # Archiving frees the code for another dialogue.
        details["join_code"] = dialogue.join_code
        dialogue.join_code = None
    audit.record(action, dialogue=dialogue, user=actor, subject=dialogue, **details)
    signals.dialogue_status_changed.send(dialogue, status=to)


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


# --- reflections ---------------------------------------------------------------------


def _require_preparable(dialogue: Dialogue) -> None:
    if dialogue.status in (DialogueStatus.CLOSED, DialogueStatus.ARCHIVED):
        raise Conflict(_("Dialogen är avslutad. Reflektioner och dagordning kan inte längre "
                         "ändras."))


def _reflection(dialogue: Dialogue, reflection_id) -> Reflection:
    for reflection in dialogue.reflections:
        if str(reflection.id) == str(reflection_id):
            return reflection
    raise NotFound(_("Reflektionen finns inte i den här dialogen."))


def reflection_form_kwargs(dialogue: Dialogue) -> dict:
    # A theme taken out of use stays choosable where a reflection here already carries it.
    kept = {t.id for r in dialogue.reflections for t in r.themes}
    return {"organization_choices": [(o.id, o.name) for o in dialogue.organizations],
            "theme_choices": theme_services.choices(kept)}


def _apply_reflection(dialogue: Dialogue, reflection: Reflection, form: ReflectionForm) -> None:
    reflection.kind = ReflectionKind(form.kind.data)
    reflection.title = form.title.data.strip()
    reflection.body_md = (form.body_md.data or "").strip()
    reflection.legal_basis = (form.legal_basis.data or "").strip()
    reflection.evidence = (form.evidence.data or "").strip()
    chosen = set(form.organization_ids.data or [])
    reflection.applies_to_all = bool(form.applies_to_all.data)
    reflection.organizations = (
        [] if reflection.applies_to_all
        else [o for o in dialogue.organizations if o.id in chosen]
    )
    reflection.themes = theme_services.by_ids(form.theme_ids.data)


def _origin(actor, dialogue: Dialogue, origin_id) -> Reflection | None:
    """The earlier reflection a new one starts from: in another dialogue `actor` may read."""
    if not origin_id:
        return None
    origin = db.session.get(Reflection, origin_id)
    if origin is None or origin.dialogue_id == dialogue.id or not can_manage(actor,
                                                                            origin.dialogue):
        message = _("Den tidigare reflektionen finns inte, eller hör till en dialog du inte "
                    "kan se.")
        raise ValidationFailed(message, errors={"origin_id": [message]})
    return origin


def get_origin(actor, dialogue_id, origin_id) -> Reflection | None:
    """The earlier reflection named by a form being filled in, or None when it is not one
    `actor` may read (the form's own validation then says why)."""
    dialogue = managed_dialogue(actor, dialogue_id)
    try:
        return _origin(actor, dialogue, int(origin_id))
    except (TypeError, ValueError, ValidationFailed):
        return None


def earlier_reflections(actor, dialogue_id) -> list[dict]:
    """Reflections in the other dialogues `actor` may read, to start a new one from: the
    dialogues that share a board with this one first, then the newest first."""
    dialogue = managed_dialogue(actor, dialogue_id)
    boards = {o.id for o in dialogue.organizations}
    others = [d for d in list_dialogues(actor) if d.id != dialogue.id and d.reflections]
    others.sort(key=lambda d: (not boards & {o.id for o in d.organizations},
                               -(d.starts_at or d.created_at).timestamp()))
    return [{"dialogue": d, "reflections": d.reflections} for d in others]


def reflection_copy_data(actor, dialogue_id, origin_id) -> dict:
    """The new-reflection form filled from an earlier reflection: text, legal basis,
    evidence and themes copied, the link to it kept."""
    dialogue = managed_dialogue(actor, dialogue_id)
    try:
        origin = _origin(actor, dialogue, int(origin_id))
    except (TypeError, ValueError, ValidationFailed):
        origin = None
    if origin is None:
        raise NotFound(_("Den tidigare reflektionen finns inte, eller hör till en dialog du "
                         "inte kan se."))
    data = reflection_form_data(origin)
    data.update(applies_to_all=True, organization_ids=[], origin_id=origin.id,
                theme_ids=[t.id for t in origin.themes if t.active])
    return data


def _snapshot(reflection: Reflection) -> dict:
    return {name: str(getattr(reflection, name) or "") for name in SUBSTANTIVE_FIELDS}


def create_reflection(actor, dialogue_id, payload) -> Reflection:
    """A new reflection, last in order."""
    dialogue = managed_dialogue(actor, dialogue_id)
    _require_preparable(dialogue)
    form = validated(ReflectionForm, payload, **reflection_form_kwargs(dialogue))
    origin = _origin(actor, dialogue, form.origin_id.data)
    reflection = Reflection(dialogue=dialogue,
                            position=max((r.position for r in dialogue.reflections), default=-1)
                            + 1, origin=origin)
    _apply_reflection(dialogue, reflection, form)
    db.session.add(reflection)
    db.session.flush()
    if dialogue.status != DialogueStatus.DRAFT:
        audit.record("reflection.added", dialogue=dialogue, user=actor, subject=reflection,
                     after=_snapshot(reflection))
    _commit_content_change(dialogue)
    return reflection


def update_reflection(actor, dialogue_id, reflection_id, payload) -> Reflection:
    """Change a reflection; a substantive change after publishing is audited."""
    dialogue = managed_dialogue(actor, dialogue_id)
    reflection = _reflection(dialogue, reflection_id)
    _require_preparable(dialogue)
    form = validated(ReflectionForm, payload, **reflection_form_kwargs(dialogue))
    before = _snapshot(reflection)
    _apply_reflection(dialogue, reflection, form)
    after = _snapshot(reflection)
    changed = [name for name in SUBSTANTIVE_FIELDS if before[name] != after[name]]
    if changed and dialogue.status != DialogueStatus.DRAFT:
        audit.record(
            "reflection.edited", dialogue=dialogue, user=actor, subject=reflection,
            changed=changed,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    _commit_content_change(dialogue)
    return reflection


def delete_reflection(actor, dialogue_id, reflection_id) -> None:
    """Remove a reflection; only while the dialogue is a draft."""
    dialogue = managed_dialogue(actor, dialogue_id)
    reflection = _reflection(dialogue, reflection_id)
    if dialogue.status != DialogueStatus.DRAFT:
        raise Conflict(_("Reflektioner kan bara tas bort medan dialogen är ett utkast. "
                         "Redigera reflektionen i stället."))
    dialogue.reflections.remove(reflection)
    _renumber(dialogue.reflections)
    db.session.commit()


def _renumber(items) -> None:
    for index, item in enumerate(items):
        item.position = index


def _move(items: list, item, direction: str) -> None:
    if direction not in ("up", "down"):
        message = _("Ange riktningen upp eller ned.")
        raise ValidationFailed(message, errors={"direction": [message]})
    ordered = sorted(items, key=lambda i: (i.position, i.id))
    index = ordered.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    _renumber(ordered)


def _move_part(actor, dialogue_id, find, parts: str, part_id, direction: str):
    """Move one of the dialogue's reflections or agenda items (`parts`) one step."""
    dialogue = managed_dialogue(actor, dialogue_id)
    part = find(dialogue, part_id)
    _require_preparable(dialogue)
    _move(getattr(dialogue, parts), part, direction)
    _commit_content_change(dialogue)
    return part


def move_reflection(actor, dialogue_id, reflection_id, direction) -> Reflection:
    """Move a reflection one step "up" or "down" (nothing happens at either end)."""
    return _move_part(actor, dialogue_id, _reflection, "reflections", reflection_id, direction)


# --- agenda --------------------------------------------------------------------------


def _agenda_item(dialogue: Dialogue, item_id) -> AgendaItem:
    for item in dialogue.agenda_items:
        if str(item.id) == str(item_id):
            return item
    raise NotFound(_("Punkten finns inte på den här dialogens dagordning."))


def agenda_form_kwargs(dialogue: Dialogue) -> dict:
    return {"reflection_choices": [(r.id, r.title) for r in dialogue.reflections]}


def _apply_agenda_item(dialogue: Dialogue, item: AgendaItem, form: AgendaItemForm) -> None:
    item.title = form.title.data.strip()
    item.description = (form.description.data or "").strip()
    item.planned_minutes = form.planned_minutes.data
    chosen = set(form.reflection_ids.data or [])
    item.reflections = [r for r in dialogue.reflections if r.id in chosen]


def create_agenda_item(actor, dialogue_id, payload) -> AgendaItem:
    """A new agenda item, last in order."""
    dialogue = managed_dialogue(actor, dialogue_id)
    _require_preparable(dialogue)
    form = validated(AgendaItemForm, payload, **agenda_form_kwargs(dialogue))
    item = AgendaItem(dialogue=dialogue,
                      position=max((i.position for i in dialogue.agenda_items), default=-1) + 1)
    _apply_agenda_item(dialogue, item, form)
    db.session.add(item)
    _commit_content_change(dialogue)
    return item


def update_agenda_item(actor, dialogue_id, item_id, payload) -> AgendaItem:
    dialogue = managed_dialogue(actor, dialogue_id)
    item = _agenda_item(dialogue, item_id)
    _require_preparable(dialogue)
    form = validated(AgendaItemForm, payload, **agenda_form_kwargs(dialogue))
    _apply_agenda_item(dialogue, item, form)
    _commit_content_change(dialogue)
    return item


def delete_agenda_item(actor, dialogue_id, item_id) -> None:
    dialogue = managed_dialogue(actor, dialogue_id)
    item = _agenda_item(dialogue, item_id)
    _require_preparable(dialogue)
    dialogue.agenda_items.remove(item)
    _renumber(dialogue.agenda_items)
    _commit_content_change(dialogue)


def move_agenda_item(actor, dialogue_id, item_id, direction) -> AgendaItem:
    """Move an agenda item one step "up" or "down"."""
    return _move_part(actor, dialogue_id, _agenda_item, "agenda_items", item_id, direction)


# --- what the forms start with -------------------------------------------------------


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


def reflection_form_data(reflection: Reflection) -> dict:
    return {
        "kind": reflection.kind.value, "title": reflection.title, "body_md": reflection.body_md,
        "legal_basis": reflection.legal_basis, "evidence": reflection.evidence,
        "applies_to_all": reflection.applies_to_all,
        "organization_ids": [o.id for o in reflection.organizations],
        "theme_ids": [t.id for t in reflection.themes],
    }


def agenda_item_form_data(item: AgendaItem) -> dict:
    return {
        "title": item.title, "description": item.description,
        "planned_minutes": item.planned_minutes,
        "reflection_ids": [r.id for r in item.reflections],
    }


def get_reflection(actor, dialogue_id, reflection_id) -> Reflection:
    """One reflection of a dialogue `actor` manages."""
    return _reflection(managed_dialogue(actor, dialogue_id), reflection_id)


def get_agenda_item(actor, dialogue_id, item_id) -> AgendaItem:
    """One agenda item of a dialogue `actor` manages."""
    return _agenda_item(managed_dialogue(actor, dialogue_id), item_id)


def list_reflections(actor, dialogue_id) -> list[Reflection]:
    """The reflections of a dialogue `actor` manages, in order."""
    return list(managed_dialogue(actor, dialogue_id).reflections)


def list_agenda_items(actor, dialogue_id) -> list[AgendaItem]:
    """The agenda of a dialogue `actor` manages, in order."""
    return list(managed_dialogue(actor, dialogue_id).agenda_items)
