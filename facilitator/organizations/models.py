"""Boards (nämnder, kommuner, stadsdelar), kept by facilitators and reused across dialogues."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..extensions import db


class OrganizationKind(enum.StrEnum):
    KOMMUN = "kommun"
    STADSDEL = "stadsdel"
    NAMND = "namnd"


KIND_LABELS = {
    OrganizationKind.KOMMUN: _l("Kommun"),
    OrganizationKind.STADSDEL: _l("Stadsdel"),
    OrganizationKind.NAMND: _l("Nämnd"),
}


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Full name, e.g. "Socialnämnden i Gnesta kommun".
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Shown on phones and the projector, e.g. "Gnesta".
    short_name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[OrganizationKind] = mapped_column(
        db.Enum(OrganizationKind, native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e])
    )
    #: Where reminders about follow-up items go.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
