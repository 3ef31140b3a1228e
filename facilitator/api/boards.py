"""A board's API tokens: tied to the board (the organisation), not to a person.

One of the board's staff accounts makes and revokes its board's tokens; an admin may do so for
any board. A board's token acts as the board (`followups.reviewers.Reviewer`), so the same
services that serve its pages decide what it reads and changes: only its own follow-up items
and redovisning, and another board's answer "not found".
"""

from flask_babel import gettext as _
from sqlalchemy import select

from ..core.clock import utcnow
from ..core.payloads import validated
from ..core.tokens import hash_token, new_token
from ..errors import NotAuthenticated, NotFound, PermissionDenied
from ..extensions import db
from ..followups.reviewers import Reviewer, board_of
from ..organizations.models import Organization
from .forms import ApiTokenForm, BoardTokenForm
from .models import BoardApiToken
from .services import LAST_USED_RESOLUTION, SHOWN_PREFIX_LENGTH

#: A board's tokens start so, a facilitator's with "atf_": a glance tells them apart.
BOARD_TOKEN_PREFIX = "atn_"


def _board_scope(actor) -> int | None:
    """The board whose tokens `actor` manages; None for an admin (every board)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.active:
        raise NotAuthenticated(_("Logga in för att fortsätta."))
    org_id = board_of(actor)
    if org_id:
        return org_id
    if actor.is_admin:
        return None
    raise PermissionDenied(_("En nämnds API-nycklar skapas av nämndens eget konto eller av en "
                             "administratör."))


def board_token_choices() -> list[tuple[int, str]]:
    """The boards an admin can make a token for."""
    return [(o.id, o.name) for o in
            db.session.scalars(select(Organization).order_by(Organization.name))]


def create_board_token(actor, payload) -> tuple[BoardApiToken, str]:
    """A new token for the actor's board (an admin names the board); the raw token is returned
    once and never stored."""
    org_id = _board_scope(actor)
    if org_id is None:
        form = validated(BoardTokenForm, payload, organization_choices=board_token_choices())
        org_id = form.organization_id.data
    else:
        form = validated(ApiTokenForm, payload)
    raw = BOARD_TOKEN_PREFIX + new_token()
    token = BoardApiToken(organization_id=org_id, name=form.name.data.strip(),
                          token_hash=hash_token(raw), prefix=raw[:SHOWN_PREFIX_LENGTH],
                          created_by_id=actor.id)
    db.session.add(token)
    db.session.flush()
    return token, raw


def list_board_tokens(actor) -> list[BoardApiToken]:
    """The board's tokens (an admin: every board's), newest first, revoked ones included."""
    org_id = _board_scope(actor)
    query = select(BoardApiToken).order_by(BoardApiToken.created_at.desc(),
                                           BoardApiToken.id.desc())
    if org_id is not None:
        query = query.where(BoardApiToken.organization_id == org_id)
    return list(db.session.scalars(query))


def revoke_board_token(actor, token_id) -> BoardApiToken:
    """Revoke one of the board's tokens (an admin: any board's). Another board's token is not
    found. Revoking twice changes nothing."""
    org_id = _board_scope(actor)
    try:
        token = db.session.get(BoardApiToken, int(token_id))
    except (TypeError, ValueError, OverflowError):
        token = None
    if token is None or (org_id is not None and token.organization_id != org_id):
        raise NotFound(_("API-nyckeln finns inte."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def reviewer_for_api_token(raw: str | None) -> Reviewer | None:
    """The board a raw board token belongs to, acting as that board; None if unknown or
    revoked."""
    if not raw or not raw.startswith(BOARD_TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = db.session.scalar(select(BoardApiToken).where(
        BoardApiToken.token_hash == hash_token(raw), BoardApiToken.revoked_at.is_(None)))
    if token is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now  # stored by the request's commit
    return Reviewer(organization_id=token.organization_id, api_token_id=token.id)
