"""What the API answers about outcomes: follow-up items with their history and evidence, IVO's
decision, a board's redovisning and its submitted versions. Like `schemas.py`, each schema both
serialises the answers and is their schema in the OpenAPI document."""

from flask import url_for
from marshmallow import Schema, fields

from ..decisions.models import MeasureKind, MeasureStatus, ReportStatus
from ..followups.commands import event_author, is_overdue, owner_name
from ..followups.models import Agreement, FollowUpStatus, SourceKind
from .schemas import Id, Ids, UtcTime, answer, flag, text_or_empty


def _enum_value(name: str, choices: list[str], nullable: bool = False) -> fields.Function:
    """An enum column as its value ("agreed"), or None."""
    def value(obj):
        found = getattr(obj, name)
        return None if found is None else str(getattr(found, "value", found))
    return fields.Function(value, metadata={"type": ["string", "null"] if nullable else "string",
                                            "enum": [*choices, None] if nullable else choices})


def _values(enum_class) -> list[str]:
    return [member.value for member in enum_class]


def _author(event) -> str:
    return str(event_author(event))


def _evidence_id(event) -> int | None:
    """The evidence an "evidence" step added (the item's evidence is loaded with it)."""
    if event.kind != "evidence":
        return None
    return next((e.id for e in event.item.evidence if e.event_id == event.id), None)


def _file_url(evidence) -> str | None:
    if not evidence.stored_name:
        return None
    return url_for("api_v1.followup_evidence_file", followup_id=evidence.item_id,
                   evidence_id=evidence.id)


def _overdue(item) -> bool:
    return is_overdue(item)


def _owner(item) -> str:
    return owner_name(item)


@answer
class FollowUpSchema(Schema):
    """A follow-up item (uppföljningspunkt): what is to be done, who owns it, its status."""

    id = Id()
    dialogue_id = Id()
    title = fields.String()
    description = text_or_empty(attribute="description")
    organization_id = fields.Integer(allow_none=True, metadata={
        "description": "The owning board; null when IVO owns it."})
    owner = fields.Function(_owner, metadata={"type": "string",
                                              "description": "The owning board's name, or IVO."})
    responsible_role = text_or_empty(attribute="responsible_role")
    due_date = fields.Date(allow_none=True)
    agreement = _enum_value("agreement", _values(Agreement))
    ivo_position = text_or_empty(attribute="ivo_position")
    board_position = text_or_empty(attribute="board_position")
    source_kind = _enum_value("source_kind", _values(SourceKind), nullable=True)
    source_id = fields.Integer(allow_none=True, metadata={
        "description": "The reflection or contribution it came from."})
    status = _enum_value("status", _values(FollowUpStatus))
    status_reason = text_or_empty(attribute="status_reason",
                          metadata={"description": "Why it was not done."})
    overdue = fields.Function(_overdue, metadata={
        "type": "boolean", "description": "Past its due date and not finished."})
    created_at = UtcTime()
    updated_at = UtcTime()


@answer
class FollowUpEventSchema(Schema):
    """One step of an item's history: created, edited, a status change, a comment, evidence."""

    id = Id()
    kind = fields.String(metadata={"enum": ["created", "edited", "status", "comment",
                                            "evidence"]})
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    comment = text_or_empty(attribute="comment")
    changes = fields.Function(lambda e: e.changes or {}, metadata={
        "type": "object", "description": "Changed fields as {field: [before, after]}."})
    by_ivo = flag("by_ivo")
    author = fields.Function(_author, metadata={"type": "string",
                                                "description": "Who made it, as pages show."})
    evidence_id = fields.Function(_evidence_id, metadata={
        "type": ["integer", "null"],
        "description": "The evidence an \"evidence\" step added (in the item's evidence); "
                       "null for the other steps."})
    created_at = UtcTime()


@answer
class EvidenceSchema(Schema):
    """Evidence for an item: a text, a link and/or a file's metadata (the file's bytes are at
    `file`)."""

    id = Id()
    text = text_or_empty(attribute="text")
    url = text_or_empty(attribute="url")
    filename = text_or_empty(attribute="filename")
    content_type = text_or_empty(attribute="content_type",
                         metadata={"description": "Detected from the file's content."})
    file = fields.Function(_file_url, metadata={
        "type": ["string", "null"],
        "description": "Where the API serves the file (getFollowUpEvidenceFile); null without "
                       "a file."})
    size = fields.Integer(metadata={"description": "Bytes; 0 without a file."})
    created_at = UtcTime()


@answer
class FollowUpDetailSchema(Schema):
    """One follow-up item with its whole history, its evidence and the statuses the token may
    move it to now."""

    item = fields.Nested(FollowUpSchema)
    history = fields.Nested(FollowUpEventSchema, many=True, attribute="events")
    evidence = fields.Nested(EvidenceSchema, many=True)
    allowed_statuses = fields.Function(
        lambda page: [s.value for s in page["allowed"]],
        metadata={"type": "array", "items": {"type": "string",
                                             "enum": _values(FollowUpStatus)}})


@answer
class DecisionSchema(Schema):
    """IVO's decision after the supervision: its date, diarienummer, the redovisning's deadline
    and the deficiencies (reflections) it requires measures for."""

    dialogue_id = Id()
    decided_on = fields.Date()
    case_number = fields.String()
    report_due = fields.Date()
    requirement_ids = Ids("requirements")
    created_at = UtcTime()
    updated_at = UtcTime()


@answer
class MeasureSchema(Schema):
    """What one board does about one required deficiency."""

    reflection_id = Id()
    text = fields.String()
    kind = _enum_value("kind", _values(MeasureKind))
    timetable = fields.String()
    responsible_role = fields.String()
    status = _enum_value("status", _values(MeasureStatus))
    evidence = text_or_empty(attribute="evidence")
    updated_at = UtcTime()


@answer
class ReportVersionSummarySchema(Schema):
    """A submitted version of a board's redovisning and how IVO answered, without its
    content."""

    id = Id()
    organization_id = Id()
    version = fields.Integer()
    status = _enum_value("status", _values(ReportStatus))
    submitted_at = UtcTime()
    reviewed_at = UtcTime(allow_none=True)
    review_comment = text_or_empty(attribute="review_comment",
                           metadata={"description": "IVO's comment with its answer."})


@answer
class ReportVersionSchema(ReportVersionSummarySchema):
    """A board's redovisning as submitted, fixed; a later change is the next version."""

    content = fields.Function(lambda v: v.content or {}, metadata={
        "type": "object", "description": "The redovisning as it was submitted."})


@answer
class RequirementSchema(Schema):
    """A deficiency the decision requires measures for, with the board's measure (or null)."""

    reflection_id = fields.Function(lambda r: r["reflection"].id, metadata={"type": "integer"})
    title = fields.Function(lambda r: r["reflection"].title, metadata={"type": "string"})
    legal_basis = fields.Function(lambda r: r["reflection"].legal_basis or "",
                                  metadata={"type": "string"})
    has_measure = fields.Boolean(attribute="done", metadata={
        "description": "Measure, timetable and responsible role are all filled in."})
    measure = fields.Nested(MeasureSchema, allow_none=True)


@answer
class ReportStepSchema(Schema):
    """A step of the redovisning's history: a version submitted, IVO's answer to it."""

    at = fields.DateTime()
    version = fields.Integer()
    kind = fields.String(metadata={"enum": ["submitted", *[s.value for s in ReportStatus
                                                          if s.value != "submitted"]]})
    text = fields.String()
    comment = fields.String()


@answer
class BoardReportSchema(Schema):
    """A board's own redovisning to IVO: the decision's deadline, each required deficiency
    with the board's measure, what still lacks one, the versions submitted and the history."""

    dialogue_id = fields.Function(lambda p: p["dialogue"].id, metadata={"type": "integer"})
    organization_id = fields.Function(lambda p: p["organization"].id,
                                      metadata={"type": "integer"})
    decided_on = fields.Function(lambda p: p["decision"].decided_on.isoformat(),
                                 metadata={"type": "string", "format": "date"})
    case_number = fields.Function(lambda p: p["decision"].case_number,
                                  metadata={"type": "string"})
    report_due = fields.Function(lambda p: p["decision"].report_due.isoformat(),
                                 metadata={"type": "string", "format": "date"})
    days_left = fields.Integer(metadata={"description": "Negative after the deadline."})
    countdown = fields.String(metadata={"description": "E.g. \"12 dagar kvar till den 31 "
                                                       "augusti 2027\"."})
    missing = fields.Integer(metadata={"description": "Required deficiencies lacking a "
                                                      "measure."})
    requirements = fields.Nested(RequirementSchema, many=True)
    changed_since_latest = fields.Boolean(attribute="changed_since", metadata={
        "description": "A measure changed after the latest version was submitted."})
    versions = fields.Nested(ReportVersionSummarySchema, many=True)
    history = fields.Nested(ReportStepSchema, many=True)
