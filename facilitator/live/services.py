"""The live meeting's operations, one module per responsibility; the socket handlers
(`events.py`) and pages (`routes.py`) call them from here.

- `snapshots.py`: what a client draws its view from
- `participation.py`: a phone's submit, vote and stance
- `moderation.py`: the facilitators' moderation, a table of action handlers
- `control.py`: agenda, intake, results view, polls, projector link, audit log
- `announcements.py`: who hears of a contribution

Every operation takes the actor first, checks it, validates the payload with a form, changes
the model and flushes; what the room must hear it records on the unit of work
(`broadcast.change`, `core/uow.record`). The socket event wrapper commits once, and only then
are the messages sent.
"""

from ..meetings.services import meeting_for, open_poll, stances_visible_to_room
from .announcements import announce_contribution
from .control import (
    agenda,
    audit_log,
    new_projector_link,
    poll,
    projector_dialogue,
    set_intake,
    set_results_view,
)
from .moderation import moderate
from .participation import MEETING_OPEN, set_live_stance, submit, vote
from .snapshots import snapshot

__all__ = [
    "MEETING_OPEN", "agenda", "announce_contribution", "audit_log", "meeting_for", "moderate",
    "new_projector_link", "open_poll", "poll", "projector_dialogue", "set_intake",
    "set_live_stance", "set_results_view", "snapshot", "stances_visible_to_room", "submit",
    "vote",
]
