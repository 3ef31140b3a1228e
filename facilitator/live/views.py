"""Compact JSON views of meeting objects, built once per change and sent to a whole room."""

from functools import lru_cache

from ..contributions.models import Contribution
from ..dialogues.markdown import render_markdown
from ..dialogues.models import AgendaItem, Reflection


def iso(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def contribution(c: Contribution, by: str, votes: int = 0, *, private: bool = False) -> dict:
    """A question, disagreement or good example as the room sees it.

    `private` adds what only facilitators and the author may see (status, the flag).
    """
    data = {
        "id": c.id,
        "kind": str(c.kind),
        "text": c.text,
        "by": by,
        "reflection_id": c.reflection_id,
        "agenda_item_id": c.agenda_item_id,
        "votes": votes,
        "answered": c.answered,
        "pinned": c.pinned,
        "at": iso(c.created_at),
    }
    if private:
        data.update(status=str(c.status), flagged=c.personal_data_flag,
                    merged_into=c.merged_into_id, client_id=c.client_id)
    return data


@lru_cache(maxsize=512)
def _html(body_md: str | None) -> str:
    """Rendered once per text, not once per snapshot (every phone asks when it joins)."""
    return str(render_markdown(body_md))


def reflection(r: Reflection) -> dict:
    return {
        "id": r.id,
        "kind": str(r.kind),
        "title": r.title,
        "evidence": r.evidence,
        "legal_basis": r.legal_basis,
        "html": _html(r.body_md),
    }


def agenda_item(item: AgendaItem, used_seconds: int) -> dict:
    return {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "planned": item.planned_minutes,
        "used": used_seconds,
        "reflections": [r.id for r in item.reflections],
    }


def poll_view(poll) -> dict | None:
    if poll is None:
        return None
    return {"id": poll.id, "reflection_id": poll.reflection_id, "results_live": poll.results_live}
