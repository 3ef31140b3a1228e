"""What is read about follow-up items: a dialogue's list, a board's list, an item's page and
IVO's overview across boards and dialogues."""

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select

from ..core.clock import utcnow
from ..dialogues.access import get_dialogue, managed_dialogue, require_facilitator
from ..dialogues.models import Dialogue, dialogue_facilitators
from ..errors import NotFound, PermissionDenied
from ..extensions import db
from ..organizations.models import Organization
from .commands import (
    PUBLIC_STATUSES,
    allowed_statuses,
    is_overdue,
    owner_name,
    public_view,
    today_local,
)
from .forms import IVO_OWNER, OverviewFilterForm
from .models import FollowUpItem, FollowUpStatus, ReviewLink
from .prefill import source_label
from .reviewers import as_reviewer, facilitator_only, item_for


def public_items(dialogue_id: int) -> list[dict]:
    """The dialogue's agreed items (agreed or later), for the live snapshot's `followups`."""
    items = db.session.scalars(
        select(FollowUpItem).where(FollowUpItem.dialogue_id == dialogue_id,
                                   FollowUpItem.status.in_(PUBLIC_STATUSES))
        .order_by(FollowUpItem.created_at, FollowUpItem.id)
    )
    return [public_view(item) for item in items]


def item_page(actor, item_id) -> dict:
    """An item with its full history and what the actor may do with it."""
    item, reviewer = item_for(actor, item_id)
    return {
        "item": item, "reviewer": reviewer, "events": list(item.events),
        "evidence": list(item.evidence), "allowed": allowed_statuses(actor, item),
        "source": source_label(item), "overdue": is_overdue(item),
    }


def ordered(query):
    """Soonest due first, items without a date last."""
    return query.order_by(FollowUpItem.due_date.is_(None), FollowUpItem.due_date,
                          FollowUpItem.id)


def items_for_dialogue(actor, dialogue_id) -> list[FollowUpItem]:
    """IVO: every item of the dialogue; a board: only its own."""
    reviewer = as_reviewer(actor)
    if reviewer is None:
        dialogue = managed_dialogue(actor, dialogue_id)
        return list(db.session.scalars(ordered(
            select(FollowUpItem).where(FollowUpItem.dialogue_id == dialogue.id))))
    dialogue = get_dialogue(dialogue_id)
    if reviewer.dialogue_id is not None and reviewer.dialogue_id != dialogue.id:
        raise NotFound(_("Dialogen finns inte."))
    items = items_for_board(reviewer, dialogue.id)
    if not items and all(o.id != reviewer.organization_id for o in dialogue.organizations):
        # A dialogue the board took no part in is not found, as another board's item is.
        raise NotFound(_("Dialogen finns inte."))
    return items


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
    return list(db.session.scalars(ordered(query)))


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
    facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    links = list(db.session.scalars(
        select(ReviewLink).where(ReviewLink.dialogue_id == dialogue.id)
        .order_by(ReviewLink.created_at.desc(), ReviewLink.id.desc())
    ))
    return {"dialogue": dialogue, "items": items_for_dialogue(actor, dialogue.id),
            "links": links, "now": utcnow(), "today": today_local(),
            "organization_choices": [(o.id, o.name) for o in dialogue.organizations]}


# --- IVO's overview --------------------------------------------------------------------


def overview(actor, filters) -> dict:
    """Items across boards and dialogues the actor manages, filtered; a boards × status table."""
    facilitator_only(actor)
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
    items = list(db.session.scalars(ordered(query)))
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
