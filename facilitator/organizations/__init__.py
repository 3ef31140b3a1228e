"""Boards (nämnder, kommuner, stadsdelar): list, create and edit, reused across dialogues."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import models, routes  # noqa: F401

    app.register_blueprint(routes.bp)
