"""The facilitator's console, the audit log page and the projector page (server side)."""

import json
import re

import factories as make
import pytest
from helpers_live import events, new_meeting, ok

from facilitator.core import uow
from facilitator.dialogues.models import DialogueStatus


@pytest.fixture
def meeting(app, socket_client):
    return new_meeting(app, socket_client)


def test_console_is_for_the_dialogues_facilitators_only(meeting, client):
    url = f"/dialoger/{meeting.dialogue_id}/mote"
    assert client.get(url).status_code in (302, 401)
    page = meeting.login("fac@ivo.se").get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Led mötet" in html and 'id="c-pending"' in html
    assert f'data-dialogue="{meeting.dialogue_id}"' in html
    assert "js/console.js" in html and 'id="live-labels"' in html
    # The labels for the script: the personal data flag text is there, in Swedish.
    labels = json.loads(re.search(r'id="live-labels">(.*?)</script>', html, re.S).group(1))
    assert labels["text"]["flag"] == "Kan innehålla personnummer – redigera innan godkännande"
    assert labels["roles"]["socialsekreterare"] == "Socialsekreterare"
    assert f'/dialoger/{meeting.dialogue_id}/logg' in html
    assert meeting.login("annan@ivo.se").get(url).status_code == 403


def test_detail_page_links_to_the_console_when_published_or_live(meeting):
    http = meeting.login("fac@ivo.se")
    detail = f"/dialoger/{meeting.dialogue_id}"
    console = f"/dialoger/{meeting.dialogue_id}/mote"
    assert console in http.get(detail).get_data(as_text=True)
    meeting.go_live()
    assert console in http.get(detail).get_data(as_text=True)
    make.step(meeting.admin, meeting.dialogue_id, DialogueStatus.CLOSED)  # minutes drafted
    uow.commit()  # the status page commits
    assert console not in http.get(detail).get_data(as_text=True)


def test_projector_link_is_shown_once_and_the_old_one_stops_working(meeting, client):
    http = meeting.login("fac@ivo.se")
    response = http.post(f"/dialoger/{meeting.dialogue_id}/projektorlank")
    assert response.status_code == 302
    first = re.search(r"projektor=([^&]+)", response.headers["Location"]).group(1)
    page = http.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="projector-url"' in page and "Kopiera länken" in page
    assert "den gamla länken slutar fungera" in page
    # The console without the parameter does not show a link.
    assert 'id="projector-url"' not in http.get(
        f"/dialoger/{meeting.dialogue_id}/mote").get_data(as_text=True)

    from urllib.parse import unquote

    first_path = "/" + unquote(first).split("/", 3)[3]
    projector = client.get(first_path)
    assert projector.status_code == 200
    html = projector.get_data(as_text=True)
    assert meeting.dialogue.join_code in html
    assert "<svg" in html and 'role="img"' in html
    assert f"/m/{meeting.dialogue.join_code}" in html
    assert "js/projector.js" in html

    again = http.post(f"/dialoger/{meeting.dialogue_id}/projektorlank")
    assert again.status_code == 302
    gone = client.get(first_path)
    assert gone.status_code == 404
    assert "Projektorlänken gäller inte" in gone.get_data(as_text=True)
    assert client.get("/projektor/fel-token").status_code == 404


def test_other_facilitators_cannot_make_a_projector_link(meeting):
    http = meeting.login("annan@ivo.se")
    assert http.post(f"/dialoger/{meeting.dialogue_id}/projektorlank").status_code == 403


def test_audit_log_lists_who_what_when_and_the_edit(meeting):
    make.update_dialogue(meeting.admin, meeting.dialogue_id, premoderation=True)
    uow.commit()  # the edit page commits
    meeting.go_live()
    phone = meeting.phone()
    fac = meeting.facilitator_socket()
    item = ok(phone.emit("submit", {"client_id": "c-audit-1", "kind": "question",
                                    "text": "Hur gör ni med förhandsbedömningar?"},
                         callback=True))["item"]
    ok(fac.emit("moderate", {"action": "edit", "id": item["id"],
                             "text": "Hur gör ni med förhandsbedömningarna?"}, callback=True))
    ok(fac.emit("moderate", {"action": "approve", "id": item["id"]}, callback=True))
    ok(fac.emit("agenda", {"action": "next"}, callback=True))

    url = f"/dialoger/{meeting.dialogue_id}/logg"
    page = fac.http.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Händelselogg" in html
    assert "Ett inläggs text rättades" in html
    assert "Ett inlägg godkändes" in html
    assert "Nästa punkt på dagordningen" in html and "Punkt 1" in html
    assert "Dialogen publicerades" in html and "Från Utkast till Publicerad" in html
    assert "Hur gör ni med förhandsbedömningar?" in html  # before
    assert "Hur gör ni med förhandsbedömningarna?" in html  # after
    assert "Fia Facilitator" in html and "Ada Admin" in html
    assert '<th scope="col">' in html
    # Newest first.
    assert html.index("Nästa punkt på dagordningen") < html.index("Ett inlägg godkändes")
    assert meeting.login("annan@ivo.se").get(url).status_code == 403


def test_audit_times_are_in_stockholm_time(meeting):
    from datetime import datetime

    from sqlalchemy import select

    from facilitator.accounts.models import User
    from facilitator.audit.models import AuditEntry
    from facilitator.extensions import db

    make.intake(db.session.get(User, meeting.facilitator_id), meeting.dialogue_id, False)
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.dialogue_id == meeting.dialogue_id, AuditEntry.action == "intake.close"))
    # A time in winter (no service stamps any but the present): 08:05 UTC is 09:05 in
    # Stockholm whenever the test runs.
    make.backdate(entry, created_at=datetime(2030, 1, 15, 8, 5))
    uow.commit()  # the factory's one commit
    html = meeting.login("fac@ivo.se").get(
        f"/dialoger/{meeting.dialogue_id}/logg").get_data(as_text=True)
    assert "Stängde för nya inlägg" in html
    assert "09:05" in html  # 08:05 UTC is 09:05 in Stockholm in January


def test_pinning_a_second_item_lets_the_first_go_for_everyone(meeting):
    meeting.go_live()
    phone = meeting.phone()
    fac = meeting.facilitator_socket()
    projector = meeting.projector_socket()
    a = ok(phone.emit("submit", {"client_id": "c-pin-a", "kind": "question", "text": "Fråga A"},
                      callback=True))["item"]
    b = ok(phone.emit("submit", {"client_id": "c-pin-b", "kind": "question", "text": "Fråga B"},
                      callback=True))["item"]
    ok(fac.emit("moderate", {"action": "pin", "id": a["id"]}, callback=True))
    projector.get_received()
    ok(fac.emit("moderate", {"action": "pin", "id": b["id"]}, callback=True))
    changes = [m["data"] for m in events(projector, "change") if m["type"] == "contribution"]
    state = {c["id"]: c["pinned"] for c in changes}
    assert state == {a["id"]: False, b["id"]: True}
