"""Prometheus metrics of this process: sockets, events, acknowledgements, broadcasts, rate
limits, the database pool, the message queue and meetings live.

Never public: `/metrics` answers only with `Authorization: Bearer <METRICS_TOKEN>` (404
without a token set), or the metrics are served on their own loopback port (`METRICS_PORT`).
Each process has its own figures; Prometheus scrapes every process (docs/deploy.md).
"""

import hmac
import threading
import time
from contextlib import contextmanager

import redis
from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..extensions import db

REGISTRY = CollectorRegistry()
_LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)

SOCKETS = Gauge("aterforing_sockets_connected", "Socket.IO connections held by this process",
                ["kind"], registry=REGISTRY)
EVENTS = Counter("aterforing_socket_events_total", "Socket events handled, by outcome",
                 ["event", "outcome"], registry=REGISTRY)
ACK_SECONDS = Histogram("aterforing_socket_ack_seconds",
                        "From a socket event's arrival to its acknowledgement",
                        ["event"], buckets=_LATENCY_BUCKETS, registry=REGISTRY)
BROADCAST_SECONDS = Histogram("aterforing_broadcast_seconds",
                              "Handing one broadcast to every local socket of its room (or to "
                              "the message queue)", ["message"], buckets=_LATENCY_BUCKETS,
                              registry=REGISTRY)
RATE_LIMITED = Counter("aterforing_rate_limited_total",
                       "Socket events and requests refused by a rate limit", ["what"],
                       registry=REGISTRY)
HTTP_REQUESTS = Counter("aterforing_http_requests_total", "HTTP requests answered",
                        ["endpoint", "status"], registry=REGISTRY)
HTTP_SECONDS = Histogram("aterforing_http_request_seconds", "HTTP requests, time to answer",
                         ["endpoint"], buckets=_LATENCY_BUCKETS, registry=REGISTRY)
SIGN_INS = Counter("aterforing_sign_ins_total", "Sign-ins by method and outcome (why refused)",
                   ["method", "outcome"], registry=REGISTRY)
POOL_WAIT_SECONDS = Histogram("aterforing_db_pool_wait_seconds",
                              "Waiting for a database connection from the pool",
                              buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30),
                              registry=REGISTRY)
POOL_TIMEOUTS = Counter("aterforing_db_pool_timeouts_total",
                        "No database connection came free in time", registry=REGISTRY)

KINDS = ("phone", "console", "projector", "login")
for _kind in KINDS:
    SOCKETS.labels(_kind)

_lock = threading.Lock()
_sockets: dict[str, tuple[str, int | None]] = {}  # sid -> (kind, dialogue id)
_app: Flask | None = None


def socket_connected(sid: str, kind: str, dialogue_id: int | None) -> None:
    with _lock:
        if sid in _sockets:
            return
        _sockets[sid] = (kind, dialogue_id)
    SOCKETS.labels(kind).inc()


def socket_disconnected(sid: str) -> None:
    with _lock:
        known = _sockets.pop(sid, None)
    if known is not None:
        SOCKETS.labels(known[0]).dec()


@contextmanager
def timed_broadcast(message: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        BROADCAST_SECONDS.labels(message).observe(time.perf_counter() - started)


def socket_event(name: str, outcome: str, seconds: float) -> None:
    EVENTS.labels(name, outcome).inc()
    ACK_SECONDS.labels(name).observe(seconds)
    if outcome == "rate_limited":
        RATE_LIMITED.labels(f"socket:{name}").inc()


class _StateCollector:
    """Figures read when Prometheus scrapes: the pool, the message queue, meetings live."""

    def collect(self):
        app = _app
        if app is None:
            return
        with _lock:
            here = {d for _kind, d in _sockets.values() if d is not None}
        yield _gauge("aterforing_meetings_with_sockets",
                     "Meetings with at least one socket on this process", len(here))
        with app.app_context():
            pool = db.engine.pool
            if hasattr(pool, "checkedout"):
                yield _gauge("aterforing_db_pool_in_use", "Database connections checked out",
                             pool.checkedout())
                yield _gauge("aterforing_db_pool_size", "Database pool size", pool.size())
                yield _gauge("aterforing_db_pool_overflow",
                             "Connections open beyond the pool size", max(pool.overflow(), 0))
            try:
                for name, (doc, count) in sorted(_DATABASE_GAUGES.items()):
                    yield _gauge(name, doc, count())
            except Exception:  # noqa: BLE001  (an unreachable database is the pool's figure)
                db.session.rollback()
            finally:
                db.session.remove()
            queue = app.config.get("SOCKETIO_MESSAGE_QUEUE")
            if queue:
                yield _gauge("aterforing_message_queue_up",
                             "1 when the Redis message queue answers a ping", _redis_up(queue))


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc)
    family.add_metric([], value)
    return family


#: Figures counted in the database at each scrape, registered by the feature that owns the
#: rows (`database_gauge`), so the house imports no feature: name -> (doc, count()).
_DATABASE_GAUGES: dict = {}


def database_gauge(name: str, doc: str, count) -> None:
    """Read `count()` (in an app context, with the app's session) at every scrape."""
    _DATABASE_GAUGES[name] = (doc, count)


def _redis_up(url: str) -> int:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
        return 1
    except Exception:  # noqa: BLE001
        return 0


def _watch_pool(engine) -> None:
    """Time every wait for a pooled connection (the pool's own `_do_get`)."""
    pool = engine.pool
    if getattr(pool, "_aterforing_timed", False) or not hasattr(pool, "_do_get"):
        return
    original = pool._do_get

    def _do_get():
        started = time.perf_counter()
        try:
            return original()
        except PoolTimeout:
            POOL_TIMEOUTS.inc()
            raise
        finally:
            POOL_WAIT_SECONDS.observe(time.perf_counter() - started)

    pool._do_get = _do_get
    pool._aterforing_timed = True


bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics():
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(404)  # not even its existence is told
    return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)


_collector_registered = False
_port_started: set[int] = set()


def init_app(app: Flask) -> None:
    global _app, _collector_registered
    _app = app
    if not _collector_registered:
        REGISTRY.register(_StateCollector())
        _collector_registered = True
    app.register_blueprint(bp)

    @app.before_request
    def _start_clock():
        request.environ["aterforing.started"] = time.perf_counter()

    @app.after_request
    def _count(response):
        endpoint = request.url_rule.endpoint if request.url_rule else "none"
        if endpoint in ("static", "metrics.metrics"):
            return response
        started = request.environ.get("aterforing.started")
        HTTP_REQUESTS.labels(endpoint, str(response.status_code)).inc()
        if started is not None:
            HTTP_SECONDS.labels(endpoint).observe(time.perf_counter() - started)
        if response.status_code == 429:
            RATE_LIMITED.labels(f"http:{endpoint}").inc()
        return response

    with app.app_context():
        _watch_pool(db.engine)
    port = app.config.get("METRICS_PORT")
    if port and port not in _port_started:
        start_http_server(int(port), addr=app.config.get("METRICS_HOST", "127.0.0.1"),
                          registry=REGISTRY)
        _port_started.add(port)
