"""A live meeting with everything the minutes record, built straight in the database:
two boards, participants in several roles (one with a name), stances before and during,
questions in every state, a disagreement, agenda timings, an open poll and follow-up items."""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from facilitator.contributions.models import Contribution, Stance, Vote
from facilitator.core.clock import utcnow
from facilitator.dialogues import codes
from facilitator.dialogues.models import AgendaItem, Dialogue, DialogueStatus, Reflection
from facilitator.followups.models import FollowUpItem
from facilitator.meetings.models import ItemTiming, Meeting, Poll
from facilitator.organizations.models import Organization
from facilitator.participants.models import Participant

TITLE = "Återföringsdialog Sörmland – barn och unga"
FOLLOWUP_1 = "Rutin för förhandsbedömning inom 14 dagar"
FOLLOWUP_2 = "Återkoppla om överklagade beslut till IVO"
ANSWERED = "Hur räknas de 14 dagarna när anmälan kommer på en fredag?"
UNANSWERED = "Får vi återkoppling på åtgärderna före årsskiftet, även för Östermalm?"
DISAGREEMENT = "Vi delar inte bilden: vi tvekar inte att inleda utredning."
HIDDEN = "Det här är en dold fråga om Örjan på enheten."
FLAGGED = "Gäller det barnet med personnummer 20150101-1234?"
PENDING = "En ogranskad fråga som ingen har hunnit läsa."
MERGED = "Hur räknas dagarna vid helg?"
NAME = "Åsa Öberg"


def _hash() -> str:
    return hashlib.sha256(uuid.uuid4().bytes).hexdigest()


@dataclass
class Built:
    dialogue_id: int
    code: str
    reflection_ids: list
    item_ids: list
    followup_ids: list
    participant_ids: list = field(default_factory=list)
    contribution_ids: dict = field(default_factory=dict)


def build_meeting(session, facilitators, *, title=TITLE, status=DialogueStatus.LIVE,
                  closed_at: datetime | None = None, suffix: str = "") -> Built:
    """Build the meeting in `session` (the app's db.session or a plain Session) and commit."""
    suffix = suffix or uuid.uuid4().hex[:6]
    now = utcnow()
    gnesta = Organization(name=f"Socialnämnden i Gnesta kommun {suffix}", short_name="Gnesta",
                          kind="kommun")
    nykoping = Organization(name=f"Socialnämnden i Nyköpings kommun {suffix}",
                            short_name="Nyköping", kind="kommun")
    code = "".join(codes.ALPHABET[int(c, 16) % len(codes.ALPHABET)]
                   for c in uuid.uuid4().hex[:codes.LENGTH])
    dialogue = Dialogue(
        title=title, purpose="Att gå igenom IVO:s iakttagelser om förhandsbedömningar.",
        starts_at=datetime(2027, 3, 15, 8, 0), duration_minutes=180,
        place_room="Stora salen, Kommunhuset", place_address="Västra Storgatan 15, Gnesta",
        status=status, join_code=code, premoderation=True, organizations=[gnesta, nykoping],
        facilitators=list(facilitators), started_at=now - timedelta(minutes=40),
        published_at=now - timedelta(days=10), closed_at=closed_at,
    )
    r1 = Reflection(dialogue=dialogue, kind="deficiency", position=0,
                    title="Förhandsbedömningar dröjer längre än 14 dagar",
                    body_md="Beslut fattas ofta efter **14 dagar**.",
                    legal_basis="SoL 11 kap. 1 a §",
                    evidence="6 av 10 granskade förhandsbedömningar")
    r2 = Reflection(dialogue=dialogue, kind="positive", position=1,
                    title="Barnets röst hörs i utredningarna", body_md="Barnsamtal dokumenteras.",
                    legal_basis="SoL 11 kap. 10 §", evidence="9 av 10 utredningar")
    i1 = AgendaItem(dialogue=dialogue, position=0, title="Förhandsbedömningarna",
                    planned_minutes=20, reflections=[r1])
    i2 = AgendaItem(dialogue=dialogue, position=1, title="Barnets röst och återkoppling",
                    planned_minutes=15, reflections=[r2])
    session.add_all([gnesta, nykoping, dialogue, r1, r2, i1, i2])
    session.flush()

    def person(org, role, name=None):
        p = Participant(dialogue_id=dialogue.id, organization_id=org.id if org else None,
                        role=role, name=name, token_hash=_hash())
        session.add(p)
        return p

    ss1 = person(gnesta, "socialsekreterare", NAME)
    ss2 = person(gnesta, "socialsekreterare")
    chef = person(gnesta, "chef")
    pol = person(nykoping, "politiker")
    ss3 = person(nykoping, "socialsekreterare")
    ivo = person(None, "ivo")
    session.flush()

    def stance(p, r, value, phase):
        session.add(Stance(dialogue_id=dialogue.id, reflection_id=r.id, participant_id=p.id,
                           value=value, phase=phase))

    stance(ss1, r1, "agree", "pre")
    stance(ss2, r1, "partly", "pre")
    stance(pol, r1, "disagree", "pre")
    stance(ss1, r1, "agree", "live")
    stance(ss2, r1, "agree", "live")
    stance(chef, r1, "partly", "live")
    stance(pol, r1, "disagree", "live")
    stance(ss3, r2, "agree", "live")

    def contribution(p, kind, text, status, **kw):
        c = Contribution(client_id=uuid.uuid4().hex, dialogue_id=dialogue.id,
                         participant_id=p.id, kind=kind, text=text, status=status,
                         phase=kw.pop("phase", "live"), **kw)
        session.add(c)
        session.flush()
        return c

    answered = contribution(ss1, "question", ANSWERED, "approved", answered=True,
                            reflection_id=r1.id, phase="pre")
    unanswered = contribution(chef, "question", UNANSWERED, "approved")
    hidden = contribution(ss2, "question", HIDDEN, "hidden")
    flagged = contribution(ss3, "question", FLAGGED, "pending", personal_data_flag=True)
    pending = contribution(ss3, "question", PENDING, "pending")
    merged = contribution(ss2, "question", MERGED, "approved", merged_into_id=answered.id)
    disagreement = contribution(pol, "disagreement", DISAGREEMENT, "approved",
                                reflection_id=r1.id)
    example = contribution(ss3, "good_example", "Vi har ett mottagningsteam med jour.",
                           "approved")
    for p in (ss2, chef):
        session.add(Vote(contribution_id=answered.id, participant_id=p.id))

    # Item 1 ran twice: 10 and 5 minutes; item 2 has run for 4 minutes and is still current.
    session.add_all([
        ItemTiming(agenda_item_id=i1.id, started_at=now - timedelta(minutes=35),
                   ended_at=now - timedelta(minutes=25)),
        ItemTiming(agenda_item_id=i1.id, started_at=now - timedelta(minutes=20),
                   ended_at=now - timedelta(minutes=15)),
        ItemTiming(agenda_item_id=i2.id, started_at=now - timedelta(minutes=4)),
        Meeting(dialogue_id=dialogue.id, current_agenda_item_id=i2.id),
        Poll(dialogue_id=dialogue.id, reflection_id=r1.id, results_live=True),
    ])
    f1 = FollowUpItem(dialogue_id=dialogue.id, title=FOLLOWUP_1, organization_id=gnesta.id,
                      description="Gäller även överlämningar mellan enheter.",
                      responsible_role="Enhetschef barn och unga", due_date=date(2027, 6, 30),
                      agreement="shared", status="agreed", source_kind="reflection",
                      source_id=r1.id)
    f2 = FollowUpItem(dialogue_id=dialogue.id, title=FOLLOWUP_2, organization_id=None,
                      responsible_role="Inspektör på IVO", due_date=date(2027, 9, 1),
                      agreement="different", ivo_position="Återkoppling behövs inom en månad.",
                      board_position="Nämnden önskar ett kvartal.", status="proposed")
    session.add_all([f1, f2])
    session.commit()
    return Built(
        dialogue_id=dialogue.id, code=code, reflection_ids=[r1.id, r2.id],
        item_ids=[i1.id, i2.id], followup_ids=[f1.id, f2.id],
        participant_ids=[p.id for p in (ss1, ss2, chef, pol, ss3, ivo)],
        contribution_ids={"answered": answered.id, "unanswered": unanswered.id,
                          "hidden": hidden.id, "flagged": flagged.id, "pending": pending.id,
                          "merged": merged.id, "disagreement": disagreement.id,
                          "example": example.id},
    )

