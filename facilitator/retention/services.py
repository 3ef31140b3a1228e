"""The retention rule: personal data of a dialogue goes a set number of days after it closed.

What goes, for each closed or archived dialogue whose `closed_at` is at least `days` days
before `today`:

- participants' names and the hashes of their phone tokens (`name`, `token_hash` = None);
  the participant row stays with only its board and role, so every count by board and role
  (attendance, stances, votes) stays right. That is what "without identity" means here:
  what is left says "a socialsekreterare from Gnesta", never who;
- the texts of items that never reached the record: hidden ones, ones flagged for a possible
  personnummer, and ones still waiting for moderation (text replaced by the empty marker);
- texts kept in the audit log by moderation edits (the "before" and "after" of a fixed typo);
- the join code: a closed dialogue is archived (as `dialogues.services.transition` does).

What stays: approved questions, disagreements and good examples (their text was moderated
for the room), counts, reflections, the agenda, follow-up items, the minutes' versions.

`purge_plan` computes what would go; `purge` uses the very same computation, so a dry run
reports exactly what the real purge then removes.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select

from ..audit import services as audit
from ..audit.models import AuditEntry
from ..contributions.models import Contribution, ContributionStatus
from ..core.clock import utcnow
from ..dialogues.models import Dialogue, DialogueStatus
from ..extensions import db
from ..participants.models import Participant
from .models import PurgeLog

#: What a removed text is replaced with.
MARKER = ""

#: The kinds of things a purge removes, in the order they are reported.
KINDS = ("names", "tokens", "hidden_texts", "flagged_texts", "pending_texts", "audit_texts",
         "join_code")

#: Audit details that can hold a participant's text.
_AUDIT_TEXT_KEYS = ("before", "after", "text")


@dataclass
class PlanEntry:
    """What a purge does to one dialogue."""

    dialogue_id: int
    title: str
    status: str
    closed_at: datetime
    counts: dict = field(default_factory=dict)
    #: True when the dialogue is closed and will be archived.
    archive: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _closed_at(dialogue: Dialogue) -> datetime | None:
    # A dialogue archived without a recorded close counts from its archiving.
    return dialogue.closed_at or dialogue.archived_at


def _due(today: date, days: int) -> datetime:
    """Dialogues closed before this moment (UTC, naive) are past the limit."""
    return datetime.combine(today - timedelta(days=days) + timedelta(days=1), datetime.min.time())


def _participants_to_clear(dialogue_id: int, column) -> list[Participant]:
    return list(db.session.scalars(select(Participant).where(
        Participant.dialogue_id == dialogue_id, column.is_not(None))))


def _texts(dialogue_id: int) -> dict[str, list[Contribution]]:
    """Contributions whose text goes, by reason (each in one group only)."""
    groups: dict[str, list[Contribution]] = {"hidden_texts": [], "flagged_texts": [],
                                             "pending_texts": []}
    for c in db.session.scalars(select(Contribution).where(
            Contribution.dialogue_id == dialogue_id, Contribution.text != MARKER,
            or_(Contribution.status != ContributionStatus.APPROVED,
                Contribution.personal_data_flag.is_(True)))):
        if c.status == ContributionStatus.HIDDEN:
            groups["hidden_texts"].append(c)
        elif c.personal_data_flag:
            groups["flagged_texts"].append(c)
        elif c.status == ContributionStatus.PENDING:
            groups["pending_texts"].append(c)
    return groups


def _audit_with_texts(dialogue_id: int) -> list[AuditEntry]:
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.dialogue_id == dialogue_id, AuditEntry.action.like("contribution.%")))
    return [e for e in entries
            if any((e.details or {}).get(key) not in (None, MARKER) for key in _AUDIT_TEXT_KEYS)]


def _work(dialogue: Dialogue) -> dict[str, list]:
    """Everything that goes from one dialogue: the one computation behind plan and purge."""
    return {
        "names": _participants_to_clear(dialogue.id, Participant.name),
        "tokens": _participants_to_clear(dialogue.id, Participant.token_hash),
        **_texts(dialogue.id),
        "audit_texts": _audit_with_texts(dialogue.id),
        "join_code": [dialogue] if dialogue.join_code else [],
    }


def _candidates(today: date, days: int) -> list[Dialogue]:
    due = _due(today, days)
    dialogues = db.session.scalars(select(Dialogue).where(
        Dialogue.status.in_([DialogueStatus.CLOSED, DialogueStatus.ARCHIVED])
    ).order_by(Dialogue.id))
    return [d for d in dialogues if _closed_at(d) is not None and _closed_at(d) < due]


def _plan(today: date, days: int) -> list[tuple[PlanEntry, dict]]:
    if days < 0:
        raise ValueError("days must be 0 or more")
    result = []
    for dialogue in _candidates(today, days):
        work = _work(dialogue)
        entry = PlanEntry(
            dialogue_id=dialogue.id, title=dialogue.title, status=dialogue.status.value,
            closed_at=_closed_at(dialogue), counts={kind: len(work[kind]) for kind in KINDS},
            archive=dialogue.status == DialogueStatus.CLOSED,
        )
        if entry.total or entry.archive:
            result.append((entry, work))
    return result


def purge_plan(today: date, days: int) -> list[PlanEntry]:
    """What `purge(today, days)` would remove, per dialogue; changes nothing."""
    return [entry for entry, _work_ in _plan(today, days)]


def _archive(dialogue: Dialogue, now: datetime) -> None:
    """What `dialogues.services.transition(..., ARCHIVED)` does, without a facilitator."""
    before = dialogue.status
    dialogue.status = DialogueStatus.ARCHIVED
    dialogue.archived_at = now
    code = dialogue.join_code
    dialogue.join_code = None  # frees the code for another dialogue
    dialogue.seq = (dialogue.seq or 0) + 1
    audit.record("dialogue.archived", dialogue=dialogue, subject=dialogue, by="retention",
                 **{"from": before.value, "to": DialogueStatus.ARCHIVED.value,
                    "join_code": code})


def purge(today: date, days: int, dry_run: bool = False) -> list[PlanEntry]:
    """Remove what the retention rule says must go; one PurgeLog row and one audit entry per
    dialogue. With `dry_run` nothing changes and the same plan is returned."""
    plan = _plan(today, days)
    if dry_run:
        return [entry for entry, _work_ in plan]
    now = utcnow()
    for entry, work in plan:
        dialogue = db.session.get(Dialogue, entry.dialogue_id)
        for participant in work["names"]:
            participant.name = None
            participant.name_flagged = False
        for participant in work["tokens"]:
            participant.token_hash = None
        for kind in ("hidden_texts", "flagged_texts", "pending_texts"):
            for contribution in work[kind]:
                contribution.text = MARKER
        for e in work["audit_texts"]:
            e.details = {key: (MARKER if key in _AUDIT_TEXT_KEYS else value)
                         for key, value in (e.details or {}).items()}
        if entry.archive:
            _archive(dialogue, now)
        elif dialogue.join_code:
            dialogue.join_code = None
        db.session.add(PurgeLog(dialogue_id=dialogue.id, counts=dict(entry.counts)))
        audit.record("retention.purged", dialogue=dialogue, subject=dialogue, days=days,
                     counts=dict(entry.counts))
        db.session.flush()
    return [entry for entry, _work_ in plan]
