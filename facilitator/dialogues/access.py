"""Who may do what with a dialogue. Every service calls these; no route decides access."""

from flask_babel import gettext as _
from sqlalchemy import select, true

from ..core.access import require_facilitator
from ..errors import NotFound, PermissionDenied
from ..extensions import db
from .models import Dialogue, dialogue_facilitators

__all__ = ["can_manage", "get_dialogue", "list_dialogues", "managed_dialogue",
           "require_facilitator", "visible"]


def can_manage(user, dialogue: Dialogue) -> bool:
    """Admins manage every dialogue; other facilitators those they are on."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    if getattr(user, "organization_id", None):
        return False  # a board's staff account: only its board's follow-up pages
    return user.is_admin or any(f.id == user.id for f in dialogue.facilitators)


def get_dialogue(dialogue_id) -> Dialogue:
    """The dialogue, or NotFound (also for ids of the wrong type)."""
    try:
        dialogue = db.session.get(Dialogue, int(dialogue_id))
    except (TypeError, ValueError):
        dialogue = None
    if dialogue is None:
        raise NotFound(_("Dialogen finns inte."))
    return dialogue


def managed_dialogue(user, dialogue_id) -> Dialogue:
    """The dialogue if `user` may manage it; NotFound or PermissionDenied otherwise."""
    require_facilitator(user)
    dialogue = get_dialogue(dialogue_id)
    if not can_manage(user, dialogue):
        raise PermissionDenied(_("Du är inte samordnare för den här dialogen."))
    return dialogue


def visible(user, dialogue_id_column):
    """A WHERE clause for `dialogue_id_column`: the dialogues `user` may read outcomes of —
    what `can_manage` allows (admins: every dialogue; others: those they are on)."""
    require_facilitator(user)
    if user.is_admin:
        return true()
    return dialogue_id_column.in_(
        select(dialogue_facilitators.c.dialogue_id)
        .where(dialogue_facilitators.c.user_id == user.id))


def list_dialogues(actor) -> list[Dialogue]:
    """Admins see every dialogue; other facilitators those they are on. Soonest first."""
    require_facilitator(actor)
    query = select(Dialogue)
    if not actor.is_admin:
        query = query.join(
            dialogue_facilitators, dialogue_facilitators.c.dialogue_id == Dialogue.id
        ).where(dialogue_facilitators.c.user_id == actor.id)
    query = query.order_by(
        Dialogue.starts_at.is_(None), Dialogue.starts_at.desc(), Dialogue.created_at.desc()
    )
    return list(db.session.scalars(query))
