"""Participants: joining a dialogue with its code, without an account."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import models, routes  # noqa: F401

    app.register_blueprint(routes.bp)
