"""Contributions: the pre-read with questions, disagreements and stances; the summary."""

from flask import Flask

from . import models, routes  # noqa: F401


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
