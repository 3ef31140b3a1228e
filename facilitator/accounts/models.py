"""Facilitator accounts and their server-side login sessions."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..extensions import db


class User(db.Model):
    """A facilitator (IVO staff). Admins also manage other facilitators."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject",
                                       name="uq_users_oidc_issuer_oidc_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name; stored lower-case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Shown in the console and the audit log.
    name: Mapped[str] = mapped_column(String(120))
    #: Werkzeug scrypt hash; never the password itself. None: no password (signs in only
    #: through the identity provider).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    #: A deactivated facilitator cannot log in; their history stays.
    active: Mapped[bool] = mapped_column(default=True)
    #: Set for a board's staff account: it sees only that board's follow-up items.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    #: The identity provider's issuer and subject (`sub`) this account is linked to, set at
    #: the first OpenID Connect sign-in; the subject never changes for one person.
    oidc_issuer: Mapped[str | None] = mapped_column(String(255))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list["LoginSession"]] = relationship(back_populates="user")

    # Set by the user loader: the login session this request came with, and its token
    # (the cookie's value). Not columns.
    login_session = None
    login_token = None

    # Flask-Login protocol
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.login_token if self.login_session else None


class LoginSession(db.Model):
    """One login. The cookie carries only its token, so logout can end it on the server."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: `core.tokens.hash_token` of the random token the cookie carries; the token itself is
    #: never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set at logout or deactivation; an ended session is never accepted again.
    ended_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(back_populates="sessions")
