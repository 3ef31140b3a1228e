"""/healthz: the database and, when configured, Redis."""

from conftest import free_port

from facilitator import create_app
from facilitator.extensions import db, socketio


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "status": "ok"}


def test_healthz_reports_a_dead_database_with_503():
    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://127.0.0.1:1/nowhere",
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}},
    })
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.json
    assert body["status"] == "unavailable"
    assert body["database"] == "unreachable"
    assert body["database_error"] == "OperationalError"
    assert "nowhere" not in response.text  # no connection details leak


def queue_app(url):
    app = create_app("testing", {"SOCKETIO_MESSAGE_QUEUE": url})
    with app.app_context():
        db.create_all()
    return app


def test_healthz_reports_redis_ok(redis_url):
    response = queue_app(redis_url).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "redis": "ok", "status": "ok"}


def test_healthz_reports_a_dead_redis_as_degraded_and_keeps_serving():
    # Redis only joins processes and shares rate-limit counters: without it the process
    # still takes writes, so a load balancer must not take it out (200, not 503).
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = create_app("testing", {"SOCKETIO_MESSAGE_QUEUE": dead, "RATELIMIT_STORAGE_URI": dead})
    with app.app_context():
        db.create_all()
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "redis": "unreachable",
                             "redis_error": "ConnectionError",
                             "rate_limit_storage": "unreachable",
                             "rate_limit_storage_error": "ConnectionError",
                             "status": "degraded"}
    assert "127.0.0.1" not in response.text  # no connection details leak


def test_healthz_reports_the_rate_limit_storage_on_its_own(redis_url):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = create_app("testing", {"SOCKETIO_MESSAGE_QUEUE": redis_url,
                                 "RATELIMIT_STORAGE_URI": dead})
    with app.app_context():
        db.create_all()
    body = app.test_client().get("/healthz").json
    assert body["redis"] == "ok"
    assert body["rate_limit_storage"] == "unreachable"
    assert body["status"] == "degraded"


def test_an_app_built_after_a_queue_app_has_no_queue(redis_url):
    queue_app(redis_url)
    app = create_app("testing")
    assert app.config["SOCKETIO_MESSAGE_QUEUE"] is None
    assert type(socketio.server.manager).__name__ == "Manager"
