"""Models as JSON: one `*_to_dict` per resource, the shapes described in openapi.py."""

from datetime import UTC, datetime

from ..core.clock import LOCAL_TZ

#: How `starts_at` is written and read: local time in Stockholm, to the minute.
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def utc_iso(value: datetime | None) -> str | None:
    """A stored UTC time as RFC 3339, e.g. 2026-03-01T09:00:00Z."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


def local_minutes(value: datetime | None) -> str | None:
    """A stored UTC time as Stockholm local time, the same format the API accepts."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(LOCAL_TZ).strftime(LOCAL_FORMAT)


def _value(enum_or_str) -> str:
    return getattr(enum_or_str, "value", enum_or_str)


def render_body(markdown_text: str) -> str:
    """Reflection text as sanitized HTML, by the dialogues feature's renderer."""
    try:
        from ..dialogues.markdown import render_markdown
    except ImportError:  # the renderer is optional; plain text is escaped
        from markupsafe import escape

        return f"<p>{escape(markdown_text)}</p>" if markdown_text else ""
    return str(render_markdown(markdown_text or ""))


def organization_to_dict(org) -> dict:
    return {
        "id": org.id,
        "name": org.name,
        "short_name": org.short_name,
        "kind": _value(org.kind),
        "contact_email": org.contact_email or None,
        "created_at": utc_iso(org.created_at),
    }


def dialogue_to_dict(dialogue) -> dict:
    return {
        "id": dialogue.id,
        "title": dialogue.title,
        "purpose": dialogue.purpose or "",
        "status": _value(dialogue.status),
        "starts_at": local_minutes(dialogue.starts_at),
        "duration_minutes": dialogue.duration_minutes,
        "place_room": dialogue.place_room or "",
        "place_address": dialogue.place_address or "",
        "is_digital": bool(dialogue.is_digital),
        "join_code": dialogue.join_code,
        "premoderation": bool(dialogue.premoderation),
        "participation_mode": _value(dialogue.participation_mode),
        "show_board_results": bool(dialogue.show_board_results),
        "organization_ids": [org.id for org in dialogue.organizations],
        "facilitator_ids": [user.id for user in dialogue.facilitators],
        "reflection_ids": [reflection.id for reflection in dialogue.reflections],
        "agenda_item_ids": [item.id for item in dialogue.agenda_items],
        "created_at": utc_iso(dialogue.created_at),
        "updated_at": utc_iso(dialogue.updated_at),
        "published_at": utc_iso(dialogue.published_at),
        "started_at": utc_iso(dialogue.started_at),
        "closed_at": utc_iso(dialogue.closed_at),
        "archived_at": utc_iso(dialogue.archived_at),
    }


def reflection_to_dict(reflection) -> dict:
    return {
        "id": reflection.id,
        "dialogue_id": reflection.dialogue_id,
        "kind": _value(reflection.kind),
        "title": reflection.title,
        "body_md": reflection.body_md or "",
        "body_html": render_body(reflection.body_md or ""),
        "legal_basis": reflection.legal_basis or "",
        "evidence": reflection.evidence or "",
        "applies_to_all": bool(reflection.applies_to_all),
        "organization_ids": [org.id for org in reflection.organizations],
        "position": reflection.position,
        "created_at": utc_iso(reflection.created_at),
        "updated_at": utc_iso(reflection.updated_at),
    }


def agenda_item_to_dict(item) -> dict:
    return {
        "id": item.id,
        "dialogue_id": item.dialogue_id,
        "title": item.title,
        "description": item.description or "",
        "planned_minutes": item.planned_minutes,
        "position": item.position,
        "reflection_ids": [reflection.id for reflection in item.reflections],
    }
