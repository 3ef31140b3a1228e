"""The seq heartbeat: every few seconds each process tells its own clients the current seq
of their dialogue.

A change reaches another process's phones through Redis; while Redis is away, what is
published is lost, and a phone would not know until the next change arrived with a gap,
which in a quiet moment of a meeting may be minutes. With the heartbeat a phone that is
behind notices within INTERVAL seconds (plus its reorder window: the missing change may
still be on its way) and takes a snapshot. It is sent by this process to its own sockets
only (`ignore_queue`), so it works exactly when the queue does not.
"""

import re

from flask import Flask
from sqlalchemy import select

from ..dialogues.models import Dialogue
from ..extensions import db, socketio
from . import background
from .broadcast import NAMESPACE, room_all

#: Seconds between heartbeats.
INTERVAL = 3.0

_ROOM = re.compile(r"d(\d+)")


def start(app: Flask) -> None:
    """Start the heartbeat once per app, so once per process."""
    background.start_once(app, INTERVAL, beat, "seq heartbeat")


def _dialogues_here() -> list[int]:
    """The dialogues with a socket connected to this process."""
    rooms = socketio.server.manager.rooms.get(NAMESPACE, {})
    ids = []
    for name, members in list(rooms.items()):
        match = _ROOM.fullmatch(name) if isinstance(name, str) else None
        if match and members:
            ids.append(int(match.group(1)))
    return ids


def beat() -> None:
    """Send each dialogue's seq, read from the database, to this process's sockets in it."""
    ids = _dialogues_here()
    if not ids:
        return
    try:
        rows = db.session.execute(select(Dialogue.id, Dialogue.seq).where(Dialogue.id.in_(ids)))
        seqs = [(dialogue_id, seq) for dialogue_id, seq in rows]
    finally:
        db.session.remove()
    for dialogue_id, seq in seqs:
        socketio.emit("seq", {"seq": seq}, to=room_all(dialogue_id), namespace=NAMESPACE,
                      ignore_queue=True)
