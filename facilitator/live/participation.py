"""What a phone does in the meeting: submit, vote, answer the open stance poll.

Each takes the actor first, checks it, validates with a form, changes the model and flushes;
the socket event wrapper commits once, and only then are the messages sent."""

from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError

from ..contributions.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Phase,
    Stance,
    Vote,
)
from ..contributions.services import submit_contribution
from ..core import uow
from ..core.payloads import validated
from ..dialogues.models import Dialogue, DialogueStatus
from ..errors import Conflict, NotFound
from ..extensions import db
from ..meetings.models import Meeting
from ..meetings.services import open_poll
from . import ratelimits, tallies
from .actors import Actor, require_participant, require_participant_id
from .forms import StanceForm, VoteForm

MEETING_OPEN = (DialogueStatus.PUBLISHED, DialogueStatus.LIVE)


def live_dialogue(dialogue_id: int) -> Dialogue:
    dialogue = db.session.get(Dialogue, dialogue_id)
    if dialogue is None:
        raise NotFound(_("Dialogen finns inte."))
    if dialogue.status not in MEETING_OPEN:
        raise Conflict(_("Dialogen är stängd. Det går inte längre att skicka något."))
    return dialogue


def question_in(dialogue_id: int, question_id) -> Contribution:
    c = db.session.get(Contribution, question_id) if isinstance(question_id, int) else None
    if c is None or c.dialogue_id != dialogue_id:
        raise NotFound(_("Inlägget finns inte."))
    return c


def submit(actor: Actor, payload) -> tuple[Contribution, bool]:
    """A question, disagreement or good example from a phone; a resend returns the stored one."""
    participant = require_participant(actor)
    # Kept in a name: the session holds loaded rows weakly, and submitting reads it again.
    dialogue = live_dialogue(actor.dialogue_id)
    client_id = payload.get("client_id") if isinstance(payload, dict) else None
    existing = None
    if isinstance(client_id, str):
        existing = db.session.scalar(
            select(Contribution).where(Contribution.client_id == client_id)
        )
    if existing is not None:
        if existing.participant_id != participant.id:
            raise Conflict(_("Inlägget kunde inte sparas. Försök igen."))
        return existing, False
    meeting = db.session.get(Meeting, actor.dialogue_id)
    if meeting is not None and not meeting.intake_open:
        raise Conflict(_("Samordnaren har stängt för nya inlägg just nu."))
    # Resends of one item count once (a client id is at most 64 characters; a longer one is
    # refused by the form below, and counted like an item without one).
    once = client_id if isinstance(client_id, str) and len(client_id) <= 64 else None
    ratelimits.check("submit", actor.key, once)
    stored = submit_contribution(participant, payload, looked_up=True)
    del dialogue
    return stored


@lru_cache(maxsize=1)
def _question_query():
    """The question and its dialogue's status, with SQLAlchemy Core (built once)."""
    c, d = Contribution.__table__, Dialogue.__table__
    return (
        select(c.c.id, c.c.dialogue_id, c.c.participant_id, c.c.kind, c.c.status,
               c.c.personal_data_flag, c.c.merged_into_id, d.c.status)
        .join(d, d.c.id == c.c.dialogue_id).where(c.c.id == bindparam("id"))
    )


def vote(actor: Actor, payload) -> dict:
    """Upvote a question, or take the vote back. One per participant and question."""
    participant_id = require_participant_id(actor)
    form = validated(VoteForm, payload)
    question_id = form.question_id.data
    # The question and its dialogue's status in one statement (a storm is hundreds of votes
    # a second); anything unexpected takes the usual checks for their exact error.
    row = db.session.connection().execute(_question_query(), {"id": question_id}).first() \
        if isinstance(question_id, int) and 0 < question_id < 2**31 else None
    if row is None or row[1] != actor.dialogue_id or row[7] not in MEETING_OPEN:
        live_dialogue(actor.dialogue_id)
        q = question_in(actor.dialogue_id, question_id)
        row = (q.id, q.dialogue_id, q.participant_id, q.kind, q.status, q.personal_data_flag,
               q.merged_into_id)
    _qid, _did, author_id, kind, status, personal, merged_into = row[:7]
    public = status == ContributionStatus.APPROVED and not personal and merged_into is None
    if not public or kind != ContributionKind.QUESTION:
        raise Conflict(_("Det går inte att rösta på det här inlägget."))
    if author_id == participant_id:
        # Support is what others give a question; an asker's own vote would only inflate it.
        raise Conflict(_("Du kan inte stödja din egen fråga. Den syns för de andra, som kan "
                         "stödja den."))
    ratelimits.check("vote", actor.key)
    question_id, dialogue_id = row[0], actor.dialogue_id
    # No look first (a storm of votes is hundreds a second): a second vote is refused by the
    # unique constraint; taking a vote back is one DELETE. One statement each, no objects.
    try:
        if form.on.data:
            db.session.execute(insert(Vote).values(contribution_id=question_id,
                                                   participant_id=participant_id))
        else:
            db.session.execute(delete(Vote).where(
                Vote.contribution_id == question_id, Vote.participant_id == participant_id))
    except IntegrityError:
        # Two taps racing each other: the unique constraint kept the other tap's vote, which
        # is stored, so "on" is the truth. The vote is the action's only write. Anything
        # else (a locked database) is not caught: the wrapper answers `busy`, never ok.
        uow.rollback()
    uow.record(tallies.mark_votes, dialogue_id, question_id)
    return {"question_id": question_id, "on": bool(form.on.data)}


def set_live_stance(actor: Actor, payload) -> dict:
    """Answer the open stance poll (or change the answer)."""
    participant = require_participant(actor)
    form = validated(StanceForm, payload)
    live_dialogue(actor.dialogue_id)
    poll = open_poll(actor.dialogue_id)
    if poll is None or poll.reflection_id != form.reflection_id.data:
        raise Conflict(_("Omröstningen är stängd."))
    ratelimits.check("stance", actor.key)
    stance = db.session.scalar(select(Stance).where(
        Stance.participant_id == participant.id, Stance.reflection_id == poll.reflection_id,
        Stance.phase == Phase.LIVE))
    if stance is None:
        stance = Stance(dialogue_id=actor.dialogue_id, reflection_id=poll.reflection_id,
                        participant_id=participant.id, phase=Phase.LIVE)
        db.session.add(stance)
    stance.value = form.value.data
    reflection_id = poll.reflection_id
    db.session.flush()
    uow.record(tallies.mark_stances, actor.dialogue_id, reflection_id)
    return {"reflection_id": reflection_id, "value": form.value.data}
