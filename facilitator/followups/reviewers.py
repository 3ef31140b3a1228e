"""Who acts on follow-up items: IVO (a facilitator) or a board (a review link, a staff account
or the board's API token).

Services take an `actor` that is either a facilitator `User`, a board staff `User` (one with
`organization_id` set) or a `Reviewer`; `as_reviewer` turns the second into the third so the
same services serve all of them.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..core.clock import utcnow
from ..core.glossary import long_date
from ..core.tokens import hash_token
from ..dialogues.access import can_manage
from ..errors import Gone, NotAuthenticated, NotFound, PermissionDenied
from ..extensions import db
from .models import FollowUpItem, ReviewLink

#: How long a review link lasts unless IVO chooses otherwise.
DEFAULT_LINK_DAYS = 180


def board_of(user) -> int | None:
    """The board a staff account belongs to; None for IVO's facilitators."""
    return getattr(user, "organization_id", None)


@dataclass
class Reviewer:
    """A board acting on its own items: through a review link, or a staff account."""

    organization_id: int
    user: User | None = None
    link: ReviewLink | None = None
    #: The link's token as it came in the URL (to build the board's own links back).
    token: str | None = None
    #: The board's API token it acts through, if any (`api/boards.py`).
    api_token_id: int | None = None

    @property
    def dialogue_id(self) -> int | None:
        """A link is for one dialogue; an account sees its board's items in every dialogue."""
        return self.link.dialogue_id if self.link is not None else None


class LinkGone(Gone):
    """A review link that has expired or been revoked; the page names whom to contact."""

    def __init__(self, message: str, link: ReviewLink):
        super().__init__(message)
        self.link = link


def as_reviewer(actor) -> Reviewer | None:
    """The board behind `actor`, or None when the actor is IVO (a facilitator)."""
    if isinstance(actor, Reviewer):
        return actor
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated(_("Logga in för att fortsätta."))
    if not actor.active:
        raise NotAuthenticated(_("Logga in för att fortsätta."))
    org_id = board_of(actor)
    if org_id:
        return Reviewer(organization_id=org_id, user=actor)
    return None


def reviewer_for_token(token: str | None, *, touch: bool = True) -> Reviewer:
    """The board behind a review link's token; NotFound, or LinkGone when expired or revoked."""
    link = None
    if token and len(token) <= 100:
        link = db.session.scalar(
            select(ReviewLink).where(ReviewLink.token_hash == hash_token(token)))
    if link is None:
        raise NotFound(_(
            "Länken till granskningen finns inte. Kontrollera att hela adressen kom med, "
            "eller be IVO:s samordnare om en ny länk."
        ))
    if link.revoked_at is not None:
        raise LinkGone(_("Länken har återkallats av IVO och kan inte användas längre."), link)
    if link.expires_at <= utcnow():
        raise LinkGone(_("Länken gick ut %(date)s och kan inte användas längre.",
                         date=long_date(link.expires_at)), link)
    if touch:
        link.last_used_at = utcnow()  # stored by the entry point's commit
    return Reviewer(organization_id=link.organization_id, link=link, token=token)


def link_expiry(days: int | None):
    return utcnow() + timedelta(days=days or DEFAULT_LINK_DAYS)


def facilitator_only(actor) -> None:
    """Refuse a board: only IVO's facilitators may do this."""
    if as_reviewer(actor) is not None:
        raise PermissionDenied(_("Det här får bara IVO:s samordnare göra."))


def item_for(actor, item_id) -> tuple[FollowUpItem, Reviewer | None]:
    """The item if `actor` may see it, and the board acting (None for IVO)."""
    reviewer = as_reviewer(actor)
    try:
        item = db.session.get(FollowUpItem, int(item_id))
    except (TypeError, ValueError):
        item = None
    missing = NotFound(_("Uppföljningspunkten finns inte."))
    if item is None:
        raise missing
    if reviewer is None:
        if not can_manage(actor, item.dialogue):
            raise PermissionDenied(_("Du är inte samordnare för den här dialogen."))
        return item, None
    if item.organization_id != reviewer.organization_id:
        raise missing
    if reviewer.dialogue_id is not None and item.dialogue_id != reviewer.dialogue_id:
        raise missing
    return item, reviewer


