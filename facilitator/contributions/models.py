"""What participants submit: questions, disagreements, good examples, votes and stances."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.glossary import TERMS
from ..dialogues.models import AgendaItem, Reflection, _enum
from ..extensions import db
from ..participants.models import Participant


class ContributionKind(enum.StrEnum):
    QUESTION = "question"  # fråga
    DISAGREEMENT = "disagreement"  # invändning, "vi delar inte bilden"
    GOOD_EXAMPLE = "good_example"  # gott exempel


#: The product's words for them (core/glossary.py).
KIND_LABELS = {
    ContributionKind.QUESTION: TERMS["question"],
    ContributionKind.DISAGREEMENT: TERMS["disagreement"],
    ContributionKind.GOOD_EXAMPLE: TERMS["good_example"],
}


class ContributionStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for a facilitator (pre-moderation, or flagged)
    APPROVED = "approved"  # visible to the room
    HIDDEN = "hidden"  # kept and logged, never deleted, never shown


STATUS_LABELS = {
    ContributionStatus.PENDING: _l("Väntar på granskning"),
    ContributionStatus.APPROVED: _l("Godkänd"),
    ContributionStatus.HIDDEN: _l("Dold"),
}


class Phase(enum.StrEnum):
    PRE = "pre"  # the pre-read, before the meeting
    LIVE = "live"  # during the meeting


PHASE_LABELS = {Phase.PRE: _l("Före mötet"), Phase.LIVE: _l("Under mötet")}


class StanceValue(enum.StrEnum):
    AGREE = "agree"  # håller med
    PARTLY = "partly"  # delvis
    DISAGREE = "disagree"  # håller inte med
    UNKNOWN = "unknown"  # vet inte


STANCE_LABELS = {
    StanceValue.AGREE: _l("Håller med"),
    StanceValue.PARTLY: _l("Delvis"),
    StanceValue.DISAGREE: _l("Håller inte med"),
    StanceValue.UNKNOWN: _l("Vet inte"),
}


class Contribution(db.Model):
    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Made on the phone; a resend with the same id returns the stored item.
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"),
                                             index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    kind: Mapped[ContributionKind] = mapped_column(_enum(ContributionKind))
    #: The question, the reason for a disagreement, or the example.
    text: Mapped[str] = mapped_column(Text)
    #: Required for a disagreement; optional for a question.
    reflection_id: Mapped[int | None] = mapped_column(ForeignKey("reflections.id"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    status: Mapped[ContributionStatus] = mapped_column(_enum(ContributionStatus))
    #: The text seemed to hold a personnummer or samordningsnummer: facilitators only.
    personal_data_flag: Mapped[bool] = mapped_column(default=False)
    phase: Mapped[Phase] = mapped_column(_enum(Phase))
    answered: Mapped[bool] = mapped_column(default=False)
    pinned: Mapped[bool] = mapped_column(default=False)
    #: Set when merged into another contribution (its votes then count there).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("contributions.id"))
    #: A good example: the board agreed, when writing it, that IVO may share it with other
    #: boards (the library still needs a facilitator's approval).
    share_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    participant: Mapped[Participant | None] = relationship()
    reflection: Mapped[Reflection | None] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()


class Vote(db.Model):
    """One participant's upvote on one question; can be taken back."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("contribution_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Stance(db.Model):
    """A participant's samsyn on a reflection, once before and once during the meeting."""

    __tablename__ = "stances"
    __table_args__ = (UniqueConstraint("participant_id", "reflection_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"),
                                             index=True)
    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"),
                                               index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    value: Mapped[StanceValue] = mapped_column(_enum(StanceValue))
    phase: Mapped[Phase] = mapped_column(_enum(Phase))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    participant: Mapped[Participant] = relationship()
