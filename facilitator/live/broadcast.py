"""Broadcasts that services send after they commit. The database is the truth; these are hints."""

from sqlalchemy import update

from ..core.metrics import timed_broadcast
from ..extensions import db, socketio

NAMESPACE = "/"


def login_room(token: str) -> str:
    return f"login:{token}"


def room_all(dialogue_id: int) -> str:
    """Everyone in a meeting: phones, projector and facilitators."""
    return f"d{dialogue_id}"


def room_facilitators(dialogue_id: int) -> str:
    return f"d{dialogue_id}:fac"


def room_projector(dialogue_id: int) -> str:
    return f"d{dialogue_id}:projector"


def room_participant(participant_id: int) -> str:
    return f"p{participant_id}"


def next_seq(dialogue_id: int) -> int:
    """Take the dialogue's next sequence number inside the caller's transaction."""
    from ..dialogues.models import Dialogue

    return db.session.execute(
        update(Dialogue).where(Dialogue.id == dialogue_id).values(seq=Dialogue.seq + 1)
        .returning(Dialogue.seq)
    ).scalar_one()


def change(dialogue_id: int, seq: int, kind: str, data: dict) -> None:
    """A change every client in the meeting applies in `seq` order."""
    with timed_broadcast("change"):
        socketio.emit("change", {"seq": seq, "type": kind, "data": data},
                      to=room_all(dialogue_id), namespace=NAMESPACE)


def to_facilitators(dialogue_id: int, kind: str, data: dict) -> None:
    """A change only facilitators see (the moderation queue)."""
    with timed_broadcast("queue"):
        socketio.emit("queue", {"type": kind, "data": data},
                      to=room_facilitators(dialogue_id), namespace=NAMESPACE)


def to_participant(participant_id: int, kind: str, data: dict) -> None:
    with timed_broadcast("own"):
        socketio.emit("own", {"type": kind, "data": data},
                      to=room_participant(participant_id), namespace=NAMESPACE)


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
