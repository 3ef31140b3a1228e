"""Facilitator accounts: login sessions, administration, the `flask users` commands."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import cli, routes, services  # noqa: F401  (services registers the user loader)

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.users)
