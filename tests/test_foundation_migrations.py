"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import logging

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from facilitator import create_app
from facilitator.extensions import db


@pytest.fixture(autouse=True)
def _keep_logging():
    """Alembic's env.py runs logging.fileConfig, which resets the root logger's handlers."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    disabled = {name: lg.disabled for name, lg in logging.Logger.manager.loggerDict.items()
                if isinstance(lg, logging.Logger)}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, was in disabled.items():
        logging.getLogger(name).disabled = was


def drift() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def check_migrations(url: str) -> None:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            flask_migrate.upgrade()
            assert drift() == [], "models and migrations differ: regenerate the migration"
            tables = set(inspect(db.engine).get_table_names())
            assert {"users", "login_sessions", "alembic_version"} <= tables
            assert set(db.metadata.tables) <= tables

            flask_migrate.downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

            flask_migrate.upgrade()
            assert drift() == []
        finally:
            db.session.remove()
            db.engine.dispose()


def test_migrations_match_the_models_on_sqlite(tmp_path):
    check_migrations(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")


def test_migrations_match_the_models_on_postgres(postgres_url):
    check_migrations(postgres_url)


def test_the_drift_check_would_notice_a_missing_table(tmp_path):
    from sqlalchemy import Column, Integer, Table

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.db'}"})
    with app.app_context():
        flask_migrate.upgrade()
        extra = Table("zz_not_migrated", db.metadata, Column("id", Integer, primary_key=True))
        try:
            assert any(diff[0] == "add_table" and diff[1].name == "zz_not_migrated"
                       for diff in drift())
        finally:
            db.metadata.remove(extra)
            db.engine.dispose()
