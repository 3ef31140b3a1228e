"""A theme, and which reflections carry it."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..extensions import db

reflection_themes = Table(
    "reflection_themes",
    db.metadata,
    Column("reflection_id", ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True, index=True),
)


class Theme(db.Model):
    """What a reflection is about, e.g. "Förhandsbedömning inom 14 dagar"."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Shown on reflections, the board's history, the library and the overview.
    name: Mapped[str] = mapped_column(String(120), unique=True)
    #: What belongs under the theme, for the facilitator choosing one.
    description: Mapped[str] = mapped_column(Text, default="")
    #: A theme taken out of use is kept on the reflections that carry it, but not offered.
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
