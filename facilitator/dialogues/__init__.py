"""Preparing a dialogue: details, life cycle, reflections, agenda, invitation with QR code."""

from flask import Flask

from ..core import metrics
from . import routes, services
from .markdown import render_markdown
from .models import KIND_LABELS, STATUS_LABELS


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    # Used by the shared partial `dialogues/_reflection.html`, which participant pages include.
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["reflection_kind_label"] = lambda kind: KIND_LABELS.get(kind, kind)
    app.jinja_env.globals["dialogue_status_label"] = lambda status: STATUS_LABELS.get(
        status, status
    )
    metrics.database_gauge("aterforing_meetings_live", "Dialogues whose meeting is running",
                           services.meetings_live)
