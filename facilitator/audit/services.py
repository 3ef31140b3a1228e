"""Writing to and reading the audit log."""

from sqlalchemy import select

from ..extensions import db
from .models import AuditEntry


def record(action: str, *, dialogue=None, user=None, participant=None, subject=None,
           **details) -> AuditEntry:
    """Add an entry to the session; the caller's commit stores it with the change."""
    entry = AuditEntry(
        action=action,
        dialogue_id=getattr(dialogue, "id", None),
        actor_user_id=getattr(user, "id", None),
        actor_participant_id=getattr(participant, "id", None),
        subject_type=subject.__tablename__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        details=details,
    )
    db.session.add(entry)
    return entry


def entries_for(dialogue_id: int) -> list[AuditEntry]:
    """A dialogue's entries, newest first."""
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.dialogue_id == dialogue_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ))
