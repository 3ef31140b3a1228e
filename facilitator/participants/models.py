"""Participants: people who joined a dialogue with its code, without an account."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..dialogues.models import Dialogue, _enum
from ..extensions import db
from ..organizations.models import Organization


class Role(enum.StrEnum):
    SOCIALSEKRETERARE = "socialsekreterare"
    ARBETSLEDARE = "arbetsledare"
    CHEF = "chef"
    POLITIKER = "politiker"
    IVO = "ivo"
    ANNAN = "annan"


ROLE_LABELS = {
    Role.SOCIALSEKRETERARE: _l("Socialsekreterare"),
    Role.ARBETSLEDARE: _l("Arbetsledare"),
    Role.CHEF: _l("Chef"),
    Role.POLITIKER: _l("Politiker"),
    Role.IVO: _l("IVO"),
    Role.ANNAN: _l("Annan"),
}


class Participant(db.Model):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"),
                                             index=True)
    #: The board they take part for; None for IVO staff and others without a board.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    role: Mapped[Role] = mapped_column(_enum(Role))
    #: Optional; shown only when the participant chose to give it.
    name: Mapped[str | None] = mapped_column(String(80))
    #: The name looked like it held a personnummer: kept for facilitators only.
    name_flagged: Mapped[bool] = mapped_column(default=False)
    #: SHA-256 of the random token in the phone's cookie; the token itself is never stored.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    dialogue: Mapped[Dialogue] = relationship()
    organization: Mapped[Organization | None] = relationship()
