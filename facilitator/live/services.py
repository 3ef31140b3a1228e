"""The live meeting: snapshots, votes, stances, moderation, agenda, intake, polls, projector.

Every function takes the actor first, checks it, validates the payload with a form, changes
the model and flushes; what the room must hear it records on the unit of work
(`broadcast.change`, `core/uow.record`). The socket event wrapper commits once, and only then
are the messages sent.
"""

import secrets

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit import services as audit
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
from ..core.clock import utcnow
from ..core.payloads import validated
from ..core.tokens import hash_token
from ..dialogues import services as dialogues
from ..dialogues.models import AgendaItem, Dialogue, DialogueStatus
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..followups.queries import public_items
from ..meetings.models import RESULTS_VIEWS, ItemTiming, Meeting, Poll, used_seconds
from ..meetings.services import (
    current_timing,
    end_running_item,
    meeting_for,
    open_poll,
    stances_visible_to_room,
)
from ..participants.models import Participant
from ..participants.services import display_name, display_names
from ..privacy.personnummer import find_personal_numbers
from . import broadcast, presence, ratelimits, roomcache, split, tallies, views
from .actors import (
    FACILITATOR,
    PARTICIPANT,
    Actor,
    require_facilitator,
    require_participant,
)
from .forms import (
    AgendaForm,
    IntakeForm,
    ModerateForm,
    PollForm,
    ResultsViewForm,
    StanceForm,
    VoteForm,
)

MEETING_OPEN = (DialogueStatus.PUBLISHED, DialogueStatus.LIVE)


# --- reading -----------------------------------------------------------------------------


def _names(dialogue_id: int, participant_ids=None) -> dict[int, str]:
    return display_names(dialogue_id, participant_ids)


def _author_names(dialogue_id: int, me_id: int | None = None) -> dict[int, str]:
    """Names of everyone who wrote something in the dialogue (and of `me`): a snapshot needs
    those, not the names of all the thousands in the room."""
    wanted = set(db.session.scalars(
        select(Contribution.participant_id).where(Contribution.dialogue_id == dialogue_id)
        .distinct()))
    if me_id is not None:
        wanted.add(me_id)
    return _names(dialogue_id, wanted)


def _public_contributions(dialogue_id: int) -> list[tuple[dict, int | None]]:
    """The room's questions with their votes, each with its author's id: names are put in
    per snapshot (`_with_names`), because they change as people join."""
    items = list(db.session.scalars(
        select(Contribution).where(
            Contribution.dialogue_id == dialogue_id,
            Contribution.status == ContributionStatus.APPROVED,
            Contribution.merged_into_id.is_(None),
            Contribution.personal_data_flag.is_(False),
        ).order_by(Contribution.created_at, Contribution.id)
    ))
    counts = tallies.vote_counts(c.id for c in items)
    return [(views.contribution(c, "", counts.get(c.id, 0)), c.participant_id) for c in items]


def _with_names(questions: list[tuple[dict, int | None]], names: dict[int, str]) -> list[dict]:
    return [{**q, "by": names.get(pid, "")} for q, pid in questions]


def _room(dialogue: Dialogue, audience: str) -> dict:
    """The part of a snapshot that is the same for everyone of this audience: for phones and
    projectors it is cached (`roomcache`), one build serving a whole join storm."""
    meeting = db.session.get(Meeting, dialogue.id) or Meeting(dialogue_id=dialogue.id,
                                                                  intake_open=True)
    poll = open_poll(dialogue.id)
    # The agenda with each item's reflections in two queries, not one per item.
    agenda_items = list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.dialogue_id == dialogue.id)
        .order_by(AgendaItem.position, AgendaItem.id)
        .options(selectinload(AgendaItem.reflections))))
    used = used_seconds([item.id for item in agenda_items])
    running = current_timing(meeting.current_agenda_item_id)
    room = {
        "seq": dialogue.seq,
        "dialogue": {
            "id": dialogue.id,
            "title": dialogue.title,
            "status": str(dialogue.status),
            "join_code": dialogue.join_code,
            "intake_open": meeting.intake_open,
            "current_item_id": meeting.current_agenda_item_id,
            "item_started_at": views.iso(running.started_at) if running else None,
            "premoderation": dialogue.premoderation,
            "show_board_results": dialogue.show_board_results,
            "results_view": meeting.results_view or RESULTS_VIEWS[0],
        },
        "agenda": [views.agenda_item(i, used.get(i.id, 0)) for i in agenda_items],
        "reflections": [views.reflection(r) for r in dialogue.reflections],
        "questions": _public_contributions(dialogue.id),
        "poll": _poll_view(poll),
        "tallies": [],
        "followups": _followups(dialogue.id),
        "split": split.view(dialogue, meeting.split_reflection_id),
    }
    for reflection in dialogue.reflections:
        if audience == FACILITATOR or stances_visible_to_room(dialogue.id, reflection.id):
            tally = tallies.stance_tally(dialogue.id, reflection.id, "live")
            if tally["n"] or (poll and poll.reflection_id == reflection.id):
                room["tallies"].append(_board_filter(dialogue, tally, audience))
    return room


def snapshot(actor: Actor) -> dict:
    """Everything a client needs to draw its view, with the sequence number it reflects."""
    if actor.kind == PARTICIPANT:  # consoles and projectors resync as often as they need
        ratelimits.check("snapshot", actor.key)
    if actor.kind == FACILITATOR:
        dialogue = require_facilitator(actor)
        room = _room(dialogue, FACILITATOR)
    else:
        # Only the seq while the cached room part is current: the whole dialogue row is read
        # when the room part is built.
        dialogue_id = actor.dialogue_id
        seq = db.session.scalar(select(Dialogue.seq).where(Dialogue.id == dialogue_id))
        if seq is None:
            raise NotFound(_("Dialogen finns inte."))
        room = roomcache.get(dialogue_id, seq)
        if room is None:
            dialogue = db.session.get(Dialogue, dialogue_id)
            if dialogue is None:
                raise NotFound(_("Dialogen finns inte."))
            room = roomcache.build(dialogue.id, dialogue.seq, lambda: _room(dialogue, actor.kind))
    me = actor.participant if actor.kind == PARTICIPANT else None
    if actor.kind == FACILITATOR:
        names = _author_names(dialogue.id)  # the queue shows every author (below)
    else:
        # Names of the public questions' authors (and of `me`), not the whole room's.
        wanted = {pid for _q, pid in room["questions"]}
        if me is not None:
            wanted.add(me.id)
        names = _names(actor.dialogue_id, wanted)
    data = {**room, "audience": actor.kind, "questions": _with_names(room["questions"], names)}
    if me is not None:
        mine = db.session.scalars(
            select(Contribution).where(Contribution.participant_id == me.id)
            .order_by(Contribution.created_at, Contribution.id)
        )
        data["me"] = {"id": me.id, "name": names.get(me.id, "")}
        data["mine"] = [views.contribution(c, names.get(me.id, ""), private=True) for c in mine]
        data["my_votes"] = list(db.session.scalars(
            select(Vote.contribution_id).where(Vote.participant_id == me.id)
        ))
        data["my_stances"] = {
            str(s.reflection_id): str(s.value) for s in db.session.scalars(
                select(Stance).where(Stance.participant_id == me.id, Stance.phase == Phase.LIVE)
            )
        }
    if actor.kind == FACILITATOR:
        everything = db.session.scalars(
            select(Contribution).where(Contribution.dialogue_id == dialogue.id)
            .order_by(Contribution.created_at, Contribution.id)
        )
        counts = tallies.vote_counts(q["id"] for q in data["questions"])
        data["queue"] = [
            views.contribution(c, names.get(c.participant_id, ""), counts.get(c.id, 0),
                               private=True)
            for c in everything
        ]

        data["participants"] = db.session.scalar(
            select(func.count()).select_from(Participant)
            .where(Participant.dialogue_id == dialogue.id)
        )

        data["presence"] = presence.current(dialogue.id)
    return data


def _followups(dialogue_id: int) -> list[dict]:
    """The agreed follow-up items (agreed or later), compact; `change` type "followup" updates."""
    return public_items(dialogue_id)


def _board_filter(dialogue: Dialogue, tally: dict, audience: str) -> dict:
    if audience != FACILITATOR and not dialogue.show_board_results:
        return {**tally, "by_board": {}}
    return tally


def _poll_view(poll: Poll | None) -> dict | None:
    if poll is None:
        return None
    return {"id": poll.id, "reflection_id": poll.reflection_id, "results_live": poll.results_live}


# --- participants --------------------------------------------------------------------


def _live_dialogue(dialogue_id: int) -> Dialogue:
    dialogue = db.session.get(Dialogue, dialogue_id)
    if dialogue is None:
        raise NotFound(_("Dialogen finns inte."))
    if dialogue.status not in MEETING_OPEN:
        raise Conflict(_("Dialogen är stängd. Det går inte längre att skicka något."))
    return dialogue


def submit(actor: Actor, payload) -> tuple[Contribution, bool]:
    """A question, disagreement or good example from a phone; a resend returns the stored one."""
    participant = require_participant(actor)
    _live_dialogue(actor.dialogue_id)
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
    ratelimits.check("submit", actor.key)
    return submit_contribution(participant, payload)


def announce_contribution(contribution: Contribution, created: bool = True) -> None:
    """Record who hears of the item once it is stored: facilitators always; the room only of
    what it may see (with the dialogue's next seq, in this transaction)."""
    by = display_name(contribution.participant) if contribution.participant else ""
    private = views.contribution(contribution, by, private=True)
    broadcast.to_facilitators(contribution.dialogue_id, "contribution", private)
    if contribution.participant_id:
        broadcast.to_participant(contribution.participant_id, "contribution", private)
    if _is_public(contribution):
        _publish_contribution(contribution, by)


def _is_public(c: Contribution) -> bool:
    return (c.status == ContributionStatus.APPROVED and not c.personal_data_flag
            and c.merged_into_id is None)


def _publish_contribution(c: Contribution, by: str | None = None) -> None:
    if by is None:
        by = display_name(c.participant) if c.participant else ""
    votes = tallies.vote_counts([c.id]).get(c.id, 0)
    broadcast.change(c.dialogue_id, "contribution", views.contribution(c, by, votes))


def _withdraw(c: Contribution) -> None:
    broadcast.change(c.dialogue_id, "removed", {"id": c.id})


def _question(dialogue_id: int, question_id) -> Contribution:
    c = db.session.get(Contribution, question_id) if isinstance(question_id, int) else None
    if c is None or c.dialogue_id != dialogue_id:
        raise NotFound(_("Inlägget finns inte."))
    return c


def vote(actor: Actor, payload) -> dict:
    """Upvote a question, or take the vote back. One per participant and question."""
    participant = require_participant(actor)
    form = validated(VoteForm, payload)
    question_id = form.question_id.data
    # The question and its dialogue's status in one statement (a storm is hundreds of votes
    # a second); anything unexpected takes the usual checks for their exact error.
    row = db.session.execute(
        select(Contribution, Dialogue.status).join(Dialogue)
        .where(Contribution.id == question_id)
    ).first() if isinstance(question_id, int) and 0 < question_id < 2**31 else None
    if row is None or row[0].dialogue_id != actor.dialogue_id or row[1] not in MEETING_OPEN:
        _live_dialogue(actor.dialogue_id)
        question = _question(actor.dialogue_id, question_id)
    else:
        question = row[0]
    if not _is_public(question) or question.kind != ContributionKind.QUESTION:
        raise Conflict(_("Det går inte att rösta på det här inlägget."))
    if question.participant_id == participant.id:
        # Support is what others give a question; an asker's own vote would only inflate it.
        raise Conflict(_("Du kan inte stödja din egen fråga. Den syns för de andra, som kan "
                         "stödja den."))
    ratelimits.check("vote", actor.key)
    # Ids kept before the flush: reading them after a rollback would read the rows back.
    question_id, participant_id = question.id, participant.id
    dialogue_id = actor.dialogue_id
    # No look first (a storm of votes is hundreds a second): a second vote is refused by the
    # unique constraint; taking a vote back is one DELETE.
    if form.on.data:
        db.session.add(Vote(contribution_id=question_id, participant_id=participant_id))
    else:
        db.session.execute(delete(Vote).where(
            Vote.contribution_id == question_id, Vote.participant_id == participant_id))
    try:
        db.session.flush()
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
    _live_dialogue(actor.dialogue_id)
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


# --- facilitators: moderation ---------------------------------------------------------


def moderate(actor: Actor, payload) -> dict:
    """Approve, hide, mark answered, pin, merge or fix a typo; every action is audited."""
    dialogue = require_facilitator(actor)
    form = validated(ModerateForm, payload)
    c = _question(dialogue.id, form.id.data)
    action = form.action.data
    was_public = _is_public(c)
    details: dict = {}
    unpinned: list[Contribution] = []
    if action == "approve":
        if c.personal_data_flag:
            raise Conflict(_("Texten kan innehålla ett personnummer. Redigera bort det innan "
                             "du godkänner."))
        c.status = ContributionStatus.APPROVED
    elif action == "hide":
        c.status = ContributionStatus.HIDDEN
        c.pinned = False
    elif action in ("answer", "unanswer"):
        c.answered = action == "answer"
    elif action in ("pin", "unpin"):
        if action == "pin":
            if not _is_public(c):
                raise Conflict(_("Bara godkända inlägg kan fästas."))
            for other in db.session.scalars(select(Contribution).where(
                    Contribution.dialogue_id == dialogue.id, Contribution.pinned.is_(True))):
                if other.id != c.id:
                    unpinned.append(other)
                other.pinned = False
        c.pinned = action == "pin"
    elif action == "merge":
        target = _question(dialogue.id, form.into_id.data)
        if target.id == c.id or target.merged_into_id is not None:
            raise ValidationFailed(_("Välj en annan fråga att slå ihop med."))
        _merge_votes(c, target)
        c.merged_into_id = target.id
        c.pinned = False
        details["into"] = target.id
    elif action == "edit":
        text = (form.text.data or "").strip()
        if not text:
            raise ValidationFailed(_("Texten får inte vara tom."), errors={"text": [_("Tom.")]})
        details.update(before=c.text, after=text)
        c.text = text
        c.personal_data_flag = bool(find_personal_numbers(text))
    audit.record(f"contribution.{action}", dialogue=dialogue, user=actor.user, subject=c,
                 **details)
    db.session.flush()
    # The change and its announcements in one transaction, one seq each.
    announce_contribution(c, created=False)
    for other in unpinned:  # only one pinned item: everyone must see the old one let go
        announce_contribution(other, created=False)
    if was_public and not _is_public(c):
        _withdraw(c)
    if action == "merge":
        uow.record(tallies.mark_votes, dialogue.id, c.merged_into_id)
    return {"id": c.id, "action": action}


def _merge_votes(source: Contribution, target: Contribution) -> None:
    voters = set(db.session.scalars(
        select(Vote.participant_id).where(Vote.contribution_id == target.id)))
    if source.participant_id:
        voters.add(source.participant_id)  # the asker of the duplicate counts as a vote
        if target.participant_id != source.participant_id and source.participant_id not in \
                set(db.session.scalars(select(Vote.participant_id)
                                       .where(Vote.contribution_id == target.id))):
            db.session.add(Vote(contribution_id=target.id, participant_id=source.participant_id))
    for v in list(db.session.scalars(select(Vote).where(Vote.contribution_id == source.id))):
        if v.participant_id in voters:
            db.session.delete(v)
        else:
            v.contribution_id = target.id
            voters.add(v.participant_id)


# --- facilitators: agenda, intake, polls, projector -----------------------------------


def _set_current(dialogue: Dialogue, meeting: Meeting, item: AgendaItem | None) -> None:
    now = utcnow()
    end_running_item(dialogue.id, now)
    meeting.current_agenda_item_id = item.id if item else None
    if item is not None:
        db.session.add(ItemTiming(agenda_item_id=item.id, started_at=now))


def agenda(actor: Actor, payload) -> dict:
    """Start the meeting, or move the agenda: next, previous, or any item."""
    dialogue = require_facilitator(actor)
    form = validated(AgendaForm, payload)
    action = form.action.data
    if action == "start":
        if dialogue.status == DialogueStatus.PUBLISHED:
            # The transition takes a sequence number of its own and tells the room ("status"),
            # in this action's transaction.
            dialogue = dialogues.transition(actor.user, dialogue.id, DialogueStatus.LIVE)
        elif dialogue.status != DialogueStatus.LIVE:
            raise Conflict(_("Mötet kan bara startas när dialogen är publicerad."))
    elif dialogue.status != DialogueStatus.LIVE:
        raise Conflict(_("Starta mötet först."))
    meeting = meeting_for(dialogue.id)
    items = list(dialogue.agenda_items)
    ids = [i.id for i in items]
    position = ids.index(meeting.current_agenda_item_id) \
        if meeting.current_agenda_item_id in ids else -1
    if action == "start":
        target = items[0] if items and position < 0 else (items[position] if items else None)
    elif action == "next":
        if position + 1 >= len(items):
            raise Conflict(_("Det här är dagordningens sista punkt."))
        target = items[position + 1]
    elif action == "previous":
        if position <= 0:
            raise Conflict(_("Det här är dagordningens första punkt."))
        target = items[position - 1]
    else:
        if form.item_id.data not in ids:
            raise NotFound(_("Punkten finns inte på dagordningen."))
        target = items[ids.index(form.item_id.data)]
    if target is not None and target.id != meeting.current_agenda_item_id:
        _set_current(dialogue, meeting, target)
    audit.record("agenda." + action, dialogue=dialogue, user=actor.user,
                 item=target.id if target else None)
    db.session.flush()
    data = _agenda_view(dialogue, meeting.current_agenda_item_id)
    broadcast.change(dialogue.id, "agenda", data)
    return data


def _agenda_view(dialogue: Dialogue, current_item_id: int | None) -> dict:
    timing = current_timing(current_item_id)
    used = used_seconds([i.id for i in dialogue.agenda_items])
    return {
        "status": str(dialogue.status),
        "current_item_id": current_item_id,
        "item_started_at": views.iso(timing.started_at) if timing else None,
        "used": {str(k): v for k, v in used.items()},
    }


def set_intake(actor: Actor, payload) -> dict:
    """Open or close question intake."""
    dialogue = require_facilitator(actor)
    form = validated(IntakeForm, payload)
    meeting = meeting_for(dialogue.id)
    meeting.intake_open = bool(form.open.data)
    audit.record("intake." + ("open" if meeting.intake_open else "close"), dialogue=dialogue,
                 user=actor.user)
    broadcast.change(dialogue.id, "intake", {"open": meeting.intake_open})
    return {"open": meeting.intake_open}


def set_results_view(actor: Actor, payload) -> dict:
    """Show poll results on the projector by role, by board or in total; kept for a reload."""
    dialogue = require_facilitator(actor)
    form = validated(ResultsViewForm, payload)
    view = form.view.data
    if view == "board" and not dialogue.show_board_results:
        raise Conflict(_("Dialogen visar inte resultat per nämnd för rummet. Det går att ändra "
                         "under dialogens inställningar."))
    meeting = meeting_for(dialogue.id)
    meeting.results_view = view
    audit.record("projector.view", dialogue=dialogue, user=actor.user, view=view)
    broadcast.change(dialogue.id, "results_view", {"view": view})
    return {"view": view}


def poll(actor: Actor, payload) -> dict:
    """Open a stance poll on a reflection (closing any other), or close the open one."""
    dialogue = require_facilitator(actor)
    form = validated(PollForm, payload)
    if dialogue.status != DialogueStatus.LIVE:
        raise Conflict(_("Starta mötet först."))
    current = open_poll(dialogue.id)
    if current is not None:
        current.closed_at = utcnow()
    opened = None
    if form.action.data == "open":
        reflection_ids = [r.id for r in dialogue.reflections]
        if form.reflection_id.data not in reflection_ids:
            raise NotFound(_("Reflektionen finns inte i dialogen."))
        opened = Poll(dialogue_id=dialogue.id, reflection_id=form.reflection_id.data,
                      results_live=bool(form.results_live.data))
        db.session.add(opened)
    elif current is None:
        raise Conflict(_("Ingen omröstning är öppen."))
    audit.record("poll." + form.action.data, dialogue=dialogue, user=actor.user,
                 reflection=form.reflection_id.data or (current.reflection_id if current else None))
    db.session.flush()
    closed = current.reflection_id if current else None
    broadcast.change(dialogue.id, "poll", {"poll": _poll_view(opened), "closed": closed})
    for reflection_id in {p.reflection_id for p in (current, opened) if p is not None}:
        uow.record(tallies.mark_stances, dialogue.id, reflection_id)
    return {"poll": _poll_view(opened)}


def audit_log(actor: Actor) -> dict:
    """The dialogue's audit log for its facilitators: entries, newest first, with who acted
    and the titles of the agenda items and reflections the entries name."""
    dialogue = require_facilitator(actor)
    entries = audit.entries_for(dialogue.id)
    user_ids = {e.actor_user_id for e in entries if e.actor_user_id}
    users = {u.id: u.name for u in db.session.scalars(
        select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    names = _names(dialogue.id)
    rows = []
    for entry in entries:
        if entry.actor_user_id:
            who = users.get(entry.actor_user_id, _("Okänd samordnare"))
        elif entry.actor_participant_id:
            who = names.get(entry.actor_participant_id, _("Deltagare"))
        else:
            who = _("Systemet")
        rows.append({"entry": entry, "who": who, "details": entry.details or {}})
    return {
        "dialogue": dialogue,
        "entries": rows,
        "items": {i.id: i.title for i in dialogue.agenda_items},
        "reflections": {r.id: r.title for r in dialogue.reflections},
    }


def new_projector_link(actor: Actor) -> str:
    """Make (or replace) the projector link's token; returns the token, shown once in a URL."""
    dialogue = require_facilitator(actor)
    meeting = meeting_for(dialogue.id)
    token = secrets.token_urlsafe(24)
    meeting.projector_token_hash = hash_token(token)
    audit.record("projector.link", dialogue=dialogue, user=actor.user)
    db.session.commit()
    broadcast.end_projector_sockets(dialogue.id)
    return token


def projector_dialogue(token: str | None) -> Dialogue:
    """The dialogue a projector token opens, or NotFound."""
    meeting = db.session.scalar(select(Meeting).where(
        Meeting.projector_token_hash == hash_token(token)))
    if meeting is None or not token:
        raise NotFound(_("Projektorlänken gäller inte. Be samordnaren om en ny."))
    return meeting.dialogue

