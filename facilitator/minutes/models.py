"""Minutes (protokoll): fixed when a dialogue closes; corrections make new versions."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..dialogues.models import _enum
from ..extensions import db


class MinutesStatus(enum.StrEnum):
    DRAFT = "draft"
    FINAL = "final"


MINUTES_STATUS_LABELS = {
    MinutesStatus.DRAFT: _l("Utkast"),
    MinutesStatus.FINAL: _l("Fastställt"),
}


class Minutes(db.Model):
    __tablename__ = "minutes"
    __table_args__ = (UniqueConstraint("dialogue_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"),
                                             index=True)
    #: 1, 2, ...: a correction after final makes the next version; old ones are kept.
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[MinutesStatus] = mapped_column(_enum(MinutesStatus),
                                                  default=MinutesStatus.DRAFT)
    #: Everything the minutes say, fixed at the time (see minutes/services.compile_minutes).
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Why this version was made (for corrections).
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finalized_at: Mapped[datetime | None] = mapped_column()
