"""The participant's phone during the meeting, in a real browser against the real server."""

import os
import re
import uuid

import pytest
import requests
import socketio
from conftest import assert_accessible
from helpers_dialogues import make_dialogue, make_item, make_org, make_reflection
from playwright.sync_api import expect
from sqlalchemy import func, select

from facilitator import create_app
from facilitator.accounts.models import User
from facilitator.contributions.models import Contribution
from facilitator.dialogues import services as dialogue_services
from facilitator.extensions import db

SHOTS = "/tmp/shots"


@pytest.fixture(scope="module")
def meeting(live_server):
    """A published dialogue in the live server's database: one board, two reflections,
    two agenda items (each tied to one reflection)."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": live_server.database_url,
                                 "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == live_server.email))
        suffix = uuid.uuid4().hex[:6]
        org = make_org(user, name=f"Socialnämnden i Gnesta {suffix}", short_name=f"Gnesta{suffix}")
        dialogue = make_dialogue(user, title="Återföringsdialog Gnesta",
                                 organization_ids=[str(org.id)], premoderation=True)
        late = make_reflection(user, dialogue, title="Förhandsbedömningar dröjer")
        heard = make_reflection(user, dialogue, kind="positive", title="Barnen kommer till tals",
                                evidence="8 av 10 granskade utredningar",
                                body_md="Barnen hördes i **de flesta** utredningarna.")
        first = make_item(user, dialogue, title="Positiva iakttagelser", minutes=20,
                          description="IVO börjar med det som fungerar.",
                          reflection_ids=[str(heard.id)])
        second = make_item(user, dialogue, title="Förhandsbedömningarna", minutes=30,
                           reflection_ids=[str(late.id)])
        dialogue_services.transition(user, dialogue.id, "published")
        db.session.commit()  # the entry point commits
        info = {"id": dialogue.id, "code": dialogue.join_code, "board": org.short_name,
                "items": [first.title, second.title], "late": late.id, "heard": heard.id}

    def count(text: str) -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(Contribution)
                                     .where(Contribution.text == text))

    def contribution_id(text: str) -> int:
        with app.app_context():
            return db.session.scalar(select(Contribution.id).where(Contribution.text == text))

    def close():
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == live_server.email))
            dialogue_services.transition(user, info["id"], "closed")
            db.session.commit()  # the entry point commits

    info.update(count=count, contribution_id=contribution_id, close=close)
    return info


def facilitator_socket(live_server, dialogue_id: int) -> socketio.Client:
    """A facilitator's socket: log in with requests (CSRF on), then connect with its cookies."""
    http = requests.Session()
    form = http.get(f"{live_server.url}/logga-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form) or \
        re.search(r'name="csrf_token" value="([^"]+)"', form)
    http.post(f"{live_server.url}/logga-in", data={
        "email": live_server.email, "password": live_server.password,
        "csrf_token": token.group(1)}, allow_redirects=False)
    sio = socketio.Client(http_session=http)
    sio.connect(live_server.url, auth={"dialogue": dialogue_id, "as": "facilitator"},
                transports=["websocket"], wait_timeout=10)
    return sio


def call(sio, event, payload):
    ack = sio.call(event, payload, timeout=10)
    assert ack["ok"], ack
    return ack


def join(page, live_server, meeting):
    page.goto(f"{live_server.url}/m/{meeting['code']}")
    page.get_by_label("Nämnd").select_option(label=meeting["board"])
    page.get_by_label("Socialsekreterare").check()
    page.get_by_role("button", name="Gå med").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/m/{meeting['code']}/mote")
    expect(page.locator("#phone-status")).to_have_attribute("data-state", "connected")


def test_phone_follows_the_meeting_and_keeps_what_is_typed(live_server, meeting, phone, browser):
    os.makedirs(SHOTS, exist_ok=True)
    join(phone, live_server, meeting)
    now = phone.locator("#phone-now")
    expect(now).to_contain_text("Mötet har inte börjat än")

    fac = facilitator_socket(live_server, meeting["id"])
    try:
        # The facilitator starts the meeting: the first item appears without a reload.
        call(fac, "agenda", {"action": "start"})
        expect(now.get_by_role("heading", name=meeting["items"][0])).to_be_visible()
        expect(now).to_contain_text("Barnen kommer till tals")
        expect(now).to_contain_text("8 av 10 granskade utredningar")
        expect(now).to_contain_text("Positiv iakttagelse")
        expect(phone.locator("#phone-status")).to_contain_text("Ansluten")

        # A question is sent; with pre-moderation it is shown to its author as pending.
        question = "Hur ska vi klara 14 dagar när anmälningarna ökar?"
        phone.get_by_label("Din fråga").fill(question)
        phone.get_by_role("button", name="Skicka fråga").click()
        expect(phone.locator("#question-status")).to_contain_text("väntar på granskning")
        mine = phone.locator("#phone-questions li", has_text=question)
        expect(mine).to_contain_text("Väntar på granskning")
        expect(phone.get_by_label("Din fråga")).to_have_value("")

        # A second phone sees it only once a facilitator approved it.
        other_context = browser.new_context(viewport={"width": 390, "height": 844},
                                            locale="sv-SE", is_mobile=True, has_touch=True)
        other = other_context.new_page()
        try:
            join(other, live_server, meeting)
            expect(other.locator("#phone-now")).to_contain_text(meeting["items"][0])
            expect(other.locator("#phone-questions")).not_to_contain_text(question)
            call(fac, "moderate", {"action": "approve", "id": meeting["contribution_id"](question)})
            theirs = other.locator("#phone-questions li", has_text=question)
            expect(theirs).to_be_visible()
            expect(theirs).not_to_contain_text("Väntar på granskning")
            expect(other.locator("#phone-announcer")).to_contain_text("Ny fråga")
            expect(mine).not_to_contain_text("Väntar på granskning")

            # The vote button: pressed, the count goes up, here and on the other phone
            # (where the asker sees the support without a button of their own).
            vote = theirs.get_by_role("button", name=re.compile("Stöd frågan"))
            my_count = mine.locator(".own-votes")
            expect(mine.get_by_role("button", name=re.compile("Stöd frågan"))).to_have_count(0)
            expect(vote).to_have_attribute("aria-pressed", "false")
            expect(vote).to_contain_text("0")
            vote.click()
            expect(vote).to_have_attribute("aria-pressed", "true")
            expect(vote).to_contain_text("1 röst")
            expect(my_count).to_have_text("1 röst från de andra")
            vote.click()  # taken back
            expect(vote).to_have_attribute("aria-pressed", "false")
            expect(my_count).to_have_text("0 röster från de andra")
            vote.click()
            expect(my_count).to_have_text("1 röst från de andra")
        finally:
            other_context.close()

        # Typed but not sent: an agenda change does not touch it, and a reload keeps it.
        draft = "Vi vill berätta om vår jourverksamhet"
        phone.get_by_text("Dela ett gott exempel").click()
        phone.get_by_label("Beskriv ert goda exempel").fill(draft)
        call(fac, "agenda", {"action": "next"})
        expect(now.get_by_role("heading", name=meeting["items"][1])).to_be_visible()
        expect(now).to_contain_text("Förhandsbedömningar dröjer")
        expect(phone.locator("#phone-announcer")).to_contain_text(meeting["items"][1])
        expect(phone.get_by_label("Beskriv ert goda exempel")).to_have_value(draft)
        expect(phone.get_by_role("option", name=re.compile("Den aktuella punkten: " +
                                                           meeting["items"][1]))).to_be_attached()
        phone.reload()
        expect(phone.locator("#phone-status")).to_have_attribute("data-state", "connected")
        expect(phone.get_by_label("Beskriv ert goda exempel")).to_have_value(draft)

        expect(now.get_by_role("heading", name=meeting["items"][1])).to_be_visible()
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.screenshot(path=f"{SHOTS}/phone-390.png", full_page=True)
        phone.set_viewport_size({"width": 320, "height": 640})
        phone.screenshot(path=f"{SHOTS}/phone-320.png", full_page=True)
        phone.screenshot(path=f"{SHOTS}/phone-320-top.png")
        assert_accessible(phone)

        # Offline: the submission waits, the text stays; back online it arrives exactly once.
        offline_text = "Hur följer IVO upp det vi kommer överens om i dag?"
        phone.context.set_offline(True)
        expect(phone.locator("#phone-status")).to_contain_text("Återansluter")
        phone.get_by_label("Din fråga").fill(offline_text)
        phone.get_by_role("button", name="Skicka fråga").click()
        expect(phone.locator("#question-status")).to_contain_text("Inte skickat än")
        expect(phone.locator("#phone-outbox")).to_contain_text("1 inlägg väntar")
        expect(phone.get_by_label("Din fråga")).to_have_value(offline_text)
        phone.screenshot(path=f"{SHOTS}/phone-320-offline.png")
        phone.evaluate("window.scrollTo(0, 0)")
        phone.screenshot(path=f"{SHOTS}/phone-320-offline-top.png")
        assert meeting["count"](offline_text) == 0
        phone.context.set_offline(False)
        expect(phone.locator("#phone-status")).to_have_attribute("data-state", "connected",
                                                                 timeout=20000)
        expect(phone.locator("#question-status")).to_contain_text("Skickat", timeout=15000)
        expect(phone.get_by_label("Din fråga")).to_have_value("")
        expect(phone.locator("#phone-outbox")).to_have_text("")
        expect(phone.locator("#phone-questions li", has_text=offline_text)).to_contain_text(
            "Väntar på granskning")
        phone.reload()
        expect(phone.locator("#phone-status")).to_have_attribute("data-state", "connected")
        expect(phone.locator("#phone-questions li", has_text=offline_text)).to_have_count(1)
        assert meeting["count"](offline_text) == 1
        assert meeting["count"](question) == 1
    finally:
        fac.disconnect()


def test_phone_poll_and_closed_intake(live_server, meeting, phone):
    """A stance poll: four choices as a radio group, the chosen one shown, results as
    numbers; closed intake disables sending and keeps the text."""
    os.makedirs(SHOTS, exist_ok=True)
    join(phone, live_server, meeting)
    fac = facilitator_socket(live_server, meeting["id"])
    try:
        call(fac, "agenda", {"action": "start"})
        call(fac, "poll", {"action": "open", "reflection_id": meeting["late"],
                           "results_live": True})
        poll = phone.locator("#phone-poll")
        expect(poll).to_be_visible()
        expect(poll).to_contain_text("Förhandsbedömningar dröjer")
        choices = poll.get_by_role("radio")
        expect(choices).to_have_count(4)
        poll.get_by_role("radio", name="Delvis").check()
        expect(poll.locator("#poll-chosen")).to_have_text("Ditt svar: Delvis")
        expect(poll.locator("#poll-results")).to_contain_text("Resultat, 1 svar")
        expect(poll.locator("#poll-results")).to_contain_text("1 (100 %)")
        phone.screenshot(path=f"{SHOTS}/phone-poll.png", full_page=True)
        assert_accessible(phone)
        call(fac, "poll", {"action": "close"})
        expect(poll).to_be_hidden()
        expect(phone.locator("#phone-poll-done")).to_contain_text("är stängd. Ditt svar: Delvis")
        expect(phone.get_by_role("radio")).to_have_count(0)

        call(fac, "intake", {"open": False})
        expect(phone.locator("#intake-closed")).to_be_visible()
        phone.get_by_label("Din fråga").fill("En fråga till senare")
        expect(phone.get_by_role("button", name="Skicka fråga")).to_be_disabled()
        call(fac, "intake", {"open": True})
        expect(phone.get_by_role("button", name="Skicka fråga")).to_be_enabled()
        expect(phone.get_by_label("Din fråga")).to_have_value("En fråga till senare")

        # A personnummer: warned while typing, and the first press does not send.
        risky = "Gäller barnet med nummer 121212-1212, hur gör vi?"
        phone.get_by_label("Din fråga").fill(risky)
        expect(phone.locator("#question-text-pnr")).to_contain_text("personnummer")
        phone.get_by_role("button", name="Skicka fråga").click()
        expect(phone.locator("#question-text-pnr")).to_contain_text("tryck på knappen igen")
        assert meeting["count"](risky) == 0

        # The sort order is remembered for the visit.
        phone.get_by_role("button", name="Nyast").click()
        phone.reload()
        expect(phone.get_by_role("button", name="Nyast")).to_have_attribute("aria-pressed", "true")

        # Refused by the server (too many at once): the message is shown, the text stays.
        for n in range(5):
            phone.get_by_label("Din fråga").fill(f"Fråga nummer {n}")
            phone.get_by_role("button", name="Skicka fråga").click()
            expect(phone.get_by_label("Din fråga")).to_have_value("")
        phone.get_by_label("Din fråga").fill("En fråga för mycket")
        phone.get_by_role("button", name="Skicka fråga").click()
        expect(phone.locator("#question-text-error")).to_contain_text("Vänta en minut")
        expect(phone.get_by_label("Din fråga")).to_have_value("En fråga för mycket")
        expect(phone.get_by_role("button", name="Skicka fråga")).to_be_enabled()
        assert meeting["count"]("En fråga för mycket") == 0

        # The dialogue is closed: after the next snapshot (here: a reconnect) a calm message.
        meeting["close"]()
        phone.context.set_offline(True)
        expect(phone.locator("#phone-status")).to_contain_text("Återansluter")
        phone.context.set_offline(False)
        expect(phone.locator("#phone-closed")).to_be_visible(timeout=20000)
        expect(phone.locator("#phone-closed")).to_contain_text("Mötet är avslutat")
        expect(phone.locator("#stall-fraga")).to_be_hidden()
        assert_accessible(phone)
    finally:
        fac.disconnect()
