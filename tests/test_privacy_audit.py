"""A personnummer edited out of a question leaves no copy anywhere: not in the question, not
in the audit log (which notes that one was removed, and where), not in any table."""

import uuid

import pytest
from helpers_live import get, new_meeting, ok, refused
from sqlalchemy import select, text

from facilitator.audit import services as audit
from facilitator.audit.models import AuditEntry
from facilitator.contributions.models import Contribution
from facilitator.extensions import db

#: A child's personnummer typed with a wrong check digit: flagged all the same.
NUMBER = "20150312-1234"
ASKED = f"Gäller barnet {NUMBER} som vi pratade om?"
EDITED = "Gäller barnet som vi pratade om?"


@pytest.fixture
def meeting(app, socket_client):
    return new_meeting(app, socket_client)


def _everything_stored() -> str:
    """Every value of every row of every table, as one text."""
    names = db.session.execute(text(
        "SELECT name FROM sqlite_master WHERE type = 'table'")).scalars().all()
    cells = []
    for name in names:
        for row in db.session.execute(text(f'SELECT * FROM "{name}"')):
            cells += [str(value) for value in row]
    return "\n".join(cells)


def _forms(number: str) -> list[str]:
    digits = number.replace("-", "")
    return [number, digits, digits[2:], f"{digits[2:8]}-{digits[8:]}"]


def test_a_personnummer_edited_out_leaves_no_copy_in_the_database(meeting):
    phone = meeting.phone()
    console = meeting.facilitator_socket()
    item = ok(phone.emit("submit", {"client_id": uuid.uuid4().hex, "kind": "question",
                                    "text": ASKED}, callback=True))["item"]
    assert item["flagged"] is True  # a wrong check digit is no reason to let it through
    refused(console.emit("moderate", {"action": "approve", "id": item["id"]}, callback=True),
            "conflict")
    ok(console.emit("moderate", {"action": "edit", "id": item["id"], "text": EDITED},
                    callback=True))
    assert get(Contribution, item["id"]).text == EDITED
    assert get(Contribution, item["id"]).personal_data_flag is False

    stored = _everything_stored()
    assert EDITED in stored  # the search does see the tables' texts
    for form in _forms(NUMBER):
        assert form not in stored, f"{form} is still stored"

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contribution.edit"))
    assert entry.details == {
        "before": "Gäller barnet [personnummer] som vi pratade om?", "after": EDITED,
        "personal_numbers_removed": [{"field": "before", "at": ASKED.index(NUMBER)}],
    }
    page = console.http.get(f"/dialoger/{meeting.dialogue_id}/logg").get_data(as_text=True)
    assert "Personnummer har tagits bort ur loggens kopia av texten." in page
    assert "Gäller barnet [personnummer] som vi pratade om?" in page
    assert NUMBER not in page


def test_no_audit_entry_keeps_a_personal_number_wherever_it_is_in_the_details(app):
    entry = audit.record("reflection.edited", reason="typo",
                         before={"title": "Barnet 811218-9876", "notes": ["ok", "8112189875"]},
                         after={"title": "Barnet"})
    db.session.commit()
    assert entry.details == {
        "reason": "typo",
        "before": {"title": "Barnet [personnummer]", "notes": ["ok", "[personnummer]"]},
        "after": {"title": "Barnet"},
        "personal_numbers_removed": [{"field": "before.title", "at": 7},
                                     {"field": "before.notes[1]", "at": 0}],
    }
