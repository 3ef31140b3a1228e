"""The features' signals reach the room only through live/ and only once stored: each signal
has live/'s receiver, which records the message on the unit of work; a rollback drops it."""

from blinker import NamedSignal
from helpers_dialogues import make_dialogue, reflection_payload

from facilitator.core import signals, uow
from facilitator.dialogues.models import Dialogue, DialogueStatus
from facilitator.extensions import db


def test_every_signal_has_lives_receiver(app):
    named = [s for s in vars(signals).values() if isinstance(s, NamedSignal)]
    assert len(named) >= 6
    for signal in named:
        assert signal.receivers, f"nobody turns {signal.name} into the room's messages"


def test_a_signal_is_told_after_the_commit_and_never_after_a_rollback(app, make_user):
    from facilitator.dialogues import services

    anna = make_user()
    dialogue = make_dialogue(anna)
    services.create_reflection(anna, dialogue.id, reflection_payload())
    services.transition(anna, dialogue.id, DialogueStatus.PUBLISHED)
    uow.commit()
    seq = db.session.get(Dialogue, dialogue.id).seq

    signals.dialogue_content_changed.send(db.session.get(Dialogue, dialogue.id))
    assert uow.pending() == 1  # recorded, with the next seq taken in this transaction
    uow.rollback()
    assert uow.pending() == 0
    assert db.session.get(Dialogue, dialogue.id).seq == seq  # the seq went with it
