"""Health of the parts the app depends on."""

from flask import current_app
from sqlalchemy import text

from ..extensions import db


def health() -> tuple[bool, dict]:
    """Check the database and, when configured, Redis. Returns (all ok, details)."""
    details: dict = {}
    ok = True
    try:
        db.session.execute(text("SELECT 1"))
        details["database"] = "ok"
    except Exception as exc:  # any driver error means unreachable
        db.session.rollback()
        ok = False
        details["database"] = "unreachable"
        details["database_error"] = type(exc).__name__
    queue = current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
    if queue:
        try:
            import redis

            redis.Redis.from_url(queue, socket_connect_timeout=1, socket_timeout=1).ping()
            details["redis"] = "ok"
        except Exception as exc:
            ok = False
            details["redis"] = "unreachable"
            details["redis_error"] = type(exc).__name__
    details["status"] = "ok" if ok else "unavailable"
    return ok, details
