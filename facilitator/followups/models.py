"""Follow-up items (uppföljningspunkter): what was agreed, who owns it, and every change to it."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.clock import utcnow
from ..dialogues.models import Dialogue, _enum
from ..extensions import db
from ..organizations.models import Organization


class FollowUpStatus(enum.StrEnum):
    PROPOSED = "proposed"  # föreslagen
    AGREED = "agreed"  # överenskommen
    IN_PROGRESS = "in_progress"  # pågår
    DONE = "done"  # genomförd
    NOT_DONE = "not_done"  # ej genomförd (with a reason)


STATUS_LABELS = {
    FollowUpStatus.PROPOSED: _l("Föreslagen"),
    FollowUpStatus.AGREED: _l("Överenskommen"),
    FollowUpStatus.IN_PROGRESS: _l("Pågår"),
    FollowUpStatus.DONE: _l("Genomförd"),
    FollowUpStatus.NOT_DONE: _l("Ej genomförd"),
}


class Agreement(enum.StrEnum):
    SHARED = "shared"  # samsyn
    DIFFERENT = "different"  # IVO and the board see it differently


AGREEMENT_LABELS = {
    Agreement.SHARED: _l("IVO och nämnden är överens"),
    Agreement.DIFFERENT: _l("IVO och nämnden ser olika på saken"),
}


class SourceKind(enum.StrEnum):
    REFLECTION = "reflection"
    QUESTION = "question"
    DISAGREEMENT = "disagreement"


class FollowUpItem(db.Model):
    __tablename__ = "followup_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"),
                                             index=True)
    #: What is to be done.
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The owning board; None when IVO itself owns it (a question IVO could not answer).
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"),
                                                        index=True)
    #: E.g. "enhetschef barn och unga".
    responsible_role: Mapped[str] = mapped_column(String(120), default="")
    due_date: Mapped[date | None] = mapped_column()
    agreement: Mapped[Agreement] = mapped_column(_enum(Agreement), default=Agreement.SHARED)
    #: Both positions are written down when IVO and the board see it differently.
    ivo_position: Mapped[str] = mapped_column(Text, default="")
    board_position: Mapped[str] = mapped_column(Text, default="")
    source_kind: Mapped[SourceKind | None] = mapped_column(_enum(SourceKind))
    #: Id of the reflection or contribution it came from.
    source_id: Mapped[int | None] = mapped_column()
    status: Mapped[FollowUpStatus] = mapped_column(_enum(FollowUpStatus),
                                                   default=FollowUpStatus.PROPOSED)
    #: Required when status is "ej genomförd".
    status_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    dialogue: Mapped[Dialogue] = relationship()
    organization: Mapped[Organization | None] = relationship()
    events: Mapped[list["FollowUpEvent"]] = relationship(
        back_populates="item", order_by="FollowUpEvent.id", cascade="all, delete-orphan"
    )
    evidence: Mapped[list["Evidence"]] = relationship(
        back_populates="item", order_by="Evidence.id", cascade="all, delete-orphan"
    )


class FollowUpEvent(db.Model):
    """The history of an item: every change and comment, with who and when."""

    __tablename__ = "followup_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("followup_items.id", ondelete="CASCADE"),
                                         index=True)
    #: "created", "edited", "status", "comment", "evidence".
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    #: Field changes as {field: [before, after]}.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    #: A facilitator (IVO) or a board's staff account.
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The review link a board used, when it acted through one.
    review_link_id: Mapped[int | None] = mapped_column(ForeignKey("review_links.id"))
    #: The board's API token, when it acted through the API.
    board_token_id: Mapped[int | None] = mapped_column(ForeignKey("board_api_tokens.id"))
    #: True when IVO wrote it (a comment the board reads).
    by_ivo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[FollowUpItem] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Evidence(db.Model):
    """What a board shows for an item: a text, a link, or a file (PDF, DOCX, image; 10 MB)."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("followup_items.id", ondelete="CASCADE"),
                                         index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    #: The name the file was uploaded with (shown), and where it is stored (random name).
    filename: Mapped[str] = mapped_column(String(255), default="")
    stored_name: Mapped[str] = mapped_column(String(80), default="")
    #: Detected from the content, never taken from the upload's headers.
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(default=0)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("followup_events.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[FollowUpItem] = relationship(back_populates="evidence")


class ReviewLink(db.Model):
    """A board's review link for one dialogue: a long random token, an expiry, revocable."""

    __tablename__ = "review_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"),
                                             index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    #: SHA-256 of the token; the token is only ever in the URL sent to the board.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()

    dialogue: Mapped[Dialogue] = relationship()
    organization: Mapped[Organization] = relationship()
