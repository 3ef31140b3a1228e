"""Preparing a dialogue: details, life cycle, reflections, agenda, invitation with QR code."""

from flask import Flask

from ..core import metrics
from ..core.templating import register_labels
from . import routes, services
from .markdown import render_markdown
from .models import KIND_LABELS, MODE_LABELS, STATUS_LABELS


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    # Used by the shared partial `dialogues/_reflection.html`, which participant pages include.
    app.jinja_env.filters["markdown"] = render_markdown
    register_labels(app, dialogue_statuses=STATUS_LABELS, participation_modes=MODE_LABELS,
                    reflection_kinds=KIND_LABELS)
    metrics.database_gauge("aterforing_meetings_live", "Dialogues whose meeting is running",
                           services.meetings_live)
