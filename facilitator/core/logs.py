"""Structured logs (structlog): one line per request, socket event and audited action.

Every line carries the request's or event's id, and where known the dialogue id and the
actor's kind and id, the outcome and the duration. Never a name, a text or a personnummer:
the calls below pass ids only, and `_drop_personal` removes any field that could hold
free text should a later call pass one. JSON in production (`LOG_FORMAT=json`), readable
lines in development; the standard library's loggers (Flask's, Authlib's) go the same way.
"""

import logging
import re
import sys
import time
import uuid

import structlog
from flask import Flask, g, request
from flask_login import current_user

from .metrics import SIGN_INS

_PERSONAL_FIELDS = frozenset({"text", "body", "name", "email", "display_name", "title",
                              "comment", "reason", "message", "details", "password", "token"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_configured: str | None = None

log = structlog.get_logger("aterforing")


def _drop_personal(_logger, _method, event_dict):
    for key in _PERSONAL_FIELDS & event_dict.keys():
        del event_dict[key]
    return event_dict


def configure(fmt: str, level: str = "INFO") -> None:
    """Set up structlog and the standard library's root logger once per process."""
    global _configured
    if _configured == fmt:
        return
    _configured = fmt
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer = (structlog.processors.JSONRenderer() if fmt == "json"
                else structlog.dev.ConsoleRenderer(colors=False))
    structlog.configure(
        processors=[*shared, _drop_personal,
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, renderer],
    ))
    handler._aterforing = True
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not getattr(h, "_aterforing", False)]
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("aterforing", "facilitator"):
        logging.getLogger(name).setLevel(level)


def new_id() -> str:
    return uuid.uuid4().hex[:16]


def bind(**values) -> None:
    structlog.contextvars.bind_contextvars(**{k: v for k, v in values.items()
                                              if v is not None})


def start_event(name: str) -> None:
    """A socket event begins: a fresh id on every line it logs."""
    structlog.contextvars.clear_contextvars()
    bind(event_id=new_id(), socket_event=name)


def bind_actor(actor) -> None:
    """Who acts, where: the dialogue id and the actor's kind and id."""
    bind(dialogue_id=getattr(actor, "dialogue_id", None), **actor_fields(actor))


def actor_fields(actor) -> dict:
    """The actor's kind and id, never their name."""
    if actor is None:
        return {}
    kind = getattr(actor, "kind", None)
    user = getattr(actor, "user", None)
    # The id, not the participant: logging must not read the participant from the database.
    participant_id = getattr(actor, "participant_id", None)
    if participant_id is not None:
        return {"actor_kind": "participant", "actor_id": participant_id}
    participant = getattr(actor, "participant", None)
    if participant is not None:
        return {"actor_kind": "participant", "actor_id": participant.id}
    if user is not None:
        return {"actor_kind": kind or "facilitator", "actor_id": user.id}
    return {"actor_kind": kind} if kind else {}


def end_event(outcome: str, seconds: float) -> None:
    log.info("socket.event", outcome=outcome, duration_ms=round(seconds * 1000, 2))
    structlog.contextvars.clear_contextvars()


def signed_in(method: str, outcome: str, user_id: int | None = None) -> None:
    """A sign-in, let in or refused: one line and one count, never who by name or address."""
    SIGN_INS.labels(method, outcome).inc()
    fields = {"actor_kind": "user", "actor_id": user_id} if user_id is not None else {}
    log.info("account.sign_in", method=method, outcome=outcome, **fields)


def audited(action: str, *, dialogue_id, user_id, participant_id, subject_type,
            subject_id) -> None:
    """One line per audited action, after its commit: ids only, never the details."""
    if participant_id is not None:
        actor = {"actor_kind": "participant", "actor_id": participant_id}
    elif user_id is not None:
        actor = {"actor_kind": "user", "actor_id": user_id}
    else:
        actor = {"actor_kind": "system"}
    log.info("audit", action=action, dialogue_id=dialogue_id, subject_type=subject_type,
             subject_id=subject_id, outcome="stored", **actor)


def init_app(app: Flask) -> None:
    fmt = app.config.get("LOG_FORMAT") or "console"
    if not app.testing or app.config.get("LOG_FORMAT"):  # tests keep pytest's capture
        configure(fmt, app.config.get("LOG_LEVEL", "INFO"))

    @app.before_request
    def _bind_request():
        structlog.contextvars.clear_contextvars()
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else new_id()
        g.request_started = time.perf_counter()
        bind(request_id=g.request_id)

    @app.after_request
    def _log_request(response):
        rule = request.url_rule
        endpoint = rule.endpoint if rule else None
        if endpoint == "static" or request.path.startswith("/socket.io"):
            return response
        started = g.get("request_started")

        fields = {}
        if current_user and getattr(current_user, "is_authenticated", False):
            fields = {"actor_kind": "user", "actor_id": current_user.id}
        view_args = request.view_args or {}
        # The rule, not the path: a path can hold a review link's or projector's token.
        if view_args.get("dialogue_id") is not None:
            fields["dialogue_id"] = view_args["dialogue_id"]
        log.info("http.request", method=request.method, route=rule.rule if rule else None,
                 status=response.status_code,
                 outcome="ok" if response.status_code < 400 else "refused",
                 duration_ms=round((time.perf_counter() - started) * 1000, 2)
                 if started else None, **fields)
        if g.get("request_id"):
            response.headers["X-Request-ID"] = g.request_id
        return response

    @app.teardown_request
    def _unbind(_exc=None):
        structlog.contextvars.clear_contextvars()
