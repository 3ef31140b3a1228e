"""Insights across dialogues: IVO's overview, and where a room's groups agree and split."""

from flask import Flask


def init_app(app: Flask) -> None:
    from ..core.groups import min_group_size
    from . import routes

    app.register_blueprint(routes.bp)
    app.add_template_global(min_group_size)
