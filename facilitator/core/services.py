"""Health of the parts the app depends on."""

from flask import current_app
from sqlalchemy import text

from ..extensions import db
from . import redisclient


def health() -> tuple[bool, dict]:
    """Check the database and, when configured, Redis. Returns (serving, details).

    The database is the truth: without it the process cannot serve (status `unavailable`).
    Redis only joins processes and shares rate-limit counters; without it writes go on, so
    the status is `degraded` and the process still serves.
    """
    details: dict = {}
    serving = True
    try:
        db.session.execute(text("SELECT 1"))
        details["database"] = "ok"
    except Exception as exc:  # any driver error means unreachable
        db.session.rollback()
        serving = False
        details["database"] = "unreachable"
        details["database_error"] = type(exc).__name__
    degraded = False
    answers: dict[str, str | None] = {}
    config = current_app.config
    queue = config.get("SOCKETIO_MESSAGE_QUEUE")
    limits = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    for part, url in (("redis", queue), ("rate_limit_storage", limits)):
        if not url or url.startswith("memory://"):
            continue
        if url not in answers:
            answers[url] = redisclient.ping(url, config)
        error = answers[url]
        details[part] = "ok" if error is None else "unreachable"
        if error is not None:
            degraded = True
            details[f"{part}_error"] = error
    if not serving:
        details["status"] = "unavailable"
    else:
        details["status"] = "degraded" if degraded else "ok"
    return serving, details
