"""Accounts: create, authenticate, log in and out, deactivate."""

import secrets
from urllib.parse import urlencode

from flask import session
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core import signals
from ..core.clock import utcnow
from ..core.tokens import hash_token, new_token
from ..errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from ..extensions import db, login_manager
from ..organizations.models import Organization
from .models import LoginSession, User

MIN_PASSWORD_LENGTH = 12
# A hash to compare against when the e-mail is unknown, so timing does not tell.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0000")


def generate_password() -> str:
    """A password to print once: 20 URL-safe characters."""
    return secrets.token_urlsafe(15)


def create_user(
    email: str, name: str, password: str | None, *, is_admin: bool = False,
    actor: User | None = None, organization_id: int | None = None,
) -> User:
    """Create a facilitator. `actor` is None from the command line, else must be an admin.

    `password` None: an account for the identity provider only, linked at its first sign-in.
    """
    if actor is not None and not actor.is_admin:
        raise PermissionDenied(_("Bara administratörer kan skapa konton."))
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254:
        raise ValidationFailed(_("Ange en giltig e-postadress."))
    if not (name or "").strip():
        raise ValidationFailed(_("Ange ett namn."))
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            _("Lösenordet måste ha minst %(n)d tecken.", n=MIN_PASSWORD_LENGTH)
        )
    if db.session.scalar(select(User).where(User.email == email)):
        raise Conflict(_("Det finns redan ett konto med den e-postadressen."))
    if organization_id:
        if db.session.get(Organization, organization_id) is None:
            raise ValidationFailed(_("Välj en nämnd i listan."))
        if is_admin:
            raise ValidationFailed(_("En nämnds konto kan inte vara administratör."))
    user = User(
        email=email, name=name.strip(),
        password_hash=generate_password_hash(password) if password is not None else None,
        is_admin=is_admin, organization_id=organization_id or None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User:
    """The active user with these credentials, or NotAuthenticated."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        raise NotAuthenticated(_("Fel e-postadress eller lösenord."))
    if user.password_hash is None:  # signs in only through the identity provider
        check_password_hash(_DUMMY_HASH, password or "")
        raise NotAuthenticated(_("Fel e-postadress eller lösenord."))
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        raise NotAuthenticated(_("Fel e-postadress eller lösenord."))
    return user


def log_in(user: User) -> LoginSession:
    """Start a new server-side login session and renew the cookie session."""
    # A fresh session at login, so a session id planted before login is worthless.
    session.clear()
    token = new_token()
    login = LoginSession(token_hash=hash_token(token), user=user)
    db.session.add(login)
    db.session.flush()
    user.login_session, user.login_token = login, token
    login_user(user)
    return login


def log_out(user: User) -> None:
    """End this login on the server and drop its open sockets."""
    login = user.login_session
    if login is not None and login.ended_at is None:
        login.ended_at = utcnow()
        db.session.flush()
    logout_user()
    session.clear()
    if login is not None:
        signals.login_session_ended.send(login.token_hash)


def end_session_url(endpoint: str, client_id: str, return_to: str,
                    id_token_hint: str | None = None) -> str:
    """The provider's end-session address (RP-initiated logout), coming back to `return_to`.

    With the ID token as a hint the provider knows whose session to end without asking."""
    params = {"client_id": client_id, "post_logout_redirect_uri": return_to}
    if id_token_hint:
        params["id_token_hint"] = id_token_hint
    query = urlencode(params)
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def active_login(token: str | None) -> LoginSession | None:
    """The login session for a token, if it is still valid."""
    if not token:
        return None
    return active_login_by_hash(hash_token(token))


def active_login_by_hash(token_hash: str | None) -> LoginSession | None:
    """The login session stored under this token hash, if it is still valid (sockets keep
    only the hash between events)."""
    if not token_hash:
        return None
    login = db.session.scalar(
        select(LoginSession).where(LoginSession.token_hash == token_hash,
                                   LoginSession.ended_at.is_(None))
    )
    if login is None or not login.user.active:
        return None
    return login


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    login = active_login(token)
    if login is None:
        return None
    login.user.login_session, login.user.login_token = login, token
    return login.user


def board_choices() -> list[tuple[str, str]]:
    """The account form's board select: none (an IVO facilitator) or one board."""
    return [("", _("Ingen – kontot är för en samordnare på IVO"))] + [
        (str(org.id), org.name)
        for org in db.session.scalars(select(Organization).order_by(Organization.name))
    ]


def list_users(actor: User) -> list[User]:
    """All facilitators, for an admin."""
    if not actor.is_admin:
        raise PermissionDenied(_("Bara administratörer kan hantera konton."))
    return list(db.session.scalars(select(User).order_by(User.name)))


def set_active(actor: User, user_id: int, active: bool) -> User:
    """Activate or deactivate a facilitator; deactivation ends all their logins."""
    if not actor.is_admin:
        raise PermissionDenied(_("Bara administratörer kan hantera konton."))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("Kontot finns inte."))
    if user.id == actor.id and not active:
        raise ValidationFailed(_("Du kan inte inaktivera ditt eget konto."))
    user.active = active
    ended = end_all_logins(user) if not active else []
    db.session.flush()
    drop_login_sockets(ended)
    return user


def end_all_logins(user: User) -> list[str]:
    """End every open login session of a user (not committed); their token hashes."""
    ended = []
    for login in user.sessions:
        if login.ended_at is None:
            login.ended_at = utcnow()
            ended.append(login.token_hash)
    return ended


def drop_login_sockets(token_hashes: list[str]) -> None:
    """Once the commit stored it: the sockets of ended logins, on every process, go."""
    for token_hash in token_hashes:
        signals.login_session_ended.send(token_hash)
