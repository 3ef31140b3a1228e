"""Pseudonymous display names: "board · role", the role left out where it singles one out."""

import factories as make
from helpers_participants import make_dialogue
from sqlalchemy import event

from facilitator.core import uow
from facilitator.extensions import db
from facilitator.participants import services
from facilitator.participants.models import Role


def _add(dialogue, board, role, name=""):
    """A phone joins through the service (the factory commits)."""
    org = next((o for o in dialogue.organizations if o.short_name == board), None)
    participant = make.join(dialogue, org.id if org else None, Role(role), name)
    uow.commit()
    return participant


def test_one_with_a_role_in_a_board_is_shown_without_the_role(app):
    dialogue = make_dialogue()
    alone = _add(dialogue, "Gnesta", "politiker")
    assert services.display_name(alone) == "Gnesta"


def test_two_with_the_same_role_in_a_board_are_shown_with_the_role(app):
    dialogue = make_dialogue()
    first = _add(dialogue, "Gnesta", "socialsekreterare")
    second = _add(dialogue, "Gnesta", "socialsekreterare")
    other_board = _add(dialogue, "Nykvarn", "socialsekreterare")
    assert services.display_name(first) == "Gnesta · Socialsekreterare"
    assert services.display_name(second) == "Gnesta · Socialsekreterare"
    # The same role in another board does not count.
    assert services.display_name(other_board) == "Nykvarn"


def test_ivo_staff_without_a_board_are_ivo(app):
    dialogue = make_dialogue()
    ivo = _add(dialogue, None, "ivo")
    _add(dialogue, None, "ivo")
    assert services.display_name(ivo) == "IVO"


def test_names_are_not_shown_in_a_pseudonymous_dialogue(app):
    dialogue = make_dialogue()
    named = _add(dialogue, "Gnesta", "chef", name="Anna Berg")
    assert services.display_name(named) == "Gnesta"


def test_batch_names_for_a_list_take_a_fixed_number_of_queries(app):
    dialogue = make_dialogue()
    people = [_add(dialogue, board, role) for board in ("Gnesta", "Nykvarn")
              for role in ("chef", "socialsekreterare", "socialsekreterare", "politiker")]
    db.session.expire_all()
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        names = services.display_names(dialogue.id)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(names) == len(people)
    assert len(statements) <= 2  # the dialogue and one query for all participants
    assert sorted(set(names.values())) == [
        "Gnesta", "Gnesta · Socialsekreterare", "Nykvarn", "Nykvarn · Socialsekreterare",
    ]
