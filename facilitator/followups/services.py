"""Follow-up items: create, edit, move through their statuses, comment, add evidence; the boards'
review links; IVO's overview; a board's redovisning (PDF, DOCX); reminders and calendar feeds.

Every function takes the actor first: a facilitator `User`, a board staff `User`
(`organization_id` set) or a `reviewers.Reviewer` (a review link). IVO may do everything with
the items of dialogues it manages; a board sees and updates only its own items. An item a board
may not see is "not found", so its id tells nothing.
"""

import io
import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User, utcnow
from ..contributions.models import Contribution, ContributionKind, ContributionStatus
from ..core.payloads import validated
from ..dialogues.access import can_manage, get_dialogue, managed_dialogue
from ..dialogues.models import Dialogue, DialogueStatus, Reflection, dialogue_facilitators
from ..errors import NotFound, PermissionDenied, ValidationFailed
from ..extensions import db
from ..live import broadcast
from ..organizations.models import Organization
from . import uploads
from .forms import (
    AGREEMENT_LABELS,
    IVO_OWNER,
    STATUS_LABELS,
    CommentForm,
    EvidenceForm,
    FollowUpForm,
    OverviewFilterForm,
    ReviewLinkForm,
    StatusForm,
)
from .models import (
    Agreement,
    Evidence,
    FollowUpEvent,
    FollowUpItem,
    FollowUpStatus,
    ReviewLink,
    SourceKind,
)
from .reviewers import Reviewer, as_reviewer, link_expiry, new_token, token_hash

log = logging.getLogger(__name__)
LOCAL_TZ = ZoneInfo("Europe/Stockholm")

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


def today_local() -> date:
    return datetime.now(LOCAL_TZ).date()


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


def _facilitator_only(actor) -> None:
    if as_reviewer(actor) is not None:
        raise PermissionDenied(_("Det här får bara IVO:s samordnare göra."))


def _item(actor, item_id) -> tuple[FollowUpItem, Reviewer | None]:
    """The item if `actor` may see it, and the board acting (None for IVO)."""
    reviewer = as_reviewer(actor)
    try:
        item = db.session.get(FollowUpItem, int(item_id))
    except (TypeError, ValueError):
        item = None
    missing = NotFound(_("Uppföljningspunkten finns inte."))
    if item is None:
        raise missing
    if reviewer is None:
        if not can_manage(actor, item.dialogue):
            raise PermissionDenied(_("Du är inte samordnare för den här dialogen."))
        return item, None
    if item.organization_id != reviewer.organization_id:
        raise missing
    if reviewer.dialogue_id is not None and item.dialogue_id != reviewer.dialogue_id:
        raise missing
    return item, reviewer


def _event(item: FollowUpItem, actor, reviewer: Reviewer | None, kind: str, **fields):
    if reviewer is None:
        user_id = actor.id
    else:
        user_id = reviewer.user.id if reviewer.user is not None else None
    event = FollowUpEvent(
        item=item, kind=kind, by_ivo=reviewer is None, actor_user_id=user_id,
        review_link_id=reviewer.link.id if reviewer and reviewer.link else None,
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


def public_items(dialogue_id: int) -> list[dict]:
    """The dialogue's agreed items (agreed or later), for the live snapshot's `followups`."""
    items = db.session.scalars(
        select(FollowUpItem).where(FollowUpItem.dialogue_id == dialogue_id,
                                   FollowUpItem.status.in_(PUBLIC_STATUSES))
        .order_by(FollowUpItem.created_at, FollowUpItem.id)
    )
    return [public_view(item) for item in items]


def _commit_and_broadcast(item: FollowUpItem, was_public: bool) -> None:
    """Commit; when the room's list changed, tell the meeting with the dialogue's next seq."""
    is_public = item.status in PUBLIC_STATUSES
    seq = None
    if was_public or is_public:
        seq = broadcast.next_seq(item.dialogue_id)
    db.session.commit()
    if seq is not None:
        broadcast.change(item.dialogue_id, seq, "followup", public_view(item))


# --- forms' choices and prefill ------------------------------------------------------


def owner_choices(dialogue: Dialogue) -> list[tuple[str, str]]:
    return [(str(org.id), org.name) for org in dialogue.organizations] + [
        (IVO_OWNER, _("IVO (Inspektionen för vård och omsorg)"))
    ]


def form_kwargs(actor, dialogue_id) -> dict:
    _facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    return {"owner_choices": owner_choices(dialogue)}


def _source(dialogue: Dialogue, value: str | None):
    """(kind, object) for "reflection:12" / "question:7" / "disagreement:9" in this dialogue."""
    if not value:
        return None, None
    kind, _sep, raw = value.partition(":")
    try:
        kind, source_id = SourceKind(kind), int(raw)
    except ValueError:
        raise ValidationFailed(
            _("Källan finns inte i den här dialogen."),
            errors={"title": [_("Källan finns inte i den här dialogen.")]}) from None
    obj = None
    if kind == SourceKind.REFLECTION:
        obj = db.session.get(Reflection, source_id)
    else:
        obj = db.session.get(Contribution, source_id)
        if obj is not None and (obj.kind.value != kind.value or obj.personal_data_flag):
            obj = None
    if obj is None or obj.dialogue_id != dialogue.id:
        raise ValidationFailed(_("Källan finns inte i den här dialogen."),
                               errors={"title": [_("Källan finns inte i den här dialogen.")]})
    return kind, obj


def source_label(item: FollowUpItem) -> str | None:
    if item.source_kind is None:
        return None
    if item.source_kind == SourceKind.REFLECTION:
        obj = db.session.get(Reflection, item.source_id)
        return _("Reflektion: %(title)s", title=obj.title) if obj else _("Reflektion (borttagen)")
    obj = db.session.get(Contribution, item.source_id)
    text = obj.text if obj and not obj.personal_data_flag else "…"
    if item.source_kind == SourceKind.QUESTION:
        return _("Fråga: %(text)s", text=text)
    return _("Invändning: %(text)s", text=text)


def sources(actor, dialogue_id) -> dict:
    """What can be turned into a follow-up item: reflections, questions and disagreements."""
    _facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    contributions = list(db.session.scalars(
        select(Contribution).where(
            Contribution.dialogue_id == dialogue.id,
            Contribution.kind.in_((ContributionKind.QUESTION, ContributionKind.DISAGREEMENT)),
            Contribution.status != ContributionStatus.HIDDEN,
            Contribution.merged_into_id.is_(None),
            Contribution.personal_data_flag.is_(False),
        ).order_by(Contribution.created_at, Contribution.id)
    ))
    return {"dialogue": dialogue, "reflections": list(dialogue.reflections),
            "questions": [c for c in contributions if c.kind == ContributionKind.QUESTION],
            "disagreements": [c for c in contributions
                              if c.kind == ContributionKind.DISAGREEMENT]}


def new_item_data(actor, dialogue_id, source: str | None) -> dict:
    """The new-item form's starting values, filled from its source when there is one."""
    _facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    data = {"agreement": Agreement.SHARED.value, "status": S.AGREED.value}
    try:
        kind, obj = _source(dialogue, source)
    except ValidationFailed:
        kind, obj = None, None
    if obj is None:
        return data
    data["source"] = f"{kind.value}:{obj.id}"
    if kind == SourceKind.REFLECTION:
        data["title"] = obj.title[:300]
        data["description"] = "\n".join(x for x in (obj.evidence, obj.legal_basis) if x)
        if not obj.applies_to_all and len(obj.organizations) == 1:
            data["owner"] = str(obj.organizations[0].id)
    else:
        data["title"] = obj.text[:300]
        data["description"] = obj.text
        board = getattr(obj.participant, "organization_id", None)
        if board and any(org.id == board for org in dialogue.organizations):
            data["owner"] = str(board)
        if kind == SourceKind.DISAGREEMENT:
            data["agreement"] = Agreement.DIFFERENT.value
            data["board_position"] = obj.text
            if obj.reflection is not None:
                data["title"] = obj.reflection.title[:300]
    return data


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
    _facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    form = validated(FollowUpForm, payload, owner_choices=owner_choices(dialogue))
    kind, obj = _source(dialogue, form.source.data)
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
    _commit_and_broadcast(item, was_public=False)
    return item


def update_item(actor, item_id, payload) -> FollowUpItem:
    """IVO edits what, who, when and the agreement; the changed fields go to the history."""
    item, reviewer = _item(actor, item_id)
    if reviewer is not None:
        raise PermissionDenied(_("Bara IVO kan ändra uppföljningspunktens innehåll. "
                                 "Skriv en kommentar om något behöver ändras."))
    form = validated(FollowUpForm, payload, owner_choices=owner_choices(item.dialogue))
    was_public = item.status in PUBLIC_STATUSES
    changes = _apply(item, form)
    if changes:
        _event(item, actor, None, "edited", changes=changes)
        _commit_and_broadcast(item, was_public=was_public)
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
    item, reviewer = _item(actor, item_id)
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
    _commit_and_broadcast(item, was_public=was_public)
    return item


def add_comment(actor, item_id, payload) -> FollowUpEvent:
    """A comment in the item's history; IVO's comments are marked so the board sees them as such."""
    item, reviewer = _item(actor, item_id)
    form = validated(CommentForm, payload)
    event = _event(item, actor, reviewer, "comment", comment=form.comment.data.strip())
    item.updated_at = utcnow()
    db.session.commit()
    return event


def add_evidence(actor, item_id, payload, file=None) -> Evidence:
    """Evidence: a text, a link and/or a file (checked by content; see `uploads`)."""
    item, reviewer = _item(actor, item_id)
    form = validated(EvidenceForm, payload)
    text = (form.text.data or "").strip()
    url = (form.url.data or "").strip()
    has_file = file is not None and bool(getattr(file, "filename", "") or "")
    if not (text or url or has_file):
        message = _("Skriv en beskrivning, ange en länk eller välj en fil.")
        raise ValidationFailed(message, errors={"text": [message]})
    stored = uploads.store(file) if has_file else None
    try:
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
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if stored is not None:
            uploads.remove(stored.stored_name)
        raise
    return evidence


def evidence_file(actor, evidence_id) -> tuple:
    """(path, download name, content type) of a stored file, for IVO and the owning board."""
    try:
        evidence = db.session.get(Evidence, int(evidence_id))
    except (TypeError, ValueError):
        evidence = None
    if evidence is None or not evidence.stored_name:
        raise NotFound(_("Filen finns inte."))
    _item(actor, evidence.item_id)
    path = uploads.path_of(evidence.stored_name)
    if not path.exists():
        raise NotFound(_("Filen finns inte längre."))
    return path, evidence.filename, evidence.content_type


def item_page(actor, item_id) -> dict:
    """An item with its full history and what the actor may do with it."""
    item, reviewer = _item(actor, item_id)
    return {
        "item": item, "reviewer": reviewer, "events": list(item.events),
        "evidence": list(item.evidence), "allowed": allowed_statuses(actor, item),
        "source": source_label(item), "overdue": is_overdue(item),
    }


def _ordered(query):
    return query.order_by(FollowUpItem.due_date.is_(None), FollowUpItem.due_date,
                          FollowUpItem.id)


def items_for_dialogue(actor, dialogue_id) -> list[FollowUpItem]:
    """IVO: every item of the dialogue; a board: only its own."""
    reviewer = as_reviewer(actor)
    if reviewer is None:
        dialogue = managed_dialogue(actor, dialogue_id)
        return list(db.session.scalars(_ordered(
            select(FollowUpItem).where(FollowUpItem.dialogue_id == dialogue.id))))
    dialogue = get_dialogue(dialogue_id)
    if reviewer.dialogue_id is not None and reviewer.dialogue_id != dialogue.id:
        raise NotFound(_("Dialogen finns inte."))
    return items_for_board(reviewer, dialogue.id)


def items_for_board(reviewer, dialogue_id=None) -> list[FollowUpItem]:
    """A board's own items: in the link's dialogue, or (an account) in every dialogue."""
    reviewer = as_reviewer(reviewer)
    if reviewer is None:
        raise PermissionDenied(_("Den här sidan är för nämndens granskning."))
    query = select(FollowUpItem).where(FollowUpItem.organization_id == reviewer.organization_id)
    if reviewer.dialogue_id is not None:
        query = query.where(FollowUpItem.dialogue_id == reviewer.dialogue_id)
    if dialogue_id is not None:
        query = query.where(FollowUpItem.dialogue_id == int(dialogue_id))
    return list(db.session.scalars(_ordered(query)))


def board_home(reviewer) -> dict:
    """What a board sees first: its items, grouped by dialogue."""
    reviewer = as_reviewer(reviewer)
    if reviewer is None:
        raise PermissionDenied(_("Den här sidan är för nämndens granskning."))
    organization = db.session.get(Organization, reviewer.organization_id)
    items = items_for_board(reviewer)
    groups: dict[int, list[FollowUpItem]] = defaultdict(list)
    for item in items:
        groups[item.dialogue_id].append(item)
    dialogues = [db.session.get(Dialogue, d) for d in groups]
    if reviewer.link is not None and reviewer.link.dialogue not in dialogues:
        dialogues.append(reviewer.link.dialogue)
    return {"organization": organization, "reviewer": reviewer, "today": today_local(),
            "groups": [(d, groups.get(d.id, [])) for d in dialogues]}


# --- IVO's follow-up page for a dialogue and its review links ------------------------


def dialogue_page(actor, dialogue_id) -> dict:
    _facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    links = list(db.session.scalars(
        select(ReviewLink).where(ReviewLink.dialogue_id == dialogue.id)
        .order_by(ReviewLink.created_at.desc(), ReviewLink.id.desc())
    ))
    return {"dialogue": dialogue, "items": items_for_dialogue(actor, dialogue.id),
            "links": links, "now": utcnow(), "today": today_local(),
            "organization_choices": [(o.id, o.name) for o in dialogue.organizations]}


def create_review_link(actor, dialogue_id, payload) -> tuple[ReviewLink, str]:
    """A new review link for one board of the dialogue; the token is returned once, never stored."""
    _facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    form = validated(ReviewLinkForm, payload,
                     organization_choices=[(o.id, o.name) for o in dialogue.organizations])
    token = new_token()
    link = ReviewLink(dialogue_id=dialogue.id, organization_id=form.organization_id.data,
                      token_hash=token_hash(token), expires_at=link_expiry(form.days.data),
                      created_by_id=actor.id)
    db.session.add(link)
    db.session.commit()
    return link, token


def revoke_review_link(actor, dialogue_id, link_id) -> ReviewLink:
    _facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    try:
        link = db.session.get(ReviewLink, int(link_id))
    except (TypeError, ValueError):
        link = None
    if link is None or link.dialogue_id != dialogue.id:
        raise NotFound(_("Länken finns inte."))
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        db.session.commit()
    return link


def link_contacts(link: ReviewLink) -> list[User]:
    """Whom a board asks for a new link: the dialogue's facilitators."""
    return [u for u in link.dialogue.facilitators if u.active]


# --- IVO's overview --------------------------------------------------------------------


def overview(actor, filters) -> dict:
    """Items across boards and dialogues the actor manages, filtered; a boards × status table."""
    _facilitator_only(actor)
    from ..dialogues.access import require_facilitator

    require_facilitator(actor)
    dialogue_ids = None
    if not actor.is_admin:
        dialogue_ids = select(dialogue_facilitators.c.dialogue_id).where(
            dialogue_facilitators.c.user_id == actor.id)
    org_query = select(Organization).order_by(Organization.name)
    organizations = list(db.session.scalars(org_query))
    choices = [(str(o.id), o.name) for o in organizations] + [(IVO_OWNER, "IVO")]
    form = OverviewFilterForm(formdata=filters, meta={"csrf": False},
                              organization_choices=choices)
    valid = form.validate()
    query = select(FollowUpItem).join(Dialogue, Dialogue.id == FollowUpItem.dialogue_id)
    if dialogue_ids is not None:
        query = query.where(FollowUpItem.dialogue_id.in_(dialogue_ids))
    if valid:
        if form.due_from.data:
            query = query.where(FollowUpItem.due_date >= form.due_from.data)
        if form.due_to.data:
            query = query.where(FollowUpItem.due_date <= form.due_to.data)
        owner = form.organization_id.data
        if owner == IVO_OWNER:
            query = query.where(FollowUpItem.organization_id.is_(None))
        elif owner and owner.isdigit():
            query = query.where(FollowUpItem.organization_id == int(owner))
        if form.status.data:
            query = query.where(FollowUpItem.status == FollowUpStatus(form.status.data))
    items = list(db.session.scalars(_ordered(query)))
    today = today_local()
    table: dict[str, dict] = {}
    for item in items:
        row = table.setdefault(owner_name(item), {"counts": dict.fromkeys(FollowUpStatus, 0),
                                                  "overdue": 0, "total": 0})
        row["counts"][item.status] += 1
        row["total"] += 1
        if is_overdue(item, today):
            row["overdue"] += 1
    return {"form": form, "items": items, "today": today,
            "table": sorted(table.items(), key=lambda kv: (kv[0] == "IVO", kv[0])),
            "overdue": {item.id for item in items if is_overdue(item, today)},
            "statuses": list(FollowUpStatus)}


# --- redovisning (PDF, DOCX) -----------------------------------------------------------


def _report_scope(actor, dialogue_id, organization_id) -> tuple[Dialogue, Organization, list]:
    reviewer = as_reviewer(actor)
    if reviewer is None:
        dialogue = managed_dialogue(actor, dialogue_id)
    else:
        dialogue = get_dialogue(dialogue_id if dialogue_id is not None else reviewer.dialogue_id)
        if reviewer.dialogue_id is not None and reviewer.dialogue_id != dialogue.id:
            raise NotFound(_("Dialogen finns inte."))
        organization_id = reviewer.organization_id
    try:
        organization = db.session.get(Organization, int(organization_id))
    except (TypeError, ValueError):
        organization = None
    if organization is None or organization not in dialogue.organizations:
        raise NotFound(_("Nämnden är inte med i den här dialogen."))
    items = list(db.session.scalars(_ordered(select(FollowUpItem).where(
        FollowUpItem.dialogue_id == dialogue.id,
        FollowUpItem.organization_id == organization.id))))
    return dialogue, organization, items


def _fmt_date(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.replace(tzinfo=ZoneInfo("UTC")).astimezone(LOCAL_TZ).date()
    return value.isoformat()


def _report_items(items) -> list[dict]:
    """What both documents print for each item."""
    out = []
    for item in items:
        done = [(e.created_at, event_author(e), e.comment, e.kind, e.to_status)
                for e in item.events if e.comment and e.kind in ("status", "comment",
                                                                 "evidence")]
        evidence = []
        for ev in item.evidence:
            parts = [p for p in (ev.filename, ev.url, ev.text) if p]
            evidence.append(" – ".join(parts))
        out.append({
            "title": item.title, "description": item.description,
            "status": status_label(item.status), "reason": item.status_reason,
            "role": item.responsible_role, "due": _fmt_date(item.due_date),
            "agreement": str(AGREEMENT_LABELS[item.agreement]),
            "ivo_position": item.ivo_position, "board_position": item.board_position,
            "created": _fmt_date(item.created_at), "updated": _fmt_date(item.updated_at),
            "done": [(_fmt_date(at), who, text, status_label(to) if kind == "status" and to
                      else None) for at, who, text, kind, to in done],
            "evidence": evidence,
        })
    return out


def redovisning_pdf(actor, dialogue_id, organization_id=None) -> tuple[bytes, str]:
    """"Redovisning av vidtagna åtgärder" for one board and dialogue, as PDF, and a file name."""
    from ..core.pdf import Document

    dialogue, organization, items = _report_scope(actor, dialogue_id, organization_id)
    title = _("Redovisning av vidtagna åtgärder")
    doc = Document(title, f"{organization.short_name} · {dialogue.title}")
    doc.alias_nb_pages()
    doc.heading(title)
    doc.field(_("Nämnd"), organization.name)
    doc.field(_("Dialog"), dialogue.title)
    doc.field(_("Mötesdatum"), _fmt_date(dialogue.starts_at))
    doc.field(_("Utskriven"), today_local().isoformat())
    if not items:
        doc.paragraph(_("Nämnden har inga uppföljningspunkter i den här dialogen."))
    for number, row in enumerate(_report_items(items), start=1):
        doc.heading(f"{number}. {row['title']}", 2)
        if row["description"]:
            doc.paragraph(row["description"])
        doc.field(_("Status"), row["status"])
        if row["reason"]:
            doc.field(_("Skäl"), row["reason"])
        doc.field(_("Ansvarig roll"), row["role"])
        doc.field(_("Klart senast"), row["due"])
        doc.field(_("Samsyn"), row["agreement"])
        if row["ivo_position"] or row["board_position"]:
            doc.field(_("IVO:s syn"), row["ivo_position"])
            doc.field(_("Nämndens syn"), row["board_position"])
        doc.field(_("Skapad"), row["created"])
        doc.field(_("Senast ändrad"), row["updated"])
        doc.heading(_("Vad har gjorts"), 3)
        if not row["done"]:
            doc.paragraph(_("Inget redovisat ännu."))
        for at, who, text, to in row["done"]:
            prefix = f"{at} · {who}" + (f" · {_('ny status')}: {to}" if to else "")
            doc.paragraph(prefix, size=9, bold=True)
            doc.paragraph(text)
        doc.heading(_("Underlag"), 3)
        if not row["evidence"]:
            doc.paragraph(_("Inget underlag."))
        for line in row["evidence"]:
            doc.paragraph(f"• {line}")
    return doc.output_bytes(), _report_name(organization, dialogue, "pdf")


def redovisning_docx(actor, dialogue_id, organization_id=None) -> tuple[bytes, str]:
    """The same redovisning as a Word document (DOCX)."""
    from docx import Document as WordDocument

    dialogue, organization, items = _report_scope(actor, dialogue_id, organization_id)
    title = _("Redovisning av vidtagna åtgärder")
    doc = WordDocument()
    doc.core_properties.title = title
    doc.add_heading(title, level=0)
    for label, value in ((_("Nämnd"), organization.name), (_("Dialog"), dialogue.title),
                         (_("Mötesdatum"), _fmt_date(dialogue.starts_at)),
                         (_("Utskriven"), today_local().isoformat())):
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    if not items:
        doc.add_paragraph(_("Nämnden har inga uppföljningspunkter i den här dialogen."))
    for number, row in enumerate(_report_items(items), start=1):
        doc.add_heading(f"{number}. {row['title']}", level=1)
        if row["description"]:
            doc.add_paragraph(row["description"])
        fields = [(_("Status"), row["status"])]
        if row["reason"]:
            fields.append((_("Skäl"), row["reason"]))
        fields += [(_("Ansvarig roll"), row["role"] or "–"), (_("Klart senast"), row["due"]),
                   (_("Samsyn"), row["agreement"])]
        if row["ivo_position"] or row["board_position"]:
            fields += [(_("IVO:s syn"), row["ivo_position"]),
                       (_("Nämndens syn"), row["board_position"])]
        fields += [(_("Skapad"), row["created"]), (_("Senast ändrad"), row["updated"])]
        for label, value in fields:
            p = doc.add_paragraph()
            p.add_run(f"{label}: ").bold = True
            p.add_run(value)
        doc.add_heading(_("Vad har gjorts"), level=2)
        if not row["done"]:
            doc.add_paragraph(_("Inget redovisat ännu."))
        for at, who, text, to in row["done"]:
            p = doc.add_paragraph()
            p.add_run(f"{at} · {who}" + (f" · {_('ny status')}: {to}" if to else "")).bold = True
            doc.add_paragraph(text)
        doc.add_heading(_("Underlag"), level=2)
        if not row["evidence"]:
            doc.add_paragraph(_("Inget underlag."))
        for line in row["evidence"]:
            doc.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue(), _report_name(organization, dialogue, "docx")


def _report_name(organization: Organization, dialogue: Dialogue, ext: str) -> str:
    return f"Redovisning {organization.short_name} {_fmt_date(dialogue.starts_at)}.{ext}"


# --- calendar ----------------------------------------------------------------------------


def ics_feed(reviewer) -> bytes:
    """The board's open items' due dates as an iCalendar feed: one all-day VEVENT per item."""
    from icalendar import Calendar, Event

    reviewer = as_reviewer(reviewer)
    if reviewer is None:
        raise PermissionDenied(_("Kalendern är nämndens."))
    organization = db.session.get(Organization, reviewer.organization_id)
    cal = Calendar()
    cal.add("prodid", "-//IVO//Återföring//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Uppföljning: %(board)s", board=organization.short_name))
    stamp = utcnow().replace(tzinfo=ZoneInfo("UTC"))
    for item in items_for_board(reviewer):
        if item.due_date is None or item.status not in OPEN_STATUSES:
            continue
        event = Event()
        event.add("uid", f"uppfoljning-{item.id}@aterforing")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_date)
        event.add("dtend", item.due_date + timedelta(days=1))
        event.add("summary", _("Klart senast: %(title)s", title=item.title))
        description = [item.description, _("Status: %(s)s", s=status_label(item.status))]
        if item.responsible_role:
            description.append(_("Ansvarig roll: %(r)s", r=item.responsible_role))
        description.append(_("Dialog: %(t)s", t=item.dialogue.title))
        event.add("description", "\n".join(x for x in description if x))
        cal.add_component(event)
    return cal.to_ical()


# --- reminders ---------------------------------------------------------------------------


def reminders_due(today: date, days: int = 14) -> list[dict]:
    """Per board: its open items due within `days` days from `today`, and its overdue ones.

    Finished items (genomförd, ej genomförd), merely proposed ones, IVO's own and those of
    archived dialogues are left out. Boards with nothing to remind of are not listed.
    """
    horizon = today + timedelta(days=days)
    items = db.session.scalars(
        select(FollowUpItem).join(Dialogue, Dialogue.id == FollowUpItem.dialogue_id).where(
            FollowUpItem.organization_id.is_not(None),
            FollowUpItem.status.in_(OPEN_STATUSES),
            FollowUpItem.due_date.is_not(None),
            FollowUpItem.due_date <= horizon,
            Dialogue.status != DialogueStatus.ARCHIVED,
        ).order_by(FollowUpItem.due_date, FollowUpItem.id)
    )
    boards: dict[int, dict] = {}
    for item in items:
        entry = boards.setdefault(item.organization_id, {
            "organization": item.organization, "due_soon": [], "overdue": []})
        entry["overdue" if item.due_date < today else "due_soon"].append(item)
    return sorted(boards.values(), key=lambda e: e["organization"].name)


def _reminder_text(entry: dict, today: date) -> str:
    lines = [_("Hej!"), "",
             _("Det här är en påminnelse från IVO om uppföljningspunkter för %(board)s.",
               board=entry["organization"].name), ""]
    if entry["overdue"]:
        lines.append(_("Försenade (datumet har passerat):"))
        lines += [f"- {i.title} ({_('klart senast')} {i.due_date.isoformat()}, "
                  f"{i.dialogue.title})" for i in entry["overdue"]]
        lines.append("")
    if entry["due_soon"]:
        lines.append(_("Ska vara klara snart:"))
        lines += [f"- {i.title} ({_('klart senast')} {i.due_date.isoformat()}, "
                  f"{i.dialogue.title})" for i in entry["due_soon"]]
        lines.append("")
    lines += [_("Uppdatera status och lägg till underlag via granskningslänken ni fått från "
                "IVO, eller logga in med nämndens konto."),
              _("Har länken gått ut? Svara på det här mejlet så skickar IVO en ny."), "",
              _("Vänliga hälsningar"), "IVO", "", f"({today.isoformat()})"]
    return "\n".join(lines)


def send_reminders(today: date, days: int = 14) -> dict:
    """Mail each board's contact about its due and overdue items; the log when no server is set."""
    import smtplib
    from email.message import EmailMessage

    config = current_app.config
    sent, skipped = [], []
    for entry in reminders_due(today, days):
        organization = entry["organization"]
        if not organization.contact_email:
            log.warning("No contact e-mail for %s; no reminder sent", organization.name)
            skipped.append(organization.name)
            continue
        message = EmailMessage()
        message["Subject"] = _("Påminnelse: uppföljningspunkter för %(board)s",
                               board=organization.short_name)
        message["From"] = config.get("MAIL_FROM") or "noreply@localhost"
        message["To"] = organization.contact_email
        message.set_content(_reminder_text(entry, today))
        if not config.get("MAIL_SERVER"):
            log.warning("MAIL_SERVER is not set; the reminder is logged instead:\n"
                        "To: %s\nSubject: %s\n\n%s", message["To"], message["Subject"],
                        message.get_content())
        else:
            with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25),
                              timeout=30) as smtp:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
                smtp.send_message(message)
        sent.append(organization.contact_email)
    return {"sent": sent, "skipped": skipped}
