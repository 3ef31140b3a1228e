"""Participants: joining a dialogue with its code, without an account."""

from flask import Flask

from ..dialogues import lifecycle
from ..dialogues.models import DialogueStatus
from . import routes, services


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    lifecycle.guard_step(DialogueStatus.PUBLISHED, DialogueStatus.DRAFT,
                        services.refuse_draft_after_join)
