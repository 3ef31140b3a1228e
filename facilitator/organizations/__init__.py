"""Boards (nämnder, kommuner, stadsdelar): list, create and edit, reused across dialogues."""

from flask import Flask

from . import models, routes  # noqa: F401


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
