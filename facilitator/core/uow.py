"""The unit of work: one action is one transaction, and what it tells is sent after its commit.

Services change the model and flush; what the action must tell others (a `change` for the
room, a queue item for facilitators, an author's own-item notice, a tally to recount) they
record here, in an outbox kept in the session's `info`. The entry point — a route, the socket
event wrapper in `live/events.py`, an API view, a CLI command — commits once (`commit()`).
SQLAlchemy's `after_commit` event then sends what was recorded, in the order it was recorded;
a rollback drops it, so nobody hears of a change that was not stored.
"""

from collections.abc import Callable
from functools import wraps

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

_OUTBOX = "uow_outbox"
_UNDO = "uow_undo"


def record(send: Callable, *args, **kwargs) -> None:
    """Send `send(*args, **kwargs)` once the current transaction is committed; never if it is
    rolled back. Arguments are plain data built now (after the commit the rows are expired)."""
    db.session.info.setdefault(_OUTBOX, []).append((send, args, kwargs))


def on_rollback(undo: Callable, *args) -> None:
    """Call `undo(*args)` if the current transaction ends without a commit (a rollback, an
    error, a request that never committed): what the action did outside the database, such
    as a stored file, goes with it."""
    db.session.info.setdefault(_UNDO, []).append((undo, args))


def pending() -> int:
    """How many messages wait for the commit (for tests and logs)."""
    return len(db.session.info.get(_OUTBOX, ()))


def commit(expire: bool = True) -> None:
    """The entry point's one commit: stores the action, then sends its outbox. `expire=False`
    when the session ends right after (a socket event): nothing is read back, so the loaded
    rows need not be expired."""
    session = db.session()
    if expire:
        session.commit()
        return
    before, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = before


def commits(view: Callable) -> Callable:
    """A view that is one action and lets every refusal raise: it commits once when it
    returns (a review link's page, whose visit is recorded on the link; a phone's page, whose
    visit is recorded on the participant). A raised error commits nothing."""
    @wraps(view)
    def committed(*args, **kwargs):
        result = view(*args, **kwargs)
        commit(expire=False)
        return result

    return committed


def rollback() -> None:
    """Undo the action: nothing it recorded is sent (also what was recorded before the
    transaction wrote anything)."""
    db.session.rollback()
    db.session.info.pop(_OUTBOX, None)


@event.listens_for(Session, "after_commit")
def _send_outbox(session):
    session.info.pop(_UNDO, None)
    outbox = session.info.pop(_OUTBOX, None)
    for send, args, kwargs in outbox or ():
        try:
            send(*args, **kwargs)
        except Exception:  # the action is stored: a lost hint is caught by the clients' seq
            if has_app_context():
                current_app.logger.exception("sending %s after the commit failed",
                                             getattr(send, "__name__", send))


@event.listens_for(Session, "after_soft_rollback")
def _drop_outbox(session, previous_transaction):
    # A savepoint rolled back leaves the outer transaction (and its messages) standing.
    if not previous_transaction.nested:
        session.info.pop(_OUTBOX, None)


@event.listens_for(Session, "after_transaction_end")
def _undo(session, transaction):
    # After a commit the list is gone already; otherwise the outer transaction ended unstored.
    if transaction.parent is None and not transaction.nested:
        for undo, args in session.info.pop(_UNDO, None) or ():
            undo(*args)
