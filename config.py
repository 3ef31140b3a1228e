"""Settings, one class per environment. Every setting can come from the environment."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


#: The instance folder: the SQLite database, uploads and the demo login live here.
INSTANCE_DIR = Path(_env("INSTANCE_PATH", str(BASE_DIR / "instance"))).resolve()


def _env_int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


class Config:
    """Shared defaults. See the settings table in README.md."""

    SECRET_KEY = _env("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _env(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'aterforing.sqlite3'}"
    )
    #: No `pool_pre_ping`: it costs a round trip at every checkout, and every socket event
    #: checks a connection out (a vote is two round trips instead of three or four).
    #: Connections are recycled before servers or firewalls drop idle ones; after a database
    #: restart the first statement on a dead connection fails once and SQLAlchemy then
    #: replaces the whole pool. DATABASE_PRE_PING=1 turns the ping back on.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {
        "pool_recycle": 1800,
        "pool_pre_ping": _env("DATABASE_PRE_PING", "0") not in ("0", "false", "no"),
    }
    #: The connection pool of one process (one gevent worker). Its greenlets share the pool:
    #: a socket event holds a connection for a few milliseconds of its own work, but also
    #: while the other greenlets have the core, so in a rush (200 phones reconnecting after
    #: a restart) 15 gave up so often that the room was back only after 11 s; 20 + 10
    #: brought it back in 7–8 s (tests/test_live_fault.py). A greenlet waits at most
    #: DATABASE_POOL_TIMEOUT seconds for a connection, then its event gives up and is
    #: answered at once with a refusal the phone retries: far shorter than the phone's 8 s
    #: wait for an acknowledgement, so waits do not pile up behind each other. PostgreSQL
    #: needs max_connections above (size + overflow) × processes (docs/deploy.md). For
    #: PostgreSQL only (`pool_engine_options`).
    DATABASE_POOL_SIZE = _env_int("DATABASE_POOL_SIZE", 20)
    DATABASE_MAX_OVERFLOW = _env_int("DATABASE_MAX_OVERFLOW", 10)
    DATABASE_POOL_TIMEOUT = _env_int("DATABASE_POOL_TIMEOUT", 2)  # whole seconds (SQLAlchemy)
    #: Milliseconds a PostgreSQL statement waits for a lock (`lock_timeout`), then the event
    #: answers `busy`: a table locked by a migration or a backup for seconds must not hold
    #: the phones' events (and the pool's connections) past the phone's 8 s wait.
    DATABASE_LOCK_TIMEOUT_MS = _env_int("DATABASE_LOCK_TIMEOUT_MS", 2000)
    #: Seconds a process reuses the room's part of a live snapshot (`live/roomcache.py`).
    LIVE_SNAPSHOT_CACHE_SECONDS = float(_env("LIVE_SNAPSHOT_CACHE_SECONDS", "1.0"))
    #: Milliseconds a SQLite writer waits for a lock before giving up (the event answers
    #: `busy`, and the phone sends again). Short on purpose: SQLite waits inside its C
    #: library, which holds the whole gevent worker, so with 5 s a database locked by
    #: another program for 8 s froze every phone until their answers timed out; with 50 ms
    #: each gets `busy` within 3 s (tests/test_live_fault.py). The process's own writes
    #: never wait for each other: nothing yields to another greenlet inside a write. With
    #: threads (SOCKETIO_ASYNC_MODE=threading) SQLite's wait lets the others run, and real
    #: threads do write at once: there the wait stays 5 s.
    SQLITE_BUSY_TIMEOUT_MS = _env_int(
        "SQLITE_BUSY_TIMEOUT_MS",
        50 if _env("SOCKETIO_ASYNC_MODE", "gevent") == "gevent" else 5000)
    #: Redis URL that joins several server processes, e.g. redis://127.0.0.1:6379/0.
    SOCKETIO_MESSAGE_QUEUE = _env("SOCKETIO_MESSAGE_QUEUE")
    #: Redis channel of the message queue; servers that share one must use the same.
    SOCKETIO_CHANNEL = _env("SOCKETIO_CHANNEL", "flask-socketio")
    SOCKETIO_ASYNC_MODE = _env("SOCKETIO_ASYNC_MODE", "gevent")
    #: Largest Socket.IO message accepted, in bytes.
    SOCKETIO_MAX_MESSAGE_BYTES = 64 * 1024
    #: permessage-deflate on the WebSocket: off (a meeting's frames are small; see
    #: live/compression.py and docs/deploy.md).
    SOCKETIO_WEBSOCKET_COMPRESSION = _env("SOCKETIO_WEBSOCKET_COMPRESSION", "0") not in (
        "0", "false", "no")
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    #: When the rate-limit storage (Redis) does not answer, each process counts in its own
    #: memory until it answers again: logins, joins and socket events go on (docs/deploy.md).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: Seconds the app waits for Redis (connect and each command) before it counts Redis as
    #: unreachable; Redis answers a healthy command in well under a millisecond.
    REDIS_TIMEOUT_SECONDS = float(_env("REDIS_TIMEOUT_SECONDS", "0.5"))
    #: Failed logins allowed per account and client address together.
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "5 per minute;20 per hour")
    #: Failed logins allowed per client address, whatever the account (an office behind one
    #: address shares it, so it is looser).
    LOGIN_ADDRESS_RATE_LIMIT = _env("LOGIN_ADDRESS_RATE_LIMIT", "30 per minute;100 per hour")
    #: Reverse proxies in front of the app (nginx: 1); their X-Forwarded-* headers are trusted,
    #: so rate limits see the phone's address and links use https.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    #: Wrong join codes allowed per client address (right codes are never counted).
    JOIN_CODE_RATE_LIMIT = _env("JOIN_CODE_RATE_LIMIT", "10 per minute")

    #: Local password login (`0` turns it off once everyone signs in through the provider).
    PASSWORD_LOGIN = _env("PASSWORD_LOGIN", "1") not in ("0", "false", "False", "no")
    #: OpenID Connect sign-in (docs/deploy.md). Unset OIDC_ISSUER: password login only.
    OIDC_ISSUER = _env("OIDC_ISSUER")
    OIDC_CLIENT_ID = _env("OIDC_CLIENT_ID")
    OIDC_CLIENT_SECRET = _env("OIDC_CLIENT_SECRET")
    OIDC_SCOPES = _env("OIDC_SCOPES", "openid email profile")
    #: "Logga in med <organisation>" on the login page.
    OIDC_ORGANIZATION = _env("OIDC_ORGANIZATION", "IVO")
    #: Which claims give the e-mail, whether it is verified, the name and the groups.
    OIDC_EMAIL_CLAIM = _env("OIDC_EMAIL_CLAIM", "email")
    #: `-`: no such claim, every e-mail the provider issues counts as verified (Entra ID).
    OIDC_EMAIL_VERIFIED_CLAIM = _env("OIDC_EMAIL_VERIFIED_CLAIM", "email_verified")
    OIDC_NAME_CLAIM = _env("OIDC_NAME_CLAIM", "name")
    OIDC_GROUPS_CLAIM = _env("OIDC_GROUPS_CLAIM", "groups")
    #: Members of this group sign in as facilitators; members of the admin group as admins.
    OIDC_ALLOWED_GROUP = _env("OIDC_ALLOWED_GROUP")
    OIDC_ADMIN_GROUP = _env("OIDC_ADMIN_GROUP")
    #: Members of this group sign in as a board's staff; the board comes from
    #: OIDC_BOARD_CLAIM (a board's name or short name) or from an admin's mapping.
    OIDC_BOARD_GROUP = _env("OIDC_BOARD_GROUP")
    OIDC_BOARD_CLAIM = _env("OIDC_BOARD_CLAIM")
    #: Seconds of clock difference allowed when checking the ID token's times.
    OIDC_CLOCK_SKEW_SECONDS = _env_int("OIDC_CLOCK_SKEW_SECONDS", 60)

    #: Prometheus metrics: `/metrics` with `Authorization: Bearer <METRICS_TOKEN>` (404
    #: without), and/or on their own port (one per process), bound to METRICS_HOST.
    METRICS_TOKEN = _env("METRICS_TOKEN")
    METRICS_PORT = _env_int("METRICS_PORT", 0)
    METRICS_HOST = _env("METRICS_HOST", "127.0.0.1")
    #: `json` (production's default) or `console` (development's): see core/logs.py.
    LOG_FORMAT = _env("LOG_FORMAT")
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")

    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    LANGUAGES = ("sv", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024

    #: Days after a dialogue closes before `flask retention purge` removes its personal data.
    RETENTION_DAYS = _env_int("RETENTION_DAYS", 365)

    #: The small-group limit: a group (role, board) with fewer answers is never shown on its
    #: own in any result (`core/groups.py`).
    MIN_GROUP_SIZE = _env_int("MIN_GROUP_SIZE", 3)

    #: Where people report accessibility problems (shown on the statement page).
    ACCESSIBILITY_CONTACT = _env("ACCESSIBILITY_CONTACT", "tillganglighet@ivo.se")

    #: Outgoing mail (follow-up reminders) through Flask-Mailman. Unset MAIL_SERVER: mails are
    #: written to the log instead (`core/mail.EmailBackend`).
    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = _env_int("MAIL_PORT", 587)
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_USE_TLS = _env("MAIL_USE_TLS", "1") not in ("0", "false", "False", "no")
    MAIL_DEFAULT_SENDER = _env("MAIL_FROM", "noreply@ivo.se")
    MAIL_TIMEOUT = 30
    MAIL_BACKEND = "smtp" if MAIL_SERVER else "facilitator.core.mail.EmailBackend"
    #: Where evidence files for follow-up items are stored (default instance/uploads).
    UPLOAD_FOLDER = _env("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))


def pool_engine_options(config) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS for PostgreSQL: the pool's size, overflow and timeout, and
    the connections' lock timeout.

    SQLite keeps SQLAlchemy's own pool: its writers wait for each other inside SQLite (the
    busy timeout), which holds the whole gevent worker anyway, not in the pool.
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    uri = config.get("SQLALCHEMY_DATABASE_URI") or ""
    if not uri.startswith("postgresql"):
        return options
    options.setdefault("pool_size", config["DATABASE_POOL_SIZE"])
    options.setdefault("max_overflow", config["DATABASE_MAX_OVERFLOW"])
    options.setdefault("pool_timeout", config["DATABASE_POOL_TIMEOUT"])
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("options", f"-c lock_timeout={int(config['DATABASE_LOCK_TIMEOUT_MS'])}")
    options["connect_args"] = connect_args
    return options


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    #: Mails are kept in `app.extensions["mailman"].outbox`.
    MAIL_BACKEND = "locmem"
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SOCKETIO_ASYNC_MODE = "threading"
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 5000)  # threads: see Config
    SOCKETIO_MESSAGE_QUEUE = None
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    SECRET_KEY = _env("SECRET_KEY")
    LOG_FORMAT = _env("LOG_FORMAT", "json")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
