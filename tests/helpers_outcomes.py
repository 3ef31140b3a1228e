"""The demo dialogues taken through a whole meeting, for the outcome tests: participants from
several boards (at least three answers per group shown), stances before and during the
meeting, a question and a disagreement on a deficiency, the meeting closed by its service,
and follow-up items for two boards."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from facilitator.accounts.models import User, utcnow
from facilitator.contributions.models import Contribution, Stance
from facilitator.demo import data
from facilitator.dialogues.models import Dialogue, DialogueStatus, ReflectionKind
from facilitator.extensions import db
from facilitator.followups import commands
from facilitator.followups.models import FollowUpItem
from facilitator.meetings.models import Poll
from facilitator.minutes import closing
from facilitator.participants.models import Participant

QUESTION = "Räknas de 14 dagarna från att anmälan registrerades eller kom in?"
PROGRESS = "Ny rutin: veckovis genomgång av förhandsbedömningar som närmar sig 14 dagar."
EVIDENCE_URL = "https://farsta.example.se/rutin-forhandsbedomning"
DISAGREEMENT = "Vi delar inte bilden: vår mottagning håller tidsgränsen sedan i våras."


@dataclass
class Meeting:
    dialogue_id: int
    facilitator: User
    boards: dict  # short name -> Organization
    reflections: dict  # title -> Reflection
    deficiencies: list  # the deficiency reflections, in order
    followup_ids: list


def _hash() -> str:
    return hashlib.sha256(uuid.uuid4().bytes).hexdigest()


def demo_meeting(make_user, label: str = "Stockholm", boards=None) -> Meeting:
    """Load the demo, run `label`'s dialogue as a meeting and close it (minutes drafted)."""
    facilitator = make_user(data.DEMO_EMAIL, "Demo Samordnare", is_admin=True)
    data.load()
    spec = next(s for s in data.DIALOGUES if s.label == label)
    dialogue = db.session.scalar(select(Dialogue).where(Dialogue.title == spec.title))
    by_short = {o.short_name: o for o in dialogue.organizations}
    boards = boards or list(by_short)[:3]
    dialogue.status = DialogueStatus.LIVE
    dialogue.started_at = utcnow() - timedelta(hours=3)
    # A real timeline: written and published weeks before the meeting.
    dialogue.published_at = utcnow() - timedelta(days=14)
    for r in dialogue.reflections:
        r.created_at = utcnow() - timedelta(days=21)
    db.session.flush()

    people = []
    for short in boards:
        org = by_short[short]
        for role in ("socialsekreterare", "socialsekreterare", "socialsekreterare", "chef",
                     "chef", "chef"):
            p = Participant(dialogue_id=dialogue.id, organization_id=org.id, role=role,
                            token_hash=_hash())
            db.session.add(p)
            people.append(p)
    db.session.flush()
    values = ("agree", "partly", "disagree", "agree", "agree", "partly")
    reflections = {r.title: r for r in dialogue.reflections}
    deficiencies = [r for r in dialogue.reflections if r.kind == ReflectionKind.DEFICIENCY]
    for r in dialogue.reflections:
        if r.kind == ReflectionKind.IVO_QUESTION:
            continue
        for i, p in enumerate(people):
            for phase in ("pre", "live"):
                db.session.add(Stance(dialogue_id=dialogue.id, reflection_id=r.id,
                                      participant_id=p.id, phase=phase,
                                      value=values[(i + (phase == "live")) % len(values)]))
    first = deficiencies[0]
    db.session.add_all([
        Contribution(client_id=uuid.uuid4().hex, dialogue_id=dialogue.id,
                     participant_id=people[0].id, kind="question", text=QUESTION,
                     status="approved", phase="pre", reflection_id=first.id, answered=True),
        Contribution(client_id=uuid.uuid4().hex, dialogue_id=dialogue.id,
                     participant_id=people[3].id, kind="disagreement", text=DISAGREEMENT,
                     status="approved", phase="live", reflection_id=first.id),
    ])
    items = []
    for n, short in enumerate(boards[:2]):
        for r in deficiencies:
            items.append(FollowUpItem(
                dialogue_id=dialogue.id, organization_id=by_short[short].id,
                title=f"Åtgärda: {r.title}", responsible_role="Enhetschef mottagningen",
                description="Rutinen ses över och följs upp varje månad.",
                due_date=date(2027, 6, 30) + timedelta(days=30 * n), agreement="shared",
                status="agreed", source_kind="reflection", source_id=r.id,
                created_by_id=facilitator.id))
    db.session.add_all(items)
    # The live poll on the first deficiency is still open when the meeting closes.
    db.session.add(Poll(dialogue_id=dialogue.id, reflection_id=first.id, results_live=True,
                        opened_at=utcnow() - timedelta(minutes=30)))
    db.session.commit()
    closing.close_dialogue(facilitator, dialogue.id)
    db.session.commit()  # the entry point commits
    first_item = items[0].id
    commands.change_status(facilitator, first_item, {"status": "in_progress",
                                                     "comment": PROGRESS})
    commands.add_evidence(facilitator, first_item, {"url": EVIDENCE_URL,
                                                    "text": "Mottagningens nya rutin"})
    return Meeting(dialogue_id=dialogue.id, facilitator=facilitator, boards=by_short,
                   reflections=reflections, deficiencies=deficiencies,
                   followup_ids=[i.id for i in items])
