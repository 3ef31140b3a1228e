"""Odd input to a submission is cleaned or refused with a message, never a server error."""

import pytest
from helpers_participants import join, make_dialogue
from sqlalchemy import func, select

from facilitator.contributions.models import Contribution
from facilitator.extensions import db


def _ask(client, dialogue, text):
    return client.post(f"/m/{dialogue.join_code}/bidrag", data={"kind": "question", "text": text})


def test_a_nul_character_is_dropped_so_any_database_stores_the_question(app):
    dialogue = make_dialogue()
    phone = app.test_client()
    join(phone, dialogue, "Gnesta", "chef")
    assert _ask(phone, dialogue, "Hur\x00 räknar ni dagarna?").status_code == 302
    assert db.session.scalar(select(Contribution.text)) == "Hur räknar ni dagarna?"


@pytest.mark.parametrize("text", ["", "   ", "\x00", "x" * 5000])
def test_empty_or_huge_questions_are_refused_and_nothing_is_stored(app, text):
    dialogue = make_dialogue()
    phone = app.test_client()
    join(phone, dialogue, "Gnesta", "chef")
    response = _ask(phone, dialogue, text)
    assert response.status_code == 400
    assert "fråga" in response.text.lower()
    assert db.session.scalar(select(func.count()).select_from(Contribution)) == 0
