"""Fill the demo's Stockholm dialogue with a room: `python -m screens.room <projector token>`
migrates the database, loads the demo and fills the room.

Seven boards with every role, 11 people per board (77 in all), their stances on the 14-day
reflection, questions with votes, agreed follow-up items, a facilitator and a projector link.
Prints what the stage needs as JSON. Deterministic: the same room every time.
"""

import json
import sys
import uuid
from datetime import date

from sqlalchemy import select

#: People per board and role: every role group is large enough to be shown on its own.
PER_BOARD = {"politiker": 2, "chef": 1, "arbetsledare": 2, "socialsekreterare": 5, "annan": 1}
#: How each role tends to answer "Delar ni IVO:s bild?" on the 14-day reflection.
LEANING = {
    "politiker": ["disagree", "disagree", "partly", "agree", "unknown"],
    "chef": ["partly", "agree", "disagree", "partly", "agree"],
    "arbetsledare": ["agree", "partly", "agree", "disagree", "agree"],
    "socialsekreterare": ["agree", "agree", "partly", "agree", "unknown", "agree", "disagree"],
    "annan": ["unknown", "agree", "partly"],
}
QUESTIONS = [
    ("Vilka synnerliga skäl godtar IVO för att förlänga förhandsbedömningen?", 14),
    ("Hur har de nämnder som håller 14 dagar organiserat mottagningen?", 11),
    ("Räknas tiden från att anmälan kom in eller från att den registrerades?", 9),
    ("Kan IVO dela sin granskningsmall inför nästa tillsyn?", 6),
    ("Hur ska vi dokumentera när barnet inte vill prata med oss?", 5),
    ("Finns det stöd från IVO när flera nämnder vill samordna sina rutiner?", 3),
    ("Hur följer IVO upp det här mötet?", 2),
]
FOCUS = (
    "Vi har under hösten haft en stor ökning av orosanmälningar från skolan och polisen, "
    "samtidigt som två tjänster på mottagningen har stått vakanta. Hur ser IVO på att vi "
    "prioriterar de ärenden där barnet kan behöva skydd och låter övriga förhandsbedömningar "
    "ta längre tid än 14 dagar, om vi dokumenterar skälen i varje ärende? Och räknas hög "
    "arbetsbelastning någonsin som ett synnerligt skäl?"
)
AGREED = [
    ("Farsta", "Rutin för att dokumentera den omedelbara skyddsbedömningen", "enhetschef",
     date(2027, 3, 31)),
    ("Solna", "Uppföljning av tidsgränsen på 14 dagar varje månad", "avdelningschef",
     date(2027, 4, 30)),
    ("Skärholmen", "Barnsamtal före beslut om att inte inleda utredning", "arbetsledare",
     date(2027, 5, 31)),
    ("Spånga-Tensta", "Mall för synnerliga skäl vid förlängd förhandsbedömning",
     "enhetschef", date(2027, 3, 15)),
    ("Rinkeby-Kista", "Gemensam genomgång av mottagningens rutiner med Farsta",
     "avdelningschef", date(2027, 6, 30)),
]
TITLE = "Återföringsdialog om orosanmälningar gällande barn och unga"
PASSWORD = "skarmbilder-for-alla"


def fill(projector_token: str) -> dict:
    from facilitator.accounts import services as accounts
    from facilitator.accounts.models import User
    from facilitator.contributions.models import (
        Contribution,
        ContributionKind,
        ContributionStatus,
        Phase,
        Stance,
        Vote,
    )
    from facilitator.core.tokens import hash_token
    from facilitator.dialogues.models import Dialogue, Reflection
    from facilitator.extensions import db
    from facilitator.followups.models import FollowUpItem, FollowUpStatus
    from facilitator.meetings.services import meeting_for
    from facilitator.participants import services as participants

    dialogue = db.session.scalar(select(Dialogue).where(Dialogue.title == TITLE))
    email = "skarm@ivo.se"
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = accounts.create_user(email, "Sanna Samordnare", PASSWORD, is_admin=False)
    if user not in dialogue.facilitators:
        dialogue.facilitators.append(user)
    boards = sorted(dialogue.organizations, key=lambda o: o.short_name)
    people = []
    for board in boards:
        for role, count in PER_BOARD.items():
            for _n in range(count):
                p, token = participants.join(dialogue, {"organization": str(board.id),
                                                        "role": role})
                people.append((p, token, role, board))
    db.session.flush()
    reflection = db.session.scalar(select(Reflection).where(
        Reflection.dialogue_id == dialogue.id, Reflection.title.like("Tidsgränsen%")))
    seen: dict[str, int] = {}
    for p, _token, role, board in people:
        turn = seen.get(role, 0) + boards.index(board)
        seen[role] = seen.get(role, 0) + 1
        value = LEANING[role][turn % len(LEANING[role])]
        db.session.add(Stance(dialogue_id=dialogue.id, reflection_id=reflection.id,
                              participant_id=p.id, value=value, phase=Phase.LIVE))
    asked = []
    for n, (text, votes) in enumerate(QUESTIONS + [(FOCUS, 4)]):
        author = people[(n * 7) % len(people)][0]
        c = Contribution(client_id=uuid.uuid4().hex, dialogue_id=dialogue.id,
                         participant_id=author.id, kind=ContributionKind.QUESTION, text=text,
                         status=ContributionStatus.APPROVED, phase=Phase.LIVE)
        db.session.add(c)
        db.session.flush()
        for voter in people[n + 1:n + 1 + votes]:
            db.session.add(Vote(contribution_id=c.id, participant_id=voter[0].id))
        asked.append(c.id)
    by_short = {b.short_name: b for b in boards}
    for short, title, role, due in AGREED:
        db.session.add(FollowUpItem(dialogue_id=dialogue.id, title=title,
                                    organization_id=by_short[short].id, responsible_role=role,
                                    due_date=due, status=FollowUpStatus.AGREED,
                                    created_by_id=user.id))
    meeting_for(dialogue.id).projector_token_hash = hash_token(projector_token)
    db.session.commit()
    phone = people[0]
    return {
        "dialogue": dialogue.id, "code": dialogue.join_code, "email": email,
        "password": PASSWORD, "reflection": reflection.id, "focus_question": asked[-1],
        "focus_text": FOCUS, "people": len(people),
        "phone_cookie": participants.cookie_name(dialogue), "phone_token": phone[1],
        "boards": [b.short_name for b in boards],
    }


def main() -> None:
    """Migrate, load the demo (as `flask demo` does) and fill the room: one process, not three."""
    from flask_migrate import upgrade

    from facilitator import create_app

    app = create_app()
    with app.app_context():
        upgrade()
        done = app.test_cli_runner().invoke(args=["demo"])
        if done.exit_code:
            raise SystemExit(f"flask demo: {done.output} {done.exception!r}")
        print(json.dumps(fill(sys.argv[1])))


if __name__ == "__main__":
    main()
