"""Retention: personal data goes a set number of days after a dialogue closed; outcomes stay."""

from flask import Flask

from . import cli, models  # noqa: F401


def init_app(app: Flask) -> None:
    app.cli.add_command(cli.retention)
