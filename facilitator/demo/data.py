"""Loading the demo dialogues (their content is in `specs.py`).

`load()` writes to the models directly (it does not go through the dialogue services) and is
idempotent: dialogues are looked up by title and organizations by name.
"""

import os
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..core.clock import LOCAL_TZ, today_local, utcnow
from ..dialogues import codes
from ..dialogues.models import (
    AgendaItem,
    Dialogue,
    DialogueStatus,
    ParticipationMode,
    Reflection,
)
from ..extensions import db
from ..organizations.models import Organization
from ..themes import services as theme_services
from ..themes.models import Theme
from . import history
from .specs import DIALOGUES, GNESTA, STOCKHOLM, Board, DialogueSpec

__all__ = ["DEMO_EMAIL", "DIALOGUES", "GNESTA", "STOCKHOLM", "load", "starts_at", "summary"]

DEMO_EMAIL = "demo@ivo.se"


# --- loading ---------------------------------------------------------------------------


def load() -> int:
    """Create the demo dialogues that are not there yet; return how many were created.

    Does nothing without the demo facilitator (the CLI creates it first). Flushes; the
    caller commits.
    """
    facilitator = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
    if facilitator is None:
        return 0
    theme_services.seed_defaults()
    created = history.load(facilitator, _organization(GNESTA.boards[0]))
    for spec in DIALOGUES:
        if _find(spec) is None:
            _create(spec, facilitator)
            created += 1
    db.session.flush()
    return created


def summary() -> list[str]:
    """One line per demo dialogue that exists: where it is, its title, code and join link."""
    base = f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '5000'}"
    lines = []
    for spec in DIALOGUES:
        dialogue = _find(spec)
        if dialogue is None:
            continue
        if dialogue.join_code:
            code = dialogue.join_code
            lines.append(f"{spec.label}: {dialogue.title} — kod {code} — {base}/m/{code}")
        else:
            lines.append(f"{spec.label}: {dialogue.title} — ingen kod (arkiverad)")
    return lines


def _find(spec: DialogueSpec) -> Dialogue | None:
    return db.session.scalar(select(Dialogue).where(Dialogue.title == spec.title).limit(1))


def _organization(board: Board) -> Organization:
    org = db.session.scalar(select(Organization).where(Organization.name == board.name))
    if org is None:
        org = Organization(name=board.name, short_name=board.short_name, kind=board.kind)
        db.session.add(org)
        db.session.flush()
    return org


def starts_at(spec: DialogueSpec, today: date | None = None) -> datetime:
    """Next week's day for `spec`, at its local start time, as naive UTC."""
    today = today or today_local()
    next_monday = today + timedelta(days=7 - today.weekday())
    local = datetime.combine(next_monday + timedelta(days=spec.weekday), spec.start,
                             tzinfo=LOCAL_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


def _create(spec: DialogueSpec, facilitator: User) -> Dialogue:
    boards = [_organization(board) for board in spec.boards]
    by_short = {org.short_name: org for org in boards}
    dialogue = Dialogue(
        title=spec.title,
        purpose=spec.purpose,
        starts_at=starts_at(spec),
        duration_minutes=spec.duration_minutes,
        place_room=spec.place_room,
        place_address=spec.place_address,
        is_digital=False,
        status=DialogueStatus.PUBLISHED,
        published_at=utcnow(),
        join_code=codes.new_code(),
        premoderation=True,
        participation_mode=ParticipationMode.PSEUDONYMOUS,
        show_board_results=spec.show_board_results,
        created_by_id=facilitator.id,
        organizations=boards,
        facilitators=[facilitator],
    )
    themes = {t.name: t for t in db.session.scalars(select(Theme))}
    reflections = {}
    for position, r in enumerate(spec.reflections):
        reflections[r.key] = Reflection(
            themes=[themes[name] for name in r.themes if name in themes],
            kind=r.kind,
            title=r.title,
            body_md=r.body_md,
            legal_basis=r.legal_basis,
            evidence=r.evidence,
            applies_to_all=not r.only,
            organizations=[by_short[name] for name in r.only],
            position=position,
        )
    dialogue.reflections = list(reflections.values())
    dialogue.agenda_items = [
        AgendaItem(
            title=item.title,
            description=item.description,
            planned_minutes=item.minutes,
            position=position,
            reflections=[reflections[key] for key in item.reflections],
        )
        for position, item in enumerate(spec.agenda)
    ]
    db.session.add(dialogue)
    # Flush so the next dialogue's `codes.new_code()` sees this code as taken.
    db.session.flush()
    return dialogue
