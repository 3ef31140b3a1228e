"""Writing to and reading the audit log."""

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..core import logs
from ..extensions import db
from ..privacy.personnummer import redact
from .models import AuditEntry

_RECORDED, _FLUSHED = "audit_recorded", "audit_flushed"


#: The key under which an entry notes where personal numbers were taken out of its details.
REMOVED_KEY = "personal_numbers_removed"


def _without_personal_numbers(value, where: str, removed: list[dict]):
    """`value` with every personnummer in its texts replaced, noting each one's place."""
    if isinstance(value, str):
        text, offsets = redact(value)
        removed.extend({"field": where, "at": at} for at in offsets)
        return text
    if isinstance(value, dict):
        return {key: _without_personal_numbers(v, f"{where}.{key}" if where else str(key),
                                                removed) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_personal_numbers(v, f"{where}[{i}]", removed)
                for i, v in enumerate(value)]
    return value


def record(action: str, *, dialogue=None, user=None, participant=None, subject=None,
           **details) -> AuditEntry:
    """Add an entry to the session; the caller's commit stores it with the change.

    The log keeps no personnummer or samordningsnummer: each one in the details (a text
    before a facilitator edited the number out, say) is replaced by "[personnummer]", and
    the entry notes in which field and at which character it was
    (`personal_numbers_removed`), so the log still shows that one was removed, and where.
    """
    removed: list[dict] = []
    details = _without_personal_numbers(details, "", removed)
    if removed:
        details[REMOVED_KEY] = removed
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
    db.session.info.setdefault(_RECORDED, []).append(entry)
    return entry


# One log line per audited action, written only once the action is stored: the ids are read
# at the flush (after the commit the entries are expired), the lines go out after the commit,
# and a rollback drops them. Never the details: they can hold a text.
@event.listens_for(Session, "after_flush")
def _ids_at_flush(session, _context):
    entries = session.info.pop(_RECORDED, None)
    if entries:
        session.info.setdefault(_FLUSHED, []).extend(
            dict(action=e.action, dialogue_id=e.dialogue_id, user_id=e.actor_user_id,
                 participant_id=e.actor_participant_id, subject_type=e.subject_type,
                 subject_id=e.subject_id) for e in entries)


@event.listens_for(Session, "after_commit")
def _log_committed(session):
    for line in session.info.pop(_FLUSHED, None) or ():
        logs.audited(**line)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session, _previous):
    session.info.pop(_RECORDED, None)
    session.info.pop(_FLUSHED, None)


def entries_for(dialogue_id: int) -> list[AuditEntry]:
    """A dialogue's entries, newest first."""
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.dialogue_id == dialogue_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ))
