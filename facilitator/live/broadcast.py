"""Broadcasts that services send after they commit."""

from ..extensions import socketio

NAMESPACE = "/"


def login_room(token: str) -> str:
    return f"login:{token}"


def end_login_sockets(token: str) -> None:
    """Tell every socket of an ended login, on any process, and drop the local ones."""
    room = login_room(token)
    # Through the message queue this reaches sockets held by other processes too;
    # they are also refused at their next event, because the login is ended in the database.
    socketio.emit("session_ended", {}, to=room, namespace=NAMESPACE)
    server = socketio.server
    if server is None:
        return
    for sid, _eio_sid in list(server.manager.get_participants(NAMESPACE, room)):
        server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)
