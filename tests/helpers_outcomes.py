"""The demo dialogues taken through a whole meeting, for the outcome tests: participants from
several boards (at least three answers per group shown), stances before and during the
meeting, a question and a disagreement on a deficiency, the meeting closed by its service,
and follow-up items for two boards."""

from dataclasses import dataclass
from datetime import date, timedelta

import factories as make
from sqlalchemy import select

from facilitator.accounts.models import User, utcnow
from facilitator.core import uow
from facilitator.demo import data
from facilitator.dialogues.models import Dialogue, DialogueStatus, ReflectionKind
from facilitator.extensions import db
from facilitator.followups import commands
from facilitator.meetings.models import Poll

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


def demo_meeting(make_user, label: str = "Stockholm", boards=None,
                 before_meeting=None) -> Meeting:
    """Load the demo, run `label`'s dialogue as a meeting and close it (minutes drafted).
    `before_meeting(dialogue, first_deficiency)`, if given, is called once the pre-read is
    answered and before the meeting starts: more phones of a test's own join and answer."""
    facilitator = make_user(data.DEMO_EMAIL, "Demo Samordnare", is_admin=True)
    data.load()
    spec = next(s for s in data.DIALOGUES if s.label == label)
    dialogue = db.session.scalar(select(Dialogue).where(Dialogue.title == spec.title))
    by_short = {o.short_name: o for o in dialogue.organizations}
    boards = boards or list(by_short)[:3]
    did = dialogue.id

    people = []
    for short in boards:
        for role in ("socialsekreterare", "socialsekreterare", "socialsekreterare", "chef",
                     "chef", "chef"):
            people.append(make.join(dialogue, by_short[short].id, role))
    values = ("agree", "partly", "disagree", "agree", "agree", "partly")
    reflections = {r.title: r for r in dialogue.reflections}
    deficiencies = [r for r in dialogue.reflections if r.kind == ReflectionKind.DEFICIENCY]
    answered = [r for r in dialogue.reflections if r.kind != ReflectionKind.IVO_QUESTION]
    first = deficiencies[0]
    # Before the meeting: the pre-read's stances and question.
    for r in answered:
        for i, p in enumerate(people):
            make.stance(p, r.id, values[i % len(values)])
    question = make.submit(people[0], "question", QUESTION, reflection_id=first.id)
    if before_meeting is not None:
        before_meeting(dialogue, first)
    make.step(facilitator, did, DialogueStatus.LIVE)
    for r in answered:
        for i, p in enumerate(people):
            make.stance(p, r.id, values[(i + 1) % len(values)], "live")
    disagreement = make.submit(people[3], "disagreement", DISAGREEMENT,
                               reflection_id=first.id)
    for item in (question, disagreement):
        make.moderate(facilitator, item, "approve")
    make.moderate(facilitator, question, "answer")
    items = []
    for n, short in enumerate(boards[:2]):
        for r in deficiencies:
            items.append(commands.create_item(facilitator, did, {
                "title": f"Åtgärda: {r.title}", "owner": str(by_short[short].id),
                "responsible_role": "Enhetschef mottagningen",
                "description": "Rutinen ses över och följs upp varje månad.",
                "due_date": (date(2027, 6, 30) + timedelta(days=30 * n)).isoformat(),
                "agreement": "shared", "status": "agreed", "source": f"reflection:{r.id}"}))
    # The live poll on the first deficiency is still open when the meeting closes.
    make.open_poll(facilitator, did, first.id, results_live=True)
    # No service writes a past time: a real timeline, written three weeks and published two
    # weeks before the meeting, which began three hours ago, the poll half an hour ago.
    dialogue = db.session.get(Dialogue, did)
    make.backdate(dialogue, started_at=utcnow() - timedelta(hours=3),
                  published_at=utcnow() - timedelta(days=14))
    for r in dialogue.reflections:
        make.backdate(r, created_at=utcnow() - timedelta(days=21))
    poll = db.session.scalar(select(Poll).where(Poll.dialogue_id == did,
                                                Poll.closed_at.is_(None)))
    make.backdate(poll, opened_at=utcnow() - timedelta(minutes=30))
    uow.commit()
    make.step(facilitator, did, DialogueStatus.CLOSED)  # by its owner: the minutes drafted
    uow.commit()  # the entry point commits
    first_item = items[0].id
    commands.change_status(facilitator, first_item, {"status": "in_progress",
                                                     "comment": PROGRESS})
    commands.add_evidence(facilitator, first_item, {"url": EVIDENCE_URL,
                                                    "text": "Mottagningens nya rutin"})
    return Meeting(dialogue_id=dialogue.id, facilitator=facilitator, boards=by_short,
                   reflections=reflections, deficiencies=deficiencies,
                   followup_ids=[i.id for i in items])
