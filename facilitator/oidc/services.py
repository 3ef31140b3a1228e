"""From a verified ID token to a facilitator's or a board's account, checked at every sign-in."""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..accounts import services as accounts
from ..accounts.models import User
from ..errors import PermissionDenied
from ..extensions import db
from ..organizations.models import Organization


class SignInRefused(PermissionDenied):
    """The provider vouched for the person, but Återföring does not let them in."""

    def __init__(self, reason: str, message: str, ended: list[str] | None = None):
        super().__init__(message)
        self.reason = reason
        #: Token hashes of the login sessions this refusal ended: the entry point commits
        #: that (even though it answers with a refusal) and then drops their sockets.
        self.ended = ended or []


def _claim_set(value) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {part for part in value.replace(",", " ").split() if part}
    return {str(part) for part in value}


def _email_verified(claims: dict) -> bool:
    claim = current_app.config["OIDC_EMAIL_VERIFIED_CLAIM"]
    if claim == "-":
        return True
    value = claims.get(claim)
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _board_from_claim(claims: dict):
    claim = current_app.config.get("OIDC_BOARD_CLAIM")
    value = str(claims.get(claim) or "").strip().lower() if claim else ""
    if not value:
        return None
    return db.session.scalar(select(Organization).where(or_(
        func.lower(Organization.name) == value, func.lower(Organization.short_name) == value,
    )))


def sign_in(issuer: str, claims: dict) -> User:
    """The account for a person whose ID token was verified; refused with a reason.

    Membership of the allowed groups is checked at every sign-in: a person no longer in
    them is refused and every login session of their account is ended. Flushes; the caller
    commits (also when refused: the ended sessions must stay ended).
    """
    config = current_app.config
    subject = str(claims.get("sub") or "")
    email = str(claims.get(config["OIDC_EMAIL_CLAIM"]) or "").strip().lower()
    name = str(claims.get(config["OIDC_NAME_CLAIM"]) or "").strip()[:120]
    groups = _claim_set(claims.get(config["OIDC_GROUPS_CLAIM"]))
    if not subject or "@" not in email or len(email) > 254:
        raise SignInRefused("no_email", _(
            "Inloggningstjänsten skickade ingen e-postadress. Be din administratör se över "
            "inställningarna."))

    user = db.session.scalar(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject))
    if user is not None and user.email != email:
        # The provider says the same person now has another address. An account is found
        # by its address when it is linked, so a change needs an admin to look at it.
        raise SignInRefused("email_changed", _(
            "Din e-postadress hos inloggningstjänsten har ändrats sedan du senast loggade in. "
            "Be en administratör i Återföring att uppdatera ditt konto."))
    if user is None:
        if not _email_verified(claims):
            raise SignInRefused("email_unverified", _(
                "Inloggningstjänsten har inte bekräftat din e-postadress, så den kan inte "
                "kopplas till ett konto."))
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None and user.oidc_subject is not None:
            raise SignInRefused("email_taken", _(
                "E-postadressen hör redan till en annan inloggning. Be en administratör i "
                "Återföring om hjälp."))

    admin_group, allowed_group = config.get("OIDC_ADMIN_GROUP"), config.get("OIDC_ALLOWED_GROUP")
    board_group = config.get("OIDC_BOARD_GROUP")
    is_admin = bool(admin_group) and admin_group in groups
    if allowed_group:
        is_facilitator = is_admin or allowed_group in groups
    else:  # no group to check: only the facilitators an admin created get in
        is_facilitator = is_admin or (user is not None and user.organization_id is None)
    board = _board_from_claim(claims) if board_group and board_group in groups else None
    mapped_board = user.organization_id if user is not None else None
    # Without a board group, the boards' accounts are those an admin mapped to a board.
    board_member = board_group in groups if board_group else True
    is_board = board_member and bool(board or mapped_board)

    if not (is_facilitator or is_board):
        ended = accounts.end_all_logins(user) if user is not None else []
        db.session.flush()
        raise SignInRefused("not_in_group", _(
            "Du har inte behörighet till Återföring. Kontakta din administratör om du "
            "behöver komma åt tjänsten."), ended)
    if user is not None and not user.active:
        raise SignInRefused("inactive", _(
            "Ditt konto i Återföring är inaktiverat. Kontakta en administratör."))

    if user is None:
        user = User(email=email, name=name or email.split("@")[0], password_hash=None)
        db.session.add(user)
    user.oidc_issuer, user.oidc_subject = issuer, subject
    if name:
        user.name = name
    if is_board and not is_facilitator:
        user.organization_id = board.id if board else mapped_board
        user.is_admin = False
    elif is_facilitator:
        # A facilitator's group wins over an old board mapping; admin follows the group.
        user.organization_id = None
        if admin_group:
            user.is_admin = is_admin
    db.session.flush()
    return user
