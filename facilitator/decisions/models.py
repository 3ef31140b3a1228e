"""A dialogue's decision, the boards' measures per required deficiency, and the redovisning's
submitted versions."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..dialogues.models import Reflection, _enum
from ..extensions import db
from ..organizations.models import Organization

#: The deficiencies (reflections) a decision requires measures for.
decision_requirements = Table(
    "decision_requirements",
    db.metadata,
    Column("decision_id", ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True),
    Column("reflection_id", ForeignKey("reflections.id", ondelete="CASCADE"), primary_key=True),
)


class Decision(db.Model):
    """IVO's decision after the supervision; one per dialogue."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"),
                                             unique=True)
    #: Beslutsdatum.
    decided_on: Mapped[date] = mapped_column()
    #: Diarienummer, e.g. "8.5-12345/2019".
    case_number: Mapped[str] = mapped_column(String(60))
    #: The boards' redovisning is due by this date ("senast den 31 augusti").
    report_due: Mapped[date] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    requirements: Mapped[list[Reflection]] = relationship(
        secondary=decision_requirements, order_by="Reflection.position")


class MeasureKind(enum.StrEnum):
    TAKEN = "taken"  # vidtagen
    PLANNED = "planned"  # planerad


KIND_LABELS = {MeasureKind.TAKEN: _l("Vidtagen"), MeasureKind.PLANNED: _l("Planerad")}


class MeasureStatus(enum.StrEnum):
    PLANNED = "planned"  # planerad
    IN_PROGRESS = "in_progress"  # pågår
    DONE = "done"  # genomförd


MEASURE_STATUS_LABELS = {
    MeasureStatus.PLANNED: _l("Planerad"),
    MeasureStatus.IN_PROGRESS: _l("Pågår"),
    MeasureStatus.DONE: _l("Genomförd"),
}


class Measure(db.Model):
    """What one board does about one required deficiency."""

    __tablename__ = "measures"
    __table_args__ = (UniqueConstraint("decision_id", "reflection_id", "organization_id",
                                       name="uq_measures_decision_reflection_organization"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"),
                                             index=True)
    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    #: The measures, in the board's words.
    text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[MeasureKind] = mapped_column(_enum(MeasureKind), default=MeasureKind.PLANNED)
    #: Tidplan, e.g. "Införs 1 mars, följs upp i juni".
    timetable: Mapped[str] = mapped_column(String(300), default="")
    responsible_role: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[MeasureStatus] = mapped_column(_enum(MeasureStatus),
                                                  default=MeasureStatus.PLANNED)
    #: What shows it: a document's name, a link, a short description.
    evidence: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship()


class ReportStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # inskickad
    ACKNOWLEDGED = "acknowledged"  # mottagen och godtagen av IVO
    ADDITIONS_REQUESTED = "additions_requested"  # IVO begär komplettering


REPORT_STATUS_LABELS = {
    ReportStatus.SUBMITTED: _l("Inskickad, väntar på IVO"),
    ReportStatus.ACKNOWLEDGED: _l("Mottagen av IVO"),
    ReportStatus.ADDITIONS_REQUESTED: _l("IVO begär komplettering"),
}


class ReportVersion(db.Model):
    """A board's redovisning as submitted: fixed; a later change is the next version."""

    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("decision_id", "organization_id", "version",
                                       name="uq_report_versions_decision_organization_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"),
                                             index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    version: Mapped[int] = mapped_column()
    #: The report structure (followups/reports.build_report) as it was when submitted.
    content: Mapped[dict] = mapped_column(JSON)
    status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus),
                                                 default=ReportStatus.SUBMITTED)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: A board staff account, or None through a review link.
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_link_id: Mapped[int | None] = mapped_column(ForeignKey("review_links.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: IVO's comment: what to add, or a note with the acknowledgement.
    review_comment: Mapped[str] = mapped_column(Text, default="")

    organization: Mapped[Organization] = relationship()
