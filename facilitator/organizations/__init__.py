"""Boards (nämnder, kommuner, stadsdelar): list, create and edit, reused across dialogues."""

from flask import Flask

from ..core.templating import register_labels
from . import models, routes


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    register_labels(app, organization_kinds=models.KIND_LABELS)
