"""Participants: joining a dialogue with its code, without an account."""

from flask import Flask

from ..core.templating import register_labels
from ..dialogues import lifecycle
from ..dialogues.models import DialogueStatus
from . import routes, services
from .models import ROLE_LABELS


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    register_labels(app, roles=ROLE_LABELS)
    lifecycle.guard_step(DialogueStatus.PUBLISHED, DialogueStatus.DRAFT,
                        services.refuse_draft_after_join)
