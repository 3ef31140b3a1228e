"""Follow-up item commands: create, edit, move through the statuses, comment, add evidence.

Every function takes the actor first: a facilitator `User`, a board staff `User`
(`organization_id` set) or a `reviewers.Reviewer` (a review link). IVO may do everything with
the items of dialogues it manages; a board sees and updates only its own items. An item a board
may not see is "not found", so its id tells nothing.
"""

from datetime import date, datetime

from flask_babel import gettext as _

from ..core import signals, uow
from ..core.clock import today_local, utcnow
from ..core.payloads import validated
from ..dialogues.access import managed_dialogue
from ..errors import NotFound, PermissionDenied, ValidationFailed
from ..extensions import db
from . import uploads
from .forms import IVO_OWNER, CommentForm, EvidenceForm, FollowUpForm, StatusForm
from .models import STATUS_LABELS, Agreement, Evidence, FollowUpEvent, FollowUpItem, FollowUpStatus
from .prefill import owner_choices, resolve_source
from .reviewers import Reviewer, as_reviewer, facilitator_only, item_for

S = FollowUpStatus
#: The allowed steps. Forward: föreslagen → överenskommen → pågår → genomförd | ej genomförd;
#: back: an agreed item can be proposed again, a started one agreed again, a finished one reopened.
TRANSITIONS: dict[FollowUpStatus, set[FollowUpStatus]] = {
    S.PROPOSED: {S.AGREED},
    S.AGREED: {S.IN_PROGRESS, S.DONE, S.NOT_DONE, S.PROPOSED},
    S.IN_PROGRESS: {S.DONE, S.NOT_DONE, S.AGREED},
    S.DONE: {S.IN_PROGRESS},
    S.NOT_DONE: {S.IN_PROGRESS},
}
#: What a board may set: work on an agreed item and finish it; agreeing is done with IVO.
BOARD_TARGETS = {S.IN_PROGRESS, S.DONE, S.NOT_DONE}
#: Statuses the room sees during the meeting (the agreed list).
PUBLIC_STATUSES = (S.AGREED, S.IN_PROGRESS, S.DONE, S.NOT_DONE)
#: Open: agreed and not yet finished. These are reminded of and in the calendar.
OPEN_STATUSES = (S.AGREED, S.IN_PROGRESS)
FINISHED_STATUSES = (S.DONE, S.NOT_DONE)

EDITABLE_FIELDS = ("title", "description", "organization_id", "responsible_role", "due_date",
                   "agreement", "ivo_position", "board_position")


# --- small helpers -------------------------------------------------------------------


def status_label(status) -> str:
    return str(STATUS_LABELS[FollowUpStatus(status)])


def is_overdue(item: FollowUpItem, today: date | None = None) -> bool:
    """Past its due date and not finished."""
    today = today or today_local()
    return (item.due_date is not None and item.due_date < today
            and item.status not in FINISHED_STATUSES)


def owner_name(item: FollowUpItem, short: bool = False) -> str:
    if item.organization is None:
        return "IVO"
    return item.organization.short_name if short else item.organization.name


def _json_value(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def _event(item: FollowUpItem, actor, reviewer: Reviewer | None, kind: str, **fields):
    if reviewer is None:
        user_id = actor.id
    else:
        user_id = reviewer.user.id if reviewer.user is not None else None
    event = FollowUpEvent(
        item=item, kind=kind, by_ivo=reviewer is None, actor_user_id=user_id,
        review_link_id=reviewer.link.id if reviewer and reviewer.link else None,
        board_token_id=reviewer.api_token_id if reviewer else None,
        **fields,
    )
    db.session.add(event)
    return event


def event_author(event: FollowUpEvent) -> str:
    """Who made a change, as the history shows it."""
    if event.by_ivo:
        return _("%(name)s, IVO", name=event.actor.name) if event.actor else "IVO"
    board = owner_name(event.item, short=True)
    if event.actor is not None:
        return _("%(name)s, %(board)s", name=event.actor.name, board=board)
    if event.board_token_id is not None:
        return _("%(board)s (via nämndens API-nyckel)", board=board)
    return _("%(board)s (via granskningslänken)", board=board)


def public_view(item: FollowUpItem) -> dict:
    """The compact form phones and the projector show (no people, no history)."""
    return {
        "id": item.id,
        "title": item.title,
        "owner": owner_name(item, short=True),
        "responsible_role": item.responsible_role,
        "due_date": item.due_date.isoformat() if item.due_date else None,
        "status": item.status.value,
        "status_label": status_label(item.status),
        "agreement": item.agreement.value,
    }


def _flush_and_announce(item: FollowUpItem, was_public: bool) -> None:
    """Flush; when the room's list changed, the meeting is told (with the dialogue's next
    seq, taken in this transaction) after the entry point's commit."""
    db.session.flush()
    if was_public or item.status in PUBLIC_STATUSES:
        db.session.expire(item, ["organization"])  # the owner as stored, not as last loaded
        signals.followup_changed.send(item.dialogue_id, view=public_view(item))


# --- items ---------------------------------------------------------------------------


def _apply(item: FollowUpItem, form: FollowUpForm) -> dict:
    """Copy the form onto the item; the changed fields as {field: [before, after]}."""
    owner = form.owner.data
    values = {
        "title": form.title.data.strip(),
        "description": (form.description.data or "").strip(),
        "organization_id": None if owner == IVO_OWNER else int(owner),
        "responsible_role": (form.responsible_role.data or "").strip(),
        "due_date": form.due_date.data,
        "agreement": Agreement(form.agreement.data),
    }
    different = values["agreement"] == Agreement.DIFFERENT
    values["ivo_position"] = (form.ivo_position.data or "").strip() if different else ""
    values["board_position"] = (form.board_position.data or "").strip() if different else ""
    changes = {}
    for name, after in values.items():
        before = getattr(item, name, None)
        if before != after:
            changes[name] = [_json_value(before), _json_value(after)]
            setattr(item, name, after)
    return changes


def create_item(actor, dialogue_id, payload) -> FollowUpItem:
    """A new follow-up item, by IVO, from scratch or from a reflection, question or disagreement."""
    facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    form = validated(FollowUpForm, payload, owner_choices=owner_choices(dialogue))
    kind, obj = resolve_source(dialogue, form.source.data)
    status = FollowUpStatus(form.status.data or S.AGREED.value)
    item = FollowUpItem(dialogue_id=dialogue.id, created_by_id=actor.id, status=status,
                        source_kind=kind, source_id=obj.id if obj else None,
                        title="", description="", responsible_role="", ivo_position="",
                        board_position="", agreement=Agreement.SHARED, status_reason="")
    item.organization_id = None
    db.session.add(item)
    changes = _apply(item, form)
    changes["status"] = [None, status.value]
    _event(item, actor, None, "created", to_status=status.value, changes=changes)
    _flush_and_announce(item, was_public=False)
    return item


def update_item(actor, item_id, payload) -> FollowUpItem:
    """IVO edits what, who, when and the agreement; the changed fields go to the history."""
    item, reviewer = item_for(actor, item_id)
    if reviewer is not None:
        raise PermissionDenied(_("Bara IVO kan ändra uppföljningspunktens innehåll. "
                                 "Skriv en kommentar om något behöver ändras."))
    form = validated(FollowUpForm, payload, owner_choices=owner_choices(item.dialogue))
    was_public = item.status in PUBLIC_STATUSES
    changes = _apply(item, form)
    if changes:
        _event(item, actor, None, "edited", changes=changes)
        _flush_and_announce(item, was_public=was_public)
    return item


def allowed_statuses(actor, item: FollowUpItem) -> list[FollowUpStatus]:
    """The statuses `actor` may move the item to now, in the list's order."""
    reviewer = as_reviewer(actor)
    targets = TRANSITIONS[item.status]
    if reviewer is not None:
        if item.status == S.PROPOSED:
            return []
        targets = targets & BOARD_TARGETS
    return [s for s in FollowUpStatus if s in targets]


def change_status(actor, item_id, payload) -> FollowUpItem:
    """Move an item along the allowed steps, with a comment; "ej genomförd" needs a reason."""
    item, reviewer = item_for(actor, item_id)
    form = validated(StatusForm, payload)
    target = FollowUpStatus(form.status.data)
    current = item.status
    if target == current:
        message = _("Punkten har redan status ”%(status)s”. Välj en annan status.",
                    status=status_label(current))
        raise ValidationFailed(message, errors={"status": [message]})
    if target not in allowed_statuses(actor, item):
        allowed = ", ".join(f"”{status_label(s)}”" for s in allowed_statuses(actor, item))
        if reviewer is not None and current == S.PROPOSED:
            message = _("Punkten är bara föreslagen. IVO och nämnden behöver komma överens om "
                        "den innan status kan ändras.")
        elif allowed:
            message = _("Status kan inte gå från ”%(from)s” till ”%(to)s”. Välj något av: "
                        "%(allowed)s.", **{"from": status_label(current),
                                          "to": status_label(target), "allowed": allowed})
        else:
            message = _("Status kan inte gå från ”%(from)s” till ”%(to)s”.",
                        **{"from": status_label(current), "to": status_label(target)})
        raise ValidationFailed(message, errors={"status": [message]})
    was_public = current in PUBLIC_STATUSES
    reason = (form.reason.data or "").strip() if target == S.NOT_DONE else ""
    changes = {"status": [current.value, target.value]}
    if reason != item.status_reason:
        changes["status_reason"] = [item.status_reason, reason]
    item.status = target
    item.status_reason = reason
    item.updated_at = utcnow()
    _event(item, actor, reviewer, "status", from_status=current.value, to_status=target.value,
           comment=(form.comment.data or "").strip(), changes=changes)
    _flush_and_announce(item, was_public=was_public)
    return item


def add_comment(actor, item_id, payload) -> FollowUpEvent:
    """A comment in the item's history; IVO's comments are marked so the board sees them as such."""
    item, reviewer = item_for(actor, item_id)
    form = validated(CommentForm, payload)
    event = _event(item, actor, reviewer, "comment", comment=form.comment.data.strip())
    item.updated_at = utcnow()
    db.session.flush()
    return event


def add_evidence(actor, item_id, payload, file=None) -> Evidence:
    """Evidence: a text, a link and/or a file (checked by content; see `uploads`)."""
    item, reviewer = item_for(actor, item_id)
    form = validated(EvidenceForm, payload)
    text = (form.text.data or "").strip()
    url = (form.url.data or "").strip()
    has_file = file is not None and bool(getattr(file, "filename", "") or "")
    if not (text or url or has_file):
        message = _("Skriv en beskrivning, ange en länk eller välj en fil.")
        raise ValidationFailed(message, errors={"text": [message]})
    stored = uploads.store(file) if has_file else None
    if stored is not None:  # a file whose row is never stored goes too
        uow.on_rollback(uploads.remove, stored.stored_name)
    event = _event(item, actor, reviewer, "evidence",
                   comment=text, changes={"evidence": [None, stored.filename if stored
                                                       else url or text[:80]]})
    db.session.flush()
    evidence = Evidence(item=item, text=text, url=url, event_id=event.id)
    if stored is not None:
        evidence.filename = stored.filename
        evidence.stored_name = stored.stored_name
        evidence.content_type = stored.content_type
        evidence.size = stored.size
    db.session.add(evidence)
    item.updated_at = utcnow()
    db.session.flush()
    return evidence


def evidence_file(actor, evidence_id, item_id=None) -> tuple:
    """(path, download name, content type) of a stored file, for IVO and the owning board;
    with `item_id`, only the file of that item's evidence."""
    try:
        evidence = db.session.get(Evidence, int(evidence_id))
    except (TypeError, ValueError):
        evidence = None
    if evidence is None or not evidence.stored_name or (
            item_id is not None and evidence.item_id != int(item_id)):
        raise NotFound(_("Filen finns inte."))
    item_for(actor, evidence.item_id)
    path = uploads.path_of(evidence.stored_name)
    if not path.exists():
        raise NotFound(_("Filen finns inte längre."))
    return path, evidence.filename, evidence.content_type


def save_update(actor, item_id, payload, file=None) -> list[str]:
    """The item page's one form and one save: evidence (a text, a link, a file), a new status
    with its comment, or a comment alone. The parts are validated together before anything
    is stored; returns what was saved, for the page's message."""
    item_for(actor, item_id)  # NotFound before anything is read from the payload
    status = str(payload.get("status") or "").strip()
    comment = str(payload.get("comment") or "").strip()
    has_file = file is not None and bool(getattr(file, "filename", "") or "")
    has_evidence = has_file or any(str(payload.get(k) or "").strip() for k in ("text", "url"))
    if not (status or comment or has_evidence):
        message = _("Välj en ny status, skriv en kommentar eller lägg till underlag.")
        raise ValidationFailed(message, errors={"comment": [message]})
    errors: dict = {}
    for needed, form_class in ((status, StatusForm), (has_evidence, EvidenceForm),
                               (comment and not status, CommentForm)):
        if needed:
            try:
                validated(form_class, payload)
            except ValidationFailed as error:
                errors.update(error.errors)
    if errors:
        raise ValidationFailed(_("Kontrollera uppgifterna i formuläret."), errors=errors)
    saved = []
    if has_evidence:
        add_evidence(actor, item_id, {"text": payload.get("text") or "",
                                      "url": payload.get("url") or ""}, file=file)
        saved.append(_("Underlaget är sparat."))
    if status:
        change_status(actor, item_id, payload)
        saved.append(_("Status är ändrad."))
    elif comment:
        add_comment(actor, item_id, {"comment": comment})
        saved.append(_("Kommentaren är sparad."))
    return saved
