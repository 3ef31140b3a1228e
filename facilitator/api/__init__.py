"""Facilitator API tokens (the page /api-nycklar) and the JSON API under /api/v1/."""

from flask import Flask

from . import models, outcomes, routes  # noqa: F401


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    app.register_blueprint(routes.v1)
