"""Follow-up items (uppföljningspunkter), the boards' review, redovisning and reminders."""

from flask import Flask

from . import cli, models, routes  # noqa: F401


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.followups)
