"""What services tell the meeting. The database is the truth; these are hints.

`change`, `to_facilitators` and `to_participant` do not emit: they record the message on the
unit of work (`core/uow.py`), which sends it after the action's one commit and drops it on a
rollback.
"""

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from ..core import uow
from ..core.metrics import timed_broadcast
from ..dialogues.models import Dialogue
from ..extensions import db, socketio
from . import ordering

NAMESPACE = "/"


def login_room(token: str) -> str:
    return f"login:{token}"


def room_all(dialogue_id: int) -> str:
    """Everyone in a meeting: phones, projector and facilitators."""
    return f"d{dialogue_id}"


def room_facilitators(dialogue_id: int) -> str:
    return f"d{dialogue_id}:fac"


def room_audience(dialogue_id: int) -> str:
    """The room without its facilitators: phones and the projector."""
    return f"d{dialogue_id}:room"


def room_projector(dialogue_id: int) -> str:
    return f"d{dialogue_id}:projector"


def room_participant(participant_id: int) -> str:
    return f"p{participant_id}"


def next_seq(dialogue_id: int, n: int = 1, session=None) -> int:
    """Take the dialogue's next `n` sequence numbers inside the (given or current) session's
    transaction; the last of them."""
    return (session or db.session).execute(
        update(Dialogue).where(Dialogue.id == dialogue_id).values(seq=Dialogue.seq + n)
        .returning(Dialogue.seq)
    ).scalar_one()


_PENDING = "live_pending_changes"


def change(dialogue_id: int, kind: str, data: dict) -> None:
    """A change every client in the meeting applies in `seq` order, recorded for after the
    commit, when `ordering` emits the dialogue's changes in seq order.

    Its seq is taken as the action commits (`_number_changes`), all of the action's at once:
    the dialogue's row stays locked from taking the seq to the commit, and each change of a
    dialogue waits for that lock, so the shorter it is held the more changes a second a
    meeting takes (after a restart, the whole room's resent questions)."""
    message = {"seq": None, "type": kind, "data": data}
    db.session.info.setdefault(_PENDING, []).append((dialogue_id, message))
    uow.record(_deliver_change, dialogue_id, message)


@event.listens_for(Session, "before_commit")
def _number_changes(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    by_dialogue: dict[int, list[dict]] = {}
    for dialogue_id, message in pending:
        by_dialogue.setdefault(dialogue_id, []).append(message)
    for dialogue_id, messages in sorted(by_dialogue.items()):  # one order: no deadlock
        last = next_seq(dialogue_id, len(messages), session)
        for seq, message in enumerate(messages, start=last - len(messages) + 1):
            message["seq"] = seq
            ordering.taken(session, dialogue_id, seq)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)


def to_facilitators(dialogue_id: int, kind: str, data: dict) -> None:
    """A change only facilitators see (the moderation queue), sent after the commit."""
    uow.record(_emit, "queue", {"type": kind, "data": data}, room_facilitators(dialogue_id))


def to_participant(participant_id: int, kind: str, data: dict) -> None:
    """An author's own item changed, sent to their phone after the commit."""
    uow.record(_emit, "own", {"type": kind, "data": data}, room_participant(participant_id))


def _deliver_change(dialogue_id: int, message: dict) -> None:
    ordering.deliver(dialogue_id, message["seq"], message, _emit_change)


def _emit_change(dialogue_id: int, message: dict) -> None:
    _emit("change", message, room_all(dialogue_id))


def _emit(event: str, message: dict, room: str) -> None:
    with timed_broadcast(event):
        socketio.emit(event, message, to=room, namespace=NAMESPACE)


def end_login_sockets(token: str) -> None:
    """Tell every socket of an ended login, on any process, and drop the local ones."""
    end_room(login_room(token))


def end_projector_sockets(dialogue_id: int) -> None:
    """A new projector link locks the old one out: its open screens stop receiving too."""
    end_room(room_projector(dialogue_id))


def end_room(room: str) -> None:
    # Through the message queue this reaches sockets held by other processes too; they are
    # also refused at their next event, because what let them in has ended in the database.
    socketio.emit("session_ended", {}, to=room, namespace=NAMESPACE)
    server = socketio.server
    if server is None:
        return
    for sid, _eio_sid in list(server.manager.get_participants(NAMESPACE, room)):
        server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)
