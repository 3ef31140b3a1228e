"""Contributions: the pre-read with questions, disagreements and stances; the summary."""

from flask import Flask

from ..core.templating import register_labels
from . import models, routes


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    register_labels(app, contribution_kinds=models.KIND_LABELS,
                    contribution_statuses=models.STATUS_LABELS,
                    phases=models.PHASE_LABELS, stances=models.STANCE_LABELS)
