"""Socket.IO handlers. Authenticate in `connect`; each event checks the actor in its service."""

from flask_login import current_user
from flask_socketio import join_room

from ..extensions import socketio
from .broadcast import login_room


@socketio.on("connect")
def on_connect(auth=None):
    """Accept facilitators by their login session; refuse everyone else (for now)."""
    if current_user.is_authenticated and current_user.login_session is not None:
        join_room(login_room(current_user.login_session.token))
        join_room(f"user:{current_user.id}")
        return True
    return False
