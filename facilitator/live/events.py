"""Socket.IO handlers: authenticate in `connect`, then each event parses its payload, calls
one service (which checks the actor again), and acknowledges with the result or a clean error.

Every acknowledgement is `{"ok": true, ...}` or `{"ok": false, "error", "message"[, "errors"]}`.
"""

import time
from functools import wraps

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError as Refused
from flask_socketio import join_room
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..core import logs, metrics, uow
from ..core.tokens import hash_token
from ..errors import DomainError, ValidationFailed
from ..extensions import db, socketio
from ..participants.services import cookie_name_for, display_name, participant_row_by_token
from . import actors, heartbeat, presence, services, split, tallies, views
from .broadcast import (
    login_room,
    room_all,
    room_audience,
    room_facilitators,
    room_participant,
    room_projector,
)

ACTOR_KEY = "live_actor"


def _as_int(value) -> int | None:
    """A positive id that fits the database's integer columns, or None."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value < 2**31 else None


@socketio.on("connect")
def on_connect(auth=None):
    """Who is this? A facilitator (login session), a participant (the dialogue's cookie) or
    the projector (its link's token). Anyone else is refused."""
    auth = auth if isinstance(auth, dict) else {}
    dialogue_id = _as_int(auth.get("dialogue"))
    role = auth.get("as")
    present = None  # what the console's count of connected phones learns of this socket
    try:
        logged_in = current_user.is_authenticated and current_user.login_session is not None
        if logged_in:
            # Every socket of a login hears `session_ended`, whatever screen it serves.
            join_room(login_room(current_user.login_session.token_hash))
            join_room(f"user:{current_user.id}")
        participant = None
        if role is None and dialogue_id is not None:
            participant = _participant(dialogue_id)
        if role == "projector":
            # The facilitator's own laptop often drives the projector: a login does not matter.
            token = auth.get("token") if isinstance(auth.get("token"), str) else None
            dialogue = services.projector_dialogue(token)
            session[ACTOR_KEY] = {"kind": actors.PROJECTOR, "dialogue_id": dialogue.id,
                                  "projector_hash": hash_token(token)}
            kind = ("projector", dialogue.id)
            join_room(room_all(dialogue.id))
            join_room(room_audience(dialogue.id))
            join_room(room_projector(dialogue.id))
        elif participant is not None:
            # The phone view (no `as`): the dialogue's participant cookie decides, so a
            # facilitator trying the phone view in their own browser gets the phone's data.
            actor = actors.Actor(actors.PARTICIPANT, dialogue_id, participant_id=participant.id)
            session[ACTOR_KEY] = actors.describe(actor)
            join_room(room_all(dialogue_id))
            join_room(room_audience(dialogue_id))
            join_room(room_participant(participant.id))
            kind = ("phone", dialogue_id)
            present = (presence.phone_joined, dialogue_id, participant.id,
                       participant.organization_id, str(participant.role.value))
        elif logged_in and role in (None, "facilitator"):
            if dialogue_id is None:
                metrics.socket_connected(request.sid, "login", None)
                return True  # a login-only socket, for `session_ended`
            actor = actors.Actor(actors.FACILITATOR, dialogue_id, user=current_user)
            actors.require_facilitator(actor)
            session[ACTOR_KEY] = actors.describe(actor)
            join_room(room_all(dialogue_id))
            join_room(room_facilitators(dialogue_id))
            kind = ("console", dialogue_id)
            present = (presence.console_joined, dialogue_id)
        else:
            return False
        uow.commit(expire=False)  # a phone's "last seen", read with it
    except DomainError:
        return False
    except Exception as error:
        if not _busy(error):
            raise
        # A passing reason (a restart's rush on the pool, a locked database): refused with
        # `retry`, so the client connects again after a pause instead of giving up.
        raise Refused("busy", {"retry": True}) from None
    finally:
        db.session.remove()
    app = current_app._get_current_object()
    tallies.start(app)
    heartbeat.start(app)
    if present is not None:
        present[0](request.sid, *present[1:])
        presence.start(app)
    metrics.socket_connected(request.sid, *kind)
    return True


@socketio.on("disconnect")
def on_disconnect(*_reason):
    metrics.socket_disconnected(request.sid)
    presence.left(request.sid)


def _participant(dialogue_id: int):
    """The participant the request's cookie for this dialogue belongs to, or None."""
    # One statement: the participant is looked up within the dialogue, so a dialogue that
    # does not exist has none, and need not be read first.
    return participant_row_by_token(dialogue_id,
                                    request.cookies.get(cookie_name_for(dialogue_id)))


def _busy(error: Exception) -> bool:
    """A lock or pool timeout: the database was too busy to take the action now (SQLite's
    "database is locked", PostgreSQL's lock timeout, no pooled connection in time)."""
    if isinstance(error, PoolTimeout):
        return True
    if isinstance(error, OperationalError):
        if "database is locked" in str(error) or "database table is locked" in str(error):
            return True
        return getattr(error.orig, "sqlstate", None) == "55P03"  # lock_not_available
    return False


def event(name: str):
    """Register a handler that gets (actor, payload) and answers with an acknowledgement.

    One event is one unit of work: the service changes the model and flushes, the handler
    commits once here, and `ok` is answered only once that commit has stored the action (its
    messages go out after the commit, `core/uow.py`). A lock or pool timeout answers `busy`,
    which the client may retry; nothing of the action is stored or sent."""

    def decorate(fn):
        @wraps(fn)
        def handler(payload=None, *_extra):
            started, outcome = time.perf_counter(), "ok"
            logs.start_event(name)
            try:
                actor = actors.restore(session.get(ACTOR_KEY))
                logs.bind_actor(actor)
                result = fn(actor, payload if payload is not None else {})
                uow.commit(expire=False)  # the session ends below; nothing is read back
                return {"ok": True, **(result or {})}
            except DomainError as error:
                outcome = error.code
                uow.rollback()
                return {"ok": False, **_plain(error.as_dict())}
            except Exception as error:
                uow.rollback()
                if _busy(error):
                    outcome = "busy"
                    return {"ok": False, "error": "busy",
                            "message": _("Det är många som skickar just nu. Försök igen om en "
                                         "liten stund.")}
                outcome = "server"
                current_app.logger.exception("socket event %s failed", name)
                return {"ok": False, "error": "server",
                        "message": _("Något gick fel hos oss. Försök igen.")}
            finally:
                db.session.remove()
                seconds = time.perf_counter() - started
                metrics.socket_event(name, outcome, seconds)
                logs.end_event(outcome, seconds)

        socketio.on_event(name, handler)
        return fn

    return decorate


def _plain(value):
    """Error bodies as plain JSON: form messages are lazy strings, which Socket.IO's JSON
    encoder cannot write (the acknowledgement would never leave the server)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _mapping(payload) -> dict:
    if not isinstance(payload, dict):
        raise ValidationFailed(_("Uppgifterna hade fel format."))
    return payload


@event("snapshot")
def on_snapshot(actor, payload):
    return {"snapshot": services.snapshot(actor)}


@event("submit")
def on_submit(actor, payload):
    contribution, created = services.submit(actor, _mapping(payload))
    return {"item": views.contribution(contribution, display_name(contribution.participant),
                                       private=True), "created": created}


@event("vote")
def on_vote(actor, payload):
    return services.vote(actor, _mapping(payload))


@event("stance")
def on_stance(actor, payload):
    return services.set_live_stance(actor, _mapping(payload))


@event("moderate")
def on_moderate(actor, payload):
    return services.moderate(actor, _mapping(payload))


@event("agenda")
def on_agenda(actor, payload):
    return services.agenda(actor, _mapping(payload))


@event("intake")
def on_intake(actor, payload):
    return services.set_intake(actor, _mapping(payload))


@event("poll")
def on_poll(actor, payload):
    return services.poll(actor, _mapping(payload))


@event("split")
def on_split(actor, payload):
    return split.show(actor, _mapping(payload))


@event("results_view")
def on_results_view(actor, payload):
    return services.set_results_view(actor, _mapping(payload))
