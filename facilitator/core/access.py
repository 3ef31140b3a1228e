"""Who is a facilitator: signed in, and not a board's account. Every feature that serves
facilitators asks this first; which dialogue they may manage is `dialogues/access.py`."""

from flask_babel import gettext as _

from ..errors import NotAuthenticated, PermissionDenied


def require_facilitator(user) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(_("Logga in för att fortsätta."))
    if getattr(user, "organization_id", None):
        raise PermissionDenied(_("Kontot hör till en nämnd och kan bara se nämndens uppföljning."))
