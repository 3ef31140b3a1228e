"""The audit log: who did what, when. Entries are only ever added."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The dialogue it concerns, if any.
    dialogue_id: Mapped[int | None] = mapped_column(ForeignKey("dialogues.id"), index=True)
    #: The facilitator who acted (None for a participant or the system).
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The participant who acted, if it was one.
    actor_participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    #: A dotted verb, e.g. "reflection.edited", "dialogue.published".
    action: Mapped[str] = mapped_column(String(64))
    #: What was acted on: a table name and id.
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column()
    #: Before/after values and other particulars.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
