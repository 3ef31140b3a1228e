"""Pseudonymous display names: what the room calls a participant ("Deltagare 7", or the name
given, by the dialogue's setting), read in bulk for snapshots and pages."""

from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, event, func, inspect, select
from sqlalchemy.orm import Session

from ..dialogues.models import Dialogue, ParticipationMode
from ..extensions import db
from ..organizations.models import Organization
from .models import ROLE_LABELS, Participant, Role


def role_label(role) -> str:
    try:
        return str(ROLE_LABELS[Role(role)])
    except ValueError:
        return str(role)


def _names(named: bool, rows, counts: dict | None = None) -> dict[int, str]:
    """rows: (participant id, organization id, board short name, role, name, name_flagged).

    `named`: the dialogue shows names (`ParticipationMode.NAMED`).
    `counts`: participants per (organization id, role) in the whole dialogue; counted from
    `rows` when not given (then `rows` must be every participant)."""
    if counts is None:
        counts = {}
        for _pid, org_id, _short, role, _name, _flagged in rows:
            counts[(org_id, role)] = counts.get((org_id, role), 0) + 1
    result = {}
    labels: dict[Role, str] = {}  # translating once per role, not once per participant
    for pid, org_id, short, role, name, flagged in rows:
        role = Role(role)
        if org_id is None and role == Role.IVO:
            group, pseudonym = "IVO", "IVO"
        else:
            group = short if org_id is not None else _("Övriga")
            # A role that only one person of this board has would single them out.
            if counts.get((org_id, role), 0) > 1:
                if role not in labels:
                    labels[role] = role_label(role)
                pseudonym = f"{group} · {labels[role]}"
            else:
                pseudonym = group
        if named and name and not flagged:
            result[pid] = f"{name} · {group}"
        else:
            result[pid] = pseudonym
    return result


def _rows(dialogue_id: int):
    return db.session.execute(
        select(
            Participant.id, Participant.organization_id, Organization.short_name,
            Participant.role, Participant.name, Participant.name_flagged,
        )
        .outerjoin(Organization, Organization.id == Participant.organization_id)
        .where(Participant.dialogue_id == dialogue_id)
    ).all()


@lru_cache(maxsize=2)
def _some_rows_query(by_ids: bool):
    """The statement of `_some_rows`, built once: building it (an alias, a subquery) costs
    more than running it. Picks `pid`, or `ids` of dialogue `dialogue_id`."""
    peer = Participant.__table__.alias("peer")
    group_size = (
        select(func.count()).select_from(peer)
        .where(peer.c.dialogue_id == Participant.dialogue_id, peer.c.role == Participant.role,
               peer.c.organization_id.is_not_distinct_from(Participant.organization_id))
        .scalar_subquery()
    )
    if by_ids:
        where = (Participant.dialogue_id == bindparam("dialogue_id")) \
            & Participant.id.in_(bindparam("ids", expanding=True))
    else:
        where = Participant.id == bindparam("pid")
    return (
        select(
            Participant.id, Participant.organization_id, Organization.short_name,
            Participant.role, Participant.name, Participant.name_flagged,
            Dialogue.participation_mode, group_size,
        )
        .join(Dialogue, Dialogue.id == Participant.dialogue_id)
        .outerjoin(Organization, Organization.id == Participant.organization_id)
        .where(where)
    )


def _some_rows(**params) -> tuple[bool, list, dict]:
    """The rows of some participants, their dialogue's mode and the size of each one's
    (board, role) group, in one statement: a join needs one name in a room of thousands,
    and a statement costs more than the counting."""
    rows = db.session.execute(_some_rows_query("ids" in params), params).all()
    named = bool(rows) and rows[0][6] == ParticipationMode.NAMED
    counts = {(r[1], r[3]): r[7] for r in rows}
    return named, [tuple(r[:6]) for r in rows], counts


def display_names(dialogue_id: int, participant_ids=None) -> dict[int, str]:
    """Display names in a dialogue: everyone's (for lists), or only those of
    `participant_ids` (a meeting of thousands needs a few names, not all)."""
    if participant_ids is None:
        dialogue = db.session.get(Dialogue, dialogue_id)
        if dialogue is None:
            return {}
        return _names(dialogue.participation_mode == ParticipationMode.NAMED,
                      _rows(dialogue_id))
    ids = {pid for pid in participant_ids if pid is not None}
    if not ids:
        return {}
    named, rows, counts = _some_rows(dialogue_id=dialogue_id, ids=list(ids))
    return _names(named, rows, counts)


def display_name(participant: Participant) -> str:
    """"Gnesta · Socialsekreterare", "Gnesta" where the role would single one person out,
    "IVO" for IVO staff without a board; the name only in named dialogues and never a
    flagged one."""
    # The id from the identity key: a participant just committed is not read back first.
    identity = inspect(participant).identity
    return display_name_of(identity[0] if identity else participant.id)


#: `session.info` key of the names looked up since the session last wrote or ended.
_MEMO = "display_names"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_names(session, *_args) -> None:
    # A write (a join, a new name) may change a name; so may another process's, seen after
    # this transaction ends.
    session.info.pop(_MEMO, None)


def display_name_of(pid: int) -> str:
    """As `display_name`, by the participant's id. Looked up once while nothing is written:
    a submission names its author to the room, the console and the answer."""
    memo = db.session.info.setdefault(_MEMO, {})
    if pid not in memo:
        named, rows, counts = _some_rows(pid=pid)
        memo[pid] = _names(named, rows, counts).get(pid, _("Deltagare"))
    return memo[pid]
