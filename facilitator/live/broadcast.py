"""What services tell the meeting. The database is the truth; these are hints.

`change`, `to_facilitators` and `to_participant` do not emit: they record the message on the
unit of work (`core/uow.py`), which sends it after the action's one commit and drops it on a
rollback.
"""

from sqlalchemy import update

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


def next_seq(dialogue_id: int) -> int:
    """Take the dialogue's next sequence number inside the caller's transaction."""
    return db.session.execute(
        update(Dialogue).where(Dialogue.id == dialogue_id).values(seq=Dialogue.seq + 1)
        .returning(Dialogue.seq)
    ).scalar_one()


def change(dialogue_id: int, kind: str, data: dict) -> int:
    """A change every client in the meeting applies in `seq` order: takes the dialogue's next
    sequence number in this transaction and records the message for after the commit, when
    `ordering` emits the dialogue's changes in seq order."""
    seq = next_seq(dialogue_id)
    ordering.taken(db.session(), dialogue_id, seq)
    uow.record(_deliver_change, dialogue_id, seq, {"seq": seq, "type": kind, "data": data})
    return seq


def to_facilitators(dialogue_id: int, kind: str, data: dict) -> None:
    """A change only facilitators see (the moderation queue), sent after the commit."""
    uow.record(_emit, "queue", {"type": kind, "data": data}, room_facilitators(dialogue_id))


def to_participant(participant_id: int, kind: str, data: dict) -> None:
    """An author's own item changed, sent to their phone after the commit."""
    uow.record(_emit, "own", {"type": kind, "data": data}, room_participant(participant_id))


def _deliver_change(dialogue_id: int, seq: int, message: dict) -> None:
    ordering.deliver(dialogue_id, seq, message, _emit_change)


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
