"""Closing a dialogue: the meeting's timer, poll and intake end, the dialogue is closed and the
minutes' first draft is compiled, in one transaction; the room is told after its commit.

`close_dialogue` is the only way to `closed`: it is registered as the owner of that step
(`dialogues.services.STEP_OWNERS`), so the dialogue page's status form and the API's transition
come here too, beside the console's button."""

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
from .models import Minutes
from .versions import compile_draft


def _end_meeting(dialogue: Dialogue, now: datetime) -> tuple[Poll | None, bool]:
    """End the running agenda item's time, the open poll and question intake (in the caller's
    transaction). Returns the poll that was open and whether intake was open."""
    for timing in db.session.scalars(select(ItemTiming).join(AgendaItem).where(
            AgendaItem.dialogue_id == dialogue.id, ItemTiming.ended_at.is_(None))):
        timing.ended_at = now
    poll = db.session.scalar(select(Poll).where(Poll.dialogue_id == dialogue.id,
                                                Poll.closed_at.is_(None)))
    if poll is not None:
        poll.closed_at = now
    meeting = db.session.get(Meeting, dialogue.id)
    if meeting is None:
        meeting = Meeting(dialogue_id=dialogue.id)
        db.session.add(meeting)
    intake_was_open = meeting.intake_open is not False
    meeting.intake_open = False
    return poll, intake_was_open


def close_dialogue(actor, dialogue_id) -> Minutes:
    """Stäng mötet: the dialogue goes from live to closed, the running agenda item's time, the
    open poll and question intake end, and the minutes' first draft is compiled — one
    transaction, which the caller commits; the room hears of the status, the poll and intake
    after that commit, each with its own sequence number. Returns the draft."""
    from ..live import broadcast

    dialogue = managed_dialogue(actor, dialogue_id)
    if dialogue.status != DialogueStatus.LIVE:
        raise Conflict(_("Bara ett pågående möte kan stängas. Starta mötet först, eller öppna "
                         "protokollet om mötet redan är stängt."))
    poll, intake_was_open = _end_meeting(dialogue, utcnow())
    dialogues.take_step(actor, dialogue, DialogueStatus.CLOSED)
    if poll is not None:
        broadcast.change(dialogue.id, "poll", {"poll": None, "closed": poll.reflection_id})
    if intake_was_open:
        broadcast.change(dialogue.id, "intake", {"open": False})
    db.session.flush()
    minutes = compile_draft(actor, dialogue)
    audit.record("minutes.compiled", dialogue=dialogue, user=actor, subject=minutes,
                 version=minutes.version)
    db.session.flush()
    return minutes


def register() -> None:
    """Make closing the owner of the `closed` step: every door to it comes here."""
    dialogues.STEP_OWNERS[DialogueStatus.CLOSED] = close_dialogue
