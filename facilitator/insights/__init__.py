"""Insights across dialogues: IVO's overview, and where a room's groups agree and split."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import routes

    app.register_blueprint(routes.bp)
