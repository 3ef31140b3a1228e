"""Closing a dialogue and its minutes (protokoll): versions, fastställande, exports."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import closing, models, routes  # noqa: F401

    app.register_blueprint(routes.bp)
    closing.register()
