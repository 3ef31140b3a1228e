"""The facilitators' hand on the meeting: agenda, question intake, the results view, stance
polls, the projector link and the audit log. Each flushes; the socket event wrapper commits."""


from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..core import uow
from ..core.clock import utcnow
from ..core.payloads import validated
from ..core.tokens import hash_token, new_token
from ..dialogues.lifecycle import transition
from ..dialogues.models import AgendaItem, Dialogue, DialogueStatus
from ..errors import Conflict, NotFound
from ..extensions import db
from ..meetings.models import ItemTiming, Meeting, Poll, used_seconds
from ..meetings.services import current_timing, end_running_item, meeting_for, open_poll
from ..participants.services import display_names
from . import broadcast, tallies, views
from .actors import Actor, require_facilitator
from .forms import AgendaForm, IntakeForm, PollForm, ResultsViewForm


def _set_current(dialogue: Dialogue, meeting: Meeting, item: AgendaItem | None) -> None:
    now = utcnow()
    end_running_item(dialogue.id, now)
    meeting.current_agenda_item_id = item.id if item else None
    if item is not None:
        db.session.add(ItemTiming(agenda_item_id=item.id, started_at=now))


def agenda(actor: Actor, payload) -> dict:
    """Start the meeting, or move the agenda: next, previous, or any item."""
    dialogue = require_facilitator(actor)
    form = validated(AgendaForm, payload)
    action = form.action.data
    if action == "start":
        if dialogue.status == DialogueStatus.PUBLISHED:
            # The transition takes a sequence number of its own and tells the room ("status"),
            # in this action's transaction.
            dialogue = transition(actor.user, dialogue.id, DialogueStatus.LIVE)
        elif dialogue.status != DialogueStatus.LIVE:
            raise Conflict(_("Mötet kan bara startas när dialogen är publicerad."))
    elif dialogue.status != DialogueStatus.LIVE:
        raise Conflict(_("Starta mötet först."))
    meeting = meeting_for(dialogue.id)
    items = list(dialogue.agenda_items)
    ids = [i.id for i in items]
    position = ids.index(meeting.current_agenda_item_id) \
        if meeting.current_agenda_item_id in ids else -1
    if action == "start":
        target = items[0] if items and position < 0 else (items[position] if items else None)
    elif action == "next":
        if position + 1 >= len(items):
            raise Conflict(_("Det här är dagordningens sista punkt."))
        target = items[position + 1]
    elif action == "previous":
        if position <= 0:
            raise Conflict(_("Det här är dagordningens första punkt."))
        target = items[position - 1]
    else:
        if form.item_id.data not in ids:
            raise NotFound(_("Punkten finns inte på dagordningen."))
        target = items[ids.index(form.item_id.data)]
    if target is not None and target.id != meeting.current_agenda_item_id:
        _set_current(dialogue, meeting, target)
    audit.record("agenda." + action, dialogue=dialogue, user=actor.user,
                 item=target.id if target else None)
    db.session.flush()
    data = _agenda_view(dialogue, meeting.current_agenda_item_id)
    broadcast.change(dialogue.id, "agenda", data)
    return data


def _agenda_view(dialogue: Dialogue, current_item_id: int | None) -> dict:
    timing = current_timing(current_item_id)
    used = used_seconds([i.id for i in dialogue.agenda_items])
    return {
        "status": str(dialogue.status),
        "current_item_id": current_item_id,
        "item_started_at": views.iso(timing.started_at) if timing else None,
        "used": {str(k): v for k, v in used.items()},
    }


def set_intake(actor: Actor, payload) -> dict:
    """Open or close question intake."""
    dialogue = require_facilitator(actor)
    form = validated(IntakeForm, payload)
    meeting = meeting_for(dialogue.id)
    meeting.intake_open = bool(form.open.data)
    audit.record("intake." + ("open" if meeting.intake_open else "close"), dialogue=dialogue,
                 user=actor.user)
    broadcast.change(dialogue.id, "intake", {"open": meeting.intake_open})
    return {"open": meeting.intake_open}


def set_results_view(actor: Actor, payload) -> dict:
    """Show poll results on the projector by role, by board or in total; kept for a reload."""
    dialogue = require_facilitator(actor)
    form = validated(ResultsViewForm, payload)
    view = form.view.data
    if view == "board" and not dialogue.show_board_results:
        raise Conflict(_("Dialogen visar inte resultat per nämnd för rummet. Det går att ändra "
                         "under dialogens inställningar."))
    meeting = meeting_for(dialogue.id)
    meeting.results_view = view
    audit.record("projector.view", dialogue=dialogue, user=actor.user, view=view)
    broadcast.change(dialogue.id, "results_view", {"view": view})
    return {"view": view}


def poll(actor: Actor, payload) -> dict:
    """Open a stance poll on a reflection (closing any other), or close the open one."""
    dialogue = require_facilitator(actor)
    form = validated(PollForm, payload)
    if dialogue.status != DialogueStatus.LIVE:
        raise Conflict(_("Starta mötet först."))
    current = open_poll(dialogue.id)
    if current is not None:
        current.closed_at = utcnow()
    opened = None
    if form.action.data == "open":
        reflection_ids = [r.id for r in dialogue.reflections]
        if form.reflection_id.data not in reflection_ids:
            raise NotFound(_("Reflektionen finns inte i dialogen."))
        opened = Poll(dialogue_id=dialogue.id, reflection_id=form.reflection_id.data,
                      results_live=bool(form.results_live.data))
        db.session.add(opened)
    elif current is None:
        raise Conflict(_("Ingen omröstning är öppen."))
    audit.record("poll." + form.action.data, dialogue=dialogue, user=actor.user,
                 reflection=form.reflection_id.data or (current.reflection_id if current else None))
    db.session.flush()
    closed = current.reflection_id if current else None
    broadcast.change(dialogue.id, "poll", {"poll": views.poll_view(opened), "closed": closed})
    for reflection_id in {p.reflection_id for p in (current, opened) if p is not None}:
        uow.record(tallies.mark_stances, dialogue.id, reflection_id)
    return {"poll": views.poll_view(opened)}


def audit_log(actor: Actor) -> dict:
    """The dialogue's audit log for its facilitators: entries, newest first, with who acted
    and the titles of the agenda items and reflections the entries name."""
    dialogue = require_facilitator(actor)
    entries = audit.entries_for(dialogue.id)
    user_ids = {e.actor_user_id for e in entries if e.actor_user_id}
    users = {u.id: u.name for u in db.session.scalars(
        select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    names = display_names(dialogue.id)
    rows = []
    for entry in entries:
        if entry.actor_user_id:
            who = users.get(entry.actor_user_id, _("Okänd samordnare"))
        elif entry.actor_participant_id:
            who = names.get(entry.actor_participant_id, _("Deltagare"))
        else:
            who = _("Systemet")
        rows.append({"entry": entry, "who": who, "details": entry.details or {}})
    return {
        "dialogue": dialogue,
        "entries": rows,
        "items": {i.id: i.title for i in dialogue.agenda_items},
        "reflections": {r.id: r.title for r in dialogue.reflections},
    }


def new_projector_link(actor: Actor) -> str:
    """Make (or replace) the projector link's token; returns the token, shown once in a URL."""
    dialogue = require_facilitator(actor)
    meeting = meeting_for(dialogue.id)
    token = new_token(24)
    meeting.projector_token_hash = hash_token(token)
    audit.record("projector.link", dialogue=dialogue, user=actor.user)
    db.session.flush()
    uow.record(broadcast.end_projector_sockets, dialogue.id)
    return token


def projector_dialogue(token: str | None) -> Dialogue:
    """The dialogue a projector token opens, or NotFound."""
    meeting = db.session.scalar(select(Meeting).where(
        Meeting.projector_token_hash == hash_token(token)))
    if meeting is None or not token:
        raise NotFound(_("Projektorlänken gäller inte. Be samordnaren om en ny."))
    return meeting.dialogue
