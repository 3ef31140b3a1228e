"""Who is connected now: the phones in each meeting, by board and by role, for the console.

Each process knows its own sockets. Alone (the SQLite default) that is the whole count. With
several processes joined by Redis, each process writes its phones into one Redis hash per
dialogue (a field per process) and keeps a heartbeat key alive; whoever counts sums the
fields of the processes whose heartbeat is alive, so the phones of a process that died drop
out when its heartbeat expires. Changes are coalesced: at most two counts a second per
meeting, sent to the facilitators' room (through the message queue, so a console on any
process hears them) with a version that only grows, so a late message never wins.

A group of fewer than `MIN_GROUP_SIZE` phones is never sent on its own, nor one that could be
worked out from the groups shown (`core/groups.protect_cells`, the rule every result follows).
"""

import json
import threading
import time
import uuid
import weakref

import redis
from flask import Flask, current_app
from sqlalchemy import func, select

from ..core import groups, redisclient
from ..extensions import db, socketio
from ..organizations.models import Organization
from ..participants.models import Participant
from . import background
from .broadcast import NAMESPACE, room_facilitators

#: Seconds between flushes of the meetings whose phones changed.
INTERVAL = 0.5
#: Seconds between heartbeats, and how long a silent process's phones still count.
HEARTBEAT = 5.0
ALIVE_FOR = 15
#: How long a dialogue's presence keys live in Redis after their last change.
KEY_TTL = 24 * 3600

_lock = threading.Lock()


class _State:
    """This process's sockets, per app (tests build many apps in one process)."""

    def __init__(self):
        self.process = uuid.uuid4().hex
        self.sockets: dict[str, tuple[int, int | None]] = {}  # sid -> (dialogue, participant)
        # dialogue -> participant -> [organization id, role, sockets]
        self.people: dict[int, dict[int, list]] = {}
        self.consoles: dict[str, int] = {}  # sid -> dialogue, of facilitators' consoles
        self.dirty: set[int] = set()
        self.versions: dict[int, int] = {}  # alone: the version of each dialogue's count
        self.sent: dict[int, str] = {}  # the last count sent per dialogue, to skip repeats
        self.redis = None
        self.redis_checked = False
        self.last_beat = 0.0


_states: "weakref.WeakKeyDictionary[Flask, _State]" = weakref.WeakKeyDictionary()


def _state(app: Flask | None = None) -> _State:
    app = app or current_app._get_current_object()
    state = _states.get(app)
    if state is None:
        state = _states[app] = _State()
    return state


def _redis(state: _State):
    """The Redis that joins the processes, or None when this process is alone."""
    if not state.redis_checked:
        state.redis_checked = True
        url = current_app.config.get("SOCKETIO_MESSAGE_QUEUE") or ""
        if url.startswith(("redis://", "rediss://", "unix://")):
            state.redis = redis.Redis.from_url(
                url, decode_responses=True, **redisclient.client_options(current_app.config))
    return state.redis


def _prefix() -> str:
    # The message queue's channel names the cluster: processes that share it share presence.
    return f"{current_app.config.get('SOCKETIO_CHANNEL') or 'flask-socketio'}:presence"


def _keys(dialogue_id: int) -> tuple[str, str]:
    base = f"{_prefix()}:d{dialogue_id}"
    return base, base + ":v"


def _alive_key(process: str) -> str:
    return f"{_prefix()}:alive:{process}"


# --- what the socket handlers tell -----------------------------------------------------


def phone_joined(sid: str, dialogue_id: int, participant_id: int,
                 organization_id: int | None, role: str) -> None:
    """A participant's socket connected (a person with two tabs counts once)."""
    with _lock:
        state = _state()
        state.sockets[sid] = (dialogue_id, participant_id)
        person = state.people.setdefault(dialogue_id, {}).setdefault(
            participant_id, [organization_id, role, 0])
        person[0], person[1] = organization_id, role
        person[2] += 1
        state.dirty.add(dialogue_id)


def console_joined(sid: str, dialogue_id: int) -> None:
    """A facilitator's console connected: this process keeps its count fresh."""
    with _lock:
        _state().consoles[sid] = dialogue_id


def left(sid: str) -> None:
    """A socket disconnected, whatever it was."""
    with _lock:
        state = _state()
        state.consoles.pop(sid, None)
        found = state.sockets.pop(sid, None)
        if found is None:
            return
        dialogue_id, participant_id = found
        people = state.people.get(dialogue_id, {})
        person = people.get(participant_id)
        if person is not None:
            person[2] -= 1
            if person[2] <= 0:
                del people[participant_id]
        if not people:
            state.people.pop(dialogue_id, None)
        state.dirty.add(dialogue_id)


# --- counting --------------------------------------------------------------------------


def summary(dialogue_id: int, people: dict, version: int) -> dict:
    """The count the console shows: the total, and by board and by role what the small-group
    rule lets through, and how many have joined the dialogue at all.
    `people`: participant id -> (organization id, role)."""
    limit = groups.min_group_size()
    # Counts per (board, role) cell, the board as a string key ("-": no board).
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for org_id, role in people.values():
        cell = cells.setdefault(("-" if org_id is None else str(org_id), role), {"n": 0})
        cell["n"] += 1
    by_role, by_board = groups.protect_cells(cells, limit=limit)
    ids = [int(k) for k in by_board.groups if k not in (groups.OTHER, "-")]
    names = dict(db.session.execute(
        select(Organization.id, Organization.short_name).where(Organization.id.in_(ids))
    ).all()) if ids else {}

    def shown(breakdown, key):
        return sorted(((k, c["n"]) for k, c in breakdown.groups.items() if k != groups.OTHER),
                      key=lambda kv: key(kv[0]))

    boards = shown(by_board, lambda k: groups.board_sort_key(names.get(int(k), "")
                                                            if k != "-" else "~"))
    joined = db.session.scalar(select(func.count()).select_from(Participant)
                               .where(Participant.dialogue_id == dialogue_id))
    return {
        "v": version,
        "total": len(people),
        "joined": joined,
        "min_group": limit,
        # A board's short name; null: no board (IVO and others).
        "by_board": [{"board": names.get(int(k)) if k != "-" else None, "n": n}
                     for k, n in boards],
        "other_boards": by_board.groups.get(groups.OTHER, {}).get("n", 0),
        "by_role": [{"role": k, "n": n} for k, n in shown(by_role, groups.role_sort_key)],
        "other_roles": by_role.groups.get(groups.OTHER, {}).get("n", 0),
    }


def _local(state: _State, dialogue_id: int) -> dict:
    return {pid: (p[0], p[1]) for pid, p in state.people.get(dialogue_id, {}).items()}


def _count(state: _State, dialogue_id: int, write: bool) -> tuple[dict, int]:
    """Everyone connected to the dialogue on every live process, and the count's version."""
    client = _redis(state)
    if client is None:
        with _lock:
            if write:
                state.versions[dialogue_id] = state.versions.get(dialogue_id, 0) + 1
            return _local(state, dialogue_id), state.versions.get(dialogue_id, 0)
    key, vkey = _keys(dialogue_id)
    with _lock:
        mine = _local(state, dialogue_id)
    pipe = client.pipeline(transaction=True)
    if write:
        if mine:
            pipe.hset(key, state.process, json.dumps({str(k): v for k, v in mine.items()}))
        else:
            pipe.hdel(key, state.process)
        pipe.expire(key, KEY_TTL)
        pipe.incr(vkey)
        pipe.expire(vkey, KEY_TTL)
    else:
        pipe.get(vkey)
    pipe.hgetall(key)
    answers = pipe.execute()
    version, fields = int(answers[-3 if write else -2] or 0), answers[-1]
    processes = list(fields)
    alive = client.mget([_alive_key(p) for p in processes]) if processes else []
    people: dict = {}
    dead = []
    for process, is_alive in zip(processes, alive, strict=True):
        if process != state.process and is_alive is None:
            dead.append(process)
            continue
        for pid, (org_id, role) in json.loads(fields[process]).items():
            people[int(pid)] = (org_id, role)  # on two processes (two tabs): counted once
    if dead:
        client.hdel(key, *dead)  # a process that stopped beating: its phones are gone
    return people, version


def current(dialogue_id: int) -> dict:
    """The dialogue's count now, for the console's snapshot."""
    state = _state()
    try:
        people, version = _count(state, dialogue_id, write=False)
    except Exception:  # Redis away: the console still opens, with this process's phones
        current_app.logger.warning("presence: Redis unreachable, counting this process only")
        with _lock:
            people, version = _local(state, dialogue_id), 0
    return summary(dialogue_id, people, version)


def flush() -> None:
    """Send the new counts of the meetings whose phones changed since the last flush; and,
    every heartbeat, recount the meetings this process has consoles for (a process that
    died takes its phones with it)."""
    state = _state()
    now = time.monotonic()
    with _lock:
        dirty = set(state.dirty)
        state.dirty.clear()
        watched = set(state.consoles.values())
    recheck = set()
    client = _redis(state)
    if client is not None and now - state.last_beat >= HEARTBEAT:
        client.set(_alive_key(state.process), "1", ex=ALIVE_FOR)
        state.last_beat = now
        recheck = watched - dirty
    for dialogue_id, write in [(d, True) for d in dirty] + [(d, False) for d in recheck]:
        try:
            people, version = _count(state, dialogue_id, write)
        except Exception:
            if write:  # counted again at the next flush
                with _lock:
                    state.dirty.add(dialogue_id)
            raise
        data = summary(dialogue_id, people, version)
        sent = json.dumps({k: v for k, v in data.items() if k != "v"}, sort_keys=True)
        if not write and state.sent.get(dialogue_id) == sent:
            continue
        state.sent[dialogue_id] = sent
        socketio.emit("presence", data, to=room_facilitators(dialogue_id), namespace=NAMESPACE)
    db.session.remove()


def start(app: Flask) -> None:
    """Start the flusher once per app (a gevent greenlet or a thread)."""
    background.start_once(app, INTERVAL, flush, "presence")
