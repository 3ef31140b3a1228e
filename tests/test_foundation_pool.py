"""The PostgreSQL pool of one process: sized for one gevent worker, and a wait for a
connection that gives up in about two seconds, well before a phone stops waiting (8 s)."""

import time

import pytest
from sqlalchemy.exc import TimeoutError as PoolTimeout

from facilitator import create_app
from facilitator.extensions import db


def test_postgresql_gets_the_pool_sized_for_one_worker_and_a_short_wait(postgres_url):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": postgres_url})
    with app.app_context():
        pool = db.engine.pool
        assert (pool.size(), pool._max_overflow, pool.timeout()) == (20, 10, 2)
        held = [db.engine.connect() for _ in range(30)]  # every connection in use
        try:
            started = time.monotonic()
            with pytest.raises(PoolTimeout):
                db.engine.connect()
            waited = time.monotonic() - started
        finally:
            for connection in held:
                connection.close()
        assert 1.9 <= waited < 4, waited
        with db.engine.connect() as connection:  # a lock is waited for 2 s at most, too
            assert connection.exec_driver_sql("SHOW lock_timeout").scalar() == "2s"
        db.engine.dispose()


def test_the_pool_follows_the_settings(postgres_url):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": postgres_url,
                                 "DATABASE_POOL_SIZE": 3, "DATABASE_MAX_OVERFLOW": 1,
                                 "DATABASE_POOL_TIMEOUT": 1})
    with app.app_context():
        pool = db.engine.pool
        assert (pool.size(), pool._max_overflow, pool.timeout()) == (3, 1, 1)
        db.engine.dispose()


def test_sqlite_keeps_sqlalchemys_own_pool(app, tmp_path):
    assert "pool_size" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    file_app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"})
    assert "pool_timeout" not in file_app.config["SQLALCHEMY_ENGINE_OPTIONS"]
