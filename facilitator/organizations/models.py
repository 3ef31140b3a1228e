"""Boards (nämnder, kommuner, stadsdelar), kept by facilitators and reused across dialogues."""

import enum
import unicodedata
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, validates

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


def name_key(name: str | None) -> str:
    """A name as uniqueness sees it: Unicode-normalised (NFKC), case-folded, spaces collapsed.

    "Ä" and "ä", "Socialnämnden" spelt with a combining diaeresis, and doubled spaces are
    all the same board.
    """
    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Full name, e.g. "Socialnämnden i Gnesta kommun".
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: `name_key(name)`, kept by the model: the unique constraint that duplicate checks mirror.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: Shown on phones and the projector, e.g. "Gnesta".
    short_name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[OrganizationKind] = mapped_column(
        db.Enum(OrganizationKind, native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e])
    )
    #: Where reminders about follow-up items go.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @validates("name")
    def _keep_name_key(self, _key, value):
        self.name_key = name_key(value)
        return value
