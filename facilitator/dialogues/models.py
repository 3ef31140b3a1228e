"""A dialogue (återföringsdialog) with its boards, facilitators, reflections and agenda."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.clock import utcnow
from ..extensions import db
from ..organizations.models import Organization
from ..themes.models import Theme, reflection_themes


def _enum(cls):
    return db.Enum(
        cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


class DialogueStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    LIVE = "live"
    CLOSED = "closed"
    ARCHIVED = "archived"


STATUS_LABELS = {
    DialogueStatus.DRAFT: _l("Utkast"),
    DialogueStatus.PUBLISHED: _l("Publicerad"),
    DialogueStatus.LIVE: _l("Pågående möte"),
    DialogueStatus.CLOSED: _l("Avslutad"),
    DialogueStatus.ARCHIVED: _l("Arkiverad"),
}


class ParticipationMode(enum.StrEnum):
    PSEUDONYMOUS = "pseudonymous"
    NAMED = "named"


MODE_LABELS = {
    ParticipationMode.PSEUDONYMOUS: _l("Pseudonymt: visas som ”nämnd · roll”"),
    ParticipationMode.NAMED: _l("Med namn: deltagare får ange sitt namn"),
}


class ReflectionKind(enum.StrEnum):
    POSITIVE = "positive"  # positiv iakttagelse
    DEFICIENCY = "deficiency"  # brist
    CONCERN = "concern"  # oro
    IVO_QUESTION = "ivo_question"  # fråga från IVO


KIND_LABELS = {
    ReflectionKind.POSITIVE: _l("Positiv iakttagelse"),
    ReflectionKind.DEFICIENCY: _l("Brist"),
    ReflectionKind.CONCERN: _l("Oro"),
    ReflectionKind.IVO_QUESTION: _l("Fråga från IVO"),
}


dialogue_organizations = Table(
    "dialogue_organizations",
    db.metadata,
    Column("dialogue_id", ForeignKey("dialogues.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id"), primary_key=True),
)

dialogue_facilitators = Table(
    "dialogue_facilitators",
    db.metadata,
    Column("dialogue_id", ForeignKey("dialogues.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
)

reflection_organizations = Table(
    "reflection_organizations",
    db.metadata,
    Column("reflection_id", ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id"), primary_key=True),
)

#: Which earlier reflection a reflection was started from (one row at most per reflection).
reflection_origins = Table(
    "reflection_origins",
    db.metadata,
    Column("reflection_id", ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True),
    Column("origin_id", ForeignKey("reflections.id", ondelete="CASCADE"), index=True,
           nullable=False),
)

agenda_item_reflections = Table(
    "agenda_item_reflections",
    db.metadata,
    Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column("reflection_id", ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True),
)


class Dialogue(db.Model):
    __tablename__ = "dialogues"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Why the meeting is held; shown on the pre-read.
    purpose: Mapped[str] = mapped_column(Text, default="")
    #: Start, stored in UTC without tzinfo; shown in Europe/Stockholm.
    starts_at: Mapped[datetime | None] = mapped_column()
    #: The meeting's length, against which the agenda's planned total is shown.
    duration_minutes: Mapped[int] = mapped_column(default=180)
    place_room: Mapped[str] = mapped_column(String(200), default="")
    place_address: Mapped[str] = mapped_column(String(300), default="")
    #: Held online; `place_room` then holds the meeting link's description.
    is_digital: Mapped[bool] = mapped_column(default=False)
    status: Mapped[DialogueStatus] = mapped_column(_enum(DialogueStatus),
                                                   default=DialogueStatus.DRAFT)
    #: Six characters without look-alikes; cleared when archived so it can be reused.
    join_code: Mapped[str | None] = mapped_column(String(6), unique=True)
    #: Questions, disagreements and good examples wait for a facilitator before the room sees them.
    premoderation: Mapped[bool] = mapped_column(default=True)
    participation_mode: Mapped[ParticipationMode] = mapped_column(
        _enum(ParticipationMode), default=ParticipationMode.PSEUDONYMOUS
    )
    #: Whether stance results per board are shown to the room.
    show_board_results: Mapped[bool] = mapped_column(default=True)
    #: Realtime sequence number: every change a client must see bumps it.
    seq: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column()
    started_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    archived_at: Mapped[datetime | None] = mapped_column()

    organizations: Mapped[list[Organization]] = relationship(
        secondary=dialogue_organizations, order_by=Organization.short_name
    )
    facilitators: Mapped[list[User]] = relationship(secondary=dialogue_facilitators)
    reflections: Mapped[list["Reflection"]] = relationship(
        back_populates="dialogue", order_by="Reflection.position", cascade="all, delete-orphan"
    )
    agenda_items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="dialogue", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )


class Reflection(db.Model):
    """An observation IVO shares: positive, deficiency, concern, or a question from IVO."""

    __tablename__ = "reflections"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"),
                                             index=True)
    kind: Mapped[ReflectionKind] = mapped_column(_enum(ReflectionKind))
    title: Mapped[str] = mapped_column(String(200))
    #: Markdown as written; rendered with markdown-it-py and sanitized with nh3.
    body_md: Mapped[str] = mapped_column(Text, default="")
    #: E.g. "SoL 11 kap. 1 a §".
    legal_basis: Mapped[str] = mapped_column(String(200), default="")
    #: E.g. "6 av 10 granskade förhandsbedömningar".
    evidence: Mapped[str] = mapped_column(String(300), default="")
    #: True: concerns every board in the dialogue; else only `organizations`.
    applies_to_all: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    dialogue: Mapped[Dialogue] = relationship(back_populates="reflections")
    organizations: Mapped[list[Organization]] = relationship(secondary=reflection_organizations)
    themes: Mapped[list[Theme]] = relationship(secondary=reflection_themes,
                                               order_by=(Theme.position, Theme.name))
    #: The earlier reflection this one was started from (another dialogue, often an earlier
    #: supervision of the same board); kept so a recurring deficiency can be traced back.
    origin: Mapped["Reflection | None"] = relationship(
        secondary="reflection_origins",
        primaryjoin="Reflection.id == reflection_origins.c.reflection_id",
        secondaryjoin="Reflection.id == reflection_origins.c.origin_id", uselist=False)


class AgendaItem(db.Model):
    """A time-boxed item on the agenda, often tied to reflections."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"),
                                             index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    planned_minutes: Mapped[int] = mapped_column(default=15)
    position: Mapped[int] = mapped_column(default=0)

    dialogue: Mapped[Dialogue] = relationship(back_populates="agenda_items")
    reflections: Mapped[list[Reflection]] = relationship(
        secondary=agenda_item_reflections, order_by=Reflection.position
    )
