"""A dialogue's changes leave the process in seq order, whatever order their transactions'
commits finish in; a seq whose transaction rolls back holds nothing up."""

from types import SimpleNamespace

from sqlalchemy import select

from facilitator.dialogues.models import Dialogue
from facilitator.extensions import db
from facilitator.live import broadcast, ordering


def _session():
    return SimpleNamespace(info={})


def test_a_change_whose_predecessor_is_still_committing_waits_for_it(app):
    sent = []

    def emit(dialogue_id, message):
        sent.append(message["seq"])

    first, second, third = _session(), _session(), _session()
    ordering.taken(first, 7, 91)
    ordering.taken(second, 7, 92)
    ordering.taken(third, 7, 93)
    # The later commits finish first (greenlets resume in any order).
    ordering.deliver(7, 93, {"seq": 93}, emit)
    ordering.deliver(7, 92, {"seq": 92}, emit)
    assert sent == []
    assert ordering.pending(7) == (1, 2)
    ordering.deliver(7, 91, {"seq": 91}, emit)
    assert sent == [91, 92, 93]
    assert ordering.pending(7) == (0, 0)


def test_other_dialogues_do_not_wait(app):
    sent = []
    ordering.taken(_session(), 1, 10)
    ordering.deliver(2, 5, {"seq": 5}, lambda d, m: sent.append((d, m["seq"])))
    assert sent == [(2, 5)]
    ordering._release(app, 1, 10)


def test_a_rolled_back_seq_lets_the_next_change_go(app, make_user):
    from helpers_dialogues import make_dialogue

    dialogue = make_dialogue(make_user())
    sent = []
    db.session.execute(select(Dialogue.id))  # a transaction is open, as in every action
    held = broadcast.next_seq(dialogue.id)
    ordering.taken(db.session(), dialogue.id, held)
    later = _session()
    ordering.taken(later, dialogue.id, held + 1)
    ordering.deliver(dialogue.id, held + 1, {"seq": held + 1},
                     lambda d, m: sent.append(m["seq"]))
    assert sent == []  # waits for the open transaction's seq
    db.session.rollback()
    assert sent == [held + 1]
    assert ordering.pending(dialogue.id) == (0, 0)


def test_a_committed_action_sends_its_changes_in_seq_order(app, make_user, monkeypatch):
    from helpers_dialogues import make_dialogue

    dialogue = make_dialogue(make_user())
    sent = []
    monkeypatch.setattr(broadcast, "_emit_change", lambda d, m: sent.append(m["seq"]))
    def stored_seq():  # read from the row, not the loaded object
        return db.session.scalar(select(Dialogue.seq).where(Dialogue.id == dialogue.id))

    before = stored_seq()
    for _ in range(3):
        broadcast.change(dialogue.id, "content", {})
    assert sent == [] and stored_seq() == before  # nothing, and no seq, before the commit
    db.session.commit()
    assert sent == [before + 1, before + 2, before + 3]  # numbered as the action commits
    assert stored_seq() == before + 3
    assert ordering.pending(dialogue.id) == (0, 0)


def test_a_failed_emit_does_not_hold_up_the_next_change(app):
    sent = []

    def emit(dialogue_id, message):
        if message["seq"] == 1:
            raise OSError("the queue is down")
        sent.append(message["seq"])

    ordering.taken(_session(), 3, 1)
    ordering.taken(_session(), 3, 2)
    ordering.deliver(3, 2, {"seq": 2}, emit)
    ordering.deliver(3, 1, {"seq": 1}, emit)
    assert sent == [2] and ordering.pending(3) == (0, 0)
