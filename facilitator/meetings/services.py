"""The meeting's state, read and changed in the caller's transaction (no commit, no message:
what the room must hear is announced by the caller)."""

from datetime import datetime

from sqlalchemy import select

from ..dialogues.models import AgendaItem
from ..extensions import db
from .models import ItemTiming, Meeting, Poll


def meeting_for(dialogue_id: int) -> Meeting:
    """The dialogue's meeting row, created on first use (in the caller's transaction)."""
    meeting = db.session.get(Meeting, dialogue_id)
    if meeting is None:
        meeting = Meeting(dialogue_id=dialogue_id)
        db.session.add(meeting)
        db.session.flush()
    return meeting


def open_poll(dialogue_id: int) -> Poll | None:
    return db.session.scalar(
        select(Poll).where(Poll.dialogue_id == dialogue_id, Poll.closed_at.is_(None))
    )


def stances_visible_to_room(dialogue_id: int, reflection_id: int) -> bool:
    """Live results go to the room while a live-results poll is open, or once it is closed."""
    latest = db.session.scalar(
        select(Poll).where(Poll.dialogue_id == dialogue_id, Poll.reflection_id == reflection_id)
        .order_by(Poll.opened_at.desc(), Poll.id.desc())
    )
    return latest is not None and (latest.results_live or latest.closed_at is not None)


def end_running_item(dialogue_id: int, now: datetime) -> None:
    """End the stretch of the agenda item that is running, if one is."""
    for timing in db.session.scalars(select(ItemTiming).join(AgendaItem).where(
            AgendaItem.dialogue_id == dialogue_id, ItemTiming.ended_at.is_(None))):
        timing.ended_at = now


def current_timing(item_id: int | None) -> ItemTiming | None:
    """The running stretch of an agenda item, or None."""
    if not item_id:
        return None
    return db.session.scalar(select(ItemTiming).where(ItemTiming.agenda_item_id == item_id,
                                                      ItemTiming.ended_at.is_(None)))


def end_meeting(dialogue_id: int, now: datetime) -> tuple[Poll | None, bool]:
    """End the running agenda item's time, the open poll and question intake (in the caller's
    transaction). Returns the poll that was open and whether intake was open."""
    end_running_item(dialogue_id, now)
    poll = open_poll(dialogue_id)
    if poll is not None:
        poll.closed_at = now
    meeting = db.session.get(Meeting, dialogue_id)
    if meeting is None:
        meeting = Meeting(dialogue_id=dialogue_id)
        db.session.add(meeting)
    intake_was_open = meeting.intake_open is not False
    meeting.intake_open = False
    return poll, intake_was_open
