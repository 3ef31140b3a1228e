"""Changes leave this process in seq order, per dialogue.

A transaction takes the dialogue's next seq under the row's lock, so the numbers are stored in
order; but the emits after the commits race (greenlets resume in any order, and an emit to a
large room yields halfway). So the unit of work does not emit a `change` itself: it hands it
here (`deliver`), and a dialogue's changes go out one at a time, lowest seq first. A change
waits while a transaction of this process still holds a lower seq of the same dialogue (taken,
not yet committed or rolled back: `taken`); it never waits for another process — the clients'
short reorder window (`static/js/live-core.js`) covers the order between processes. A seq
taken by a transaction that rolls back is released, and the number is taken again by the
next one.
"""

import heapq
import threading
import weakref

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

_TAKEN = "live_taken_seqs"
_lock = threading.Lock()


class _Dialogue:
    """One dialogue's changes in this process: seqs still held by open transactions, changes
    committed and waiting for their turn, and whether one emitter is at work."""

    __slots__ = ("held", "ready", "emitting")

    def __init__(self):
        self.held: set[int] = set()
        self.ready: list = []  # heap of (seq, tie-breaker, message, emit)
        self.emitting = False


_state: "weakref.WeakKeyDictionary[Flask, dict[int, _Dialogue]]" = weakref.WeakKeyDictionary()


def _dialogues(app: Flask) -> dict[int, _Dialogue]:
    found = _state.get(app)
    if found is None:
        found = _state[app] = {}
    return found


def taken(session: Session, dialogue_id: int, seq: int) -> None:
    """`session`'s transaction took `seq`: later changes of the dialogue wait for it."""
    app = current_app._get_current_object()
    with _lock:
        _dialogues(app).setdefault(dialogue_id, _Dialogue()).held.add(seq)
    session.info.setdefault(_TAKEN, []).append((app, dialogue_id, seq))


def deliver(dialogue_id: int, seq: int, message: dict, emit) -> None:
    """A committed change: emit it (`emit(dialogue_id, message)`) in seq order."""
    app = current_app._get_current_object()
    with _lock:
        state = _dialogues(app).setdefault(dialogue_id, _Dialogue())
        state.held.discard(seq)
        heapq.heappush(state.ready, (seq, id(message), message, emit))
    _drain(app, dialogue_id)


def _release(app: Flask, dialogue_id: int, seq: int) -> None:
    """A seq whose transaction ended without delivering it (rolled back): nothing waits."""
    with _lock:
        state = _dialogues(app).get(dialogue_id)
        if state is None or seq not in state.held:
            return
        state.held.discard(seq)
    _drain(app, dialogue_id)


def _drain(app: Flask, dialogue_id: int) -> None:
    """Emit the ready changes that no held seq precedes, lowest first; one emitter per
    dialogue at a time (another caller leaves its change to the one at work)."""
    while True:
        with _lock:
            state = _dialogues(app).get(dialogue_id)
            if state is None or state.emitting or not state.ready:
                return
            seq = state.ready[0][0]
            if state.held and min(state.held) < seq:
                return  # its predecessor is still being committed here: it will drain
            _seq, _id, message, emit = heapq.heappop(state.ready)
            state.emitting = True
        try:
            emit(dialogue_id, message)
        except Exception:  # stored already: a lost hint is a gap the clients resync from
            app.logger.exception("sending change %s of dialogue %s failed", seq, dialogue_id)
        finally:
            with _lock:
                state.emitting = False
                if not state.ready and not state.held:
                    _dialogues(app).pop(dialogue_id, None)


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session, transaction):
    # Committed seqs were delivered by the outbox (after_commit comes first); what is left
    # was rolled back or never committed, and must not hold the dialogue's later changes.
    if transaction.parent is not None:
        return
    for app, dialogue_id, seq in session.info.pop(_TAKEN, None) or ():
        _release(app, dialogue_id, seq)


def pending(dialogue_id: int) -> tuple[int, int]:
    """(seqs held, changes waiting) for a dialogue in this process (tests, metrics)."""
    with _lock:
        state = _dialogues(current_app._get_current_object()).get(dialogue_id)
        return (len(state.held), len(state.ready)) if state else (0, 0)
