"""Closing a dialogue and its minutes (protokoll): versions, fastställande, exports."""

from flask import Flask

from ..core.templating import register_labels
from . import closing, models, routes


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    register_labels(app, minutes_statuses=models.MINUTES_STATUS_LABELS)
    closing.register()
