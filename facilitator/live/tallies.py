"""Vote counts and stance tallies, coalesced per meeting: a few updates a second at most,
one query per meeting and flush, never one per phone."""

import threading
import weakref

from flask import Flask, current_app
from sqlalchemy import func, select

from ..contributions.models import Stance, Vote
from ..core import groups
from ..core.metrics import timed_broadcast
from ..dialogues.models import Dialogue
from ..extensions import db, socketio
from ..meetings.services import stances_visible_to_room
from ..organizations.models import Organization
from ..participants.models import Participant
from . import background
from .broadcast import NAMESPACE, room_all, room_audience, room_facilitators

#: Seconds between flushes of a meeting's dirty counts.
INTERVAL = 0.25

_lock = threading.Lock()


class _Dirty:
    """What changed since the last flush, per app: one app per process in production, but
    tests build many, and one app's flusher must not take (or send) another's counts."""

    def __init__(self):
        self.votes: dict[int, set[int]] = {}
        self.stances: dict[int, set[int]] = {}


_state: "weakref.WeakKeyDictionary[Flask, _Dirty]" = weakref.WeakKeyDictionary()


def _dirty(app: Flask | None = None) -> _Dirty:
    app = app or current_app._get_current_object()
    state = _state.get(app)
    if state is None:
        state = _state[app] = _Dirty()
    return state


def vote_counts(question_ids) -> dict[int, int]:
    """Votes per question, in one query."""
    ids = list(question_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Vote.contribution_id, func.count()).where(Vote.contribution_id.in_(ids))
        .group_by(Vote.contribution_id)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({cid: n for cid, n in rows})
    return counts


def stance_tally(dialogue_id: int, reflection_id: int, phase: str) -> dict:
    """Stances on one reflection: in total ("Alla"), and by role group and by board with the
    small-group rule applied (`core/groups.py`): no group below the limit is in it."""
    rows = db.session.execute(
        select(Stance.value, Participant.role, Organization.short_name)
        .join(Participant, Participant.id == Stance.participant_id)
        .outerjoin(Organization, Organization.id == Participant.organization_id)
        .where(Stance.dialogue_id == dialogue_id, Stance.reflection_id == reflection_id,
               Stance.phase == phase)
    ).all()
    total: dict[str, int] = {}
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for value, role, board in rows:
        v = str(value)
        total[v] = total.get(v, 0) + 1
        cell = cells.setdefault((board or "IVO", str(role)), {})
        cell[v] = cell.get(v, 0) + 1
    limit = groups.min_group_size()
    by_role, by_board = groups.protect_cells(cells, limit)
    return {"reflection_id": reflection_id, "phase": phase, "n": len(rows), "total": total,
            "by_role": by_role.groups, "by_board": by_board.groups,
            "min_group_size": limit,
            "withheld": {"by_role": by_role.withheld, "by_board": by_board.withheld}}


def _board_results_shown(dialogue_id: int) -> bool:
    return bool(db.session.scalar(select(Dialogue.show_board_results)
                                  .where(Dialogue.id == dialogue_id)))


def mark_votes(dialogue_id: int, question_id: int) -> None:
    with _lock:
        _dirty().votes.setdefault(dialogue_id, set()).add(question_id)


def mark_stances(dialogue_id: int, reflection_id: int) -> None:
    with _lock:
        _dirty().stances.setdefault(dialogue_id, set()).add(reflection_id)


def flush() -> None:
    """Send what changed since the last flush: one emit per meeting and kind."""
    with _lock:
        dirty = _dirty()
        votes = {d: ids for d, ids in dirty.votes.items() if ids}
        stances = {d: ids for d, ids in dirty.stances.items() if ids}
        dirty.votes.clear()
        dirty.stances.clear()
    for dialogue_id, ids in votes.items():
        counts = vote_counts(ids)
        with timed_broadcast("tally"):
            socketio.emit("tally", {"votes": {str(k): v for k, v in counts.items()}},
                          to=room_all(dialogue_id), namespace=NAMESPACE)
    for dialogue_id, reflection_ids in stances.items():
        for reflection_id in reflection_ids:
            tally = stance_tally(dialogue_id, reflection_id, "live")
            public = stances_visible_to_room(dialogue_id, reflection_id)
            if public and not _board_results_shown(dialogue_id):
                # Facilitators see the boards; the phones and the projector are not sent them.
                sends = [(room_facilitators(dialogue_id), tally),
                         (room_audience(dialogue_id), {**tally, "by_board": {}})]
            else:
                sends = [(room_all(dialogue_id) if public else room_facilitators(dialogue_id),
                          tally)]
            for to, data in sends:
                with timed_broadcast("tally"):
                    socketio.emit("tally", {"stances": data}, to=to, namespace=NAMESPACE)
    db.session.remove()


def start(app: Flask) -> None:
    """Start the flusher once per app, so once per process (gevent greenlet or thread)."""
    background.start_once(app, INTERVAL, flush, "tally")
