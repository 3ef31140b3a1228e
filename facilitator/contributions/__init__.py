"""Contributions: the pre-read with questions, disagreements and stances; the summary."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import models, routes  # noqa: F401

    app.register_blueprint(routes.bp)
