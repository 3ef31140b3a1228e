"""What the API answers: one marshmallow schema per resource.

Each schema is declared once and does both jobs: it serialises the answers (`dump`) and it is
the resource's schema in the OpenAPI document (`api/openapi.py` turns it into JSON Schema with
apispec). Every field is always present in an answer; `answer()` marks them so.
"""

from datetime import UTC, datetime

from marshmallow import Schema, fields, validate

from ..core.clock import LOCAL_TZ
from ..dialogues.markdown import render_markdown
from ..dialogues.models import DialogueStatus, ParticipationMode, ReflectionKind
from ..organizations.models import OrganizationKind

#: Ids are 32-bit in every database we run on; the URL converter and the schemas say so.
MAX_ID = 2147483647
#: How `starts_at` is written and read: local time in Stockholm, to the minute.
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def answer(schema: type[Schema]) -> type[Schema]:
    """Mark every field of an answer's schema as always there (`required` in the document)."""
    for field in schema._declared_fields.values():
        field.required = True
    return schema


class Id(fields.Integer):
    """A database id."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


def Ids(attribute: str, **kwargs) -> fields.Function:
    """The ids of a relationship's objects, e.g. `Ids("organizations")`."""
    return fields.Function(
        lambda obj: [item.id for item in getattr(obj, attribute)],
        metadata={"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                  **kwargs.pop("metadata", {})}, **kwargs)


class UtcTime(fields.DateTime):
    """A stored UTC time as RFC 3339, e.g. 2026-03-01T09:00:00Z."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {"description": "UTC, RFC 3339."})
        super().__init__(**kwargs)

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        if value is None:
            return None
        return value.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


class LocalMinutes(fields.String):
    """A stored UTC time as Stockholm local time to the minute, the format the API accepts."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {
            "description": "Local time in Europe/Stockholm, YYYY-MM-DDTHH:MM.",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"})
        super().__init__(**kwargs)

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        if value is None:
            return None
        return value.replace(tzinfo=UTC).astimezone(LOCAL_TZ).strftime(LOCAL_FORMAT)


def text_or_empty(**kwargs) -> fields.Function:
    """A text column that may be NULL in old rows; answered as "" then."""
    name = kwargs.pop("attribute")
    return fields.Function(lambda obj: getattr(obj, name) or "", metadata={
        "type": "string", **kwargs.pop("metadata", {})}, **kwargs)


def flag(name: str) -> fields.Function:
    """A flag column, always true or false."""
    return fields.Function(lambda obj: bool(getattr(obj, name)), metadata={"type": "boolean"})


def render_body(markdown_text: str) -> str:
    """Reflection text as sanitized HTML, by the dialogues feature's renderer."""
    return str(render_markdown(markdown_text or ""))


class ErrorSchema(Schema):
    """Every error answer: a stable code, a sentence, and messages per field."""

    error = fields.String(required=True, metadata={"description": "A stable code, e.g. "
                                                                  "`validation`."})
    message = fields.String(required=True,
                            metadata={"description": "A sentence for people (Swedish)."})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Messages per field, when the input did not "
                                                  "validate."})


@answer
class OrganizationSchema(Schema):
    """A board (kommun, stadsdel or nämnd)."""

    id = Id()
    name = fields.String()
    short_name = fields.String()
    kind = fields.Enum(OrganizationKind, by_value=True)
    contact_email = fields.Function(lambda org: org.contact_email or None,
                                    metadata={"type": ["string", "null"]})
    created_at = UtcTime()


@answer
class DialogueSchema(Schema):
    """An återföringsdialog: its details, its status and what belongs to it."""

    id = Id()
    title = fields.String()
    purpose = text_or_empty(attribute="purpose")
    status = fields.Enum(DialogueStatus, by_value=True)
    starts_at = LocalMinutes(allow_none=True)
    duration_minutes = fields.Integer()
    place_room = text_or_empty(attribute="place_room")
    place_address = text_or_empty(attribute="place_address")
    is_digital = flag("is_digital")
    join_code = fields.String(allow_none=True,
                              metadata={"description": "What participants type to join."})
    premoderation = flag("premoderation")
    participation_mode = fields.Enum(ParticipationMode, by_value=True)
    show_board_results = flag("show_board_results")
    organization_ids = Ids("organizations")
    facilitator_ids = Ids("facilitators")
    reflection_ids = Ids("reflections")
    agenda_item_ids = Ids("agenda_items")
    created_at = UtcTime()
    updated_at = UtcTime()
    published_at = UtcTime(allow_none=True)
    started_at = UtcTime(allow_none=True)
    closed_at = UtcTime(allow_none=True)
    archived_at = UtcTime(allow_none=True)


@answer
class ReflectionSchema(Schema):
    """An observation IVO shares: positive, a deficiency, a concern or a question."""

    id = Id()
    dialogue_id = Id()
    kind = fields.Enum(ReflectionKind, by_value=True)
    title = fields.String()
    body_md = text_or_empty(attribute="body_md", metadata={"description": "Markdown."})
    body_html = fields.Function(lambda r: render_body(r.body_md or ""), metadata={
        "type": "string", "description": "body_md rendered and sanitized."})
    legal_basis = text_or_empty(attribute="legal_basis")
    evidence = text_or_empty(attribute="evidence")
    applies_to_all = flag("applies_to_all")
    organization_ids = Ids("organizations")
    position = fields.Integer()
    created_at = UtcTime()
    updated_at = UtcTime()


@answer
class AgendaItemSchema(Schema):
    """A time-boxed item of the dialogue's agenda."""

    id = Id()
    dialogue_id = Id()
    title = fields.String()
    description = text_or_empty(attribute="description")
    planned_minutes = fields.Integer()
    position = fields.Integer()
    reflection_ids = Ids("reflections")


class TransitionSchema(Schema):
    """The status a dialogue is to move to."""

    status = fields.Enum(DialogueStatus, by_value=True, required=True,
                         metadata={"description": "draft → published → live → closed → "
                                                  "archived."})
