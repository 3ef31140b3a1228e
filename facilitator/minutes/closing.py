"""Closing a dialogue: the meeting's timer and poll end, the dialogue is closed and the
minutes' first draft is compiled; then the room is told."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import services as audit
from ..core.clock import utcnow
from ..dialogues import services as dialogues
from ..dialogues.access import managed_dialogue
from ..dialogues.models import AgendaItem, Dialogue, DialogueStatus
from ..errors import Conflict
from ..extensions import db
from ..live.models import ItemTiming, Meeting, Poll
from .compiling import used_seconds
from .models import Minutes
from .versions import compile_draft


def _end_meeting(dialogue: Dialogue, now: datetime) -> Poll | None:
    """End the running agenda item's time and the open poll (in the caller's transaction)."""
    for timing in db.session.scalars(select(ItemTiming).join(AgendaItem).where(
            AgendaItem.dialogue_id == dialogue.id, ItemTiming.ended_at.is_(None))):
        timing.ended_at = now
    poll = db.session.scalar(select(Poll).where(Poll.dialogue_id == dialogue.id,
                                                Poll.closed_at.is_(None)))
    if poll is not None:
        poll.closed_at = now
    return poll


def close_dialogue(actor, dialogue_id) -> Minutes:
    """Stäng mötet: the dialogue goes from live to closed, the running agenda item's time and
    the open poll end, and the minutes' first draft is compiled. Returns that draft."""
    dialogue = managed_dialogue(actor, dialogue_id)
    if dialogue.status != DialogueStatus.LIVE:
        raise Conflict(_("Bara ett pågående möte kan stängas. Starta mötet först, eller öppna "
                         "protokollet om mötet redan är stängt."))
    poll = _end_meeting(dialogue, utcnow())
    dialogue = dialogues.transition(actor, dialogue.id, DialogueStatus.CLOSED)  # commits
    closed_seq = dialogue.seq
    poll_seq = None
    if poll is not None:
        from ..live import broadcast

        poll_seq = broadcast.next_seq(dialogue.id)
    minutes = compile_draft(actor, dialogue)
    audit.record("minutes.compiled", dialogue=dialogue, user=actor, subject=minutes,
                 version=minutes.version)
    db.session.commit()
    _announce_closed(dialogue, closed_seq, poll, poll_seq)
    return minutes


def _announce_closed(dialogue: Dialogue, seq: int, poll: Poll | None, poll_seq) -> None:
    """Tell the room the meeting is over (after the commit; the database is the truth)."""
    from ..live import broadcast

    meeting = db.session.get(Meeting, dialogue.id)
    used = used_seconds(dialogue)
    broadcast.change(dialogue.id, seq, "agenda", {
        "status": str(dialogue.status),
        "current_item_id": meeting.current_agenda_item_id if meeting else None,
        "item_started_at": None,
        "used": {str(k): v for k, v in used.items()},
    })
    if poll is not None and poll_seq is not None:
        broadcast.change(dialogue.id, poll_seq, "poll",
                         {"poll": None, "closed": poll.reflection_id})
