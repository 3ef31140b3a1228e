"""Closing a dialogue and its minutes (protokoll): versions, fastställande, exports."""

from flask import Flask

from . import closing, models, routes  # noqa: F401


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    closing.register()
