"""Facilitator accounts: login sessions, administration, the `flask users` commands."""

from flask import Flask

from . import cli, routes, services  # noqa: F401  (services registers the user loader)


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.users)
