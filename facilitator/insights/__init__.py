"""Insights across dialogues: IVO's overview, and where a room's groups agree and split."""

from flask import Flask

from ..core.groups import min_group_size
from . import routes


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    app.add_template_global(min_group_size)
