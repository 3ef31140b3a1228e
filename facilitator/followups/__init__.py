"""Follow-up items (uppföljningspunkter), the boards' review, redovisning and reminders."""

from flask import Flask

from ..core.templating import register_labels
from . import (
    board_routes,  # noqa: F401 - its views join routes.bp
    cli,
    models,
    routes,
)


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)  # with the board's views (board_routes) on it
    register_labels(app, followup_statuses=models.STATUS_LABELS,
                    agreements=models.AGREEMENT_LABELS)
    app.cli.add_command(cli.followups)
