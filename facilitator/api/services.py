"""API tokens: create (shown once), list, revoke, and find the facilitator behind a token."""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..core.access import require_facilitator
from ..core.clock import utcnow
from ..core.payloads import validated
from ..core.tokens import hash_token, new_token
from ..errors import NotFound, PermissionDenied
from ..extensions import db
from .forms import ApiTokenForm
from .models import ApiToken

TOKEN_PREFIX = "atf_"
#: Characters of the token kept in clear text, to tell tokens apart in the list.
SHOWN_PREFIX_LENGTH = 12
#: `last_used_at` is written at most this often, so busy clients do not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_token(actor: User, payload) -> tuple[ApiToken, str]:
    """A new token for `actor`; returns the row and the raw token, which is never stored."""
    require_facilitator(actor)
    form = validated(ApiTokenForm, payload)
    raw = TOKEN_PREFIX + new_token()
    token = ApiToken(
        user_id=actor.id, name=form.name.data.strip(), token_hash=hash_token(raw),
        prefix=raw[:SHOWN_PREFIX_LENGTH],
    )
    db.session.add(token)
    db.session.flush()
    return token, raw


def list_tokens(actor: User) -> list[ApiToken]:
    """The actor's own tokens, newest first, revoked ones included."""
    require_facilitator(actor)
    query = (
        select(ApiToken).where(ApiToken.user_id == actor.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def revoke_token(actor: User, token_id) -> ApiToken:
    """Revoke one of the actor's tokens (admins: anyone's). Revoking twice changes nothing."""
    require_facilitator(actor)
    try:
        token = db.session.get(ApiToken, int(token_id))
    except (TypeError, ValueError, OverflowError):
        token = None
    if token is None:
        raise NotFound(_("API-nyckeln finns inte."))
    if token.user_id != actor.id and not actor.is_admin:
        raise PermissionDenied(_("Du kan bara återkalla dina egna API-nycklar."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def user_for_token(raw: str | None) -> User | None:
    """The active facilitator a raw token belongs to; None if unknown, revoked or inactive."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(raw),
                               ApiToken.revoked_at.is_(None))
    )
    if token is None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now  # stored by the request's commit
    return token.user
