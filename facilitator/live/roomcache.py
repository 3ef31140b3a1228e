"""The room's part of a snapshot, built once and shared by every phone that joins.

A join storm is hundreds of snapshots a second of the same meeting; the room's part
(dialogue, agenda, reflections, public questions with their votes, visible tallies) is the
same for all of them. It is cached per app and dialogue and reused while

- the dialogue's `seq` is unchanged (read from the database at every snapshot, so a change
  made by another process is seen at once),
- no commit of this process touched anything a snapshot shows since it was built (votes and
  stances take no seq: this process's own are seen at once), and
- it is younger than `LIVE_SNAPSHOT_CACHE_SECONDS` (votes and stances stored by another
  process show after at most that long; their `tally` broadcasts reach the phones anyway).

The questions' author names are part of it (one lookup per build, not per snapshot). They
depend on who has joined, which changes no seq, so they may be up to the age above behind:
a group only grows meanwhile (a removal is a deletion and rebuilds), so a late name shows
less of its author than it may, never more. A phone's own name is looked up per snapshot.
"""

import itertools
import threading
import time
import weakref

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

#: Default seconds a room part may be reused (the setting `LIVE_SNAPSHOT_CACHE_SECONDS`).
DEFAULT_SECONDS = 1.0

#: Tables whose rows no snapshot's room part shows: writing them keeps the cache (a join
#: writes a participant, every event may write an audit entry or touch a login).
_IGNORED = frozenset({"participants", "audit_entries", "login_sessions", "users",
                      "api_tokens"})

#: The builds under way, by (app, dialogue id, seq).
_building: dict[tuple, "_Flight"] = {}
#: How long a snapshot waits for another's build before building its own.
_WAIT_SECONDS = 2.0

_counter = itertools.count(1)
_generation = 0
_caches: "weakref.WeakKeyDictionary[Flask, dict]" = weakref.WeakKeyDictionary()


def _touches_room(table_name: str | None) -> bool:
    return table_name not in _IGNORED


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context) -> None:
    if session.info.get("room_changed"):
        return
    # Any deletion counts (a removed participant takes their questions along).
    if session.deleted:
        session.info["room_changed"] = True
        return
    for obj in itertools.chain(session.new, session.dirty):
        table = getattr(obj, "__table__", None)
        if _touches_room(getattr(table, "name", None)):
            session.info["room_changed"] = True
            return


@event.listens_for(Session, "do_orm_execute")
def _bulk_write(state) -> None:
    # `update()`/`delete()` statements (the seq, taking a vote back) bypass the flush.
    if state.is_update or state.is_delete or state.is_insert:
        mapper = state.bind_mapper
        table = getattr(mapper, "local_table", None) if mapper is not None else None
        if table is None or _touches_room(getattr(table, "name", None)):
            state.session.info["room_changed"] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    if session.info.pop("room_changed", False):
        invalidate()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop("room_changed", None)


def invalidate() -> None:
    """Forget every cached room part of this process."""
    global _generation
    _generation = next(_counter)


def _seconds() -> float:
    return float(current_app.config.get("LIVE_SNAPSHOT_CACHE_SECONDS", DEFAULT_SECONDS))


def get(dialogue_id: int, seq: int):
    """The cached room part for this dialogue at this seq, or None."""
    seconds = _seconds()
    if seconds <= 0:
        return None
    entry = _caches.get(current_app._get_current_object(), {}).get(dialogue_id)
    if entry is None:
        return None
    entry_seq, generation, built_at, room = entry
    if entry_seq != seq or generation != _generation or time.monotonic() - built_at > seconds:
        return None
    return room


class _Flight:
    """A build under way, and what it built."""

    def __init__(self):
        self.done = threading.Event()
        self.room = None


def build(dialogue_id: int, seq: int, make):
    """Build the room part with `make()` and keep it (unless something changed meanwhile).

    One build at a time per dialogue and seq: after a restart hundreds of phones ask for a
    snapshot at once, and each building its own would hold a pooled connection and the CPU
    for the same result. The others wait for the first build (a greenlet under gevent) and
    take what it built, as if they had asked a moment earlier: changes with a later seq
    reach them as changes, and votes as absolute tallies."""
    if _seconds() <= 0:
        return make()
    app = current_app._get_current_object()
    key = (app, dialogue_id, seq)
    flight = _building.get(key)
    if flight is not None:
        flight.done.wait(_WAIT_SECONDS)
        return flight.room if flight.room is not None else make()
    flight = _building[key] = _Flight()
    try:
        generation, built_at = _generation, time.monotonic()
        flight.room = make()
        # Stored with the generation seen before building: a commit during the build makes
        # the next snapshot build again rather than trust what may predate it.
        _caches.setdefault(app, {})[dialogue_id] = (seq, generation, built_at, flight.room)
        return flight.room
    finally:
        del _building[key]
        flight.done.set()
