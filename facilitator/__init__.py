"""Återföring: the app factory."""

import os
import sqlite3

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, CONFIGS, INSTANCE_DIR, Config, pool_engine_options

from . import (
    accounts,
    api,
    contributions,
    core,
    decisions,
    demo,
    dialogues,
    followups,
    history,
    insights,
    library,
    live,
    minutes,
    models,  # noqa: F401  (the whole schema is known)
    oidc,
    organizations,
    participants,
    retention,
    themes,
    traces,
)
from .core import i18n, redisclient
from .extensions import babel, csrf, db, limiter, login_manager, mail, migrate, socketio
from .live import compression
from .live.queue import RedisQueue


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app for `config_name` (development, testing, production)."""
    name = config_name or os.environ.get("APP_ENV", "development")
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(CONFIGS[name])
    app.config["APP_ENV"] = name
    if overrides:
        app.config.update(overrides)
    if app.config.get("TRUSTED_PROXIES"):
        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    if name == "production" and not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set in production (APP_ENV=production).")
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = pool_engine_options(app.config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)

    # Short timeouts on the rate-limit storage, so Flask-Limiter meets an unreachable Redis
    # quickly and falls back to memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED).
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", redisclient.client_options(app.config))
    limiter.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)

    babel.init_app(app, locale_selector=i18n.select_locale)

    core.init_app(app)
    accounts.init_app(app)
    oidc.init_app(app)
    organizations.init_app(app)
    themes.init_app(app)
    dialogues.init_app(app)
    participants.init_app(app)
    contributions.init_app(app)
    api.init_app(app)
    live.init_app(app)
    followups.init_app(app)
    decisions.init_app(app)
    traces.init_app(app)
    history.init_app(app)
    library.init_app(app)
    insights.init_app(app)
    minutes.init_app(app)
    retention.init_app(app)
    demo.init_app(app)
    # Last, after every feature imported its socket handlers: handlers registered before
    # the first init_app are kept by the extension and given to every app's server (tests
    # build many apps); registered after it, only the first app would have them.
    socketio.server_options.pop("client_manager", None)  # an earlier app's queue must not stick
    queue = app.config["SOCKETIO_MESSAGE_QUEUE"]
    if queue and queue.startswith(("redis://", "rediss://")):
        # Redis joins the processes but never holds up an event (live/queue.py).
        options = {"client_manager": RedisQueue(queue, app.config["SOCKETIO_CHANNEL"],
                                                app.config)}
    else:
        options = {"message_queue": queue, "channel": app.config["SOCKETIO_CHANNEL"]}
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        max_http_buffer_size=app.config["SOCKETIO_MAX_MESSAGE_BYTES"],
        **options,
    )

    compression.init_app(app)  # outside Socket.IO's middleware, so it sees the request first
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets readers go on while one writer commits; the busy timeout turns a
    # briefly locked database into a short wait instead of an error.
    if isinstance(dbapi_connection, sqlite3.Connection):
        try:
            timeout = current_app.config["SQLITE_BUSY_TIMEOUT_MS"]
        except RuntimeError:
            timeout = Config.SQLITE_BUSY_TIMEOUT_MS
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
