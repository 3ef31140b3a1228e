"""Retention: personal data goes a set number of days after a dialogue closed; outcomes stay."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import cli, models  # noqa: F401

    app.cli.add_command(cli.retention)
