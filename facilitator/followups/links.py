"""Review links: IVO makes one per board and dialogue, revokes it, and names whom to ask for a
new one."""

from flask_babel import gettext as _

from ..accounts.models import User
from ..core.clock import utcnow
from ..core.payloads import validated
from ..core.tokens import hash_token, new_token
from ..dialogues.access import managed_dialogue
from ..errors import NotFound
from ..extensions import db
from .forms import ReviewLinkForm
from .models import ReviewLink
from .reviewers import facilitator_only, link_expiry


def create_review_link(actor, dialogue_id, payload) -> tuple[ReviewLink, str]:
    """A new review link for one board of the dialogue; the token is returned once, never stored."""
    facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    form = validated(ReviewLinkForm, payload,
                     organization_choices=[(o.id, o.name) for o in dialogue.organizations])
    token = new_token()
    link = ReviewLink(dialogue_id=dialogue.id, organization_id=form.organization_id.data,
                      token_hash=hash_token(token), expires_at=link_expiry(form.days.data),
                      created_by_id=actor.id)
    db.session.add(link)
    db.session.flush()
    return link, token


def revoke_review_link(actor, dialogue_id, link_id) -> ReviewLink:
    facilitator_only(actor)
    dialogue = managed_dialogue(actor, dialogue_id)
    try:
        link = db.session.get(ReviewLink, int(link_id))
    except (TypeError, ValueError):
        link = None
    if link is None or link.dialogue_id != dialogue.id:
        raise NotFound(_("Länken finns inte."))
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        db.session.flush()
    return link


def link_contacts(link: ReviewLink) -> list[User]:
    """Whom a board asks for a new link: the dialogue's facilitators."""
    return [u for u in link.dialogue.facilitators if u.active]
