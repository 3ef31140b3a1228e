"""Closing a dialogue: the meeting's timer, poll and intake end, the dialogue is closed and the
minutes' first draft is compiled, in one transaction; the room is told after its commit.

`close_dialogue` is the only way to `closed`: it is registered as the owner of that step
(`dialogues.lifecycle.STEP_OWNERS`), so the dialogue page's status form and the API's transition
come here too, beside the console's button."""

from flask_babel import gettext as _

from ..audit import services as audit
from ..core import signals
from ..core.clock import utcnow
from ..dialogues import lifecycle
from ..dialogues.access import managed_dialogue
from ..dialogues.models import DialogueStatus
from ..errors import Conflict
from ..extensions import db
from ..meetings.services import end_meeting
from .models import Minutes
from .versions import compile_draft


def close_dialogue(actor, dialogue_id) -> Minutes:
    """Stäng mötet: the dialogue goes from live to closed, the running agenda item's time, the
    open poll and question intake end, and the minutes' first draft is compiled — one
    transaction, which the caller commits; the room hears of the status, the poll and intake
    after that commit, each with its own sequence number. Returns the draft."""
    dialogue = managed_dialogue(actor, dialogue_id)
    if dialogue.status != DialogueStatus.LIVE:
        raise Conflict(_("Bara ett pågående möte kan stängas. Starta mötet först, eller öppna "
                         "protokollet om mötet redan är stängt."))
    poll, intake_was_open = end_meeting(dialogue.id, utcnow())
    lifecycle.take_step(actor, dialogue, DialogueStatus.CLOSED)
    signals.meeting_closed.send(dialogue, intake_was_open=intake_was_open,
                                poll_reflection_id=poll.reflection_id if poll else None)
    db.session.flush()
    minutes = compile_draft(actor, dialogue)
    audit.record("minutes.compiled", dialogue=dialogue, user=actor, subject=minutes,
                 version=minutes.version)
    db.session.flush()
    return minutes


def register() -> None:
    """Make closing the owner of the `closed` step: every door to it comes here."""
    lifecycle.STEP_OWNERS[DialogueStatus.CLOSED] = close_dialogue
