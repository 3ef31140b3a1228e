"""A live meeting with everything the minutes record, built through the product's services:
two boards, participants in several roles (one with a name), stances before and during,
questions in every state, a disagreement, agenda timings, an open poll and follow-up items."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import factories as make
from sqlalchemy import select

from facilitator.accounts.models import User
from facilitator.core import uow
from facilitator.core.clock import utcnow
from facilitator.dialogues import services as dialogues
from facilitator.dialogues.models import Dialogue, DialogueStatus
from facilitator.extensions import db
from facilitator.followups import commands as followups
from facilitator.meetings.models import ItemTiming

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
    """Build the meeting and commit. `session` is the app's db.session, or a plain Session
    on another database (a real server's): then the meeting is built by an app of its own
    on that database. `status` LIVE, or CLOSED (closed by its service; `closed_at` sets the
    close in the past)."""
    facilitator_ids = [f.id for f in facilitators]
    if session is db.session:
        return _build(facilitator_ids, title, status, closed_at, suffix)
    from facilitator import create_app

    url = session.get_bind().url.render_as_string(hide_password=False)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            return _build(facilitator_ids, title, status, closed_at, suffix)
        finally:
            db.session.remove()
            db.engine.dispose()


def _build(facilitator_ids, title, status, closed_at, suffix) -> Built:
    suffix = suffix or uuid.uuid4().hex[:6]
    now = utcnow()
    fac = db.session.get(User, facilitator_ids[0])
    gnesta = make.board(fac, f"Socialnämnden i Gnesta kommun {suffix}", "Gnesta")
    nykoping = make.board(fac, f"Socialnämnden i Nyköpings kommun {suffix}", "Nyköping")
    dialogue, details = make.dialogue(
        fac, title, organization_ids=[gnesta.id, nykoping.id],
        facilitator_ids=facilitator_ids,
        purpose="Att gå igenom IVO:s iakttagelser om förhandsbedömningar.",
        starts_at="2027-03-15T09:00",  # 08:00 UTC
        place_room="Stora salen, Kommunhuset", place_address="Västra Storgatan 15, Gnesta",
        premoderation=True,
        # Named while the phones join, so one participant gives a name; pseudonymous again
        # before the meeting (below), as a facilitator may change it.
        participation_mode="named")
    did = dialogue.id
    r1 = make.reflection(fac, did, "Förhandsbedömningar dröjer längre än 14 dagar",
                         body_md="Beslut fattas ofta efter **14 dagar**.",
                         legal_basis="SoL 11 kap. 1 a §",
                         evidence="6 av 10 granskade förhandsbedömningar")
    r2 = make.reflection(fac, did, "Barnets röst hörs i utredningarna", kind="positive",
                         body_md="Barnsamtal dokumenteras.", legal_basis="SoL 11 kap. 10 §",
                         evidence="9 av 10 utredningar")
    r1_id, r2_id = r1.id, r2.id
    i1 = make.agenda_item(fac, did, "Förhandsbedömningarna", 20, [r1_id])
    i2 = make.agenda_item(fac, did, "Barnets röst och återkoppling", 15, [r2_id])
    i1_id, i2_id = i1.id, i2.id
    make.step(fac, did, DialogueStatus.PUBLISHED)
    uow.commit()

    dialogue = db.session.get(Dialogue, did)
    ss1 = make.join(dialogue, gnesta.id, "socialsekreterare", NAME)
    ss2 = make.join(dialogue, gnesta.id, "socialsekreterare")
    chef = make.join(dialogue, gnesta.id, "chef")
    pol = make.join(dialogue, nykoping.id, "politiker")
    ss3 = make.join(dialogue, nykoping.id, "socialsekreterare")
    ivo = make.join(dialogue, None, "ivo")
    dialogues.update_dialogue(fac, did, {**details, "participation_mode": "pseudonymous"})

    # Before the meeting: stances and the question read out later.
    make.stance(ss1, r1_id, "agree")
    make.stance(ss2, r1_id, "partly")
    make.stance(pol, r1_id, "disagree")
    answered = make.submit(ss1, "question", ANSWERED, reflection_id=r1_id)

    # The meeting: started on item 1; item 1 runs twice (10 and 5 minutes, with a step to
    # item 2 and straight back between), item 2 has run for 4 minutes and is still current.
    make.agenda(fac, did, "start")
    make.agenda(fac, did, "next")
    make.agenda(fac, did, "previous")
    make.agenda(fac, did, "next")
    make.stance(ss1, r1_id, "agree", "live")
    make.stance(ss2, r1_id, "agree", "live")
    make.stance(chef, r1_id, "partly", "live")
    make.stance(pol, r1_id, "disagree", "live")
    make.stance(ss3, r2_id, "agree", "live")
    unanswered = make.submit(chef, "question", UNANSWERED)
    hidden = make.submit(ss2, "question", HIDDEN)
    flagged = make.submit(ss3, "question", FLAGGED)  # a personnummer: flagged, pending
    pending = make.submit(ss3, "question", PENDING)
    merged = make.submit(ss2, "question", MERGED)
    disagreement = make.submit(pol, "disagreement", DISAGREEMENT, reflection_id=r1_id)
    example = make.submit(ss3, "good_example", "Vi har ett mottagningsteam med jour.")
    for item in (answered, unanswered, merged, disagreement, example):
        make.moderate(fac, item, "approve")
    make.moderate(fac, answered, "answer")
    make.moderate(fac, hidden, "hide")
    make.moderate(fac, merged, "merge", into_id=answered.id)  # its asker's vote moves along
    make.vote(chef, answered)
    make.open_poll(fac, did, r1_id, results_live=True)

    f1 = followups.create_item(fac, did, {
        "title": FOLLOWUP_1, "owner": str(gnesta.id),
        "description": "Gäller även överlämningar mellan enheter.",
        "responsible_role": "Enhetschef barn och unga", "due_date": "2027-06-30",
        "agreement": "shared", "status": "agreed", "source": f"reflection:{r1_id}"})
    f2 = followups.create_item(fac, did, {
        "title": FOLLOWUP_2, "owner": "ivo", "responsible_role": "Inspektör på IVO",
        "due_date": "2027-09-01", "agreement": "different",
        "ivo_position": "Återkoppling behövs inom en månad.",
        "board_position": "Nämnden önskar ett kvartal.", "status": "proposed"})

    # No service writes a past time: the dialogue was published ten days ago, the meeting
    # began 40 minutes ago, and the agenda's steps took place minutes apart.
    dialogue = db.session.get(Dialogue, did)
    make.backdate(dialogue, published_at=now - timedelta(days=10),
                  started_at=now - timedelta(minutes=40))
    timings = db.session.scalars(
        select(ItemTiming).where(ItemTiming.agenda_item_id.in_([i1_id, i2_id]))
        .order_by(ItemTiming.id)).all()
    # item 1, item 2 (a moment), item 1 again, item 2 until now
    minutes_ago = [(19, 9), (9, 9), (9, 4), (4, None)]
    for timing, (start, end) in zip(timings, minutes_ago, strict=True):
        make.backdate(timing, started_at=now - timedelta(minutes=start),
                      ended_at=None if end is None else now - timedelta(minutes=end))

    if status == DialogueStatus.CLOSED:
        make.step(fac, did, DialogueStatus.CLOSED)  # by its owner: the minutes' first draft
        if closed_at is not None:
            # A close in the past (for a history or the retention purge): no service does it.
            make.backdate(db.session.get(Dialogue, did), closed_at=closed_at)
    elif status != DialogueStatus.LIVE:
        raise ValueError(f"build_meeting makes a live or closed meeting, not {status}")
    ids = Built(
        dialogue_id=did, code=dialogue.join_code, reflection_ids=[r1_id, r2_id],
        item_ids=[i1_id, i2_id], followup_ids=[f1.id, f2.id],
        participant_ids=[p.id for p in (ss1, ss2, chef, pol, ss3, ivo)],
        contribution_ids={"answered": answered.id, "unanswered": unanswered.id,
                          "hidden": hidden.id, "flagged": flagged.id, "pending": pending.id,
                          "merged": merged.id, "disagreement": disagreement.id,
                          "example": example.id},
    )
    uow.commit()  # the factory's one commit, as an entry point's
    return ids
