"""Follow-up items (uppföljningspunkter), the boards' review, redovisning and reminders."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import cli, models, routes  # noqa: F401

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.followups)
