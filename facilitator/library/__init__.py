"""Shared good examples: the library across dialogues. A good example is shared when its board
agreed while writing it and a facilitator approved it; boards and participants read it, by
theme, by board, and searched in Swedish with the database's own full-text engine."""

from flask import Flask

from . import models, routes  # noqa: F401


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
