"""What a client draws its view from: the snapshot, with the sequence number it reflects.

The part that is the same for a whole audience (`_room`) is built once per seq and shared
(`roomcache`); names and the participant's own items are put in per snapshot."""

from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import String, bindparam, cast, func, literal_column, null, select, union_all
from sqlalchemy.orm import selectinload

from ..contributions.models import Contribution, ContributionStatus, Phase, Stance, Vote
from ..dialogues.models import AgendaItem, Dialogue
from ..errors import NotFound
from ..extensions import db
from ..followups.queries import public_items
from ..meetings.models import RESULTS_VIEWS, Meeting, used_seconds
from ..meetings.services import current_timing, open_poll, stances_visible_to_room
from ..participants.models import Participant
from ..participants.services import display_name_of, display_names
from . import presence, ratelimits, roomcache, split, tallies, views
from .actors import FACILITATOR, PARTICIPANT, Actor, require_facilitator


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


def _named_room(dialogue: Dialogue, audience: str) -> dict:
    """The room part for phones and projectors, its questions signed with their authors'
    names: built once per seq and shared (`roomcache`), so a rush of snapshots does not look
    up the same names for each. A name cached a moment too long errs on the safe side: a
    group only grows between builds (a removal is a deletion, which rebuilds), so a stale
    name shows less of its author, never more."""
    room = _room(dialogue, audience)
    names = _names(dialogue.id, {pid for _q, pid in room["questions"]})
    return {**room, "questions": _with_names(room["questions"], names)}


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
        "poll": views.poll_view(poll),
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
        seq = db.session.connection().execute(_seq_query(), {"id": dialogue_id}).scalar()
        if seq is None:
            raise NotFound(_("Dialogen finns inte."))
        room = roomcache.get(dialogue_id, seq)
        if room is None:
            dialogue = db.session.get(Dialogue, dialogue_id)
            if dialogue is None:
                raise NotFound(_("Dialogen finns inte."))
            room = roomcache.build(dialogue.id, dialogue.seq,
                                   lambda: _named_room(dialogue, actor.kind))
    me = actor.participant_id if actor.kind == PARTICIPANT else None
    if actor.kind == FACILITATOR:
        names = _author_names(dialogue.id)  # the queue shows every author (below)
        data = {**room, "audience": actor.kind,
                "questions": _with_names(room["questions"], names)}
    else:
        data = {**room, "audience": actor.kind}
    if me is not None:
        data.update(_own_part(me, display_name_of(me)))
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


@lru_cache(maxsize=1)
def _seq_query():
    table = Dialogue.__table__
    return select(table.c.seq).where(table.c.id == bindparam("id"))


@lru_cache(maxsize=1)
def _own_query():
    """The phone's votes, live stances and contributions' ids in one statement (SQLAlchemy
    Core, built once): a phone that just joined has none of them."""
    votes, stances, mine = Vote.__table__, Stance.__table__, Contribution.__table__
    pid = bindparam("pid")
    none = cast(null(), String)
    return union_all(
        select(literal_column("'v'"), votes.c.contribution_id, none)
        .where(votes.c.participant_id == pid),
        select(literal_column("'s'"), stances.c.reflection_id, cast(stances.c.value, String))
        .where(stances.c.participant_id == pid, stances.c.phase == Phase.LIVE),
        select(literal_column("'c'"), mine.c.id, none).where(mine.c.participant_id == pid),
    )


def _own_part(me: int, name: str) -> dict:
    """The participant's own part of a snapshot: who they are, what they wrote, voted and
    answered."""
    rows = db.session.connection().execute(_own_query(), {"pid": me}).all()
    part = {"me": {"id": me, "name": name}, "mine": [],
            "my_votes": [r[1] for r in rows if r[0] == "v"],
            "my_stances": {str(r[1]): r[2] for r in rows if r[0] == "s"}}
    if any(r[0] == "c" for r in rows):
        mine = db.session.scalars(
            select(Contribution).where(Contribution.participant_id == me)
            .order_by(Contribution.created_at, Contribution.id))
        part["mine"] = [views.contribution(c, name, private=True) for c in mine]
    return part


def _followups(dialogue_id: int) -> list[dict]:
    """The agreed follow-up items (agreed or later), compact; `change` type "followup" updates."""
    return public_items(dialogue_id)


def _board_filter(dialogue: Dialogue, tally: dict, audience: str) -> dict:
    if audience != FACILITATOR and not dialogue.show_board_results:
        return {**tally, "by_board": {}}
    return tally
