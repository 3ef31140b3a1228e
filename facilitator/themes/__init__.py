"""Themes (teman): what a reflection is about, kept by admins, so a board's deficiencies can be
followed from one supervision to the next."""

from flask import Flask

from . import models, routes  # noqa: F401


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
