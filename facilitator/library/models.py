"""A good example a facilitator has approved for the library."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..contributions.models import Contribution
from ..core.clock import utcnow
from ..extensions import db
from ..organizations.models import Organization


class SharedExample(db.Model):
    """A good example in the library; removing the row takes it out again."""

    __tablename__ = "shared_examples"

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True)
    #: The board that shared it (the participant's board when it was written).
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"),
                                                        index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(default=utcnow)

    contribution: Mapped[Contribution] = relationship()
    organization: Mapped[Organization | None] = relationship()
