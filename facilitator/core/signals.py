"""What happened, announced by the feature it happened in (blinker, as Flask's own signals).

A feature sends a signal after it changed the model and flushed, inside the action's
transaction; it never imports `live/`. `live/` subscribes in its `init_app`
(`live/subscribers.py`) and turns each signal into the room's messages, recorded on the unit
of work (`core/uow.py`): sent after the action's one commit, dropped on a rollback. Receivers
run at once, in the sender's transaction, in the order they were connected.

Each signal's sender and keyword arguments are listed beside it.
"""

from blinker import Namespace

_signals = Namespace()

#: A participant's question, disagreement or good example was stored (not a resend).
#: sender: the `Contribution`.
contribution_submitted = _signals.signal("contribution-submitted")

#: A dialogue took a lifecycle step. sender: the `Dialogue`; `status`: the new
#: `DialogueStatus`.
dialogue_status_changed = _signals.signal("dialogue-status-changed")

#: A dialogue's reflections or agenda changed (screens redraw them). sender: the `Dialogue`.
dialogue_content_changed = _signals.signal("dialogue-content-changed")

#: A meeting was closed: its running item's time, its poll and question intake ended.
#: sender: the `Dialogue`; `poll_reflection_id`: the reflection of the poll that was open (or
#: None); `intake_was_open`: whether intake was open.
meeting_closed = _signals.signal("meeting-closed")

#: A follow-up item the room may see changed (or left what the room sees).
#: sender: the dialogue's id; `view`: the item's public view (`followups.commands.public_view`).
followup_changed = _signals.signal("followup-changed")

#: A login session ended (logout, deactivation, the identity provider's refusal).
#: sender: the session's token hash.
login_session_ended = _signals.signal("login-session-ended")
