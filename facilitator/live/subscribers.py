"""The features' signals (`core/signals.py`) turned into the room's messages.

Each receiver runs in the sender's transaction and records its messages on the unit of work
(`broadcast.change`, `to_facilitators`, `to_participant`): they go out after the action's one
commit, in seq order, and are dropped on a rollback. Connected once by `connect()`, from
`live.init_app`.
"""

from ..core import signals, uow
from . import broadcast
from .announcements import announce_contribution


def _contribution_submitted(contribution, **_kw) -> None:
    announce_contribution(contribution)


def _dialogue_status_changed(dialogue, status, **_kw) -> None:
    # Phones, console and projector take a fresh snapshot on it.
    broadcast.change(dialogue.id, "status", {"status": status.value})


def _dialogue_content_changed(dialogue, **_kw) -> None:
    broadcast.change(dialogue.id, "content", {})


def _meeting_closed(dialogue, poll_reflection_id=None, intake_was_open=False, **_kw) -> None:
    if poll_reflection_id is not None:
        broadcast.change(dialogue.id, "poll", {"poll": None, "closed": poll_reflection_id})
    if intake_was_open:
        broadcast.change(dialogue.id, "intake", {"open": False})


def _followup_changed(dialogue_id, view, **_kw) -> None:
    broadcast.change(dialogue_id, "followup", view)


def _login_session_ended(token_hash, **_kw) -> None:
    # The sockets go once the session's end is stored; a rollback keeps them.
    uow.record(broadcast.end_login_sockets, token_hash)


_RECEIVERS = (
    (signals.contribution_submitted, _contribution_submitted),
    (signals.dialogue_status_changed, _dialogue_status_changed),
    (signals.dialogue_content_changed, _dialogue_content_changed),
    (signals.meeting_closed, _meeting_closed),
    (signals.followup_changed, _followup_changed),
    (signals.login_session_ended, _login_session_ended),
)


def connect() -> None:
    """Subscribe to every signal (connecting twice, for a second app, changes nothing)."""
    for signal, receiver in _RECEIVERS:
        signal.connect(receiver)
