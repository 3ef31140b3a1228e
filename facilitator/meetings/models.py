"""The meeting's state, read by every feature: current agenda item, question intake, the
projector link, the results view, stance polls, and the time each agenda item ran."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..dialogues.models import AgendaItem, Dialogue, Reflection
from ..extensions import db


class Meeting(db.Model):
    """One row per dialogue that has a console: what the room is looking at now."""

    __tablename__ = "meetings"

    dialogue_id: Mapped[int] = mapped_column(
        ForeignKey("dialogues.id", ondelete="CASCADE"), primary_key=True
    )
    current_agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    #: Whether participants may file new questions, disagreements and good examples.
    intake_open: Mapped[bool] = mapped_column(default=True)
    #: SHA-256 of the projector link's token; rotating it locks the old link out.
    projector_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: How the projector groups a poll's results: "role", "board" or "total" (RESULTS_VIEWS).
    results_view: Mapped[str] = mapped_column(String(10), default="role", server_default="role")
    #: The reflection whose split between groups the projector shows on request ("att prata
    #: om"), or None.
    split_reflection_id: Mapped[int | None] = mapped_column(
        ForeignKey("reflections.id", ondelete="SET NULL"))

    dialogue: Mapped[Dialogue] = relationship()
    current_item: Mapped[AgendaItem | None] = relationship()


#: The projector's ways of showing a poll's results, the first being the default.
RESULTS_VIEWS = ("role", "board", "total")


class ItemTiming(db.Model):
    """One stretch of time an agenda item was the current one; used time is their sum."""

    __tablename__ = "item_timings"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()


def used_seconds(item_ids, until: datetime | None = None) -> dict[int, int]:
    """Seconds each agenda item was the current one: the sum of its stretches, a stretch
    still running counted until `until` (the close, for a closed dialogue's open stretch) or
    now. The one figure the console, the phones, the projector and the minutes show."""
    ids = list(item_ids)
    used = dict.fromkeys(ids, 0)
    if not ids:
        return used
    end_default = until or utcnow()
    for timing in db.session.scalars(
        select(ItemTiming).where(ItemTiming.agenda_item_id.in_(ids))
    ):
        end = timing.ended_at or end_default
        used[timing.agenda_item_id] += max(0, int((end - timing.started_at).total_seconds()))
    return used


class Poll(db.Model):
    """A stance poll on a reflection during the meeting ("delar ni IVO:s bild?")."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(
        ForeignKey("dialogues.id", ondelete="CASCADE"), index=True
    )
    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"))
    #: Show results to the room while the poll is open, or only when it closes.
    results_live: Mapped[bool] = mapped_column(default=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()

    reflection: Mapped[Reflection] = relationship()
